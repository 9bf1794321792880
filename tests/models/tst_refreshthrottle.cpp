#include "core/refreshthrottle.h"

#include <QElapsedTimer>
#include <QtTest/QtTest>

using namespace isc;

class tst_RefreshThrottle : public QObject
{
    Q_OBJECT
private slots:
    void burstInOneCallStackRunsOnceAndSoon()
    {
        int runs = 0;
        RefreshThrottle t([&runs] { ++runs; }, 1000);
        t.request();
        t.request();
        t.request();
        QCOMPARE(runs, 0); // never synchronously: the caller may still be changing state
        QVERIFY(t.isPending());
        QElapsedTimer clock;
        clock.start();
        QTRY_COMPARE(runs, 1);
        QVERIFY2(clock.elapsed() < 500, "a first request does not wait for the interval");
    }

    void requestsInsideTheIntervalMergeIntoOneTrailingRun()
    {
        int runs = 0;
        QElapsedTimer clock;
        qint64 firstAt = -1, secondAt = -1;
        RefreshThrottle t(
            [&] {
                ++runs;
                (runs == 1 ? firstAt : secondAt) = clock.elapsed();
            },
            200);
        clock.start();
        t.request();
        QTRY_COMPARE(runs, 1);
        t.request();
        t.request();
        QTRY_COMPARE(runs, 2);
        QVERIFY2(secondAt - firstAt >= 190, "never more often than the interval");
        QVERIFY(!t.isPending());
    }

    void ranNowDropsThePendingRunAndRestartsTheInterval()
    {
        int runs = 0;
        RefreshThrottle t([&runs] { ++runs; }, 200);
        t.request();
        t.ranNow();
        QVERIFY(!t.isPending());
        QElapsedTimer clock;
        clock.start();
        t.request(); // inside the interval that ranNow() started
        QTRY_COMPARE(runs, 1);
        QVERIFY2(clock.elapsed() >= 150, "the owner's own run counts for the interval");
    }
};

QTEST_GUILESS_MAIN(tst_RefreshThrottle)
#include "tst_refreshthrottle.moc"
