#include "../models/replaytestdata.h"
#include "itemmodels/replaycomparisonmodel.h"
#include "itemmodels/routingrulesmodel.h"
#include "pages/replaypage.h"
#include "policyeditor.h"
#include "routestackchart.h"
#include "routing/policydocument.h"
#include "store/samplestore.h"

#include <QAbstractItemModelTester>
#include <QProgressBar>
#include <QPushButton>
#include <QSemaphore>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

const QString kSource = QStringLiteral("demo-azure");

RoutingPolicy offPtu()
{
    RoutingPolicy p;
    p.name = QStringLiteral("off the PTU");
    RoutingRule r;
    r.name = QStringLiteral("PTU traffic to standard");
    r.when.tags = QStringList{QStringLiteral("gpt-4o-ptu")};
    r.target = QStringLiteral("gpt-4o-std");
    p.rules = {r};
    return p;
}

Workspace workspace(const RoutingPolicy& policy)
{
    Workspace ws;
    ws.name = QStringLiteral("test");
    Connection c;
    c.id = kSource;
    c.kind = QStringLiteral("azure-openai");
    c.managementEndpoint = QUrl(QStringLiteral("https://management.azure.com"));
    c.resourceId = QStringLiteral("/subscriptions/0/resourceGroups/rg/providers/"
                                  "Microsoft.CognitiveServices/accounts/demo");
    ws.connections = {c};
    ws.routingPolicy = policy.toJsonObject();
    return ws;
}

} // namespace

class tst_ReplayPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore m_store;
    const TimeRange m_day{test::kReplayTuesday, test::kReplayTuesday + 86400};

    std::unique_ptr<ReplayPage> page(const RoutingPolicy& policy = offPtu())
    {
        auto p = std::make_unique<ReplayPage>(&m_store, workspace(policy),
                                              m_dir.filePath(QStringLiteral("ws.json")),
                                              ReplayPricing::builtin());
        p->setTimeRange(m_day);
        return p;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("h.sqlite"))).result().usable());
        const emu::TrafficModel tm(42);
        m_store.saveDeployments(kSource, test::fleetInventory(tm, kSource)).waitForFinished();
        QVERIFY(m_store.write(test::batchFromModel(tm, kSource, m_day.from, 1440)).result().ok);
    }

    void replaysBesideTheRecord()
    {
        auto p = page();
        QCOMPARE(p->policyEditor()->policy(), offPtu());
        QSignalSpy loaded(p.get(), &ReplayPage::loaded);
        QSignalSpy progress(p->progressBar(), &QProgressBar::valueChanged);
        QVERIFY(p->runReplay());
        QVERIFY(p->isRunning());
        QVERIFY(!p->runButton()->isEnabled());
        QVERIFY(p->cancelButton()->isEnabled());
        QVERIFY(loaded.wait(20000));
        QVERIFY2(p->isLoaded(), qPrintable(p->statusText()));
        QVERIFY(!p->isRunning());
        QCOMPARE(p->progressBar()->maximum(), 1000);
        QVERIFY(!progress.isEmpty());
        QCOMPARE(progress.last().at(0).toInt(), 1000);

        const ReplayResult& r = p->result();
        QCOMPARE(r.replayed.policyName, QStringLiteral("off the PTU"));
        QVERIFY(r.replayed.total.requests429 < r.actual.total.requests429);
        QVERIFY(r.replayed.total.cost > r.actual.total.cost);

        ReplayComparisonModel* m = p->comparisonModel();
        QAbstractItemModelTester tester(m);
        const int cost = m->rowOf(QStringLiteral("cost"));
        QVERIFY(cost >= 0);
        QCOMPARE(m->index(cost, ReplayComparisonModel::Actual).data().toString(),
                 r.actual.total.cost.format(2));
        QCOMPARE(m->index(cost, ReplayComparisonModel::Change)
                     .data(ReplayComparisonModel::SentimentRole)
                     .toInt(),
                 -1); // dearer
        const int x429 = m->rowOf(QStringLiteral("429"));
        QCOMPARE(m->index(x429, 0).data(ReplayComparisonModel::SentimentRole).toInt(), 1);
        for (const char* key : {"costAvoided", "spillover", "localShare", "cloudShare", "ttft",
                                "route:provisioned:cost", "route:pay-per-token:ttft"})
            QVERIFY2(m->rowOf(QLatin1String(key)) >= 0, key);
        QVERIFY(m->index(m->rowOf(QStringLiteral("route:provisioned")), 0)
                    .data(ReplayComparisonModel::SectionRole)
                    .toBool());

        // Both charts on one scale; the replay moved the PTU's requests.
        QCOMPARE(p->recordedChart()->seriesCount(), 3);
        QCOMPARE(p->replayedChart()->seriesCount(), 2);
    }

    void cancel()
    {
        auto p = page();
        QSignalSpy loaded(p.get(), &ReplayPage::loaded);
        QSignalSpy cancelled(p.get(), &ReplayPage::cancelled);
        QVERIFY(p->runReplay());
        p->cancelReplay();
        QCOMPARE(cancelled.size(), 1);
        QVERIFY(!p->isRunning());
        QVERIFY(p->runButton()->isEnabled());
        QVERIFY(p->progressBar()->isHidden());
        QCOMPARE(p->statusText(), QStringLiteral("Replay cancelled."));
        // A new run lands; the cancelled one never does.
        QVERIFY(p->runReplay());
        QVERIFY(loaded.wait(20000));
        QCOMPARE(loaded.size(), 1);
        QVERIFY(p->isLoaded());
    }

    // Closed while its reads wait behind a busy store: it goes at once, without waiting for the
    // store, and nothing it asked for lands afterwards (ASan sees any use of the dead page).
    void closedMidRead()
    {
        auto entered = std::make_shared<QSemaphore>();
        auto release = std::make_shared<QSemaphore>();
        m_store.post([entered, release](StoreBackend&) {
            entered->release();
            release->acquire();
        });
        QVERIFY(entered->tryAcquire(1, 20000));
        auto p = page();         // queues its known-targets read
        QVERIFY(p->runReplay()); // queues the window read
        QVERIFY(p->isRunning());
        p.reset(); // would wait forever for the held store if it waited at all
        release->release();
        // Everything queued so far has run or been skipped, and posted what it delivers.
        m_store.read<int>([](StoreBackend&) { return 0; }).waitForFinished();
        QCoreApplication::sendPostedEvents();
        QVERIFY(!p);
    }

    void validationFlagsInline()
    {
        RoutingPolicy policy = offPtu();
        RoutingRule all;
        all.name = QStringLiteral("everything");
        all.target = QStringLiteral("gpt-4o-mini");
        RoutingRule never;
        never.name = QStringLiteral("never reached");
        never.when.tags = QStringList{QStringLiteral("gpt-4o-std")};
        never.target = QStringLiteral("no-such-deployment");
        policy.rules << all << never;
        auto p = page(policy);
        QSignalSpy loaded(p.get(), &ReplayPage::loaded);
        p->runReplay(); // loads the window: its deployments become the known targets
        QVERIFY(loaded.wait(20000));
        QVERIFY(!p->isLoaded());
        QVERIFY(p->statusText().contains(QLatin1String("Fix the policy")));

        RoutingRulesModel* rules = p->policyEditor()->model();
        QAbstractItemModelTester tester(rules);
        QCOMPARE(rules->rowCount(), 4); // 3 rules + fallback
        QVERIFY(!rules->index(0, 0).data(RoutingRulesModel::HasIssueRole).toBool());
        QVERIFY(!rules->index(1, 0).data(RoutingRulesModel::HasIssueRole).toBool());
        QVERIFY(rules->index(2, 0).data(RoutingRulesModel::HasIssueRole).toBool());
        const QString issue = rules->index(2, RoutingRulesModel::Issues).data().toString();
        QVERIFY2(issue.contains(QLatin1String("no-such-deployment")), qPrintable(issue));
        QVERIFY(rules->hasBlockingIssue());
        QVERIFY(p->policyEditor()->issueTexts().size() >= 2); // unknown target + unreachable

        // Fixing the target in the editor clears the blocking flag; the rule stays unreachable.
        RoutingRule fixed = never;
        fixed.target = QStringLiteral("gpt-4o-std");
        rules->setRule(2, fixed);
        QVERIFY(!rules->hasBlockingIssue());
        QVERIFY(rules->index(2, 0).data(RoutingRulesModel::HasIssueRole).toBool());
        QVERIFY(p->runReplay());
        QVERIFY(loaded.wait(20000));
        QVERIFY(p->isLoaded());
    }

    void savesIntoTheWorkspace()
    {
        auto p = page(RoutingPolicy::identity());
        p->policyEditor()->setPolicy(offPtu());
        QSignalSpy saved(p.get(), &ReplayPage::workspaceSaved);
        QString error;
        const QString path = m_dir.filePath(QStringLiteral("saved.json"));
        QVERIFY2(p->savePolicy(path, &error), qPrintable(error));
        QCOMPARE(saved.size(), 1);
        const auto ws = Workspace::load(path, &error);
        QVERIFY2(ws.has_value(), qPrintable(error));
        const auto policy = RoutingPolicy::fromJsonObject(ws->routingPolicy, &error);
        QVERIFY(policy.has_value());
        QCOMPARE(*policy, offPtu());
        QCOMPARE(ws->connections.size(), 1);
    }

    // Save keeps the policy for the database user; a new page starts from it, not from the file.
    void savesForTheUserInTheDatabase()
    {
        auto p = page(RoutingPolicy::identity());
        QSignalSpy loaded(p->policyDocument(), &PolicyDocument::loaded);
        QVERIFY(loaded.wait(10000));
        QVERIFY2(p->policyLocationText().startsWith(QLatin1String("From the workspace file")),
                 qPrintable(p->policyLocationText()));
        p->policyEditor()->setPolicy(offPtu());
        // Usable once the inventory read says its target exists.
        QTRY_VERIFY_WITH_TIMEOUT(p->saveButton()->isEnabled(), 10000);
        QSignalSpy saved(p->policyDocument(), &PolicyDocument::saved);
        QSignalSpy workspaceSaved(p.get(), &ReplayPage::workspaceSaved);
        p->saveButton()->click();
        QVERIFY(saved.wait(10000));
        const QString where =
            QStringLiteral("for %1 in %2")
                .arg(p->policyDocument()->owner(), m_dir.filePath(QStringLiteral("h.sqlite")));
        QVERIFY2(p->statusText().startsWith(QLatin1String("Policy saved ") + where),
                 qPrintable(p->statusText()));
        QCOMPARE(p->policyLocationText(), QStringLiteral("Saved %1.").arg(where));
        QCOMPARE(workspaceSaved.size(), 0); // the file is left alone

        auto next = page(RoutingPolicy::identity());
        QTRY_COMPARE(next->policyEditor()->policy(), offPtu());
        QCOMPARE(next->policyDocument()->origin(), PolicyDocument::Origin::Database);
        // "Revert" goes back to the saved one, dropping an edit.
        next->policyEditor()->setPolicy(RoutingPolicy::identity());
        next->revertButton()->click();
        QTRY_COMPARE(next->policyEditor()->policy(), offPtu());
        QVERIFY(
            m_store.removeDocument(DocumentScope::User, PolicyDocument::kKind, PolicyDocument::kKey)
                .result()
                .ok);
    }

    // A local server gets at most its busiest recorded minute; the page says where the rest went.
    void saysWhereALocalServersOverflowWent()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("local.sqlite"))).result().usable());
        const emu::TrafficModel tm(42);
        store.saveDeployments(kSource, test::fleetInventory(tm, kSource)).waitForFinished();
        const TimeRange hour{m_day.from, m_day.from + 3600};
        QVERIFY(store.write(test::batchFromModel(tm, kSource, hour.from, 60)).result().ok);
        // A vLLM server that served 2 requests of 500 + 100 tokens a minute.
        const QString vllm = QStringLiteral("vllm");
        PollBatch b;
        b.source = vllm;
        b.window = hour;
        const QString labels =
            labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama")}});
        for (const auto& [metric, value] :
             {std::pair{"Requests", 2.0}, std::pair{"InputTokens", 1000.0},
              std::pair{"OutputTokens", 200.0}}) {
            SeriesSamples series{{vllm, QLatin1String(metric), QStringLiteral("total"), labels},
                                 QStringLiteral("Count"),
                                 {}};
            for (int m = 0; m < 60; ++m)
                series.samples.append({hour.from + 60LL * m, value});
            b.series.append(series);
        }
        QVERIFY(store.write(b).result().ok);

        RoutingPolicy policy;
        policy.name = QStringLiteral("mini to vLLM");
        RoutingRule local;
        local.when.tags = QStringList{QStringLiteral("gpt-4o-mini")};
        local.target = QStringLiteral("vllm/llama");
        policy.rules = {local};
        Workspace ws = workspace(policy);
        Connection c;
        c.id = vllm;
        c.kind = QStringLiteral("prometheus");
        ws.connections.append(c);
        ReplayPage p(&store, ws, dir.filePath(QStringLiteral("ws.json")), ReplayPricing::builtin());
        p.setTimeRange(hour);
        QSignalSpy loaded(&p, &ReplayPage::loaded);
        QVERIFY(p.runReplay());
        QVERIFY(loaded.wait(20000));
        QVERIFY2(p.isLoaded(), qPrintable(p.statusText()));
        const QString text = p.localCapText();
        QVERIFY2(text.startsWith(QStringLiteral("llama capped at %L1 tokens/min (its busiest "
                                                "recorded minute): ")
                                     .arg(1200)),
                 qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("requests spilled to gpt-4o-mini")), qPrintable(text));
        const LocalCap& cap = p.result().replayed.localCaps.value(0);
        QVERIFY(cap.cappedRequests > 0);
        QVERIFY(p.comparisonModel()->rowOf(QStringLiteral("capped")) >= 0);
        QVERIFY(p.comparisonModel()->rowOf(QStringLiteral("route:local:capped")) >= 0);
    }
};

QTEST_MAIN(tst_ReplayPage)
#include "tst_replaypage.moc"
