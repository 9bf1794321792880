#include "alerts/alertservice.h"
#include "alerts/alertsignal.h"
#include "alerts/delivery/alertnotice.h"
#include "core/labels.h"
#include "cost/costforecast.h"
#include "cost/costquery.h"
#include "cost/workspacepricing.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "storebackends.h"
#include "storetestdata.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

const QString kMetric = QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2");
constexpr qint64 kT0 = 1'780'000'020 / 60 * 60; // a minute boundary
constexpr qint64 kMin = 60;

Workspace workspace()
{
    Workspace ws;
    ws.name = QStringLiteral("alerts");
    Connection c;
    c.id = QStringLiteral("east");
    c.kind = QStringLiteral("azure-openai");
    ws.connections = {c};
    ws.alerts = QJsonObject{{"builtins", false},
                            {"rules", QJsonArray{QJsonObject{{"id", "ptu-hot"},
                                                             {"name", "PTU hot"},
                                                             {"metric", kMetric},
                                                             {"aggregation", "average"},
                                                             {"op", ">="},
                                                             {"threshold", 90},
                                                             {"clearMargin", 5},
                                                             {"for", "5m"},
                                                             {"unit", "%"}}}}};
    return ws;
}

/// `values` per minute from `from` for one PTU deployment of connection "east".
SeriesSamples utilization(const QString& deployment, qint64 from, const QVector<double>& values)
{
    return series(kMetric, {{"ModelDeploymentName", deployment}}, minutes(from, values),
                  QStringLiteral("east"), QStringLiteral("average"));
}

/// Evaluates at `now` and returns what it recorded (empty when nothing changed).
QVector<AlertTransition> evaluate(AlertService& alerts, qint64 now)
{
    alerts.setClock([now] { return now; });
    QSignalSpy evaluated(&alerts, &AlertService::evaluated);
    QSignalSpy recorded(&alerts, &AlertService::transitionsRecorded);
    alerts.setEvaluating(true);
    alerts.evaluateSoon();
    if (!evaluated.wait(10000))
        qWarning("no evaluation landed");
    QVector<AlertTransition> out;
    for (const auto& args : recorded)
        out += args.at(0).value<QVector<AlertTransition>>();
    return out;
}

/// Waits for every write queued before it on the store's thread (they run in order).
bool drained(SampleStore& store)
{
    return store
        .read<bool>([](StoreBackend& db) {
            return db.listDocuments(AlertDocument::historyKind()).error.isEmpty();
        })
        .result();
}

} // namespace

class tst_AlertService : public QObject
{
    Q_OBJECT

    BackendFixture m_fx;

    static bool waitLoaded(AlertService& alerts)
    {
        QSignalSpy loaded(&alerts, &AlertService::loaded);
        alerts.load();
        return alerts.isLoaded() && !loaded.isEmpty() ? true : loaded.wait(10000);
    }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<QVector<AlertTransition>>();
        qRegisterMetaType<AlertNotice>();
    }

    // Read from the store after a poll: the same transitions as the evaluator over the raw
    // samples, each recorded once, a notice for the firing one, the state on /metrics.
    void firesOnStoredMinutes()
    {
        auto store = m_fx.openStore();
        const QVector<double> hot(20, 95.0);
        const SeriesSamples s = utilization(QStringLiteral("gpt-4o-ptu"), kT0, hot);
        QVERIFY(store->write(batch({s}, {}, QStringLiteral("east"))).result().ok);

        AlertService alerts(store.get());
        alerts.setWorkspace(workspace());
        QVERIFY(waitLoaded(alerts));
        QCOMPARE(alerts.rules().size(), 1);
        QSignalSpy notices(&alerts, &AlertService::noticeReady);
        const qint64 now = kT0 + 20 * kMin;
        const QVector<AlertTransition> got = evaluate(alerts, now);

        // The same rule over the same samples, straight from memory.
        AlertEvaluator direct(alerts.rules().first());
        const QVector<AlertTransition> expected =
            direct.evaluate(now, composeAlertSeries(alerts.rules().first(), {s}));
        QVERIFY(!expected.isEmpty());
        QCOMPARE(got.size(), expected.size());
        for (int i = 0; i < got.size(); ++i) {
            QCOMPARE(got[i].kind, expected[i].kind);
            QCOMPARE(got[i].at, expected[i].at);
            QCOMPARE(got[i].instance, expected[i].instance);
        }
        QCOMPARE(got.last().kind, AlertTransition::Kind::Firing);
        QCOMPARE(alerts.firingCount(), 1);

        QTRY_COMPARE_WITH_TIMEOUT(notices.size(), 1, 10000);
        const auto notice = notices.first().at(0).value<AlertNotice>();
        QCOMPARE(notice.transition, AlertNotice::Transition::Firing);
        QCOMPARE(notice.labels.value(QStringLiteral("deployment")), QStringLiteral("gpt-4o-ptu"));
        QCOMPARE(notice.labels.value(QStringLiteral("connection")), QStringLiteral("east"));
        QCOMPARE(notice.value, 95.0);
        QCOMPARE(notice.threshold, 90.0);
        const NoticeWording words = wordNotice(notice, QTimeZone::utc());
        QVERIFY2(words.body.contains(QLatin1String("95")) &&
                     words.body.contains(QLatin1String("90")),
                 qPrintable(words.body));

        bool firingOnMetrics = false;
        for (const MetricFamily& f : alerts.families()) {
            for (const MetricSample& m : f.samples) {
                if (f.name == QLatin1String("inferscope_alert") &&
                    m.labels.contains({QStringLiteral("state"), QStringLiteral("firing")}) &&
                    m.labels.contains({QStringLiteral("deployment"), QStringLiteral("gpt-4o-ptu")}))
                    firingOnMetrics = true;
            }
        }
        QVERIFY(firingOnMetrics);

        // Evaluating again at the same time changes nothing and announces nothing.
        QVERIFY(evaluate(alerts, now).isEmpty());
        QCOMPARE(notices.size(), 1);
    }

    // The state and history are stored: a restarted evaluator (or a second one on the same
    // database) neither fires again nor announces again; a follower sees the firing alert.
    void survivesARestartWithoutFiringAgain()
    {
        auto store = m_fx.openStore();
        QVERIFY(store
                    ->write(batch(
                        {utilization(QStringLiteral("gpt-4o-ptu"), kT0, QVector<double>(20, 97.0))},
                        {}, QStringLiteral("east")))
                    .result()
                    .ok);
        const qint64 now = kT0 + 20 * kMin;
        {
            AlertService first(store.get());
            first.setWorkspace(workspace());
            QVERIFY(waitLoaded(first));
            QVERIFY(!evaluate(first, now).isEmpty());
            QCOMPARE(first.firingCount(), 1);
            QTRY_VERIFY_WITH_TIMEOUT(!first.history().isEmpty(), 10000);
        }
        // Drain the writes the first one queued.
        QVERIFY(drained(*store));

        AlertService follower(store.get());
        follower.setWorkspace(workspace());
        QVERIFY(waitLoaded(follower));
        QCOMPARE(follower.firingCount(), 1);
        QVERIFY(!follower.history().isEmpty());

        AlertService restarted(store.get());
        restarted.setWorkspace(workspace());
        QVERIFY(waitLoaded(restarted));
        QSignalSpy notices(&restarted, &AlertService::noticeReady);
        QVERIFY(evaluate(restarted, now + kMin).isEmpty());
        QCOMPARE(restarted.firingCount(), 1);
        QVERIFY(drained(*store));
        QCOMPARE(notices.size(), 0);

        // It cools down: resolved once, below the threshold less the margin.
        QVERIFY(store
                    ->write(batch(
                        {utilization(QStringLiteral("gpt-4o-ptu"), now, QVector<double>(5, 50.0))},
                        {}, QStringLiteral("east")))
                    .result()
                    .ok);
        const QVector<AlertTransition> cooled = evaluate(restarted, now + 5 * kMin);
        QCOMPARE(cooled.size(), 1);
        QCOMPARE(cooled.first().kind, AlertTransition::Kind::Resolved);
        QCOMPARE(cooled.first().at, now);
        QCOMPARE(restarted.firingCount(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(notices.size(), 1, 10000);
    }

    // A silence mutes the notice, not the state or the history.
    void silencedFiresWithoutANotice()
    {
        auto store = m_fx.openStore();
        QVERIFY(store
                    ->write(batch(
                        {utilization(QStringLiteral("gpt-4o-ptu"), kT0, QVector<double>(20, 99.0))},
                        {}, QStringLiteral("east")))
                    .result()
                    .ok);
        const qint64 now = kT0 + 20 * kMin;
        AlertService alerts(store.get());
        alerts.setWorkspace(workspace());
        QVERIFY(waitLoaded(alerts));
        AlertSilence silence;
        silence.ruleId = QStringLiteral("ptu-hot");
        silence.startsAt = now - 3600;
        silence.endsAt = now + 3600;
        silence.comment = QStringLiteral("planned load test");
        alerts.addSilence(silence);
        QSignalSpy notices(&alerts, &AlertService::noticeReady);
        const QVector<AlertTransition> got = evaluate(alerts, now);
        QVERIFY(!got.isEmpty());
        QCOMPARE(got.last().kind, AlertTransition::Kind::Firing);
        QVERIFY(!got.last().notify);
        QVERIFY(!got.last().suppressed.isEmpty());
        QCOMPARE(alerts.firingCount(), 1);

        AlertService other(store.get()); // the silence is stored for every window
        other.setWorkspace(workspace());
        QVERIFY(waitLoaded(other));
        QCOMPARE(other.silences().size(), 1);
        QCOMPARE(other.silences().first().comment, silence.comment);
        QCOMPARE(notices.size(), 0);
    }

    // Spend today against the monthly budget: the value is what the Cost page's query and
    // forecast make of the stored tokens, as a share of the budget.
    void spendTodayAgainstTheBudget()
    {
        auto store = m_fx.openStore();
        Workspace ws;
        ws.name = QStringLiteral("spend");
        Connection c;
        c.id = QStringLiteral("oa");
        c.kind = QStringLiteral("openai");
        ws.connections = {c};
        ws.budget = QJsonObject{{"monthlyUsd", 100}};
        ws.alerts = QJsonObject{
            {"builtins", false},
            {"rules", QJsonArray{QJsonObject{{"template", "spend-today"}, {"threshold", 5}}}}};
        const qint64 now = kT0;
        const QList<Label> model{{"ModelDeploymentName", "gpt-4o"}, {"batch", "false"}};
        // Two hours of output tokens earlier today.
        QVERIFY(store
                    ->write(batch({series(QStringLiteral("OutputTokens"), model,
                                          minutes(now - 7200, QVector<double>(120, 20000.0)),
                                          QStringLiteral("oa"), QStringLiteral("total"))},
                                  {}, QStringLiteral("oa")))
                    .result()
                    .ok);

        // The same numbers by hand: the cost query over the month, the forecast's "today".
        CostQueryRequest req;
        req.range = CostForecast::inputRange(now);
        req.kindBySource = {{QStringLiteral("oa"), QStringLiteral("openai")}};
        QString warning;
        const CostQueryResult cost = CostQuery::run(store.get(), costEngineFor(ws, &warning), req);
        QVERIFY2(cost.error.isEmpty(), qPrintable(cost.error));
        const double percent = CostForecast::compute(cost.daily, now).today.toUnits() / 100.0 * 100;
        QVERIFY2(percent > 5, qPrintable(QString::number(percent)));

        AlertService alerts(store.get());
        alerts.setWorkspace(ws);
        QVERIFY2(alerts.configErrors().isEmpty(), qPrintable(alerts.configErrors().join('\n')));
        QVERIFY(waitLoaded(alerts));
        const QVector<AlertTransition> t = evaluate(alerts, now);
        QCOMPARE(t.size(), 1);
        QCOMPARE(t.first().kind, AlertTransition::Kind::Firing);
        QCOMPARE(t.first().ruleId, QStringLiteral("spend-today"));
        QVERIFY2(qAbs(t.first().value - percent) < 1e-6,
                 qPrintable(QStringLiteral("%1 vs %2").arg(t.first().value).arg(percent)));
    }

    // A bad rule is named, not skipped silently; the good ones still run.
    void namesABadRule()
    {
        auto store = m_fx.openStore();
        Workspace ws = workspace();
        QJsonArray rules = ws.alerts.value(QLatin1String("rules")).toArray();
        rules.append(QJsonObject{
            {"id", "broken"}, {"metric", kMetric}, {"op", ">="}, {"threshold", 90}, {"for", "5x"}});
        ws.alerts.insert(QStringLiteral("rules"), rules);
        AlertService alerts(store.get());
        alerts.setWorkspace(ws);
        QCOMPARE(alerts.rules().size(), 1);
        QCOMPARE(alerts.configErrors().size(), 1); // only the bad field, once
        QVERIFY2(alerts.configErrors().first().startsWith(QLatin1String("alerts.rules[1].for")),
                 qPrintable(alerts.configErrors().first()));
    }
};

QTEST_GUILESS_MAIN(tst_AlertService)
#include "tst_alertservice.moc"
