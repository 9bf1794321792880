#pragma once

#include "core/timerange.h"

#include <QString>
#include <QVector>
#include <algorithm>

namespace isc {

/// What a heatmap draws (Grafana's heatmap of histogram buckets): time steps on x, latency
/// buckets on y (one row each, lowest at the bottom), each cell coloured by its count.
struct HeatmapReport
{
    /// One time step: the count of each bucket (not cumulative), one per row.
    struct Column
    {
        qint64 from = 0; ///< s UTC; the column spans [from, from + step)
        QVector<double> counts;
    };

    QString title;
    QString note;           ///< a short line after the title
    QString valueAxisTitle; ///< the buckets' quantity with its unit, e.g. "TTFT (ms)"
    QString countName;      ///< what a cell counts, plural: "requests", "tokens"
    TimeRange range;        ///< the x axis (s UTC)
    qint64 step = 60;       ///< s per column
    /// Row i holds (lowerBounds[i], upperBounds[i]] in ms; the last upper bound may be +Inf.
    QVector<double> lowerBounds;
    QVector<double> upperBounds;
    QVector<Column> columns; ///< in time order; steps without observations left out
    QString emptyMessage;    ///< shown instead of cells when there is nothing to draw

    int rowCount() const { return int(upperBounds.size()); }
    bool isEmpty() const { return columns.isEmpty() || upperBounds.isEmpty(); }
    /// The largest count of any cell (0 when empty).
    double maxCount() const
    {
        double m = 0;
        for (const Column& c : columns) {
            for (double v : c.counts)
                m = v > m ? v : m;
        }
        return m;
    }
};

/// A step in words: "1 min", "15 min", "3 h", "1 day", "2 days".
inline QString stepText(qint64 seconds)
{
    if (seconds % 86400 == 0)
        return seconds == 86400 ? QStringLiteral("1 day")
                                : QStringLiteral("%1 days").arg(seconds / 86400);
    if (seconds % 3600 == 0)
        return QStringLiteral("%1 h").arg(seconds / 3600);
    return QStringLiteral("%1 min").arg(std::max<qint64>(1, seconds / 60));
}

} // namespace isc
