#include "chartzoom.h"

#include <QHash>
#include <QObject>
#include <QWidget>
#include <algorithm>
#include <cmath>

namespace isc {

namespace chartzoom {

namespace {

// Whole minutes, at least the narrowest span, and not past `latest`.
TimeRange settle(double from, double to, qint64 latest)
{
    double span = std::clamp(to - from, double(kMinSpanSeconds), double(kMaxSpanSeconds));
    const double mid = (from + to) / 2;
    from = mid - span / 2;
    to = mid + span / 2;
    if (latest > 0 && to > double(latest)) {
        from -= to - double(latest);
        to = double(latest);
    }
    qint64 f = qint64(std::llround(from / 60.0)) * 60;
    qint64 t = qint64(std::llround(to / 60.0)) * 60;
    if (t - f < kMinSpanSeconds)
        t = f + kMinSpanSeconds;
    return {f, t};
}

} // namespace

TimeRange zoomAround(TimeRange range, double anchor, double factor, qint64 latest)
{
    if (!range.isValid() || !(factor > 0))
        return range;
    anchor = std::clamp(anchor, double(range.from), double(range.to));
    double from = anchor - (anchor - double(range.from)) * factor;
    double to = anchor + (double(range.to) - anchor) * factor;
    const double span = to - from;
    const double wanted = std::clamp(span, double(kMinSpanSeconds), double(kMaxSpanSeconds));
    if (wanted != span) { // at a limit: keep the anchor's place on screen
        const double t = (anchor - from) / span;
        from = anchor - t * wanted;
        to = from + wanted;
    }
    return settle(from, to, latest);
}

TimeRange pan(TimeRange range, double seconds, qint64 latest)
{
    if (!range.isValid())
        return range;
    if (latest > 0 && double(range.to) + seconds > double(latest))
        seconds = double(latest - range.to);
    const qint64 shift = qint64(std::llround(seconds / 60.0)) * 60;
    return {range.from + shift, range.to + shift};
}

TimeRange between(double a, double b, qint64 latest)
{
    return settle(std::min(a, b), std::max(a, b), latest);
}

} // namespace chartzoom

namespace {

struct Handlers
{
    std::function<void(TimeRange)> zoom;
    std::function<bool()> reset;
};

QHash<const QWidget*, Handlers>& handlers()
{
    static QHash<const QWidget*, Handlers> h;
    return h;
}

} // namespace

void ChartZoomRouter::setHandler(QWidget* window, std::function<void(TimeRange)> zoom,
                                 std::function<bool()> reset)
{
    if (!window)
        return;
    const bool known = handlers().contains(window);
    handlers().insert(window, {std::move(zoom), std::move(reset)});
    if (!known)
        QObject::connect(window, &QObject::destroyed, [window] { handlers().remove(window); });
}

bool ChartZoomRouter::hasHandler(const QWidget* from)
{
    return from && handlers().contains(from->window());
}

void ChartZoomRouter::zoom(const QWidget* from, TimeRange range)
{
    const auto it = from ? handlers().constFind(from->window()) : handlers().constEnd();
    if (it != handlers().constEnd() && it->zoom)
        it->zoom(range);
}

bool ChartZoomRouter::reset(const QWidget* from)
{
    const auto it = from ? handlers().constFind(from->window()) : handlers().constEnd();
    return it != handlers().constEnd() && it->reset && it->reset();
}

} // namespace isc
