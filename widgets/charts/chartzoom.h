#pragma once

#include "core/timerange.h"

#include <functional>

class QWidget;

namespace isc {

/// How a gesture moves a time chart's visible range (s UTC, whole minutes). Pure functions.
namespace chartzoom {

/// The narrowest range a zoom reaches: ten one-minute buckets.
constexpr qint64 kMinSpanSeconds = 600;
/// The widest: a bit over a year (hourly rollups are kept forever, but nobody reads more).
constexpr qint64 kMaxSpanSeconds = 400 * 86400;

/// `range` scaled by `factor` (< 1 zooms in) around `anchor` (s UTC), which stays where it is
/// on screen; clamped to the spans above and to end no later than `latest` (s UTC, 0 = none).
TimeRange zoomAround(TimeRange range, double anchor, double factor, qint64 latest = 0);
/// `range` moved by `seconds` (negative: back in time), ending no later than `latest`.
TimeRange pan(TimeRange range, double seconds, qint64 latest = 0);
/// The range between two times (either order), widened to the narrowest span if needed.
TimeRange between(double a, double b, qint64 latest = 0);

} // namespace chartzoom

/// Where time charts send zoom and pan: a window registers what a zoom means there (one range
/// for every page); a chart in a window without a handler zooms only itself.
class ChartZoomRouter
{
public:
    /// `zoom` gets the range a chart's gesture asks for; `reset` the double-click or Esc and
    /// answers whether there was a zoom to undo. Forgotten when `window` is destroyed.
    static void setHandler(QWidget* window, std::function<void(TimeRange)> zoom,
                           std::function<bool()> reset);
    /// True when `from`'s window has a handler.
    static bool hasHandler(const QWidget* from);
    /// Hands `range` to the handler of `from`'s window (nothing without one).
    static void zoom(const QWidget* from, TimeRange range);
    /// Asks `from`'s window to reset its zoom: false when there was none (or no handler).
    static bool reset(const QWidget* from);
};

} // namespace isc
