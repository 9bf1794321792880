#include "prometheusexposition.h"

#include <QLocale>
#include <cmath>

namespace isc::emu {

void PrometheusExposition::family(const QString& name, const QString& type, const QString& help)
{
    QString h = help;
    h.replace(QLatin1String("\\"), QLatin1String("\\\\"))
        .replace(QLatin1Char('\n'), QLatin1String("\\n"));
    m_text += "# HELP " + name.toUtf8() + ' ' + h.toUtf8() + '\n';
    m_text += "# TYPE " + name.toUtf8() + ' ' + type.toUtf8() + '\n';
}

void PrometheusExposition::sample(const QString& name, const Labels& labels, double value)
{
    m_text += name.toUtf8();
    if (!labels.isEmpty()) {
        m_text += '{';
        bool first = true;
        for (const auto& [k, v] : labels) {
            if (!first)
                m_text += ',';
            first = false;
            m_text += k.toUtf8() + "=\"" + escapeLabelValue(v) + '"';
        }
        m_text += '}';
    }
    m_text += ' ' + formatValue(value) + '\n';
}

QByteArray PrometheusExposition::formatValue(double value)
{
    if (std::isnan(value))
        return QByteArrayLiteral("NaN");
    if (std::isinf(value))
        return value > 0 ? QByteArrayLiteral("+Inf") : QByteArrayLiteral("-Inf");
    if (value == std::floor(value) && std::abs(value) < 1e16)
        return QByteArray::number(value, 'f', 1);
    return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
}

QByteArray PrometheusExposition::escapeLabelValue(const QString& value)
{
    QByteArray out;
    for (const char c : value.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '"')
            out += "\\\"";
        else if (c == '\n')
            out += "\\n";
        else
            out += c;
    }
    return out;
}

} // namespace isc::emu
