#pragma once

#include "core/labels.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QVector>

namespace isc::prometheus {

/// One sample line of an exposition: `name{labels} value [timestamp]`. Pure data.
struct PromSample
{
    QString name;        ///< the sample's own name, e.g. "vllm:e2e_request_latency_seconds_bucket"
    QList<Label> labels; ///< in the order given, values unescaped
    double value = 0;    ///< may be NaN or +/-Inf
    bool hasTimestamp = false;
    qint64 timestampMs = 0; ///< ms UTC (OpenMetrics' seconds are converted)

    /// The value of label `key` (exact match), or a null QString when absent.
    QString label(const QString& key) const;
};

/// A metric family: the samples sharing one `# TYPE` (histogram buckets, _sum, _count, ...).
struct PromFamily
{
    QString name; ///< as declared by # TYPE, or the sample name when untyped
    QString type = QStringLiteral("untyped"); ///< counter, gauge, histogram, summary, untyped, ...
    QString help;
    QString unit; ///< OpenMetrics # UNIT
    QVector<PromSample> samples;
};

/// Which exposition format a body is in.
enum class ExpositionFormat { Auto, Text, OpenMetrics };

/// What one scrape may hold: past these the parse fails in words instead of spending minutes
/// of CPU and hundreds of MB on a pathological exposition.
struct ParseLimits
{
    qsizetype maxSamples = 50000;             ///< sample lines per scrape
    int maxLabels = 64;                       ///< labels per sample
    qsizetype maxLineBytes = 1024 * 1024;     ///< one line (a # HELP text included)
    qsizetype maxBodyBytes = 8 * 1024 * 1024; ///< the whole body
};

/// The outcome of parsing one scrape. Pure data.
struct ExpositionParseResult
{
    bool ok = false;
    QString error; ///< in words when !ok, with the line number
    bool openMetrics = false;
    QVector<PromFamily> families; ///< in order of first appearance

    /// The family named `name`, or nullptr.
    const PromFamily* family(const QString& name) const;
    /// Number of samples over all families.
    qsizetype sampleCount() const;
};

/// Parses a Prometheus text exposition (0.0.4) or OpenMetrics 1.0 body. Auto picks
/// OpenMetrics when the body has a `# EOF` line. Label escapes (\\, \", \n), NaN/+Inf/-Inf
/// values, timestamps and OpenMetrics exemplars are handled; samples are attached to their
/// family by the suffixes its type allows (_bucket, _sum, _count, _created, _total, ...).
/// A body past `limits`, or one that is binary (e.g. gzip that was never decompressed), fails
/// in words and keeps no family.
ExpositionParseResult parseExposition(const QByteArray& body,
                                      ExpositionFormat format = ExpositionFormat::Auto,
                                      const ParseLimits& limits = ParseLimits());

/// Parses a sample value ("1.5e3", "NaN", "+Inf", "-Inf"); a number beyond the double range
/// is +/-Inf (as Go's ParseFloat gives Prometheus); false when malformed.
bool parseSampleValue(const QByteArray& text, double* value);

} // namespace isc::prometheus
