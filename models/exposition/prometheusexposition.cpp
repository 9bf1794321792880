#include "prometheusexposition.h"

#include <QLocale>
#include <algorithm>
#include <cmath>

namespace isc {
namespace {

// Backslash and newline are escaped everywhere; the double quote in label values, and in
// OpenMetrics' HELP text too.
QByteArray escaped(const QString& text, bool quote)
{
    QByteArray out;
    for (const char c : text.toUtf8()) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '"' && quote)
            out += "\\\"";
        else
            out += c;
    }
    return out;
}

} // namespace

ScrapeFormat negotiateScrapeFormat(const QByteArray& accept)
{
    double openMetricsQ = -1, textQ = -1;
    for (const QByteArray& range : accept.split(',')) {
        const QList<QByteArray> parts = range.split(';');
        const QByteArray type = parts.value(0).trimmed().toLower();
        double q = 1;
        QByteArray version;
        for (qsizetype i = 1; i < parts.size(); ++i) {
            const QByteArray p = parts.at(i).trimmed();
            const qsizetype eq = p.indexOf('=');
            const QByteArray key = p.left(eq).trimmed().toLower();
            const QByteArray value = eq < 0 ? QByteArray() : p.mid(eq + 1).trimmed();
            if (key == "q") {
                bool ok = false;
                q = value.toDouble(&ok);
                if (!ok || q < 0 || q > 1)
                    q = 0;
            } else if (key == "version") {
                version = value;
            }
        }
        // We write OpenMetrics 1.0.0 only: a scraper asking for 0.0.1 alone gets text.
        if (type == "application/openmetrics-text" && (version.isEmpty() || version == "1.0.0"))
            openMetricsQ = std::max(openMetricsQ, q);
        else if (type == "text/plain" || type == "text/*" || type == "*/*")
            textQ = std::max(textQ, q);
    }
    return openMetricsQ > 0 && openMetricsQ >= textQ ? ScrapeFormat::OpenMetrics100
                                                     : ScrapeFormat::Text004;
}

QByteArray scrapeContentType(ScrapeFormat format)
{
    return format == ScrapeFormat::OpenMetrics100
               ? QByteArrayLiteral("application/openmetrics-text; version=1.0.0; charset=utf-8")
               : QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8");
}

PrometheusExposition::PrometheusExposition(ScrapeFormat format) : m_format(format) {}

void PrometheusExposition::family(const QString& name, const QString& type, const QString& help,
                                  const QString& unit)
{
    QByteArray meta = name.toUtf8();
    const bool openMetrics = m_format == ScrapeFormat::OpenMetrics100;
    // OpenMetrics names the family, whose counter samples carry "_total".
    if (openMetrics && type == QLatin1String("counter") && meta.endsWith("_total"))
        meta.chop(6);
    m_text +=
        "# HELP " + meta + ' ' + escaped(help, m_format == ScrapeFormat::OpenMetrics100) + '\n';
    m_text += "# TYPE " + meta + ' ' + type.toUtf8() + '\n';
    if (openMetrics && !unit.isEmpty() && meta.endsWith('_' + unit.toUtf8()))
        m_text += "# UNIT " + meta + ' ' + unit.toUtf8() + '\n';
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

QByteArray PrometheusExposition::text() const
{
    return m_format == ScrapeFormat::OpenMetrics100 ? m_text + "# EOF\n" : m_text;
}

QByteArray PrometheusExposition::render(const QVector<MetricFamily>& families, ScrapeFormat format)
{
    PrometheusExposition e(format);
    for (const MetricFamily& f : families) {
        e.family(f.name, f.type, f.help, f.unit);
        for (const MetricSample& s : f.samples)
            e.sample(f.name, s.labels, s.value);
    }
    return e.text();
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
    return escaped(value, true);
}

} // namespace isc
