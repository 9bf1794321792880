#pragma once

#include "core/sample.h"

#include <QHash>
#include <QString>
#include <QVector>

namespace isc {

/// Normalised metric names of the cloud usage and cost sources (OpenAI, Anthropic), shared
/// with local servers so cost, routing and overview treat every provider alike.
namespace usagemetric {
inline const QString requests = QStringLiteral("Requests");
inline const QString inputUncached = QStringLiteral("InputTokensUncached");
inline const QString inputCached = QStringLiteral("InputTokensCached");
inline const QString cacheWrite5m = QStringLiteral("CacheWrite5mTokens");
inline const QString cacheWrite1h = QStringLiteral("CacheWrite1hTokens");
inline const QString output = QStringLiteral("OutputTokens");
inline const QString reportedCost = QStringLiteral("ReportedCost");
inline const QString countUnit = QStringLiteral("Count");
inline const QString microUsdUnit = QStringLiteral("MicroUSD");
} // namespace usagemetric

/// One parsed page of a paged usage or cost report (OpenAI or Anthropic admin API). Pure data.
struct UsagePage
{
    bool ok = false;
    QString error;                 ///< in words when !ok, e.g. "OpenAI: invalid_api_key: ..."
    QString errorType;             ///< the provider's error type/code when the body was an error
    QVector<SeriesSamples> series; ///< one per (metric, labels), aggregation "total"
    int buckets = 0;               ///< time buckets on the page (empty ones included)
    bool hasMore = false;
    QString nextPage; ///< the cursor of the next page, empty when none
};

/// Collects samples into one series per (metric, labels); a sample at a timestamp already
/// present replaces it (a re-read bucket is the newer value).
class SeriesAccumulator
{
public:
    explicit SeriesAccumulator(QString source) : m_source(std::move(source)) {}

    /// Adds `value` at `ts` (s UTC) to the "total" series of `metric` with canonical `labels`.
    void add(const QString& metric, const QString& labels, const QString& unit, qint64 ts,
             double value);
    /// Adds every sample of `series` (same source). A sample of a bucket wider than a minute
    /// (`bucketSeconds`) is the bucket's total: it is spread evenly over the bucket's minutes,
    /// since the store holds per-minute values (a chart's "per minute" average, a range's sum).
    void add(const QVector<SeriesSamples>& series, qint64 bucketSeconds = 60);
    /// The series collected so far, samples sorted by time.
    QVector<SeriesSamples> take();

private:
    QString m_source;
    QVector<SeriesSamples> m_series;
    QHash<SeriesKey, int> m_index;
};

} // namespace isc
