#include "store/samplestore.h"
#include "storebackends.h"
#include "storetestdata.h"

#include <QSignalSpy>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;
using namespace isc::test;

namespace {

StoredRun run(const QString& target, qint64 atMs, bool redacted = false)
{
    StoredRun r;
    r.createdAtMs = atMs;
    r.target = target;
    r.dialect = QStringLiteral("openai");
    r.model = QStringLiteral("gpt-4o-mini");
    r.messagesJson = QStringLiteral(R"([{"role":"user","content":"100% sure_?"}])");
    r.output = QStringLiteral("Yes.");
    r.redacted = redacted;
    return r;
}

} // namespace

/// The contract every history backend keeps (SQLite and PostgreSQL, one global row each):
/// writes, rollups, inventory, extent, gaps and runs give the same numbers.
class tst_StoreBackend : public QObject
{
    Q_OBJECT

    BackendFixture m_fx;
    std::unique_ptr<SampleStore> openStore(StoreSettings settings = {})
    {
        return m_fx.openStore(settings);
    }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void upsertReplaces()
    {
        auto store = openStore();
        const auto key = QList<Label>{{QStringLiteral("ModelDeploymentName"), QStringLiteral("a")}};
        WriteReport r = store->write(batch({series("M", key, minutes(kNow, {1, 2, 3}))})).result();
        QVERIFY(r.ok);
        QCOMPARE(r.samplesWritten, 3);
        // A re-poll overlapping the last two minutes, plus one new minute.
        r = store->write(batch({series("M", key, minutes(kNow + kMinute, {20, 30, 40}))})).result();
        QVERIFY(r.ok);
        QCOMPARE(r.samplesWritten, 3);

        const BackendFixture& db = m_fx;
        QCOMPARE(db.count(QStringLiteral("series")), 1);
        QCOMPARE(db.count(QStringLiteral("samples")), 4);
        const auto rows = db.rows(QStringLiteral("SELECT ts, value FROM samples ORDER BY ts"));
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0][1].toDouble(), 1.0);
        QCOMPARE(rows[1][1].toDouble(), 20.0);
        QCOMPARE(rows[2][1].toDouble(), 30.0);
        QCOMPARE(rows[3][1].toDouble(), 40.0);
        QCOMPARE(db.rollupSum(QStringLiteral("rollup_5m")), 91.0);
        QCOMPARE(db.rollupSum(QStringLiteral("rollup_15m")), 91.0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count FROM rollup_1h")).toInt(), 4);
    }

    void failedWriteLeavesNothing_data()
    {
        QTest::addColumn<int>("position"); // of the failing value among 200 samples of a new series
        QTest::newRow("early") << 3;
        QTest::newRow("after whole insert chunks") << 150;
        QTest::newRow("last") << 199;
        QTest::newRow("middle") << 100;
        QTest::newRow("chunk boundary") << 64;
    }

    void failedWriteLeavesNothing()
    {
        QFETCH(int, position);
        // A value the database refuses (implausible ones never reach it: they are refused one by
        // one before the transaction).
        auto store = openStore();
        const QString refuse =
            BackendFixture::isPostgres()
                ? QStringLiteral(
                      "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN IF "
                      "NEW.value = 424242 THEN RAISE EXCEPTION 'injected failure'; END IF; "
                      "RETURN NEW; END$$; CREATE TRIGGER refuse BEFORE INSERT ON samples FOR "
                      "EACH ROW EXECUTE FUNCTION refuse()")
                : QStringLiteral("CREATE TRIGGER refuse BEFORE INSERT ON samples WHEN "
                                 "NEW.value = 424242 BEGIN SELECT RAISE(ABORT, 'injected "
                                 "failure'); END");
        QVERIFY(m_fx.exec(refuse));
        store = m_fx.reopenStore();
        const double bad = 424242;
        QSignalSpy spy(store.get(), &SampleStore::dataChanged);
        QVERIFY(store->write(batch({series("M", {{"d", "old"}}, minutes(kNow, {1, 2, 3}))}))
                    .result()
                    .ok);
        QTRY_COMPARE(spy.count(), 1);

        // Replacements of stored minutes, a new series, and a bad value late in the batch.
        const TimeRange window{kNow, kNow + 200 * kMinute};
        QVector<double> values(200, 5.0);
        values[position] = bad;
        const PollBatch b = batch({series("M", {{"d", "old"}}, minutes(kNow, {100, 200, 300})),
                                   series("M", {{"d", "new"}}, minutes(kNow, values))},
                                  window);
        const WriteReport r = store->write(b).result();
        QVERIFY(!r.ok);
        QCOMPARE(r.samplesWritten, 0);
        QVERIFY2(r.error.contains(QLatin1String("injected failure")), qPrintable(r.error));

        {
            const BackendFixture& db = m_fx;
            QCOMPARE(db.count(QStringLiteral("series")), 1);
            QCOMPARE(db.count(QStringLiteral("samples")), 3);
            QCOMPARE(db.scalar(QStringLiteral("SELECT sum(value) FROM samples")).toDouble(), 6.0);
            QCOMPARE(db.rollupSum(QStringLiteral("rollup_5m")), 6.0);
            QCOMPARE(db.rollupSum(QStringLiteral("rollup_15m")), 6.0);
            QCOMPARE(db.scalar(QStringLiteral("SELECT sum FROM rollup_1h")).toDouble(), 6.0);
        }
        const auto gaps = store->gaps(QStringLiteral("src"), window).result();
        QCOMPARE(gaps.size(), 1);
        QCOMPARE(gaps[0].window, window);
        QCOMPARE(gaps[0].reason, r.error);
        QVERIFY(gaps[0].recordedAt > 0);

        // The series the failed batch created was rolled back: writing it again must work.
        QVERIFY(store->write(batch({series("M", {{"d", "new"}}, minutes(kNow, {5}))})).result().ok);
        const BackendFixture& db = m_fx;
        QCOMPARE(db.count(QStringLiteral("series")), 2);
        QCOMPARE(db.count(QStringLiteral("samples")), 4);
        // Only the good writes announced themselves (notifications arrive in order).
        QTRY_COMPARE(spy.count(), 2);
        QCoreApplication::processEvents();
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy[1][1].value<TimeRange>(), (TimeRange{kNow, kNow + kMinute}));
    }

    void rollupsEqualRecomputation_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::newRow("seed 1") << 1u;
        QTest::newRow("seed 7") << 7u;
        QTest::newRow("seed 2024") << 2024u;
    }

    void rollupsEqualRecomputation()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        auto store = openStore();
        const qint64 base = floorTo(kNow - 3 * kDay, kHour);
        for (int round = 0; round < 12; ++round) {
            QVector<SeriesSamples> all;
            for (int s = 0; s < 3; ++s) {
                QVector<Sample> samples;
                // A random window, possibly overlapping earlier ones (replacements, late data).
                const qint64 start = base + rng.bounded(2 * 24 * 60) * kMinute;
                // Every third round is gap-free, so whole 5-minute buckets and hours occur.
                const bool holes = round % 3 != 0;
                const int n = 1 + rng.bounded(holes ? 400 : 3000);
                for (int i = 0; i < n; ++i) {
                    if (holes && rng.bounded(5) == 0)
                        continue;
                    samples.append(
                        {start + i * kMinute + rng.bounded(60), rng.bounded(2000.0) - 500.0});
                    if (rng.bounded(50) == 0) // the same minute twice: the later value wins
                        samples.append({start + i * kMinute, rng.bounded(2000.0)});
                }
                all.append(series("M", {{"s", QString::number(s)}}, samples));
            }
            QVERIFY(store->write(batch(all)).result().ok);
        }
        verifyRollupsMatchRaw(m_fx);
    }

    // A collector's polls, one after the other, each of `pollMinutes` minutes: buckets fill
    // across polls (the PostgreSQL writer copies whole new buckets and merges the parts of the
    // others into their rows), and every rollup still equals a recomputation from the minutes.
    void consecutivePollsKeepRollupsExact_data()
    {
        QTest::addColumn<int>("pollMinutes");
        QTest::addColumn<int>("offsetMinutes");
        QTest::newRow("15-minute polls on the quarter") << 15 << 0;
        QTest::newRow("7-minute polls, off the bucket edges") << 7 << 3;
        QTest::newRow("1-minute polls") << 1 << 0;
        QTest::newRow("hour polls, mid-hour") << 60 << 23;
    }

    void consecutivePollsKeepRollupsExact()
    {
        QFETCH(int, pollMinutes);
        QFETCH(int, offsetMinutes);
        auto store = openStore();
        const qint64 start = floorTo(kNow - 2 * kDay, kHour) + offsetMinutes * kMinute;
        int value = 0;
        for (qint64 from = start; from < start + 3 * kHour; from += pollMinutes * kMinute) {
            QVector<SeriesSamples> all;
            for (int s = 0; s < 2; ++s) {
                QVector<double> values;
                for (int m = 0; m < pollMinutes; ++m)
                    values.append(std::fmod(++value * 37.5, 101.0) - 20.0);
                all.append(series("M", {{"s", QString::number(s)}}, minutes(from, values)));
            }
            QVERIFY(store->write(batch(all)).result().ok);
        }
        QCOMPARE(m_fx.count(QStringLiteral("rollup_1h")), 2 * (offsetMinutes == 0 ? 3 : 4));
        verifyRollupsMatchRaw(m_fx);
    }

    void emitsDataChanged()
    {
        auto store = openStore();
        QSignalSpy spy(store.get(), &SampleStore::dataChanged);
        const TimeRange window{kNow, kNow + 5 * kMinute};
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow, {1, 2}))}, window)).result().ok);
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(spy[0][0].toString(), QStringLiteral("src"));
        QCOMPARE(spy[0][1].value<TimeRange>(), window);
        // Without a window: the span of the samples.
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow + kHour, {1, 2}))})).result().ok);
        QTRY_COMPARE(spy.count(), 2);
        QCOMPARE(spy[1][1].value<TimeRange>(),
                 (TimeRange{kNow + kHour, kNow + kHour + 2 * kMinute}));
    }

    void deploymentsReplacePerSource()
    {
        auto store = openStore();
        Deployment a{QStringLiteral("s1"),
                     QStringLiteral("gpt-4o"),
                     QStringLiteral("gpt-4o"),
                     QStringLiteral("2024-11-20"),
                     QStringLiteral("GlobalStandard"),
                     450,
                     QString(),
                     QStringLiteral("Succeeded"),
                     QStringLiteral("OnceNewDefaultVersionAvailable")};
        Deployment b = a;
        b.name = QStringLiteral("gpt-4o-ptu");
        b.upgradeOption = QStringLiteral("NoAutoUpgrade");
        b.sku = QStringLiteral("ProvisionedManaged");
        b.capacity = 50;
        b.spilloverTo = QStringLiteral("gpt-4o");
        Deployment c = a;
        c.source = QStringLiteral("s2");
        c.upgradeOption.clear(); // not every deployment says
        store->saveDeployments(QStringLiteral("s1"), {a, b}).waitForFinished();
        store->saveDeployments(QStringLiteral("s2"), {c}).waitForFinished();
        QCOMPARE(store->deployments(QStringLiteral("s1")).result(), (Deployments{a, b}));
        QCOMPARE(store->deployments().result(), (Deployments{a, b, c}));
        store->saveDeployments(QStringLiteral("s1"), {b}).waitForFinished();
        QCOMPARE(store->deployments(QStringLiteral("s1")).result(), (Deployments{b}));
        QCOMPARE(store->deployments(QStringLiteral("s2")).result(), (Deployments{c}));
    }

    void extentPerSource()
    {
        auto store = openStore();
        QCOMPARE(store->extent(QStringLiteral("src")).result().oldest, 0);
        QVERIFY(store
                    ->write(batch({series("M", {{"d", "a"}}, minutes(kNow, {1, 2})),
                                   series("M", {{"d", "b"}}, minutes(kNow - kDay, {1}))}))
                    .result()
                    .ok);
        QVERIFY(
            store->write(batch({series("M", {}, minutes(kNow - 9 * kDay, {1}), "far")}, {}, "far"))
                .result()
                .ok);
        const SourceExtent e = store->extent(QStringLiteral("src")).result();
        QCOMPARE(e.oldest, kNow - kDay);
        QCOMPARE(e.newest, kNow + kMinute);
    }

    // Samples past the raw retention go, younger ones and the hourly rollups stay (how much
    // older data a backend keeps until it can drop it whole differs: hours or days).
    void retentionKeepsWhatIsYoung()
    {
        StoreSettings settings;
        settings.rawRetentionDays = 35;
        settings.fiveMinuteRetentionDays = 38;
        auto store = openStore(settings);
        QVector<Sample> samples;
        for (const qint64 daysAgo : {40, 37, 34, 1})
            for (int m = 0; m < 3; ++m)
                samples.append({kNow - daysAgo * kDay + m * kMinute, 1.0});
        QVERIFY(store->write(batch({series("M", {}, samples)})).result().ok);
        const WriteReport r = store->applyRetention(kNow).result();
        QVERIFY2(r.ok, qPrintable(r.error));

        QCOMPARE(m_fx.count(QStringLiteral("samples")), 6);
        QCOMPARE(m_fx.scalar(QStringLiteral("SELECT min(ts) FROM samples")).toLongLong(),
                 kNow - 34 * kDay);
        QCOMPARE(m_fx.count(QStringLiteral("rollup_1h")), 4); // hourly is kept forever
        const auto fives = m_fx.rollupBuckets(QStringLiteral("rollup_5m"));
        QVERIFY(!fives.isEmpty());
        QCOMPARE(fives.last()[1].toLongLong(), floorTo(kNow - kDay, 300));
        const SourceExtent e = store->extent(QStringLiteral("src")).result();
        QCOMPARE(e.oldest, kNow - 34 * kDay);
        QCOMPARE(e.newest, kNow - kDay + 2 * kMinute);
    }

    // Rollups outlive their minutes (retention); the same minutes read again later, by a writer
    // that knows nothing stored of the series, replace the rollups rather than add to them.
    void rewriteAfterRetentionReplacesRollups()
    {
        StoreSettings settings;
        settings.rawRetentionDays = 35;
        settings.fiveMinuteRetentionDays = 3650; // opening applies it by the clock: keep them
        const qint64 from = floorTo(kNow - 37 * kDay, kHour) + 10 * kMinute;
        const QVector<double> before{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
        auto store = openStore(settings);
        QVERIFY(store->write(batch({series("M", {}, minutes(from, before))})).result().ok);
        QVERIFY(store->applyRetention(kNow).result().ok);
        QCOMPARE(m_fx.count(QStringLiteral("samples")), 0);
        QCOMPARE(m_fx.rollupBuckets(QStringLiteral("rollup_5m")).size(), 2);

        // Three of the minutes again: their 5-minute bucket is not whole in the poll.
        store = m_fx.reopenStore(settings);
        const WriteReport r =
            store->write(batch({series("M", {}, minutes(from, {10, 20, 30}))})).result();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.samplesWritten, 3);
        const auto fives = m_fx.rollupBuckets(QStringLiteral("rollup_5m"));
        QCOMPARE(fives.size(), 2);
        QCOMPARE(fives[0][1].toLongLong(), from);
        QCOMPARE(fives[0][4].toDouble(), 60.0); // the three minutes, not added to the old five
        QCOMPARE(fives[0][5].toLongLong(), 3);
        QCOMPARE(fives[1][4].toDouble(), 40.0); // minutes 5 to 9 of before, not read again
        QCOMPARE(m_fx.scalar(QStringLiteral("SELECT sum FROM rollup_1h")).toDouble(), 100.0);
    }

    void runsRoundTrip()
    {
        auto store = openStore();
        const RunSaveReport a = store->saveRun(run(QStringLiteral("local"), 1000)).result();
        const RunSaveReport b = store->saveRun(run(QStringLiteral("azure"), 2000, true)).result();
        QVERIFY2(a.ok && b.ok, qPrintable(a.error + b.error));
        QVERIFY(a.id != b.id);
        QVector<StoredRun> all = store->listRuns().result();
        QCOMPARE(all.size(), 2);
        QCOMPARE(all[0].target, QStringLiteral("azure")); // newest first
        QCOMPARE(all[0].messagesJson, QString());         // redacted: no prompt kept
        QCOMPARE(all[1].output, QStringLiteral("Yes."));
        RunFilter f;
        f.search = QStringLiteral("100%");
        QCOMPARE(store->listRuns(f).result().size(), 1);
        f.search = QStringLiteral("E_?"); // LIKE's wildcards are literal, case ignored
        QCOMPARE(store->listRuns(f).result().size(), 1);
        QVERIFY(store->setRunStarred(a.id, true).result());
        f = {};
        f.starredOnly = true;
        QCOMPARE(store->listRuns(f).result().size(), 1);
        QVERIFY(store->deleteRun(a.id).result());
        QVERIFY(!store->deleteRun(a.id).result());
        QCOMPARE(store->listRuns().result().size(), 1);
    }

    void refusesNewerSchema()
    {
        {
            auto store = openStore();
            QVERIFY(store->write(batch({series("M", {}, minutes(kNow, {1}))})).result().ok);
        }
        QVERIFY(m_fx.exec(BackendFixture::isPostgres()
                              ? QStringLiteral("UPDATE meta SET value = '99' WHERE key = "
                                               "'schema_version'")
                              : QStringLiteral("PRAGMA user_version = 99")));
        SampleStore store;
        const OpenReport r = store.open(m_fx.address()).result();
        QCOMPARE(r.status, OpenReport::Status::NewerSchema);
        QCOMPARE(r.schemaVersion, 99);
        QVERIFY2(r.message.contains(QLatin1String("newer Inferscope")), qPrintable(r.message));
        QVERIFY(!store.write(batch({series("M", {}, minutes(kNow + kMinute, {2}))})).result().ok);
        QCOMPARE(m_fx.count(QStringLiteral("samples")), 1);
    }
};

QTEST_GUILESS_MAIN(tst_StoreBackend)
#include "tst_storebackend.moc"
