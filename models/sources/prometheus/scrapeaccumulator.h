#pragma once

#include "core/sample.h"
#include "localservermetrics.h"

#include <QHash>
#include <QString>
#include <QStringList>
#include <optional>

namespace isc::prometheus {

/// Turns successive scrapes into per-minute samples. Counter increases between two scrapes
/// (resets handled per series) are spread over the minutes they span; histogram bucket
/// increases are summed per minute and become p50/p95/p99 through histogramQuantile(); gauges
/// are averaged over the scrapes of each minute. Keeps the previous scrape in memory only.
///
/// The latency histograms (bucketMetrics()) are also stored bucket by bucket, for heatmaps and
/// percentiles over any step: metric "<metric>Bucket" (e.g. "TtftMsBucket"), aggregation
/// "total", the series' labels plus `le` (the upper bound in ms, "+Inf" for the last), the
/// value the minute's cumulative count (observations <= le). Totals are what rollups sum, so
/// the counts stay exact at every resolution; a minute without observations stores nothing.
class ScrapeAccumulator
{
public:
    /// Scrapes further apart than this start afresh (the increase cannot be placed in time).
    static constexpr qint64 maxGapMs = 10 * 60 * 1000;
    /// A histogram with more buckets than this (+Inf included) keeps its percentiles only:
    /// the bucket series of one model stay bounded.
    static constexpr int maxStoredBuckets = 40;

    /// The normalised histograms stored bucket by bucket: TtftMs, InterTokenLatencyMs and
    /// E2eLatencyMs.
    static const QStringList& bucketMetrics();
    /// "TtftMs" -> "TtftMsBucket".
    static QString bucketMetric(const QString& metric);
    /// The `le` label of an upper bound in ms: "250", "2.5", "+Inf".
    static QString leLabel(double upperBoundMs);

    /// Adds `scrape` and returns, for connection `source`, every minute it touched with all
    /// that minute has accumulated so far (the store upserts, so re-sent minutes replace).
    PollBatch add(const LocalScrape& scrape, const QString& source);

    /// Forgets the previous scrape and all partial minutes.
    void clear();

    /// True once a scrape is kept as the baseline for the next increase.
    bool hasBaseline() const { return m_previous.has_value(); }

    /// One stored series' minute: the metric, its stored labels (canonical), the minute.
    struct Cell
    {
        QString metric;
        QString labels;
        qint64 minute = 0; ///< s UTC
        bool operator==(const Cell& o) const
        {
            return minute == o.minute && metric == o.metric && labels == o.labels;
        }
    };

private:
    struct HistogramMinute
    {
        double scale = 1;
        QVector<HistogramBucket> buckets; ///< summed increases, cumulative by bound
    };
    std::optional<LocalScrape> m_previous;
    QHash<Cell, double> m_counters;               ///< increase
    QHash<Cell, HistogramMinute> m_histograms;    ///< bucket increases
    QHash<Cell, std::pair<double, int>> m_gauges; ///< (sum, scrapes)
    QHash<QString, QString> m_units;              ///< metric -> unit given by the scrape
};

inline size_t qHash(const ScrapeAccumulator::Cell& c, size_t seed = 0)
{
    return qHashMulti(seed, c.metric, c.labels, c.minute);
}

} // namespace isc::prometheus
