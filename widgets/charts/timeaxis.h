#pragma once

#include <QString>
#include <QStringList>
#include <QVector>

namespace isc {

/// Where a time axis puts its gridlines and what it writes under them.
struct TimeTicks
{
    QVector<double> positionsMs; ///< ms since the epoch (UTC), ascending, inside the range
    QStringList labels;          ///< one per position, in local time
    qint64 intervalSeconds = 0;  ///< the nominal spacing (a DST day is an hour off)
    QString format;              ///< the labels' main format: "HH:mm" or "MMM d"
};

/// Ticks for a time axis from `fromMs` to `toMs` with at most `maxTicks` labels: on whole local
/// minutes or hours within a day, on local midnight for days (every n days, counted from a
/// fixed date so they stay put while panning). Spans over a day label their midnights "MMM d".
TimeTicks timeTicks(qint64 fromMs, qint64 toMs, int maxTicks);

} // namespace isc
