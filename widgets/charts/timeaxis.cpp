#include "timeaxis.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>

namespace isc {

namespace {

constexpr qint64 kDay = 86400;

// Local midnight of the day holding `ms`, as a date-time.
QDateTime localMidnight(qint64 ms)
{
    return QDateTime(QDateTime::fromMSecsSinceEpoch(ms).date().startOfDay());
}

// Ticks `interval` seconds apart within each local day (interval divides a day), or every
// `interval / kDay` days on local midnight.
QVector<double> ticksOf(qint64 fromMs, qint64 toMs, qint64 interval)
{
    QVector<double> out;
    QDateTime day = localMidnight(fromMs);
    if (interval >= kDay) {
        const qint64 every = interval / kDay;
        const QDate epoch(2000, 1, 3); // a Monday: weekly ticks fall on Mondays
        // Back to a day on the grid (whole multiples of `every` days from the epoch).
        const qint64 offset = ((epoch.daysTo(day.date()) % every) + every) % every;
        for (QDate d = day.date().addDays(-offset); d.startOfDay().toMSecsSinceEpoch() <= toMs;
             d = d.addDays(every)) {
            const qint64 at = d.startOfDay().toMSecsSinceEpoch();
            if (at >= fromMs)
                out.push_back(double(at));
        }
        return out;
    }
    while (day.toMSecsSinceEpoch() <= toMs) {
        const QDateTime next = day.date().addDays(1).startOfDay();
        for (qint64 s = 0;; s += interval) {
            const qint64 at = day.toMSecsSinceEpoch() + s * 1000;
            if (at >= next.toMSecsSinceEpoch() || at > toMs)
                break;
            if (at >= fromMs)
                out.push_back(double(at));
        }
        day = next;
    }
    return out;
}

} // namespace

TimeTicks timeTicks(qint64 fromMs, qint64 toMs, int maxTicks)
{
    TimeTicks t;
    if (toMs <= fromMs)
        return t;
    maxTicks = std::max(2, maxTicks);
    static constexpr qint64 intervals[] = {60,       120,      300,      600,       900,      1800,
                                           3600,     7200,     10800,    21600,     43200,    kDay,
                                           2 * kDay, 3 * kDay, 7 * kDay, 14 * kDay, 28 * kDay};
    qint64 chosen = intervals[std::size(intervals) - 1];
    for (qint64 iv : intervals) {
        // A cheap bound first: ticks in the span cannot exceed span / interval + 1.
        if ((toMs - fromMs) / 1000 / iv + 1 > maxTicks + 1)
            continue;
        if (ticksOf(fromMs, toMs, iv).size() <= maxTicks) {
            chosen = iv;
            break;
        }
    }
    t.intervalSeconds = chosen;
    t.positionsMs = ticksOf(fromMs, toMs, chosen);
    const bool multiDay = toMs - fromMs > kDay * 1000;
    t.format = multiDay && chosen >= kDay ? QStringLiteral("MMM d") : QStringLiteral("HH:mm");
    const QLocale locale;
    for (double p : std::as_const(t.positionsMs)) {
        const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(p));
        const bool midnight = at.time() == QTime(0, 0);
        // A midnight in a span of days names its date; other ticks the time of day.
        t.labels << locale.toString(at, multiDay && midnight ? QStringLiteral("MMM d")
                                                             : QStringLiteral("HH:mm"));
    }
    return t;
}

} // namespace isc
