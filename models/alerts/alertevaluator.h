#pragma once

#include "alerts/alertrule.h"
#include "alerts/alertsignal.h"
#include "alerts/alerttypes.h"
#include "core/timerange.h"

#include <QHash>
#include <QJsonObject>
#include <QVector>

namespace isc {

/// Tuning of an evaluator; the defaults suit live collection.
struct AlertEvaluatorOptions
{
    /// How far back (s) a late minute may still change the outcome: minutes older than this are
    /// settled and never replayed (Azure metrics land minutes late; 0 = data is final, e.g. a
    /// backtest).
    qint64 settleSeconds = 3600;
    /// A minute whose window holds no data keeps the phase (the data may be late, or an input
    /// is only read at each evaluation); once the instance's newest point is this old (s), the
    /// silence counts as clear.
    qint64 noDataSeconds = 900;
    /// After a long pause (the app was closed) at most this much (s) is caught up; the minutes
    /// before are skipped as if they had no data.
    qint64 maxCatchUpSeconds = 6 * 3600;
    /// The first minute (s UTC) a new evaluator looks at; 0 = the first evaluation's newest
    /// minute less the rule's `for`, so a condition already holding fires at once.
    qint64 origin = 0;
};

/// One instance's standing, for the Alerts page.
struct AlertInstanceState
{
    QString instance;
    QList<Label> labels;
    AlertPhase phase = AlertPhase::Inactive;
    qint64 activeSince = 0; ///< start of the current episode, s UTC (pending or firing)
    qint64 firingSince = 0; ///< s UTC, when firing
    double lastValue = std::numeric_limits<double>::quiet_NaN(); ///< newest evaluated value
    bool acknowledged = false;
    QString acknowledgedBy;
    qint64 acknowledgedAt = 0;
};

/// The alerting state machine of one rule, per instance (Prometheus rules/alerting.go):
/// inactive → pending → firing after `for` → resolved, on per-minute data time, with
/// hysteresis (resolves beyond threshold ∓ clearMargin), one transition per change, a per-rule
/// notification rate limit, silences and acknowledgement. Owns no store: each evaluate() gets
/// the rule's signal as values (composeAlertSeries() over the minutes of dataRange()).
///
/// Late data: minutes since the last transition (and within settleSeconds) are replayed on
/// every evaluation, so a late minute is evaluated where it belongs; a transition, once
/// emitted, is settled and never emitted again, so evaluating twice, or after a late minute
/// revised a past value, never repeats one (AlertTransition::key() is unique).
class AlertEvaluator
{
public:
    explicit AlertEvaluator(AlertRule rule, AlertEvaluatorOptions options = {});

    const AlertRule& rule() const { return m_rule; }
    /// Swaps in an edited rule with the same id; the state carries on under the new settings.
    void setRule(AlertRule rule);

    /// The minutes evaluate(now) reads (s UTC), for the integrator's store query.
    TimeRange dataRange(qint64 now) const;

    /// Evaluates every minute that ended by `now` (s UTC) and has not settled, over `data`
    /// (per instance, ascending minutes; more is fine). Returns the new transitions in time
    /// order; Firing/Resolved carry `notify` unless a silence active at `now` matches, the rate
    /// limit is spent, or (Resolved) the firing itself was not announced.
    QVector<AlertTransition> evaluate(qint64 now, const QVector<AlertSeries>& data,
                                      const QVector<AlertSilence>& silences = {});

    /// Acknowledges the firing instance `instance` (by a person, at s UTC); false when it is not
    /// firing. Cleared when it resolves.
    bool acknowledge(const QString& instance, const QString& by, qint64 at);

    /// Every known instance, sorted by instance id.
    QVector<AlertInstanceState> instances() const;

    /// The whole state as JSON (AlertDocument kind "alert-state", key = rule id).
    QJsonObject stateJson() const;
    /// The state as a store document.
    AlertDocument stateDocument() const;
    /// Restores stateJson() output; false with `error` in words when it is not readable (the
    /// evaluator is then unchanged).
    bool restoreState(const QJsonObject& json, QString* error);

private:
    struct Machine
    {
        AlertPhase phase = AlertPhase::Inactive;
        qint64 activeSince = 0;
        qint64 firingSince = 0;
        bool firingNotified = false;
    };
    struct Instance
    {
        QList<Label> labels;
        Machine committed;   ///< settled state before `cursor`
        qint64 cursor = 0;   ///< first minute (s UTC) not settled
        qint64 lastSeen = 0; ///< newest point (s UTC) any evaluation saw
        Machine live;        ///< after the newest evaluated minute
        double lastValue = std::numeric_limits<double>::quiet_NaN();
        QString ackBy;
        qint64 ackAt = 0;
    };
    struct Step;

    qint64 firstMinute(qint64 end) const;
    Step step(Machine& m, const AlertSeries* series, qint64 minute, qint64 lastSeen) const;
    void announce(AlertTransition& t, const QList<Label>& labels, Machine& m, qint64 now,
                  const QVector<AlertSilence>& silences);

    AlertRule m_rule;
    AlertEvaluatorOptions m_options;
    qint64 m_origin = 0;             ///< first minute evaluated (set by the first evaluate)
    QVector<qint64> m_notifications; ///< s UTC of recent notifications (rate limit)
    QHash<QString, Instance> m_instances;
};

} // namespace isc
