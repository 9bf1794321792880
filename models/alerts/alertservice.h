#pragma once

#include "alerts/alertbacktest.h"
#include "alerts/alertconfig.h"
#include "alerts/alertevaluator.h"
#include "alerts/alertoutputs.h"
#include "alerts/alertrule.h"
#include "alerts/alerttypes.h"
#include "core/sourcehealth.h"
#include "core/workspace.h"
#include "exposition/prometheusexposition.h"
#include "store/storejobs.h"

#include <QHash>
#include <QObject>
#include <QPointer>
#include <QVector>
#include <functional>
#include <map>
#include <memory>

class QTimer;

namespace isc {

class SampleStore;
struct AlertNotice;

/// Alerting as a running thing: the workspace's rules (AlertConfig::effectiveRules), one
/// AlertEvaluator each, their state, history and silences kept as shared store documents
/// (AlertDocument), so they survive restarts and every window of a team database sees them.
///
/// Two modes. Whatever collects (the window that polls, or headless `collect`) calls
/// setEvaluating(true) and evaluateSoon() after each poll lands: the rules' minutes are read
/// from the store (a store job), evaluated, the state saved and each new transition written
/// once to the history; only a transition whose history entry was new is announced (a second
/// evaluator on the same database, or a restart, never repeats one). A window that does not
/// collect follows: it reads the documents again when they change.
class AlertService : public QObject
{
    Q_OBJECT
public:
    explicit AlertService(SampleStore* store, QObject* parent = nullptr);
    ~AlertService() override;

    /// The rules of `workspace` (its `alerts` section and the built-ins that apply to its
    /// inventory, read from the store) replace the current ones; state is kept by rule id.
    void setWorkspace(const Workspace& workspace);
    /// Evaluate (after each poll) or only follow the stored state. Off by default.
    void setEvaluating(bool evaluating);
    bool isEvaluating() const { return m_evaluating; }
    /// Replaces the wall clock (s UTC), for tests against fixed data.
    void setClock(std::function<qint64()> nowUtc);
    /// The collector's view of its sources, for the "source down or stale" rule.
    void recordHealth(const SourceHealth& health);

    /// Reads the stored state, silences and history; loaded() follows.
    void load();
    bool isLoaded() const { return m_loaded; }
    /// Evaluates as soon as the store is free (coalesced: many calls, one evaluation).
    void evaluateSoon();
    /// Evaluates once more (when evaluating), then calls `done` once that evaluation and every
    /// state and history write it queued have landed, so its notices were emitted: what a
    /// collection that is about to stop does last.
    void flush(std::function<void()> done);

    QVector<AlertRule> rules() const;

    /// What `rule` would have done over `range` (whole minutes, s UTC) of the stored history:
    /// read on the store's side (a later call cancels an earlier one), replayed with the live
    /// evaluator (AlertBacktest), `done(result, error)` on this object's thread. Rules on
    /// inputs other than a stored metric (spend, sources, retirement) get an error in words.
    void backtest(const AlertRule& rule, const TimeRange& range,
                  std::function<void(const AlertBacktestResult&, const QString&)> done);
    /// The `alerts` section's problems, one sentence each naming the field.
    QStringList configErrors() const { return m_config.errors; }
    /// Pending and firing instances, firing first, then by rule and instance.
    QVector<ActiveAlert> active() const;
    int firingCount() const;
    /// The transitions stored, newest first (at most kHistoryLimit).
    QVector<AlertTransition> history() const { return m_history; }
    QVector<AlertSilence> silences() const { return m_silences; }
    /// The last problem (a failed read or write), in words; empty when all is well.
    QString problem() const { return m_problem; }

    /// Silences matching instances until silence.endsAt (stored; every window sees it).
    void addSilence(AlertSilence silence);
    void removeSilence(const QString& id);
    /// Acknowledges a firing instance (stored with the state); false when it is not firing.
    bool acknowledge(const QString& ruleId, const QString& instance, const QString& by);

    /// The alert state as Prometheus families: inferscope_alerts_firing per rule and
    /// severity, and inferscope_alert{rule, severity, state, connection, deployment} = 1 per
    /// pending or firing instance.
    QVector<MetricFamily> families() const;

    /// The notice delivery announces for `t` (labels in words, units from the rule).
    static AlertNotice noticeFor(const AlertTransition& t, const AlertRule& rule)
    {
        return alertNoticeFor(t, rule);
    }

    static constexpr int kHistoryLimit = 1000;

signals:
    void loaded();
    /// The rules, their state, history or silences changed (evaluated, or read again).
    void changed();
    /// An evaluation at `now` (s UTC) landed (transitionsRecorded() came first, if any).
    void evaluated(qint64 now);
    /// New transitions, each once, in time order (for logs).
    void transitionsRecorded(const QVector<isc::AlertTransition>& transitions);
    /// A transition to deliver (notify set and its history entry new).
    void noticeReady(const isc::AlertNotice& notice);
    void problemChanged(const QString& problem);

private:
    struct Read;
    void rebuildRules();
    void startEvaluation();
    void finishEvaluation(const Read& read, qint64 now);
    void record(const QVector<AlertTransition>& transitions);
    void saveState(const QString& ruleId);
    void setProblem(const QString& problem);
    const AlertRule* ruleById(const QString& id) const;

    QPointer<SampleStore> m_store;
    Workspace m_workspace;
    AlertConfig m_config;
    Deployments m_inventory;
    std::map<QString, AlertEvaluator> m_evaluators; ///< by rule id, sorted
    QHash<QString, QJsonObject> m_storedState;      ///< state read before its rule existed
    QHash<QString, SourceHealth> m_health;
    QVector<AlertTransition> m_history;
    QVector<AlertSilence> m_silences;
    std::function<qint64()> m_clock;
    QString m_problem;
    QTimer* m_tick = nullptr;
    bool m_evaluating = false;
    bool m_loaded = false;
    bool m_evaluationQueued = false;
    bool m_evaluationRunning = false;
    StoreJobs m_jobs; ///< last: cancelled first when this goes
};

} // namespace isc
