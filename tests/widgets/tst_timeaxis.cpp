#include "charts/timeaxis.h"

#include <QDateTime>
#include <QtTest/QtTest>
#include <ctime>

using namespace isc;

namespace {

QDateTime local(int y, int m, int d, int h = 0, int min = 0)
{
    return QDateTime(QDate(y, m, d), QTime(h, min));
}

} // namespace

class tst_TimeAxis : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        // Half an hour off UTC: local midnight is never a UTC hour, so UTC-aligned ticks fail.
        qputenv("TZ", "Asia/Kolkata");
        tzset();
        QCOMPARE(local(2026, 12, 1).offsetFromUtc(), 5 * 3600 + 1800);
    }

    // Days fall on local midnight; every label fits; no more ticks than asked.
    void ticks_data()
    {
        QTest::addColumn<QDateTime>("from");
        QTest::addColumn<QDateTime>("to");
        QTest::addColumn<int>("maxTicks");
        QTest::addColumn<qint64>("interval");
        QTest::addColumn<QString>("firstLabel");
        QTest::addColumn<QString>("format");
        QTest::newRow("7 days, one a day")
            << local(2026, 11, 27, 13, 0) << local(2026, 12, 4, 13, 0) << 9 << qint64(86400)
            << QStringLiteral("Nov 28") << QStringLiteral("MMM d");
        QTest::newRow("30 days, a week apart on Mondays")
            << local(2026, 11, 4, 13, 0) << local(2026, 12, 4, 13, 0) << 6 << qint64(7 * 86400)
            << QStringLiteral("Nov 9") << QStringLiteral("MMM d");
        QTest::newRow("24 h, every 3 h")
            << local(2026, 12, 3, 14, 0) << local(2026, 12, 4, 14, 0) << 9 << qint64(3 * 3600)
            << QStringLiteral("15:00") << QStringLiteral("HH:mm");
        QTest::newRow("1 h, every 10 min")
            << local(2026, 12, 4, 9, 3) << local(2026, 12, 4, 10, 3) << 8 << qint64(600)
            << QStringLiteral("09:10") << QStringLiteral("HH:mm");
        QTest::newRow("2 days by 6 h: midnight named by its date")
            << local(2026, 12, 2, 20, 0) << local(2026, 12, 4, 20, 0) << 9 << qint64(6 * 3600)
            << QStringLiteral("Dec 3") << QStringLiteral("HH:mm");
    }
    void ticks()
    {
        QFETCH(QDateTime, from);
        QFETCH(QDateTime, to);
        QFETCH(int, maxTicks);
        QFETCH(qint64, interval);
        QFETCH(QString, firstLabel);
        QFETCH(QString, format);
        const TimeTicks t = timeTicks(from.toMSecsSinceEpoch(), to.toMSecsSinceEpoch(), maxTicks);
        QCOMPARE(t.intervalSeconds, interval);
        QCOMPARE(t.format, format);
        QVERIFY(!t.positionsMs.isEmpty());
        QVERIFY(t.positionsMs.size() <= maxTicks);
        QCOMPARE(t.labels.size(), t.positionsMs.size());
        QCOMPARE(t.labels.front(), firstLabel);
        for (int i = 0; i < t.positionsMs.size(); ++i) {
            const QDateTime at = QDateTime::fromMSecsSinceEpoch(qint64(t.positionsMs[i]));
            QVERIFY(at >= from && at <= to);
            const qint64 sinceMidnight = at.time().msecsSinceStartOfDay() / 1000;
            if (interval >= 86400)
                QCOMPARE(sinceMidnight, 0); // local midnight, not UTC's
            else
                QCOMPARE(sinceMidnight % interval, 0);
            if (i > 0)
                QVERIFY(t.positionsMs[i] > t.positionsMs[i - 1]);
        }
    }

    // Panning a 30-day axis by a day keeps the weekly gridlines on the same dates.
    void weeklyTicksStayPutWhilePanning()
    {
        const QDateTime from = local(2026, 11, 4, 13, 0);
        const qint64 month = 30LL * 86400 * 1000;
        const TimeTicks a =
            timeTicks(from.toMSecsSinceEpoch(), from.toMSecsSinceEpoch() + month, 6);
        const qint64 day = 86400LL * 1000;
        const TimeTicks b =
            timeTicks(from.toMSecsSinceEpoch() + day, from.toMSecsSinceEpoch() + month + day, 6);
        QCOMPARE(a.intervalSeconds, b.intervalSeconds);
        for (double p : b.positionsMs) {
            if (p <= a.positionsMs.back())
                QVERIFY(a.positionsMs.contains(p));
        }
    }

    void emptyRange()
    {
        QVERIFY(timeTicks(1000, 1000, 5).positionsMs.isEmpty());
        QVERIFY(timeTicks(2000, 1000, 5).positionsMs.isEmpty());
    }
};

QTEST_MAIN(tst_TimeAxis)
#include "tst_timeaxis.moc"
