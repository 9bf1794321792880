#pragma once

#include "core/timerange.h"

#include <QString>
#include <functional>

class QObject;

namespace isc {

class SampleStore;
class TimeRangePicker;

// rangeLabelText(), the range in words, is core/timerange.h's.

/// How far back a page's figures read: its range, or also the period of equal length before
/// it (pages that compare with the previous period).
enum class RangeReach { Range, RangeAndPrevious };

/// Keeps a page current: its picker's preset slides with the clock every minute, and a poll
/// the store writes inside what the page reads (`reach`) calls `refresh`. Both live as long as
/// `page`.
void followRange(QObject* page, TimeRangePicker* picker, SampleStore* store, RangeReach reach,
                 std::function<void()> refresh);

} // namespace isc
