#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVector>
#include <utility>

namespace isc {

/// The two wire formats of a Prometheus scrape.
enum class ScrapeFormat {
    Text004,       ///< text/plain; version=0.0.4
    OpenMetrics100 ///< application/openmetrics-text; version=1.0.0, ends with "# EOF"
};

/// The format a scraper's Accept header asks for: OpenMetrics 1.0 when it names
/// application/openmetrics-text (version 1.0.0 or none) with a q at least text/plain's, else text.
ScrapeFormat negotiateScrapeFormat(const QByteArray& accept);
/// The Content-Type header value of `format`, charset included.
QByteArray scrapeContentType(ScrapeFormat format);

/// One sample of a family: its labels (name, unescaped value) and value.
struct MetricSample
{
    QList<std::pair<QString, QString>> labels;
    double value = 0;
};

/// One metric family, as Prometheus names it: `name` is the sample name (counters end in
/// "_total"), `type` "counter" or "gauge", `unit` a suffix of the name ("seconds") or empty.
struct MetricFamily
{
    QString name;
    QString type;
    QString help;
    QString unit;
    QVector<MetricSample> samples;
};

/// Writes a Prometheus exposition line by line: "# HELP", "# TYPE" (and "# UNIT" in
/// OpenMetrics), then the samples; floats as Python's prometheus_client prints them ("3.0"),
/// which both formats accept. The emulator's local servers and `collect --listen` share it.
class PrometheusExposition
{
public:
    using Labels = QList<std::pair<QString, QString>>;

    explicit PrometheusExposition(ScrapeFormat format = ScrapeFormat::Text004);

    /// Starts a family: its # HELP and # TYPE lines (OpenMetrics: # UNIT too, and a counter's
    /// metadata without the "_total" of its samples). `unit` must end `name` or be empty.
    void family(const QString& name, const QString& type, const QString& help,
                const QString& unit = {});
    /// One sample line; label values are escaped.
    void sample(const QString& name, const Labels& labels, double value);
    /// The exposition so far; in OpenMetrics it ends with "# EOF".
    QByteArray text() const;

    /// Renders whole families in `format`.
    static QByteArray render(const QVector<MetricFamily>& families, ScrapeFormat format);

    /// A value as Python's repr() prints a float: "3.0", "0.25", "1.7e+09" style is not used
    /// below 1e16, "NaN", "+Inf", "-Inf".
    static QByteArray formatValue(double value);
    /// Escapes a label value: backslash, double quote and newline.
    static QByteArray escapeLabelValue(const QString& value);

private:
    ScrapeFormat m_format;
    QByteArray m_text;
};

} // namespace isc
