#include "alerts/alertservice.h"

#include "alerts/alertoutputs.h"
#include "alerts/alertreads.h"
#include "alerts/alertsignal.h"
#include "alerts/delivery/alertnotice.h"
#include "core/labels.h"
#include "core/timerange.h"
#include "core/whenready.h"
#include "cost/costengine.h"
#include "cost/lifecyclecatalog.h"
#include "cost/workspacepricing.h"
#include "store/samplestore.h"
#include "store/storebackend.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QTimer>

#include <algorithm>

namespace isc {

namespace {

const QString kEvaluateJob = QStringLiteral("evaluate");
const QString kLoadJob = QStringLiteral("load");
const QString kInventoryJob = QStringLiteral("inventory");
const QString kBacktestJob = QStringLiteral("backtest");

qint64 wallClock()
{
    return QDateTime::currentSecsSinceEpoch();
}

QJsonObject parseBody(const StoredDocument& doc)
{
    return QJsonDocument::fromJson(doc.json.toUtf8()).object();
}

StoredDocument toStored(const AlertDocument& doc)
{
    StoredDocument out;
    out.scope = DocumentScope::Shared;
    out.kind = doc.kind;
    out.key = doc.key;
    out.json = QString::fromUtf8(QJsonDocument(doc.body).toJson(QJsonDocument::Compact));
    return out;
}

/// What the evaluator asks beyond the stored series, answered from one evaluation's reads.
class ReadInputs : public AlertInputs
{
public:
    std::optional<Spend> spendNow;
    QVector<Source> sourceList;
    QVector<Retirement> retirementList;

    std::optional<Spend> spend(qint64) const override { return spendNow; }
    QVector<Source> sources(qint64) const override { return sourceList; }
    QVector<Retirement> retirements(qint64) const override { return retirementList; }
};

/// What a rule on `input` reads, for a sentence.
QString inputWords(AlertInput input)
{
    switch (input) {
    case AlertInput::None:
        break;
    case AlertInput::SpendTodayPercent:
    case AlertInput::SpendForecastPercent:
        return AlertService::tr("the spend against the budget");
    case AlertInput::PollsMissed:
        return AlertService::tr("the sources' poll health");
    case AlertInput::DaysToRetirement:
        return AlertService::tr("the models' retirement dates");
    }
    return AlertService::tr("a stored metric");
}

bool reads(const QVector<AlertRule>& rules, AlertInput input)
{
    return std::any_of(rules.cbegin(), rules.cend(),
                       [input](const AlertRule& r) { return r.enabled && r.input == input; });
}

} // namespace

/// One evaluation's reads from the store.
struct AlertService::Read
{
    QHash<QString, QVector<SeriesSamples>> raw; ///< by rule id
    Deployments inventory;
    std::optional<AlertInputs::Spend> spend;
    QString error;
};

AlertService::AlertService(SampleStore* store, QObject* parent)
    : QObject(parent), m_store(store), m_clock(wallClock)
{
    if (store) {
        connect(store, &SampleStore::documentChanged, this, [this](const QString& kind) {
            // Another window or the collector wrote: a follower reads it again.
            if (!m_evaluating && kind.startsWith(QLatin1String("alert-")))
                load();
        });
        // A team database's collector stored a poll: it evaluates right after, so a follower
        // reads the alerts a moment later (else on the next minute's tick).
        auto* follow = new QTimer(this);
        follow->setSingleShot(true);
        follow->setInterval(3000);
        connect(follow, &QTimer::timeout, this, [this] {
            if (!m_evaluating)
                load();
        });
        connect(store, &SampleStore::remoteWrite, follow, qOverload<>(&QTimer::start));
    }
    // Inputs (a stale source, a retirement day) change without a poll landing.
    m_tick = new QTimer(this);
    m_tick->setInterval(60 * 1000);
    connect(m_tick, &QTimer::timeout, this, [this] {
        if (m_evaluating)
            evaluateSoon();
        else
            load();
    });
    m_tick->start();
}

AlertService::~AlertService() = default;

void AlertService::setWorkspace(const Workspace& workspace)
{
    m_workspace = workspace;
    m_config = AlertConfig::fromJson(workspace.alerts);
    rebuildRules();
    // The built-ins that apply depend on the inventory: read it, then rebuild.
    m_jobs.run(
        m_store, kInventoryJob,
        [](StoreBackend& db, const JobToken&) { return db.deployments(QString()); },
        [this](const Deployments& inventory) {
            m_inventory = inventory;
            rebuildRules();
            emit changed();
        });
}

void AlertService::rebuildRules()
{
    std::map<QString, AlertEvaluator> next;
    for (const AlertRule& rule : m_config.effectiveRules(m_workspace, m_inventory)) {
        if (!rule.enabled)
            continue;
        auto old = m_evaluators.find(rule.id);
        if (old != m_evaluators.end()) {
            AlertEvaluator e = std::move(old->second);
            e.setRule(rule);
            next.emplace(rule.id, std::move(e));
            continue;
        }
        AlertEvaluator e(rule);
        const auto stored = m_storedState.find(rule.id);
        if (stored != m_storedState.end()) {
            QString error;
            if (!e.restoreState(*stored, &error))
                setProblem(tr("The stored state of alert \"%1\" was not readable (%2); it "
                              "starts again.")
                               .arg(rule.name, error));
        }
        next.emplace(rule.id, std::move(e));
    }
    m_evaluators = std::move(next);
}

void AlertService::setEvaluating(bool evaluating)
{
    m_evaluating = evaluating;
    if (evaluating)
        evaluateSoon();
}

void AlertService::setClock(std::function<qint64()> nowUtc)
{
    m_clock = nowUtc ? std::move(nowUtc) : std::function<qint64()>(wallClock);
}

void AlertService::recordHealth(const SourceHealth& health)
{
    m_health.insert(health.source, health);
}

void AlertService::load()
{
    struct Loaded
    {
        DocumentList state, history, silences;
    };
    const bool ok = m_jobs.run(
        m_store, kLoadJob,
        [](StoreBackend& db, const JobToken&) {
            return Loaded{db.listDocuments(AlertDocument::stateKind()),
                          db.listDocuments(AlertDocument::historyKind()),
                          db.listDocuments(AlertDocument::silenceKind())};
        },
        [this](const Loaded& r) {
            QString problem;
            for (const DocumentList* list : {&r.state, &r.history, &r.silences}) {
                if (!list->error.isEmpty() && problem.isEmpty())
                    problem = tr("The alert state could not be read: %1").arg(list->error);
            }
            for (const StoredDocument& doc : r.state.documents) {
                if (doc.scope != DocumentScope::Shared)
                    continue;
                m_storedState.insert(doc.key, parseBody(doc));
                const auto e = m_evaluators.find(doc.key);
                QString error;
                if (e != m_evaluators.end() && !e->second.restoreState(parseBody(doc), &error))
                    problem = tr("The stored state of alert \"%1\" was not readable (%2).")
                                  .arg(e->second.rule().name, error);
            }
            m_history.clear();
            for (const StoredDocument& doc : r.history.documents) {
                QString error;
                if (auto t = AlertTransition::fromJson(parseBody(doc), &error))
                    m_history.append(*t);
            }
            std::sort(m_history.begin(), m_history.end(),
                      [](const AlertTransition& a, const AlertTransition& b) {
                          return a.at != b.at ? a.at > b.at : a.key() > b.key();
                      });
            if (m_history.size() > kHistoryLimit)
                m_history.resize(kHistoryLimit);
            m_silences.clear();
            for (const StoredDocument& doc : r.silences.documents) {
                QString error;
                if (auto s = AlertSilence::fromJson(parseBody(doc), doc.key, &error))
                    m_silences.append(*s);
            }
            m_loaded = true;
            setProblem(problem);
            emit loaded();
            emit changed();
        });
    if (!ok) { // no store: nothing is stored, nothing to read
        m_loaded = true;
        emit loaded();
    }
}

void AlertService::evaluateSoon()
{
    if (!m_evaluating || !m_store)
        return;
    if (m_evaluationRunning) {
        m_evaluationQueued = true; // once the running one lands
        return;
    }
    if (m_evaluationQueued)
        return;
    m_evaluationQueued = true;
    QTimer::singleShot(0, this, [this] {
        m_evaluationQueued = false;
        startEvaluation();
    });
}

void AlertService::backtest(const AlertRule& rule, const TimeRange& range,
                            std::function<void(const AlertBacktestResult&, const QString&)> done)
{
    if (rule.input != AlertInput::None) {
        done({}, tr("This rule reads %1, which the history does not keep minute by minute: it "
                    "cannot be backtested.")
                     .arg(inputWords(rule.input)));
        return;
    }
    if (!m_store) {
        done({}, tr("No history is open."));
        return;
    }
    // The first windows read the minutes before the range (window and `for`).
    const TimeRange read{range.from - rule.windowSeconds - rule.forSeconds, range.to};
    struct Out
    {
        AlertBacktestResult result;
        QString error;
    };
    m_jobs.run(
        m_store, kBacktestJob,
        [rule, read, range](StoreBackend& db, const JobToken& token) {
            Out out;
            const QVector<SeriesSamples> raw =
                readAlertSeries(db, rule, read, range.to, token, &out.error);
            if (!token.isCancelled())
                out.result = AlertBacktest::run(rule, raw, range);
            return out;
        },
        [done](const Out& out) { done(out.result, out.error); });
}

void AlertService::flush(std::function<void()> done)
{
    auto drain = [this, done = std::move(done)]() {
        if (!m_store) {
            done();
            return;
        }
        // The store runs its calls in order: this one lands after the writes queued before it,
        // and its callback after theirs (which emit the notices).
        whenReady(this, m_store->read<bool>([](StoreBackend&) { return true; }),
                  [done](bool) { done(); });
    };
    if (!m_evaluating || !m_store) {
        drain();
        return;
    }
    auto waiting = std::make_shared<QMetaObject::Connection>();
    *waiting = connect(this, &AlertService::evaluated, this, [this, waiting, drain] {
        if (m_evaluationRunning || m_evaluationQueued)
            return; // another one follows: wait for the last
        disconnect(*waiting);
        drain();
    });
    evaluateSoon();
}

void AlertService::startEvaluation()
{
    if (!m_loaded) { // the stored state first, or a restart would fire again
        connect(this, &AlertService::loaded, this, &AlertService::evaluateSoon,
                Qt::SingleShotConnection);
        load();
        return;
    }
    const qint64 now = m_clock();
    struct Want
    {
        AlertRule rule;
        TimeRange range;
    };
    QVector<Want> wants;
    QVector<AlertRule> rules;
    for (const auto& [id, e] : m_evaluators) {
        rules.append(e.rule());
        if (e.rule().input == AlertInput::None)
            wants.append({e.rule(), e.dataRange(now)});
    }
    const bool wantSpend = (reads(rules, AlertInput::SpendTodayPercent) ||
                            reads(rules, AlertInput::SpendForecastPercent)) &&
                           workspaceBudget(m_workspace).has_value();
    // Priced as the Cost page does; only built when a budget rule reads it.
    CostQueryRequest spendRequest;
    std::optional<CostEngine> engine;
    if (wantSpend) {
        for (const Connection& c : m_workspace.connections)
            spendRequest.kindBySource.insert(c.id, c.kind);
        spendRequest.billing = workspacePtuBilling(m_workspace);
        QString overrideWarning; // the Cost page shows it; the prices are the same
        engine = costEngineFor(m_workspace, &overrideWarning);
    }

    m_evaluationRunning = true;
    m_jobs.run(
        m_store, kEvaluateJob,
        [wants, spendRequest, engine, now](StoreBackend& db, const JobToken& token) {
            Read out;
            for (const Want& w : wants) {
                if (token.isCancelled())
                    break;
                out.raw[w.rule.id] = readAlertSeries(db, w.rule, w.range, now, token, &out.error);
            }
            out.inventory = db.deployments(QString());
            if (engine) {
                CostQueryRequest req = spendRequest;
                req.inventory = out.inventory;
                out.spend = readAlertSpend(db, *engine, req, now, token, &out.error);
            }
            return out;
        },
        [this, now](const Read& read) {
            m_evaluationRunning = false;
            finishEvaluation(read, now);
            if (m_evaluationQueued) {
                m_evaluationQueued = false;
                evaluateSoon();
            }
        });
}

void AlertService::finishEvaluation(const Read& read, qint64 now)
{
    if (read.inventory != m_inventory && !read.inventory.isEmpty()) {
        m_inventory = read.inventory;
        rebuildRules(); // a new deployment brings its built-in rules
    }
    ReadInputs inputs;
    if (read.spend) {
        inputs.spendNow = *read.spend;
        inputs.spendNow->monthlyBudgetUsd = workspaceBudget(m_workspace)->toUnits();
    }
    for (const Connection& c : m_workspace.connections) {
        const auto h = m_health.constFind(c.id);
        if (h == m_health.cend() || h->state == SourceHealth::State::Standby)
            continue; // not polled here (or another collector writes it)
        // A source that never answered counts from when polling began.
        const qint64 since = h->lastSuccess > 0 ? h->lastSuccess : h->lastAttempt;
        if (since > 0)
            inputs.sourceList.append({c.id, since, c.pollIntervalSeconds});
    }
    const LifecycleCatalog catalog = LifecycleCatalog::builtin();
    const QDate today = QDateTime::fromSecsSinceEpoch(now, Qt::UTC).date();
    for (const Deployment& d : m_inventory) {
        const LifecycleAssessment a = catalog.assess(d, today);
        if (a.entry && a.entry->retirement.isValid())
            inputs.retirementList.append(
                {d.source, d.name, a.entry->retirement.startOfDay(Qt::UTC).toSecsSinceEpoch()});
    }

    QVector<AlertTransition> all;
    for (auto& [id, e] : m_evaluators) {
        const AlertRule& rule = e.rule();
        const QVector<AlertSeries> data = rule.input == AlertInput::None
                                              ? composeAlertSeries(rule, read.raw.value(id))
                                              : inputSeries(rule, inputs, now);
        const QVector<AlertTransition> t = e.evaluate(now, data, m_silences);
        if (!t.isEmpty()) {
            all += t;
            saveState(id);
        }
    }
    setProblem(read.error.isEmpty()
                   ? QString()
                   : tr("Alerts were evaluated without some data: %1").arg(read.error));
    if (!all.isEmpty()) {
        std::stable_sort(
            all.begin(), all.end(),
            [](const AlertTransition& a, const AlertTransition& b) { return a.at < b.at; });
        record(all);
    }
    emit evaluated(now);
    emit changed();
}

void AlertService::saveState(const QString& ruleId)
{
    const auto e = m_evaluators.find(ruleId);
    if (e == m_evaluators.end() || !m_store)
        return;
    m_storedState.insert(ruleId, e->second.stateJson());
    whenReady(this, m_store->putDocument(toStored(e->second.stateDocument())),
              [this](const DocumentWriteReport& r) {
                  if (!r.ok)
                      setProblem(tr("The alert state could not be saved: %1").arg(r.error));
              });
}

void AlertService::record(const QVector<AlertTransition>& transitions)
{
    emit transitionsRecorded(transitions);
    for (const AlertTransition& t : transitions) {
        m_history.prepend(t);
        if (!m_store)
            continue;
        AlertDocument doc{AlertDocument::historyKind(), t.key(), QStringLiteral("shared"),
                          t.toJson()};
        // Revision 0: written only when no one wrote this transition before (a restart, a
        // second evaluator): then it was announced already and is not again.
        whenReady(
            this, m_store->putDocument(toStored(doc), 0), [this, t](const DocumentWriteReport& r) {
                if (!r.ok) {
                    if (!r.stale)
                        setProblem(tr("An alert's history could not be saved: %1").arg(r.error));
                    return;
                }
                const AlertRule* rule = ruleById(t.ruleId);
                if (t.notify && rule)
                    emit noticeReady(noticeFor(t, *rule));
            });
    }
    std::stable_sort(
        m_history.begin(), m_history.end(),
        [](const AlertTransition& a, const AlertTransition& b) { return a.at > b.at; });
    if (m_history.size() > kHistoryLimit)
        m_history.resize(kHistoryLimit);
}

const AlertRule* AlertService::ruleById(const QString& id) const
{
    const auto e = m_evaluators.find(id);
    return e == m_evaluators.end() ? nullptr : &e->second.rule();
}

QVector<AlertRule> AlertService::rules() const
{
    QVector<AlertRule> out;
    for (const auto& [id, e] : m_evaluators)
        out.append(e.rule());
    return out;
}

QVector<ActiveAlert> AlertService::active() const
{
    QVector<ActiveAlert> out;
    for (const auto& [id, e] : m_evaluators) {
        for (const AlertInstanceState& s : e.instances()) {
            if (s.phase != AlertPhase::Inactive)
                out.append({e.rule(), s});
        }
    }
    std::stable_sort(out.begin(), out.end(), [](const ActiveAlert& a, const ActiveAlert& b) {
        return (a.state.phase == AlertPhase::Firing) > (b.state.phase == AlertPhase::Firing);
    });
    return out;
}

int AlertService::firingCount() const
{
    int n = 0;
    for (const auto& [id, e] : m_evaluators) {
        for (const AlertInstanceState& s : e.instances())
            n += s.phase == AlertPhase::Firing ? 1 : 0;
    }
    return n;
}

void AlertService::addSilence(AlertSilence silence)
{
    if (silence.id.isEmpty())
        silence.id = QStringLiteral("%1-%2").arg(silence.ruleId).arg(silence.startsAt);
    m_silences.erase(std::remove_if(m_silences.begin(), m_silences.end(),
                                    [&](const AlertSilence& s) { return s.id == silence.id; }),
                     m_silences.end());
    m_silences.append(silence);
    if (m_store) {
        AlertDocument doc{AlertDocument::silenceKind(), silence.id, QStringLiteral("shared"),
                          silence.toJson()};
        whenReady(this, m_store->putDocument(toStored(doc)), [this](const DocumentWriteReport& r) {
            if (!r.ok)
                setProblem(tr("The silence could not be saved: %1").arg(r.error));
        });
    }
    emit changed();
}

void AlertService::removeSilence(const QString& id)
{
    m_silences.erase(std::remove_if(m_silences.begin(), m_silences.end(),
                                    [&](const AlertSilence& s) { return s.id == id; }),
                     m_silences.end());
    if (m_store)
        m_store->removeDocument(DocumentScope::Shared, AlertDocument::silenceKind(), id);
    emit changed();
}

bool AlertService::acknowledge(const QString& ruleId, const QString& instance, const QString& by)
{
    const auto e = m_evaluators.find(ruleId);
    if (e == m_evaluators.end() || !e->second.acknowledge(instance, by, m_clock()))
        return false;
    saveState(ruleId);
    emit changed();
    return true;
}

void AlertService::setProblem(const QString& problem)
{
    if (problem == m_problem)
        return;
    m_problem = problem;
    emit problemChanged(problem);
}

QVector<MetricFamily> AlertService::families() const
{
    return alertMetricFamilies(rules(), active());
}

} // namespace isc
