#pragma once

#include "core/timerange.h"
#include "cost/money.h"

#include <QString>
#include <QTimeZone>
#include <QVector>

namespace isc {

/// The cost of one UTC day (billing days are UTC; only the display is local).
struct DailyCost
{
    qint64 day = 0; ///< start of the UTC day, s UTC
    Money cost;
};

/// Today, month to date and a month-end forecast, with the method in words.
struct CostForecast
{
    Money today;          ///< the current UTC day so far
    Money monthToDate;    ///< the current UTC month so far, today included
    Money dailyRate;      ///< the daily cost the forecast extends (see method)
    Money forecast;       ///< month-end estimate
    int fullDaysUsed = 0; ///< full UTC days behind the daily rate (0: run rate of the month)
    QString method;       ///< one sentence, e.g. "Month to date + the mean of the last 7 …"

    /// Forecast as of `now` (s UTC) from daily costs (any order; missing days count as zero
    /// once the history has begun): month to date + the mean of the last `trailingDays` full UTC
    /// days x the days left (fractional). With no full day yet, the month's run rate.
    static CostForecast compute(const QVector<DailyCost>& days, qint64 now, int trailingDays = 7);
    /// The days compute() reads as of `now`: the month so far and the `trailingDays` full UTC
    /// days before today (s UTC), for the query that feeds it.
    static TimeRange inputRange(qint64 now, int trailingDays = 7);
};

/// A monthly budget of a workspace.
struct Budget
{
    QString workspace;
    Money monthly; ///< budget for one UTC calendar month
};

/// One day of a budget burn-down.
struct BurnDownPoint
{
    qint64 day = 0;  ///< start of the UTC day
    Money spent;     ///< cumulative spend to the end of that day (or now, for today)
    Money ideal;     ///< the budget spread evenly: budget x days elapsed / days in month
    Money remaining; ///< budget - spent (negative when over)
};

/// A budget's burn-down over the current UTC month.
struct BurnDown
{
    QVector<BurnDownPoint> points; ///< one per day from the 1st to today
    Money remaining;               ///< budget - month to date
    double usedFraction = 0;       ///< month to date / budget
    bool forecastOverBudget = false;
    qint64 exhaustedOn = 0; ///< UTC day the budget runs out at the forecast's daily rate; 0 = not
    QString summary;        ///< one sentence for the page

    /// Burn-down as of `now` (s UTC), using `forecast` for the projection.
    static BurnDown compute(const Budget& budget, const QVector<DailyCost>& days, qint64 now,
                            const CostForecast& forecast);
};

/// `ts` (s UTC) shown in `tz`: "2026-02-28 16:00" (billing buckets stay UTC days).
QString localTimeLabel(qint64 ts, const QTimeZone& tz);

} // namespace isc
