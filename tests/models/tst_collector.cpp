#include "emulator/emulator.h"
#include "fakekeychain.h"
#include "net/secretstore.h"
#include "sources/collector.h"
#include "store/samplestore.h"

#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <algorithm>
#include <memory>

using namespace isc;

namespace {

// 2026-09-01 (a Tuesday) 12:00:30 UTC.
constexpr qint64 kNow = 1788220800 + 12 * 3600 + 30;
const char* const kBadTokenVar = "INFERSCOPE_TEST_WRONG_TOKEN";
const char* const kUnsetVar = "INFERSCOPE_TEST_UNSET_TOKEN";

Connection envConnection(const QString& id, const QUrl& base, const char* var)
{
    Connection c;
    c.id = id;
    c.kind = QStringLiteral("azure-openai");
    c.displayName = id;
    c.managementEndpoint = base;
    c.resourceId = emu::Emulator::accountResourceId();
    c.credential.kind = SecretRef::Kind::Env;
    c.credential.name = QString::fromLatin1(var);
    return c;
}

} // namespace

class tst_Collector : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<emu::Emulator> m_emu;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_emu = std::make_unique<emu::Emulator>(11);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_emu->setClock([] { return kNow; });
        qputenv(kBadTokenVar, "not-the-demo-token");
        qunsetenv(kUnsetVar);
    }

    void backfillThenPoll()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        SampleStore store;
        const OpenReport opened = store.open(dir.filePath(QStringLiteral("t.sqlite"))).result();
        QVERIFY2(opened.usable(), qPrintable(opened.message));

        Workspace ws =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        ws.connections.append(
            envConnection(QStringLiteral("bad-token"), m_emu->baseUrl(), kBadTokenVar));
        ws.connections.append(
            envConnection(QStringLiteral("no-token"), m_emu->baseUrl(), kUnsetVar));

        Collector collector(ws, &store);
        collector.setClock([] { return kNow; });
        QCOMPARE(collector.health().size(), ws.connections.size());
        QSignalSpy finished(&collector, &Collector::backfillFinished);
        QSignalSpy progress(&collector, &Collector::backfillProgress);
        QSignalSpy cycle(&collector, &Collector::pollCycleFinished);
        QSignalSpy health(&collector, &Collector::healthChanged);
        QSignalSpy landed(&collector, &Collector::batchStored);
        QSignalSpy failed(&collector, &Collector::sourceFailed);

        collector.start(2 * 3600);
        QVERIFY(collector.isBackfilling());
        QVERIFY(finished.wait(60000));
        QCOMPARE(finished.size(), 1);
        QVERIFY(!collector.isBackfilling());
        QVERIFY(!progress.isEmpty());
        const auto last = progress.last();
        QCOMPARE(last.at(0).toInt(), last.at(1).toInt());
        QVERIFY(last.at(1).toInt() >= 3); // one 2-hour chunk per source
        QVERIFY(!health.isEmpty());

        // The demo source's totals are the traffic model's, minute for minute.
        const qint64 from = floorTo(kNow - 2 * 3600, 60);
        const qint64 complete = floorTo(kNow - 240, 60) + 60;
        SeriesQuery q;
        q.metric = QStringLiteral("AzureOpenAIRequests");
        q.aggregation = QStringLiteral("total");
        q.source = QStringLiteral("demo-azure");
        q.groupBy = QStringLiteral("ModelDeploymentName");
        q.combine = Combine::Sum;
        q.reduce = Reduce::Sum;
        q.range = {from, complete};
        q.step = 60;
        const QueryResult result = store.query(q).result();
        QVERIFY2(result.error.isEmpty(), qPrintable(result.error));
        const auto& traffic = m_emu->traffic();
        QCOMPARE(result.series.size(), traffic.fleet().size());
        for (const auto& series : result.series) {
            double stored = 0;
            for (const auto& p : series.points)
                stored += p.y();
            double expected = 0;
            for (qint64 m = from; m < complete; m += 60)
                expected += traffic.at(series.name, m).totalRequests();
            QCOMPARE(stored, expected);
        }

        // The inventory landed.
        QCOMPARE(store.deployments(QStringLiteral("demo-azure")).result().size(),
                 traffic.fleet().size());

        // The sources without a usable token recorded gaps, in words.
        const TimeRange all{from - 3600, kNow + 3600};
        const auto badGaps = store.gaps(QStringLiteral("bad-token"), all).result();
        QVERIFY(!badGaps.isEmpty());
        QVERIFY2(badGaps.first().reason.startsWith(
                     QLatin1String("Azure Monitor refused the token (401)")),
                 qPrintable(badGaps.first().reason));
        const auto unsetGaps = store.gaps(QStringLiteral("no-token"), all).result();
        QVERIFY(!unsetGaps.isEmpty());
        QCOMPARE(
            unsetGaps.first().reason,
            QStringLiteral("environment variable %1 is not set").arg(QLatin1String(kUnsetVar)));
        QVERIFY(store.gaps(QStringLiteral("demo-azure"), all).result().isEmpty());
        // What landed and what failed is said for the exposition, batch by batch.
        QVERIFY(std::any_of(landed.cbegin(), landed.cend(), [](const QList<QVariant>& args) {
            const auto b = args.at(0).value<PollBatch>();
            return b.source == QLatin1String("demo-azure") && b.sampleCount() > 0;
        }));
        QVERIFY(std::none_of(landed.cbegin(), landed.cend(), [](const QList<QVariant>& args) {
            return args.at(0).value<PollBatch>().source == QLatin1String("bad-token");
        }));
        QVERIFY(std::any_of(failed.cbegin(), failed.cend(), [](const QList<QVariant>& args) {
            return args.at(0).value<GapMarker>().source == QLatin1String("bad-token");
        }));

        // After the backfill every source polls once; the cycle ends when all writes landed
        // (possibly already, in the same event-loop pass as backfillFinished).
        QTRY_VERIFY_WITH_TIMEOUT(!cycle.isEmpty(), 30000);
        bool demoPolling = false, badFailing = false;
        for (const auto& h : collector.health()) {
            if (h.source == QLatin1String("demo-azure"))
                demoPolling = h.state == SourceHealth::State::Polling && h.lastSuccess == kNow;
            if (h.source == QLatin1String("bad-token"))
                badFailing = h.state == SourceHealth::State::Failing && !h.lastError.isEmpty();
        }
        QVERIFY(demoPolling);
        QVERIFY(badFailing);

        // A second cycle on demand.
        const qsizetype cycles = cycle.size();
        collector.pollNow();
        QTRY_VERIFY_WITH_TIMEOUT(cycle.size() > cycles, 30000);
        collector.stop();
    }

    void resumesFromNewestStored()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("t.sqlite"))).result().usable());
        const Workspace ws =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        {
            Collector first(ws, &store);
            first.setClock([] { return kNow - 3600; });
            QSignalSpy finished(&first, &Collector::backfillFinished);
            first.start(3600);
            QVERIFY(finished.wait(60000));
            first.stop();
        }
        const SourceExtent before = store.extent(QStringLiteral("demo-azure")).result();
        QVERIFY(before.newest > 0);
        Collector second(ws, &store);
        second.setClock([] { return kNow; });
        QSignalSpy progress(&second, &Collector::backfillProgress);
        QSignalSpy finished(&second, &Collector::backfillFinished);
        second.start(2 *
                     3600); // the stored hour covers the older half: only the newest hour is read
        QVERIFY(finished.wait(60000));
        QVERIFY(!progress.isEmpty());
        // One chunk per source with history: Ollama has none, and a Prometheus scrape only in
        // the demo (the emulator's servers can be scraped as they were).
        const auto historyless =
            std::count_if(ws.connections.cbegin(), ws.connections.cend(), [](const Connection& c) {
                return c.kind == QLatin1String("ollama") ||
                       (c.kind == QLatin1String("prometheus") &&
                        c.credential.kind != SecretRef::Kind::Demo);
            });
        QCOMPARE(progress.last().at(1).toInt(), ws.connections.size() - historyless);
        QVERIFY(store.extent(QStringLiteral("demo-azure")).result().newest > before.newest);
        second.stop();
    }

    void backfillWindows_data()
    {
        QTest::addColumn<qint64>("oldest");
        QTest::addColumn<qint64>("newest");
        QTest::addColumn<qint64>("span");
        QTest::addColumn<QVector<TimeRange>>("expected");
        const qint64 end = 1788220800;
        QTest::newRow("nothing stored")
            << qint64(0) << qint64(0) << qint64(3600) << QVector<TimeRange>{{end - 3600, end}};
        QTest::newRow("current") << end - 3600 << end - 60 << qint64(3600) << QVector<TimeRange>{};
        QTest::newRow("app was closed")
            << end - 3600 << end - 1200 << qint64(3600) << QVector<TimeRange>{{end - 1140, end}};
        QTest::newRow("wider range than stored") << end - 3600 << end - 60 << qint64(7200)
                                                 << QVector<TimeRange>{{end - 7200, end - 3600}};
        QTest::newRow("both") << end - 3600 << end - 600 << qint64(7200)
                              << QVector<TimeRange>{{end - 540, end}, {end - 7200, end - 3600}};
        QTest::newRow("stored is older than the span")
            << end - 86400 << end - 80000 << qint64(3600) << QVector<TimeRange>{{end - 3600, end}};
        QTest::newRow("no backfill") << qint64(0) << qint64(0) << qint64(0) << QVector<TimeRange>{};
    }
    void backfillWindows()
    {
        QFETCH(qint64, oldest);
        QFETCH(qint64, newest);
        QFETCH(qint64, span);
        QFETCH(QVector<TimeRange>, expected);
        // Mid-minute "now": windows end at the start of that minute.
        const QVector<TimeRange> got =
            Collector::backfillWindows({oldest, newest}, 1788220800 + 30, span);
        QCOMPARE(got.size(), expected.size());
        for (int i = 0; i < got.size(); ++i) {
            QCOMPARE(got.at(i).from, expected.at(i).from);
            QCOMPARE(got.at(i).to, expected.at(i).to);
        }
    }

    void failedStoreWriteIsShownInHealth()
    {
        SampleStore store; // never opened: every write is refused
        const Workspace ws =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        Collector collector(ws, &store);
        collector.setClock([] { return kNow; });
        QSignalSpy health(&collector, &Collector::healthChanged);
        QSignalSpy storeFailed(&collector, &Collector::storeWriteFailed);
        QSignalSpy stored(&collector, &Collector::batchStored);
        collector.start(3600);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(health.cbegin(), health.cend(),
                                             [](const QList<QVariant>& args) {
                                                 const auto h = args.at(0).value<SourceHealth>();
                                                 return h.state == SourceHealth::State::Failing &&
                                                        h.lastError.startsWith(
                                                            "could not store the data: ");
                                             }),
                                 30000);
        QVERIFY(
            std::any_of(storeFailed.cbegin(), storeFailed.cend(), [](const QList<QVariant>& args) {
                return args.at(1).toString().startsWith("could not store the data: ");
            }));
        QVERIFY(stored.isEmpty());
        collector.stop();
    }

    // A gap marker, the inventory or a retention run that could not be written reaches the
    // source's health and the log (a trigger in the database injects the failure).
    void failedStoreUpkeepIsShownInHealth_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("trigger");
        QTest::addColumn<QString>("expected");
        QTest::newRow("gap marker")
            << QStringLiteral("bad-token")
            << QStringLiteral("CREATE TRIGGER fail BEFORE INSERT ON gaps BEGIN SELECT "
                              "RAISE(ABORT, 'injected failure'); END")
            << QStringLiteral("could not record the failed poll's gap: ");
        QTest::newRow("inventory")
            << QStringLiteral("azure-openai")
            << QStringLiteral("CREATE TRIGGER fail BEFORE INSERT ON deployments BEGIN SELECT "
                              "RAISE(ABORT, 'injected failure'); END")
            << QStringLiteral("could not store the deployments: ");
        QTest::newRow("retention")
            << QStringLiteral("azure-openai")
            << QStringLiteral("CREATE TRIGGER fail BEFORE DELETE ON samples BEGIN SELECT "
                              "RAISE(ABORT, 'injected failure'); END")
            << QStringLiteral("could not apply the retention: ");
    }
    void failedStoreUpkeepIsShownInHealth()
    {
        QFETCH(QString, kind);
        QFETCH(QString, trigger);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("t.sqlite"));
        {
            SampleStore store;
            QVERIFY(store.open(path).result().usable());
            // A sample past the retention, for the retention run to delete.
            SeriesSamples old;
            old.key = {QStringLiteral("x"), QStringLiteral("M"), QStringLiteral("total"), {}};
            old.samples = {{kNow - 100 * 86400, 1}};
            PollBatch b;
            b.source = QStringLiteral("x");
            b.series = {old};
            QVERIFY(store.write(b).result().ok);
        }
        {
            auto db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("inject"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(trigger));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("inject"));

        SampleStore store;
        QVERIFY(store.open(path).result().usable());
        Workspace ws;
        if (kind == QLatin1String("bad-token")) {
            ws.connections = {
                envConnection(QStringLiteral("bad-token"), m_emu->baseUrl(), kBadTokenVar)};
        } else {
            const Workspace demo =
                Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
            for (const Connection& c : demo.connections) {
                if (c.kind == kind)
                    ws.connections = {c};
            }
        }
        QCOMPARE(ws.connections.size(), 1);
        Collector collector(ws, &store);
        collector.setClock([] { return kNow; });
        QSignalSpy health(&collector, &Collector::healthChanged);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QRegularExpression::escape(expected) +
                                                QStringLiteral(".*injected failure")));
        collector.start(3600);
        QTRY_VERIFY_WITH_TIMEOUT(std::any_of(health.cbegin(), health.cend(),
                                             [&](const QList<QVariant>& args) {
                                                 const auto h = args.at(0).value<SourceHealth>();
                                                 return h.lastError.startsWith(expected) &&
                                                        h.lastError.contains("injected failure");
                                             }),
                                 30000);
        collector.stop();
    }

    // A metric name Azure does not know is a warning: polling goes on and the health says so.
    void unknownMetricNameIsAWarningInHealth()
    {
        Workspace ws =
            Workspace::demoWorkspace(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        const auto aci =
            std::find_if(ws.connections.cbegin(), ws.connections.cend(),
                         [](const Connection& c) { return c.kind == "azure-monitor"; });
        QVERIFY(aci != ws.connections.cend());
        ws.connections = {*aci};
        ws.connections[0].metrics.append(QStringLiteral("NoSuchMetric"));
        Collector collector(ws, nullptr);
        collector.setClock([] { return kNow; });
        QSignalSpy health(&collector, &Collector::healthChanged);
        collector.start(3600);
        QTRY_VERIFY_WITH_TIMEOUT(
            !collector.health().isEmpty() &&
                collector.health().first().warning.contains(QStringLiteral("NoSuchMetric")),
            10000);
        const auto last = health.last().at(0).value<SourceHealth>();
        QVERIFY2(last.warning.contains(QStringLiteral("NoSuchMetric")), qPrintable(last.warning));
        QVERIFY(last.state != SourceHealth::State::Failing);
        collector.stop();
    }

    // A source without its token fails every backfill chunk and every poll alike: the failure
    // is reported once a round, not once per chunk and health change.
    void failuresAreReportedOncePerRound()
    {
        Workspace ws;
        ws.name = QStringLiteral("no token");
        ws.connections = {envConnection(QStringLiteral("no-token"), m_emu->baseUrl(), kUnsetVar)};
        Collector collector(ws, nullptr);
        collector.setClock([] { return kNow; });
        QSignalSpy reported(&collector, &Collector::failureReported);
        QSignalSpy progress(&collector, &Collector::backfillProgress);
        QSignalSpy cycle(&collector, &Collector::pollCycleFinished);
        collector.start(24 * 3600); // four 6-hour chunks, each failing alike, then the first poll
        QVERIFY(cycle.wait(30000));
        QVERIFY(progress.last().at(1).toInt() >= 4);
        QStringList said;
        for (const auto& args : reported)
            said << args.at(1).toString();
        QVERIFY2(reported.size() == 1, qPrintable(said.join(QLatin1Char('\n'))));
        QCOMPARE(reported.first().at(0).toString(), QStringLiteral("no-token"));
        QVERIFY2(reported.first().at(1).toString().contains(QLatin1String(kUnsetVar)),
                 qPrintable(reported.first().at(1).toString()));
        // The next poll, from the event loop as the poll timer would run it.
        QTimer::singleShot(0, &collector, [&collector] { collector.pollNow(); });
        QTRY_COMPARE_WITH_TIMEOUT(cycle.size(), 2, 30000);
        QCOMPARE(reported.size(), 2); // a new round says it again, once
        QCOMPARE(reported.last().at(1), reported.first().at(1));
        collector.stop();
    }

    // One metric failing inside Azure's 200: the others land in the store, the failed one has
    // its own gap (named in it), and the gap does not cut the other metrics' lines.
    void partialPollStoresTheGoodMetrics()
    {
        emu::Emulator account(11);
        QVERIFY(account.listen());
        account.setClock([] { return kNow; });
        account.setMetricError(QStringLiteral("AzureOpenAITokenPerSecond"),
                               QStringLiteral("InvalidSamplingType"),
                               QStringLiteral("The sampling type is not supported."));
        Workspace ws =
            Workspace::demoWorkspace(account.baseUrl(), emu::Emulator::accountResourceId());
        ws.connections = {ws.connections.first()};
        QCOMPARE(ws.connections.first().kind, QStringLiteral("azure-openai"));
        const QString id = ws.connections.first().id;
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("p.sqlite"))).result().usable());
        Collector collector(ws, &store);
        collector.setClock([] { return kNow; });
        QSignalSpy reported(&collector, &Collector::failureReported);
        QSignalSpy cycle(&collector, &Collector::pollCycleFinished);
        collector.start(0);
        QVERIFY(cycle.wait(30000));
        collector.stop();

        const TimeRange window{floorTo(kNow, 60) - 600, floorTo(kNow, 60)};
        SeriesQuery q;
        q.metric = QStringLiteral("GeneratedTokens");
        q.source = id;
        q.range = window;
        q.step = 60;
        const QueryResult good = store.query(q).result();
        QVERIFY2(good.error.isEmpty(), qPrintable(good.error));
        QVERIFY(!good.series.isEmpty());
        QVERIFY(good.gaps.isEmpty()); // the other metric's gap is not this metric's

        q.metric = QStringLiteral("AzureOpenAITokenPerSecond");
        const QueryResult bad = store.query(q).result();
        QVERIFY(bad.series.isEmpty());
        QCOMPARE(bad.gaps, QVector<TimeRange>{window});

        const auto gaps = store.gaps(id, window).result();
        QCOMPARE(gaps.size(), 1);
        QCOMPARE(gaps.first().metric, QStringLiteral("AzureOpenAITokenPerSecond"));
        QCOMPARE(gaps.first().reason, QStringLiteral("AzureOpenAITokenPerSecond: "
                                                     "InvalidSamplingType: The sampling type is "
                                                     "not supported."));
        QCOMPARE(reported.size(), 1);
        QCOMPARE(reported.first().at(1).toString(), gaps.first().reason);
        const SourceHealth h = collector.health().first();
        QVERIFY2(h.lastError.startsWith(QLatin1String("1 of 11 metrics failing: "
                                                      "AzureOpenAITokenPerSecond: "
                                                      "InvalidSamplingType: ")),
                 qPrintable(h.lastError));
    }

    void noSources()
    {
        Workspace ws;
        Collector collector(ws, nullptr);
        QSignalSpy finished(&collector, &Collector::backfillFinished);
        collector.start(3600);
        QCOMPARE(finished.size(), 1);
        QVERIFY(collector.health().isEmpty());
    }

    void cleanupTestCase() { m_emu.reset(); }
    // A key still being read from the keychain at start: the first request waits for it, so
    // the first poll after a start leaves no gap.
    void firstRequestWaitsForTheKeychain()
    {
        auto owned = std::make_unique<test::FakeKeychain>();
        test::FakeKeychain* fake = owned.get();
        fake->holdReads = true;
        fake->entries.insert(QStringLiteral("kc/token"),
                             {KeychainBackend::Status::Ok, emu::Emulator::demoToken(), {}});
        SecretStore keys(std::move(owned));
        SecretStore::setShared(&keys);
        Connection c = envConnection(QStringLiteral("kc"), m_emu->baseUrl(), kUnsetVar);
        c.credential = {SecretRef::Kind::Keychain, QStringLiteral("kc/token")};
        Workspace ws;
        ws.connections.append(c);
        {
            Collector collector(ws, nullptr);
            collector.setClock([] { return kNow; });
            QSignalSpy failed(&collector, &Collector::healthChanged);
            QSignalSpy finished(&collector, &Collector::backfillFinished);
            collector.start(0);
            QTest::qWait(100); // the keychain is slow
            fake->answerReads();
            QVERIFY(finished.wait(30000));
            collector.pollNow();
            QTRY_VERIFY_WITH_TIMEOUT(collector.health().first().lastSuccess == kNow, 30000);
            for (const auto& args : failed) {
                const auto h = args.first().value<SourceHealth>();
                QVERIFY2(h.state != SourceHealth::State::Failing, qPrintable(h.lastError));
            }
        }
        SecretStore::setShared(nullptr);
    }
};

QTEST_GUILESS_MAIN(tst_Collector)
#include "tst_collector.moc"
