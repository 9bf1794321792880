#pragma once

#include "core/sample.h"
#include "localservermetrics.h"

#include <QHash>
#include <QString>
#include <optional>

namespace isc::prometheus {

/// Turns successive scrapes into per-minute samples. Counter increases between two scrapes
/// (resets handled per series) are spread over the minutes they span; histogram bucket
/// increases are summed per minute and become p50/p95/p99 through histogramQuantile(); gauges
/// are averaged over the scrapes of each minute. Keeps the previous scrape in memory only.
class ScrapeAccumulator
{
public:
    /// Scrapes further apart than this start afresh (the increase cannot be placed in time).
    static constexpr qint64 maxGapMs = 10 * 60 * 1000;

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
