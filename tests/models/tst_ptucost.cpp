#include "cost/ptucost.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kJan31_2330 = 1769902200; // 2026-01-31T23:30:00Z
constexpr qint64 kFeb01_0115 = 1769908500; // 2026-02-01T01:15:00Z
constexpr qint64 kFeb01 = 1769904000;      // 2026-02-01T00:00:00Z
constexpr qint64 kMar01 = 1772323200;      // 2026-03-01T00:00:00Z

PtuPrices prices()
{
    PtuPrices p;
    p.hourlyMicros = 2000000;    // $2 per PTU-hour
    p.monthlyMicros = 260000000; // $260 per PTU-month
    p.yearlyMicros = 2652000000; // $2,652 per PTU-year
    p.minimum = 50;
    p.increment = 50;
    p.inputTpmPerPtu = 2500;
    return p;
}

} // namespace

Q_DECLARE_METATYPE(isc::PtuBilling)

class tst_PtuCost : public QObject
{
    Q_OBJECT
private slots:
    // The workspace stores the pricing basis of PTUs as a key; anything else is refused.
    void billingKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("known");
        QTest::addColumn<PtuBilling>("billing");
        QTest::newRow("hourly") << "hourly" << true << PtuBilling::Hourly;
        QTest::newRow("monthly") << "monthly" << true << PtuBilling::MonthlyReservation;
        QTest::newRow("yearly, any case") << " Yearly" << true << PtuBilling::YearlyReservation;
        QTest::newRow("words are not keys") << "monthly reservation" << false << PtuBilling::Hourly;
        QTest::newRow("empty") << "" << false << PtuBilling::Hourly;
    }
    void billingKeys()
    {
        QFETCH(QString, key);
        QFETCH(bool, known);
        QFETCH(PtuBilling, billing);
        const std::optional<PtuBilling> b = ptuBillingFromKey(key);
        QCOMPARE(b.has_value(), known);
        if (!known)
            return;
        QCOMPARE(*b, billing);
        QVERIFY(ptuBillingFromKey(ptuBillingKey(billing)) == b); // round trip
        QVERIFY(ptuBillingName(billing).startsWith(ptuBillingKey(billing)));
        QCOMPARE(kDefaultPtuBilling, PtuBilling::MonthlyReservation);
    }

    void cost_data()
    {
        QTest::addColumn<int>("ptus");
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<PtuBilling>("billing");
        QTest::addColumn<qint64>("micros");
        QTest::addColumn<int>("charges");
        // 100 PTU x 1.75 h x $2 = $350, across the month boundary, prorated.
        QTest::newRow("hourly across months")
            << 100 << kJan31_2330 << kFeb01_0115 << PtuBilling::Hourly << qint64(350000000) << 1;
        // 300 PTU for a quarter hour: $150.
        QTest::newRow("partial hour")
            << 300 << kFeb01 << kFeb01 + 900 << PtuBilling::Hourly << qint64(150000000) << 1;
        // 100 PTU for 90 s: 100 x 90/3600 x $2 = $5.
        QTest::newRow("seconds") << 100 << kFeb01 + 10 << kFeb01 + 100 << PtuBilling::Hourly
                                 << qint64(5000000) << 1;
        // Monthly reservation, split by UTC month and rounded once per month:
        // Jan: 100 x 260 x 1800/2678400 = 17.473118..; Feb: 100 x 260 x 4500/2419200 = 48.363095..
        QTest::newRow("monthly across months")
            << 100 << kJan31_2330 << kFeb01_0115 << PtuBilling::MonthlyReservation
            << qint64(17473118 + 48363095) << 2;
        QTest::newRow("monthly whole February")
            << 100 << kFeb01 << kMar01 << PtuBilling::MonthlyReservation << qint64(26000000000)
            << 1;
        QTest::newRow("yearly whole February")
            << 100 << kFeb01 << kMar01 << PtuBilling::YearlyReservation << qint64(22100000000) << 1;
        QTest::newRow("empty window")
            << 100 << kFeb01 << kFeb01 << PtuBilling::Hourly << qint64(0) << 0;
        QTest::newRow("no PTUs") << 0 << kFeb01 << kMar01 << PtuBilling::Hourly << qint64(0) << 0;
    }
    void cost()
    {
        QFETCH(int, ptus);
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(PtuBilling, billing);
        QFETCH(qint64, micros);
        QFETCH(int, charges);
        const QVector<PtuCharge> cs = PtuCost::charges(ptus, {from, to}, prices(), billing);
        QCOMPARE(cs.size(), charges);
        QCOMPARE(PtuCost::cost(ptus, {from, to}, prices(), billing).micros, micros);
        qint64 seconds = 0;
        for (const PtuCharge& c : cs)
            seconds += c.ptuSeconds;
        QCOMPARE(seconds, PtuCost::ptuSeconds(ptus, {from, to}));
        if (charges == 2)
            QCOMPARE(cs[0].span.to, kFeb01); // split at the UTC month boundary
    }

    void missingReservationFallsBackToHourly()
    {
        PtuPrices p = prices();
        p.yearlyMicros.reset();
        QString note;
        const Money m =
            PtuCost::cost(100, {kFeb01, kFeb01 + 3600}, p, PtuBilling::YearlyReservation, &note);
        QCOMPARE(m.micros, qint64(200000000));
        QVERIFY(note.contains(QLatin1String("hourly")));
    }

    void monthlyComparison()
    {
        QCOMPARE(PtuCost::monthlyCost(100, prices(), PtuBilling::Hourly).micros,
                 qint64(146000000000)); // 100 x $2 x 730 h
        QCOMPARE(PtuCost::monthlyCost(100, prices(), PtuBilling::MonthlyReservation).micros,
                 qint64(26000000000));
        QCOMPARE(PtuCost::monthlyCost(100, prices(), PtuBilling::YearlyReservation).micros,
                 qint64(22100000000));
    }

    void utcCalendar()
    {
        QCOMPARE(utcMonthOf(kJan31_2330).from, qint64(1767225600));
        QCOMPARE(utcMonthOf(kJan31_2330).to, kFeb01);
        QCOMPARE(utcMonthOf(kFeb01).duration(), qint64(28 * 86400));
        QCOMPARE(utcDayOf(kFeb01_0115).from, kFeb01);
        QCOMPARE(utcDayOf(kJan31_2330).to, kFeb01);
    }
};

QTEST_GUILESS_MAIN(tst_PtuCost)
#include "tst_ptucost.moc"
