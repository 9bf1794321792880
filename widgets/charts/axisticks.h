#pragma once

// Value-axis ticks and their labels for the time charts: nice linear steps, log decades.

#include "core/units.h"

#include <QString>
#include <QVector>

namespace isc {

/// Nice tick values 0..max for the value axis: steps of 1, 2, 2.5 or 5 x 10^n.
QVector<double> niceTicks(double maxValue, int maxTicks);
/// "2M", "1.5M", "250": formatCompact without the trailing zeros ticks do not need.
QString tickLabel(double v);
/// Log axis ticks from the largest 1/2/5 x 10^n at or below `bottom` to the smallest at or
/// above `top`: every decade, and the 2s and 5s between them while that stays readable.
QVector<double> logTicks(double bottom, double top);
/// "100 ms", "1 s", "10 s" for durations; the compact number otherwise (the title holds the unit).
QString logTickLabel(double v, Unit unit);

} // namespace isc
