#include "cost/ptuadvisor.h"

#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

PtuPrices regional()
{
    PtuPrices p;
    p.hourlyMicros = 2000000;
    p.monthlyMicros = 260000000;
    p.yearlyMicros = 2652000000;
    p.minimum = 50;
    p.increment = 50;
    p.inputTpmPerPtu = 2500;
    p.outputTokenWeight = 3;
    return p;
}

PtuPrices global()
{
    PtuPrices p = regional();
    p.minimum = 15;
    p.increment = 5;
    return p;
}

/// One day: 1,368 quiet minutes (50k in, 10k out) and 72 busy ones (150k in, 30k out).
QVector<MinuteTokens> knownDay()
{
    QVector<MinuteTokens> m;
    for (int i = 0; i < 1440; ++i)
        m.append(i % 20 == 7 ? MinuteTokens{150000, 30000} : MinuteTokens{50000, 10000});
    return m;
}

} // namespace

class tst_PtuAdvisor : public QObject
{
    Q_OBJECT
private slots:
    void percentileNearestRank()
    {
        QVector<double> v;
        for (int i = 100; i >= 1; --i)
            v.append(i);
        QCOMPARE(PtuAdvisor::percentile(v, 95), 95.0);
        QCOMPARE(PtuAdvisor::percentile(v, 99), 99.0);
        QCOMPARE(PtuAdvisor::percentile(v, 50), 50.0);
        QCOMPARE(PtuAdvisor::percentile(v, 100), 100.0);
        QCOMPARE(PtuAdvisor::percentile({}, 95), 0.0);
        QCOMPARE(PtuAdvisor::percentile({7}, 99), 7.0);
    }

    void ptusFor_data()
    {
        QTest::addColumn<double>("tpm");
        QTest::addColumn<bool>("isGlobal");
        QTest::addColumn<double>("target");
        QTest::addColumn<int>("ptus");
        // 2,500 TPM per PTU at 80 % = 2,000 usable per PTU.
        QTest::newRow("75 -> 100 on the 50 grid") << 150000.0 << false << 0.8 << 100;
        QTest::newRow("exactly 50") << 100000.0 << false << 0.8 << 50;
        QTest::newRow("idle -> minimum") << 0.0 << false << 0.8 << 50;
        QTest::newRow("101 -> 150") << 202000.0 << false << 0.8 << 150;
        QTest::newRow("global 20") << 40000.0 << true << 0.8 << 20;
        QTest::newRow("global 20.5 -> 25") << 41000.0 << true << 0.8 << 25;
        QTest::newRow("global at 100 %") << 50000.0 << true << 1.0 << 20;
    }
    void ptusFor()
    {
        QFETCH(double, tpm);
        QFETCH(bool, isGlobal);
        QFETCH(double, target);
        QFETCH(int, ptus);
        QCOMPARE(PtuAdvisor::ptusFor(tpm, isGlobal ? global() : regional(), target), ptus);
    }

    void adviseKnownTraffic()
    {
        PtuAdvisorInput in;
        in.minutes = knownDay();
        in.ptu = regional();
        in.payg.input = 2750000; // $2.75 / 1M
        in.payg.output = 11000000;
        in.currentPtus = 100;
        in.targetUtilization = 0.8;
        in.percentile = 95;
        in.billing = PtuBilling::MonthlyReservation;
        const PtuAdvice a = PtuAdvisor::advise(in);
        QVERIFY(a.paygPriced);
        QCOMPARE(a.observedMinutes, 1440);
        QCOMPARE(a.p95Tpm, 80000.0);     // 50k + 3 x 10k: 95 % of minutes are quiet
        QCOMPARE(a.p99Tpm, 240000.0);    // 150k + 3 x 30k
        QCOMPARE(a.recommendedPtus, 50); // 80,000 / 2,000 = 40 -> minimum 50
        QCOMPARE(a.currentMonthly.micros, qint64(26000000000));
        QCOMPARE(a.rightSizedMonthly.micros, qint64(13000000000));
        // A day costs 1,368 x $0.2475 + 72 x $0.7425 = $392.04; x 730 h / 24 h = $11,924.55.
        QCOMPARE(a.paygMonthly.micros, qint64(11924550000));
        // Spillover: 50 PTU (p50 at 100 % = 32 -> 50) serve 125,000; busy minutes spill
        // 115/240 of their tokens (71,875 in, 14,375 out = $0.35578125), 72 a day:
        // $25.61625 a day x 730 / 24 = $779.1609375 -> $779.160938.
        QCOMPARE(a.spilloverPtus, 50);
        QCOMPARE(a.spilloverPaygMonthly.micros, qint64(779160938));
        QCOMPARE(a.ptuPlusSpilloverMonthly.micros, qint64(13779160938));
        // Break-even: $260 / (2,500 x 43,800 x $392.04 / 126,720,000 weighted) = 0.76749...
        QVERIFY(std::abs(a.breakEvenUtilization - 0.767491) < 1e-5);
        QCOMPARE(a.currentUtilizationAtSized, 0.32);
        QVERIFY(a.assumptions.size() >= 6);
        QVERIFY(a.assumptions.join(' ').contains(QLatin1String("p95")));

        in.percentile = 99;
        QCOMPARE(PtuAdvisor::advise(in).recommendedPtus, 150); // 240,000 / 2,000 = 120 -> 150
    }

    // Without a pay-per-token price the options priced at it are unknown, never $0; the
    // sizing and the PTU prices do not need it.
    void noPayPerTokenPrice()
    {
        PtuAdvisorInput in;
        in.minutes = knownDay();
        in.ptu = regional();
        in.currentPtus = 100;
        const PtuAdvice a = PtuAdvisor::advise(in);
        QVERIFY(!a.paygPriced);
        QCOMPARE(a.recommendedPtus, 50);
        QCOMPARE(a.currentMonthly.micros, qint64(26000000000));
        QCOMPARE(a.spilloverPtus, 50);
        QCOMPARE(a.spilloverPtuMonthly.micros, qint64(13000000000));
        QVERIFY(std::isnan(a.breakEvenUtilization));
        QVERIFY(a.assumptions.join(' ').contains(QLatin1String("no price")));
        QVERIFY(!a.assumptions.join(' ').contains(QLatin1String("$0.00")));
        // Half a price is no price either.
        in.payg.input = 2750000;
        QVERIFY(!PtuAdvisor::advise(in).paygPriced);
        in.payg.output = 11000000;
        QVERIFY(PtuAdvisor::advise(in).paygPriced);
    }

    // The advisor names the cheapest of the three options it prices, and says by how much.
    void cheapestOption_data()
    {
        QTest::addColumn<qint64>("paygInput");
        QTest::addColumn<qint64>("paygOutput");
        QTest::addColumn<int>("cheapest");
        QTest::addColumn<QString>("verdict");
        // Known day: right-sized $13,000.00, PTU + spillover $13,000.00 + overflow, pay-per-token
        // $11,924.55 at $2.75/$11 per 1M.
        QTest::newRow("pay-per-token cheapest")
            << qint64(2750000) << qint64(11000000) << int(PtuAdvice::Option::PayPerToken)
            << QStringLiteral("Cheapest: pay-per-token, $11,924.55 a month ($1,075.45 less than "
                              "50 right-sized PTUs; $14,075.45 less than the current 100 PTUs).");
        // Four times the token prices: pay-per-token $47,698.20, spillover 50 PTUs + $3,116.64.
        QTest::newRow("right-sized cheapest")
            << qint64(11000000) << qint64(44000000) << int(PtuAdvice::Option::RightSized)
            << QStringLiteral("Cheapest: 50 right-sized PTUs, $13,000.00 a month ($3,116.64 less "
                              "than 50 PTUs + spillover; $13,000.00 less than the current 100 "
                              "PTUs).");
        // No pay-per-token price: only the right size can be priced.
        QTest::newRow("no pay-per-token price")
            << qint64(-1) << qint64(-1) << int(PtuAdvice::Option::RightSized)
            << QStringLiteral("Cheapest priced option: 50 right-sized PTUs, $13,000.00 a month "
                              "($13,000.00 less than the current 100 PTUs); pay-per-token and "
                              "PTU + spillover have no price.");
    }
    void cheapestOption()
    {
        QFETCH(qint64, paygInput);
        QFETCH(qint64, paygOutput);
        QFETCH(int, cheapest);
        QFETCH(QString, verdict);
        PtuAdvisorInput in;
        in.minutes = knownDay();
        in.ptu = regional();
        if (paygInput >= 0)
            in.payg.input = paygInput;
        if (paygOutput >= 0)
            in.payg.output = paygOutput;
        in.currentPtus = 100;
        const PtuAdvice a = PtuAdvisor::advise(in);
        QCOMPARE(int(a.cheapest), cheapest);
        QCOMPARE(a.verdict, verdict);
        const Money expected = a.cheapest == PtuAdvice::Option::PayPerToken ? a.paygMonthly
                               : a.cheapest == PtuAdvice::Option::PtuPlusSpillover
                                   ? a.ptuPlusSpilloverMonthly
                                   : a.rightSizedMonthly;
        QCOMPARE(a.cheapestMonthly, expected);
    }

    // PTU + spillover wins when a small base serves most minutes and the peaks are short.
    void cheapestIsSpillover()
    {
        PtuAdvisorInput in;
        for (int i = 0; i < 1440; ++i)
            in.minutes.append(i % 60 == 7 ? MinuteTokens{600000, 0} : MinuteTokens{120000, 0});
        in.ptu = global();
        in.ptu.outputTokenWeight = 3;
        in.payg.input = 2750000;
        in.payg.output = 11000000;
        in.percentile = 99;
        const PtuAdvice a = PtuAdvisor::advise(in);
        QCOMPARE(a.cheapest, PtuAdvice::Option::PtuPlusSpillover);
        QVERIFY(a.ptuPlusSpilloverMonthly < a.rightSizedMonthly);
        QVERIFY(a.ptuPlusSpilloverMonthly < a.paygMonthly);
        QVERIFY2(a.verdict.startsWith(QLatin1String("Cheapest: 50 PTUs + spillover, ")),
                 qPrintable(a.verdict));
    }

    void noTraffic()
    {
        PtuAdvisorInput in;
        in.ptu = regional();
        in.payg.input = 2750000;
        in.payg.output = 11000000;
        const PtuAdvice a = PtuAdvisor::advise(in);
        QCOMPARE(a.recommendedPtus, 50);
        QCOMPARE(a.paygMonthly.micros, qint64(0));
        QVERIFY(std::isinf(a.breakEvenUtilization));
    }
};

QTEST_GUILESS_MAIN(tst_PtuAdvisor)
#include "tst_ptuadvisor.moc"
