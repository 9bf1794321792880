#include "cost/costforecast.h"

#include "cost/ptucost.h"

#include <QDateTime>
#include <QHash>
#include <algorithm>

namespace isc {
namespace {

QString daysText(qint64 seconds)
{
    return QString::number(double(seconds) / double(kSecondsPerDay), 'f', 1);
}

} // namespace

TimeRange CostForecast::inputRange(qint64 now, int trailingDays)
{
    constexpr qint64 kDay = 86400;
    return {std::min(utcMonthOf(now).from, floorTo(now, kDay) - trailingDays * kDay), now};
}

CostForecast CostForecast::compute(const QVector<DailyCost>& days, qint64 now, int trailingDays)
{
    CostForecast f;
    const TimeRange month = utcMonthOf(now);
    const TimeRange today = utcDayOf(now);
    qint64 firstDay = std::numeric_limits<qint64>::max();
    QHash<qint64, Money> byDay;
    for (const DailyCost& d : days) {
        const qint64 day = floorTo(d.day, kSecondsPerDay);
        byDay[day] += d.cost;
        firstDay = std::min(firstDay, day);
        if (day >= month.from && day < month.to && day <= today.from)
            f.monthToDate += d.cost;
        if (day == today.from)
            f.today += d.cost;
    }
    const qint64 left = month.to - now;
    qint64 full = 0;
    if (firstDay < today.from)
        full = std::min<qint64>(trailingDays, (today.from - firstDay) / kSecondsPerDay);
    f.fullDaysUsed = int(full);
    if (full > 0) {
        Money sum;
        for (qint64 k = 1; k <= full; ++k)
            sum += byDay.value(today.from - k * kSecondsPerDay);
        f.dailyRate = Money::mulDiv(sum.micros, 1, full);
        f.forecast = f.monthToDate + Money::mulDiv(sum.micros, left, full * kSecondsPerDay);
        f.method = QStringLiteral("Month to date (%1) + the mean of the last %2 full UTC days "
                                  "(%3 a day) x the %4 days left.")
                       .arg(f.monthToDate.format(2))
                       .arg(full)
                       .arg(f.dailyRate.format(2), daysText(left));
    } else {
        const qint64 elapsed = std::max<qint64>(1, now - month.from);
        f.dailyRate = Money::mulDiv(f.monthToDate.micros, kSecondsPerDay, elapsed);
        f.forecast = Money::mulDiv(f.monthToDate.micros, month.duration(), elapsed);
        f.method = QStringLiteral("No full UTC day of history yet: month to date (%1) extended at "
                                  "its own rate over the whole month.")
                       .arg(f.monthToDate.format(2));
    }
    return f;
}

BurnDown BurnDown::compute(const Budget& budget, const QVector<DailyCost>& days, qint64 now,
                           const CostForecast& forecast)
{
    BurnDown b;
    const TimeRange month = utcMonthOf(now);
    const TimeRange today = utcDayOf(now);
    QHash<qint64, Money> byDay;
    for (const DailyCost& d : days)
        byDay[floorTo(d.day, kSecondsPerDay)] += d.cost;
    const qint64 daysInMonth = month.duration() / kSecondsPerDay;
    Money spent;
    for (qint64 day = month.from; day <= today.from; day += kSecondsPerDay) {
        spent += byDay.value(day);
        BurnDownPoint p;
        p.day = day;
        p.spent = spent;
        const qint64 elapsed = std::min(day + kSecondsPerDay, now) - month.from;
        p.ideal = Money::mulDiv(budget.monthly.micros, elapsed, daysInMonth * kSecondsPerDay);
        p.remaining = budget.monthly - spent;
        b.points.append(p);
    }
    b.remaining = budget.monthly - spent;
    b.usedFraction =
        budget.monthly.micros > 0 ? double(spent.micros) / double(budget.monthly.micros) : 0;
    b.forecastOverBudget = forecast.forecast > budget.monthly;
    if (b.remaining.micros <= 0) {
        b.exhaustedOn = today.from;
    } else if (b.forecastOverBudget && forecast.dailyRate.micros > 0) {
        const qint64 secs =
            Money::mulDiv(b.remaining.micros, kSecondsPerDay, forecast.dailyRate.micros).micros;
        b.exhaustedOn = floorTo(now + secs, kSecondsPerDay);
    }
    if (b.remaining.micros <= 0)
        b.summary = QStringLiteral("Over budget: %1 spent of %2 this month.")
                        .arg(spent.format(2), budget.monthly.format(2));
    else if (b.forecastOverBudget)
        b.summary = QStringLiteral("%1 of %2 left; at the forecast rate the budget runs out on "
                                   "%3 (UTC).")
                        .arg(b.remaining.format(2), budget.monthly.format(2),
                             QDateTime::fromSecsSinceEpoch(b.exhaustedOn, Qt::UTC)
                                 .toString(QStringLiteral("yyyy-MM-dd")));
    else
        b.summary =
            QStringLiteral("%1 of %2 left; the forecast (%3) stays within the budget.")
                .arg(b.remaining.format(2), budget.monthly.format(2), forecast.forecast.format(2));
    return b;
}

QString localTimeLabel(qint64 ts, const QTimeZone& tz)
{
    return QDateTime::fromSecsSinceEpoch(ts, tz).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

} // namespace isc
