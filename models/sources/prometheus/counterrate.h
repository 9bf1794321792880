#pragma once

#include "core/sample.h"

#include <QVector>

namespace isc::prometheus {

/// How much a counter grew from `previous` to `current`. A counter that went down was reset
/// (the process restarted): it counted from zero, so its growth is `current`. A changed
/// `_created` time (s UTC, NaN when not exposed) is a reset too, even when the value grew.
/// NaN in either value gives NaN.
double counterIncrease(double previous, double current, double previousCreated = 0,
                       double currentCreated = 0);

/// The per-second rate of a counter between scrapes `seconds` apart (0 when seconds <= 0).
double counterRate(double previous, double current, double seconds);

/// Spreads `amount`, observed between `fromMs` and `toMs` (ms UTC), over the minutes it
/// overlaps, in proportion to the overlap. Minutes are bucket starts in s UTC.
QVector<Sample> spreadOverMinutes(qint64 fromMs, qint64 toMs, double amount);

} // namespace isc::prometheus
