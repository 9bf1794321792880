#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <utility>

namespace isc::emu {

/// Writes a Prometheus text exposition (format 0.0.4) the way Python's prometheus_client does,
/// as vLLM serves it: "# HELP", "# TYPE", then the samples; floats as Python prints them.
class PrometheusExposition
{
public:
    using Labels = QList<std::pair<QString, QString>>;

    /// Starts a family: its # HELP and # TYPE lines.
    void family(const QString& name, const QString& type, const QString& help);
    /// One sample line; label values are escaped.
    void sample(const QString& name, const Labels& labels, double value);
    /// The exposition so far.
    QByteArray text() const { return m_text; }

    /// A value as Python's repr() prints a float: "3.0", "0.25", "1.7e+09" style is not used
    /// below 1e16, "NaN", "+Inf", "-Inf".
    static QByteArray formatValue(double value);
    /// Escapes a label value: backslash, double quote and newline.
    static QByteArray escapeLabelValue(const QString& value);

private:
    QByteArray m_text;
};

} // namespace isc::emu
