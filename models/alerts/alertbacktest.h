#pragma once

#include "alerts/alertevaluator.h"
#include "alerts/alertrule.h"
#include "alerts/alertsignal.h"
#include "core/sample.h"
#include "core/timerange.h"

#include <QVector>

namespace isc {

/// One stretch of an instance in a phase, [from, to) in s UTC.
struct AlertPeriod
{
    QString instance;
    qint64 from = 0;
    qint64 to = 0;
    bool open = false; ///< still going at the end of the backtest (`to` is the range's end)

    bool operator==(const AlertPeriod& o) const
    {
        return instance == o.instance && from == o.from && to == o.to && open == o.open;
    }
};

/// The value a rule compared, minute by minute, for one instance (the chart's line).
struct AlertValueSeries
{
    QString instance;
    QList<Label> labels;
    QVector<Sample> values; ///< ts = minute start (s UTC); minutes without a value are absent
};

/// What a rule would have done over past data: the chart (values, threshold, clear line), the
/// periods it would have been pending and firing, and the notifications it would have sent.
struct AlertBacktestResult
{
    QString ruleId;
    TimeRange range;
    double threshold = 0;
    double clearThreshold = 0; ///< threshold ∓ clearMargin: where firing resolves
    QString unit;
    QVector<AlertValueSeries> series;
    QVector<AlertPeriod> pending; ///< by instance, then time
    QVector<AlertPeriod> firing;  ///< by instance, then time
    QVector<AlertTransition> transitions;
    int notifications = 0; ///< Firing and Resolved transitions that notify (rate limit applied)
};

/// Replays a rule minute by minute over past data, with the live evaluator (data final: no
/// settling, no silences), so what it shows is what collection would have done.
class AlertBacktest
{
public:
    /// Backtests `rule` over the minutes of `range` (s UTC, whole minutes) on raw stored samples
    /// (composeAlertSeries() selects what the rule reads; samples before range.from fill the
    /// first windows).
    static AlertBacktestResult run(const AlertRule& rule, const QVector<SeriesSamples>& raw,
                                   const TimeRange& range);
    /// The same over a rule's composed signal.
    static AlertBacktestResult run(const AlertRule& rule, const QVector<AlertSeries>& signal,
                                   const TimeRange& range);
};

} // namespace isc
