#include "emulator/measure.h"

#include <QtTest/QtTest>

using namespace isc::emu::detail;

Q_DECLARE_METATYPE(isc::emu::detail::Measure)

class tst_Measure : public QObject
{
    Q_OBJECT
private slots:
    void values_data()
    {
        QTest::addColumn<Measure>("measure");
        QTest::addColumn<bool>("countsZero");
        QTest::addColumn<QString>("aggregation");
        QTest::addColumn<bool>("present");
        QTest::addColumn<double>("value");
        const Measure requests = perRequest(12);
        QTest::newRow("requests total") << requests << true << "total" << true << 12.0;
        QTest::newRow("requests count") << requests << true << "count" << true << 12.0;
        QTest::newRow("requests average") << requests << true << "average" << true << 1.0;
        QTest::newRow("requests minimum") << requests << true << "minimum" << true << 1.0;
        QTest::newRow("none: zero total") << perRequest(0) << true << "total" << true << 0.0;
        QTest::newRow("none: no average") << perRequest(0) << true << "average" << false << 0.0;
        QTest::newRow("none: no maximum") << perRequest(0) << true << "maximum" << false << 0.0;
        const Measure tok = tokens(1000, 10);
        QTest::newRow("tokens minimum") << tok << true << "minimum" << true << 25.0;
        QTest::newRow("tokens maximum") << tok << true << "maximum" << true << 260.0;
        const Measure lat = latency(200, 50, 900, 4);
        QTest::newRow("latency total") << lat << false << "total" << true << 800.0;
        QTest::newRow("latency average") << lat << false << "average" << true << 200.0;
        QTest::newRow("latency maximum") << lat << false << "maximum" << true << 900.0;
        QTest::newRow("no latency: no total")
            << latency(200, 50, 900, 0) << false << "total" << false << 0.0;
        QTest::newRow("gauge") << gauge(87.5) << false << "average" << true << 87.5;
        QTest::newRow("gauge count") << gauge(87.5) << false << "count" << true << 1.0;
        QTest::newRow("not reported") << gauge(-1) << false << "count" << false << 0.0;
    }
    void values()
    {
        QFETCH(Measure, measure);
        QFETCH(bool, countsZero);
        QFETCH(QString, aggregation);
        QFETCH(bool, present);
        QFETCH(double, value);
        const auto v = measure.value(aggregation, countsZero);
        QCOMPARE(v.has_value(), present);
        if (v)
            QCOMPARE(*v, value);
    }

    void addRollsUpExactly()
    {
        Measure sum;
        sum.add(latency(100, 40, 300, 2));
        sum.add(latency(400, 90, 1200, 6));
        sum.add(Measure{});
        QCOMPARE(sum.total, 2600.0);
        QCOMPARE(sum.count, 8.0);
        QCOMPARE(sum.min, 40.0);
        QCOMPARE(sum.max, 1200.0);
        QCOMPARE(*sum.value(QStringLiteral("average"), false), 325.0);
    }
};

QTEST_GUILESS_MAIN(tst_Measure)
#include "tst_measure.moc"
