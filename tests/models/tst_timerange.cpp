#include "core/timerange.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_TimeRange : public QObject
{
    Q_OBJECT
private slots:
    void parseDuration_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("seconds");
        QTest::newRow("seconds") << "90s" << qint64(90);
        QTest::newRow("minutes") << "5m" << qint64(300);
        QTest::newRow("hours") << "24h" << qint64(86400);
        QTest::newRow("days") << "30d" << qint64(30 * 86400);
        QTest::newRow("weeks") << "2w" << qint64(14 * 86400);
        QTest::newRow("spaces") << " 1 h " << qint64(3600);
        QTest::newRow("zero") << "0d" << qint64(-1);
        QTest::newRow("no unit") << "30" << qint64(-1);
        QTest::newRow("unknown unit") << "3y" << qint64(-1);
        QTest::newRow("negative") << "-1h" << qint64(-1);
        QTest::newRow("empty") << "" << qint64(-1);
    }
    void parseDuration()
    {
        QFETCH(QString, text);
        QFETCH(qint64, seconds);
        QCOMPARE(isc::parseDuration(text).value_or(-1), seconds);
    }

    void formatDuration_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("minute") << qint64(60) << "1m";
        QTest::newRow("5 minutes") << qint64(300) << "5m";
        QTest::newRow("hour") << qint64(3600) << "1h";
        QTest::newRow("day") << qint64(86400) << "1d";
        QTest::newRow("week") << qint64(7 * 86400) << "1w";
        QTest::newRow("odd") << qint64(90) << "90s";
    }
    void formatDuration()
    {
        QFETCH(qint64, seconds);
        QFETCH(QString, text);
        QCOMPARE(isc::formatDuration(seconds), text);
        QCOMPARE(isc::parseDuration(text).value_or(-1), seconds);
    }

    void iso_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("ts");
        QTest::newRow("Z") << "2026-09-01T00:00:00Z" << qint64(1788220800);
        QTest::newRow("offset") << "2026-09-01T02:00:00+02:00" << qint64(1788220800);
        QTest::newRow("no zone is UTC") << "2026-09-01T00:00:00" << qint64(1788220800);
        QTest::newRow("date only") << "2026-09-01" << qint64(1788220800);
        QTest::newRow("garbage") << "yesterday" << qint64(-1);
    }
    void iso()
    {
        QFETCH(QString, text);
        QFETCH(qint64, ts);
        QCOMPARE(isc::parseIsoUtc(text).value_or(-1), ts);
        if (ts > 0)
            QCOMPARE(isc::formatIsoUtc(ts), QStringLiteral("2026-09-01T00:00:00Z"));
    }

    // The pages' range line, in local time whatever the zone.
    void rangeInWords()
    {
        const QDateTime from(QDate(2026, 12, 5), QTime(23, 0));
        const QDateTime to(QDate(2026, 12, 6), QTime(23, 0));
        const TimeRange r{from.toSecsSinceEpoch(), to.toSecsSinceEpoch()};
        QCOMPARE(formatLocalSpan(r), QStringLiteral("Sat 5 Dec, 23:00 – Sun 6 Dec, 23:00"));
        QCOMPARE(rangeLabelText(r),
                 QStringLiteral("Sat 5 Dec, 23:00 – Sun 6 Dec, 23:00 (local time)"));
    }

    void floorTo()
    {
        QCOMPARE(isc::floorTo(125, 60), qint64(120));
        QCOMPARE(isc::floorTo(120, 60), qint64(120));
        QCOMPARE(isc::floorTo(-1, 60), qint64(-60));
        QVERIFY((TimeRange{10, 20}.contains(10)));
        QVERIFY(!(TimeRange{10, 20}.contains(20)));
        QVERIFY(!(TimeRange{20, 20}.isValid()));
    }
};

QTEST_GUILESS_MAIN(tst_TimeRange)
#include "tst_timerange.moc"
