#pragma once

#include "core/sample.h"

#include <QString>
#include <QStringList>
#include <QVector>
#include <utility>

namespace isc::azure {

/// Which metrics of one poll (or backfill chunk) failed, and why. All-or-nothing holds per
/// (poll × metric): a metric lands whole or gets its own gap; the good ones land beside it.
/// Only when every metric failed is the whole window a gap of the source.
class MetricTally
{
public:
    /// `planned`: the metrics the window asks for, in plan order.
    explicit MetricTally(QStringList planned = {});

    /// `metric` has no values this window, for `reason` (in words, the provider's code kept).
    void fail(const QString& metric, const QString& reason);
    /// Every metric of one call failed for the same `reason`.
    void fail(const QStringList& metrics, const QString& reason);

    int plannedCount() const { return int(m_planned.size()); }
    int failedCount() const { return int(m_failed.size()); }
    /// True when no planned metric is left with data (and at least one was planned).
    bool allFailed() const;
    /// The whole window's failure in words: its distinct reasons, in order, joined by "; ".
    QString wholeReason() const;
    /// "1 of 11 metrics failing: AzureOpenAITokenPerSecond: InvalidSamplingType: …", metrics
    /// sharing a reason grouped; empty when none failed.
    QString summary() const;
    /// One gap per failed metric of `source` over `window`, recorded at `now` (s UTC).
    QVector<GapMarker> gaps(const QString& source, const TimeRange& window, qint64 now) const;

private:
    QStringList m_planned;
    QVector<std::pair<QString, QString>> m_failed; ///< metric, reason; plan order
};

} // namespace isc::azure
