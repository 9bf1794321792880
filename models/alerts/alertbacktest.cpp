#include "alertbacktest.h"

#include <QHash>
#include <algorithm>
#include <cmath>

namespace isc {

AlertBacktestResult AlertBacktest::run(const AlertRule& rule, const QVector<SeriesSamples>& raw,
                                       const TimeRange& range)
{
    return run(rule, composeAlertSeries(rule, raw), range);
}

AlertBacktestResult AlertBacktest::run(const AlertRule& rule, const QVector<AlertSeries>& signal,
                                       const TimeRange& range)
{
    AlertBacktestResult result;
    result.ruleId = rule.id;
    result.range = {floorTo(range.from, 60), floorTo(range.to, 60)};
    result.threshold = rule.threshold;
    result.clearThreshold = rule.clearThreshold();
    result.unit = rule.unit;
    if (!result.range.isValid())
        return result;

    AlertRule replayed = rule;
    replayed.enabled = true; // a disabled rule is backtested too: that is how one tunes it
    AlertEvaluatorOptions options;
    options.settleSeconds = 0;
    options.maxCatchUpSeconds = result.range.duration() + 120;

    options.origin = result.range.from;
    AlertEvaluator evaluator(replayed, options);
    QHash<QString, int> seriesIndex;
    auto record = [&](qint64 minute) {
        for (const AlertInstanceState& s : evaluator.instances()) {
            if (!std::isfinite(s.lastValue))
                continue;
            int& index = seriesIndex[s.instance];
            if (index == 0) {
                result.series.append({s.instance, s.labels, {}});
                index = int(result.series.size());
            }
            result.series[index - 1].values.append({minute, s.lastValue});
        }
    };
    for (qint64 now = result.range.from + 60; now <= result.range.to; now += 60) {
        result.transitions += evaluator.evaluate(now, signal);
        record(now - 60);
    }

    // Periods from the transitions, per instance in time order.
    std::stable_sort(result.transitions.begin(), result.transitions.end(),
                     [](const AlertTransition& a, const AlertTransition& b) {
                         return a.instance != b.instance ? a.instance < b.instance : a.at < b.at;
                     });
    QHash<QString, qint64> pendingFrom, firingFrom;
    for (const AlertTransition& t : std::as_const(result.transitions)) {
        if (t.notify)
            ++result.notifications;
        switch (t.kind) {
        case AlertTransition::Kind::Pending:
            pendingFrom.insert(t.instance, t.at);
            break;
        case AlertTransition::Kind::Firing:
            if (pendingFrom.contains(t.instance))
                result.pending.append({t.instance, pendingFrom.take(t.instance), t.at, false});
            firingFrom.insert(t.instance, t.at);
            break;
        case AlertTransition::Kind::Cancelled:
            if (pendingFrom.contains(t.instance))
                result.pending.append({t.instance, pendingFrom.take(t.instance), t.at, false});
            break;
        case AlertTransition::Kind::Resolved:
            if (firingFrom.contains(t.instance))
                result.firing.append({t.instance, firingFrom.take(t.instance), t.at, false});
            break;
        }
    }
    for (auto it = pendingFrom.cbegin(); it != pendingFrom.cend(); ++it)
        result.pending.append({it.key(), it.value(), result.range.to, true});
    for (auto it = firingFrom.cbegin(); it != firingFrom.cend(); ++it)
        result.firing.append({it.key(), it.value(), result.range.to, true});
    auto order = [](const AlertPeriod& a, const AlertPeriod& b) {
        return a.instance != b.instance ? a.instance < b.instance : a.from < b.from;
    };
    std::sort(result.pending.begin(), result.pending.end(), order);
    std::sort(result.firing.begin(), result.firing.end(), order);
    return result;
}

} // namespace isc
