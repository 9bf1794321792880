#pragma once

#include "core/sample.h"
#include "core/timerange.h"
#include "core/workspace.h"
#include "store/runrecord.h"

#include <QString>
#include <QVector>

namespace isc {

class JobToken;
class StoreBackend;

/// The four latency figures of the Latency page.
enum class LatencyMetric { Ttft, Tbt, Ttlt, TokensPerSecond };

/// One deployment's (or local model's) readings of one metric over one period, per step.
struct LatencyReading
{
    QString source;     ///< connection id
    QString deployment; ///< ModelDeploymentName (a local server: its model)
    LatencyMetric metric = LatencyMetric::Ttft;
    bool previous = false; ///< of the period before the range (for the change)
    /// Histogram bucket counts (local servers): upper bounds in ms, ascending (+Inf last), and
    /// per step its start (s UTC) and the cumulative count of each bound.
    QVector<double> bounds;
    QVector<std::pair<qint64, QVector<double>>> buckets;
    /// Stored per-minute percentiles, each step the mean of its minutes (when no buckets).
    QVector<Sample> p50, p95, p99;
    /// Azure Monitor's figures: each step's mean of the minutes' averages, its largest maximum.
    QVector<Sample> average, maximum;

    bool hasDistribution() const { return !buckets.isEmpty(); }
    bool hasPercentiles() const { return !p95.isEmpty(); }
    bool hasAverage() const { return !average.isEmpty(); }
};

/// What the Latency page reads from the store (LatencyData::read on the store's thread).
struct LatencyData
{
    TimeRange range;
    TimeRange previousRange; ///< as long as range, just before it
    qint64 step = 60;        ///< s per point and per heatmap column
    QVector<LatencyReading> readings;
    QVector<StoredRun> runs; ///< playground runs started in either period (also as readings)
    QString error;           ///< in words when a read failed

    /// The reading, or null.
    const LatencyReading* find(const QString& source, const QString& deployment,
                               LatencyMetric metric, bool previous = false) const;

    /// The step (a niceStep) for a range: at most ~180 points or heatmap columns.
    static qint64 stepFor(const TimeRange& range);
    /// Playground runs as readings of the connection "playground", one per target: each
    /// successful run counted per step in fixed TTFT and TTLT buckets (ms), like a histogram.
    static QVector<LatencyReading> runReadings(const QVector<StoredRun>& runs, TimeRange range,
                                               TimeRange previousRange, qint64 step);
    /// The connection id of playground runs' readings.
    static QString playgroundSource() { return QStringLiteral("playground"); }

    /// Reads `range` and the period before it at stepFor(range). Checks `token` between
    /// queries; `now` (s UTC) plans the resolutions (0: the wall clock).
    static LatencyData read(StoreBackend& db, const TimeRange& range, qint64 now,
                            const JobToken& token);
};

/// The stored metric read for `metric`: local servers' ("TtftMs", …; none for tokens/s, which
/// comes from time between tokens) and Azure's ("AzureOpenAINormalizedTTFTInMS", …).
QString localLatencyMetric(LatencyMetric metric);
QString azureLatencyMetric(LatencyMetric metric);

} // namespace isc
