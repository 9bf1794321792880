// The polling lifecycle every source shares (PollingSource), through a kind whose chunks and
// polls the test ends by hand: order, one cycle at a time, failures, stop and restart.
#include "sources/pollingsource.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kNow = 1788220800; // 2026-09-01 00:00 UTC

/// A kind that records what it was asked and ends each cycle when the test says so.
class ManualSource : public PollingSource
{
public:
    explicit ManualSource(int intervalSeconds = 60)
        : PollingSource(connectionWith(intervalSeconds), 1, nullptr)
    {
        setClock([] { return kNow; });
    }
    ~ManualSource() override { halt(false); }

    QVector<TimeRange> chunksAsked;
    int polls = 0;
    int cancels = 0;
    bool inFlight = false;
    bool stopAfterThisChunk = false;

    /// Ends the cycle in flight as the kind would: a batch, or a gap and `failed`.
    void end(bool failed = false)
    {
        QVERIFY(inFlight);
        inFlight = false;
        if (failed)
            emit pollFailed(GapMarker{connection().id, {}, QStringLiteral("no"), kNow});
        else
            emit batchReady(PollBatch{});
        if (stopAfterThisChunk)
            abandonBackfill();
        cycleEnded(failed);
    }

protected:
    void planRun(const QVector<TimeRange>& windows) override
    {
        beginBackfill(newestFirst(windows, kNow, 3600));
    }
    void runChunk(const Chunk& chunk) override
    {
        QVERIFY(!inFlight);
        inFlight = true;
        chunksAsked.append(chunk.window);
    }
    void runPoll() override
    {
        QVERIFY(!inFlight);
        inFlight = true;
        ++polls;
    }
    void cancelWork() override
    {
        ++cancels;
        inFlight = false;
    }

private:
    static Connection connectionWith(int intervalSeconds)
    {
        Connection c;
        c.id = QStringLiteral("manual");
        c.displayName = QStringLiteral("Manual");
        c.pollIntervalSeconds = intervalSeconds;
        return c;
    }
};

} // namespace

class tst_PollingSource : public QObject
{
    Q_OBJECT
private slots:
    void backfillsNewestFirstThenPolls()
    {
        ManualSource src;
        QSignalSpy progress(&src, &Source::backfillProgress);
        QSignalSpy finished(&src, &Source::backfillFinished);
        // 2.5 hours: three chunks of at most an hour, the newest first.
        src.start({{kNow - 9000, kNow}});
        QVERIFY(src.isBackfilling());
        QCOMPARE(src.health().state, SourceHealth::State::Backfilling);
        QCOMPARE(src.health().backfillTotal, 3);
        QCOMPARE(src.chunksAsked, (QVector<TimeRange>{{kNow - 3600, kNow}}));
        src.end();
        QTRY_COMPARE(src.chunksAsked.size(), 2); // the next chunk on the next turn
        src.end(true);                           // a failed chunk does not stop the backfill
        QTRY_COMPARE(src.chunksAsked.size(), 3);
        QCOMPARE(src.chunksAsked.at(1), (TimeRange{kNow - 7200, kNow - 3600}));
        QCOMPARE(src.chunksAsked.at(2), (TimeRange{kNow - 9000, kNow - 7200}));
        QCOMPARE(src.polls, 0);
        src.end();
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(src.polls, 1); // the first poll at once
        QVERIFY(!src.isBackfilling());
        QCOMPARE(src.health().state, SourceHealth::State::Polling);
        QCOMPARE(src.health().backfillTotal, 0);
        QCOMPARE(progress.size(), 4); // 0 of 3, then one per chunk
        QCOMPARE(progress.last().at(0).toInt(), 3);
        QVERIFY(src.health().nextPoll > kNow);
    }

    void neverTwoCyclesInFlight()
    {
        ManualSource src;
        src.start({});
        QCOMPARE(src.polls, 1);
        QVERIFY(src.isBusy());
        src.pollNow();
        src.pollNow();
        QCOMPARE(src.polls, 1); // asked for twice, queued once
        src.end();
        QCOMPARE(src.polls, 2); // right after the one in flight
        src.end(true);
        QCOMPARE(src.polls, 2);
        QVERIFY(!src.isBusy());
        QCOMPARE(src.health().state, SourceHealth::State::Failing);
        src.pollNow();
        QCOMPARE(src.polls, 3);
        src.end();
        QCOMPARE(src.health().state, SourceHealth::State::Polling);
    }

    void pollDuringBackfillWaitsForIt()
    {
        ManualSource src;
        src.start({{kNow - 600, kNow}});
        src.pollNow();
        QCOMPARE(src.polls, 0);
        src.end();
        QTRY_VERIFY(!src.isBackfilling());
        QCOMPARE(src.polls, 1); // the queued poll is the first poll, not a second one
        src.end();
        QCOMPARE(src.polls, 1);
    }

    void pollNowBeforeStartPollsOnce()
    {
        ManualSource src;
        src.pollNow();
        QCOMPARE(src.polls, 1);
        src.end();
        QCOMPARE(src.health().nextPoll, 0); // no timer runs before start()
        QVERIFY(!src.isBusy());
    }

    void startWhileAOneOffPollIsInFlight()
    {
        ManualSource src;
        src.pollNow();
        src.start({{kNow - 600, kNow}}); // QVERIFY(!inFlight) in runChunk guards the overlap
        QVERIFY(src.chunksAsked.isEmpty());
        src.end(); // the one-off poll; the backfill follows
        QCOMPARE(src.chunksAsked.size(), 1);
        src.end();
        QTRY_VERIFY(!src.isBackfilling());
        QCOMPARE(src.polls, 2);
    }

    void stopCancelsAndForgetsTheRun()
    {
        ManualSource src;
        QSignalSpy health(&src, &Source::healthChanged);
        src.start({{kNow - 9000, kNow}});
        QCOMPARE(src.chunksAsked.size(), 1);
        src.end();  // the next chunk is queued...
        src.stop(); // ...and never runs
        QCOMPARE(src.cancels, 1);
        QCOMPARE(src.health().state, SourceHealth::State::Idle);
        QCOMPARE(health.last().at(0).value<SourceHealth>().state, SourceHealth::State::Idle);
        QVERIFY(!src.isBackfilling());
        QVERIFY(!src.isBusy());
        QCoreApplication::processEvents();
        QCOMPARE(src.chunksAsked.size(), 1);
        // A restart plans afresh.
        src.start({{kNow - 600, kNow}});
        QCOMPARE(src.chunksAsked.size(), 2);
        QCOMPARE(src.chunksAsked.last(), (TimeRange{kNow - 600, kNow}));
    }

    void abandonedBackfillGoesStraightToPolling()
    {
        ManualSource src;
        QSignalSpy finished(&src, &Source::backfillFinished);
        src.start({{kNow - 9000, kNow}});
        src.stopAfterThisChunk = true; // e.g. a server that cannot answer "as of" an instant
        src.end(true);
        QTRY_COMPARE(finished.size(), 1);
        QCOMPARE(src.chunksAsked.size(), 1);
        QCOMPARE(src.polls, 1);
    }

    void newestFirst_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<qint64>("end");
        QTest::addColumn<int>("chunks");
        QTest::addColumn<qint64>("firstFrom");
        QTest::addColumn<qint64>("lastFrom");
        // Whole minutes: a window's odd seconds widen it to the minutes around them.
        QTest::newRow("exact hours")
            << kNow - 7200 << kNow << kNow << 2 << kNow - 3600 << kNow - 7200;
        QTest::newRow("odd seconds")
            << kNow - 7230 << kNow - 10 << kNow << 3 << kNow - 3600 << kNow - 7260;
        QTest::newRow("past the end")
            << kNow - 600 << kNow + 3600 << kNow << 1 << kNow - 600 << kNow - 600;
        QTest::newRow("empty") << kNow << kNow << kNow << 0 << qint64(0) << qint64(0);
    }

    void newestFirst()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(qint64, end);
        QFETCH(int, chunks);
        QFETCH(qint64, firstFrom);
        QFETCH(qint64, lastFrom);
        ManualSource src;
        src.start({{from, to}});
        QCOMPARE(src.chunksAsked.size(), qMin(chunks, 1)); // the first chunk leaves at once
        while (src.isBackfilling()) {
            const auto asked = src.chunksAsked.size();
            src.end();
            QTRY_VERIFY(src.chunksAsked.size() > asked || !src.isBackfilling());
        }
        QCOMPARE(src.chunksAsked.size(), chunks);
        if (chunks == 0)
            return;
        QCOMPARE(src.chunksAsked.first().from, firstFrom);
        QCOMPARE(src.chunksAsked.last().from, lastFrom);
        QVERIFY(src.chunksAsked.first().to <= end);
        for (int i = 1; i < src.chunksAsked.size(); ++i)
            QCOMPARE(src.chunksAsked.at(i).to,
                     src.chunksAsked.at(i - 1).from); // no gap, no overlap
    }
};

QTEST_GUILESS_MAIN(tst_PollingSource)
#include "tst_pollingsource.moc"
