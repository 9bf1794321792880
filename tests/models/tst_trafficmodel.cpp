#include "emulator/trafficmodel.h"

#include "core/timerange.h"

#include <QtTest/QtTest>
#include <algorithm>
#include <cmath>

using namespace isc::emu;

namespace {

constexpr qint64 kTuesday = 1788220800; // 2026-09-01T00:00:00Z, a Tuesday
constexpr qint64 kSaturday = kTuesday + 4 * 86400;

bool sameTraffic(const MinuteTraffic& a, const MinuteTraffic& b)
{
    return a.demandRequests == b.demandRequests && a.requests2xx == b.requests2xx &&
           a.requests429 == b.requests429 && a.requests5xx == b.requests5xx &&
           a.spilloverRequests == b.spilloverRequests && a.promptTokens == b.promptTokens &&
           a.generatedTokens == b.generatedTokens && a.utilizationPct == b.utilizationPct &&
           a.ttftMsAvg == b.ttftMsAvg && a.ttftMsMin == b.ttftMsMin && a.ttftMsMax == b.ttftMsMax &&
           a.ttltMsAvg == b.ttltMsAvg && a.tbtMsAvg == b.tbtMsAvg &&
           a.timeToResponseMsAvg == b.timeToResponseMsAvg &&
           a.tokensPerSecondAvg == b.tokensPerSecondAvg &&
           a.cacheMatchRatePct == b.cacheMatchRatePct;
}

bool whole(double v)
{
    return v >= 0 && std::floor(v) == v;
}

double requestsIn(const TrafficModel& tm, const QString& dep, qint64 from, qint64 to)
{
    double sum = 0;
    for (qint64 m = from; m < to; m += 60)
        sum += tm.at(dep, m).totalRequests();
    return sum;
}

} // namespace

class tst_TrafficModel : public QObject
{
    Q_OBJECT
private slots:
    void demoFleet()
    {
        const auto fleet = TrafficModel::demoFleet();
        QCOMPARE(fleet.size(), 5);
        QStringList names;
        for (const auto& d : fleet)
            names << d.name;
        QCOMPARE(names, (QStringList{"gpt-4o-ptu", "gpt-4o-std", "gpt-4o-mini", "gpt-41-dz",
                                     "gpt-4o-mini-batch"}));
        QCOMPARE(fleet[0].sku, QStringLiteral("ProvisionedManaged"));
        QCOMPARE(fleet[0].capacity, 100);
        QCOMPARE(fleet[0].spilloverTo, QStringLiteral("gpt-4o-std"));
        QCOMPARE(fleet[1].sku, QStringLiteral("Standard"));
        QCOMPARE(fleet[1].capacity, 450);
        QCOMPARE(fleet[3].model, QStringLiteral("gpt-4.1"));
        QCOMPARE(fleet[4].sku, QStringLiteral("GlobalBatch"));
    }

    // A fine-tune's nightly retraining: 1/60 h a minute from 01:00 to 03:00 UTC; nothing for
    // the demo fleet, which has no fine-tune.
    void trainingHoursOfFineTunes_data()
    {
        QTest::addColumn<QString>("model");
        QTest::addColumn<qint64>("minute");
        QTest::addColumn<double>("hours");
        const QString ft = QStringLiteral("gpt-4o-mini-2024-07-18.ft-0a1b2c");
        QTest::newRow("00:59, before") << ft << kTuesday + 59 * 60 << 0.0;
        QTest::newRow("01:00, first minute") << ft << kTuesday + 3600 << 1.0 / 60.0;
        QTest::newRow("02:59:30, last minute") << ft << kTuesday + 3 * 3600 - 30 << 1.0 / 60.0;
        QTest::newRow("03:00, after") << ft << kTuesday + 3 * 3600 << 0.0;
        QTest::newRow("Saturday 02:00") << ft << kSaturday + 2 * 3600 << 1.0 / 60.0;
        QTest::newRow("not a fine-tune")
            << QStringLiteral("gpt-4o-mini") << kTuesday + 2 * 3600 << 0.0;
    }
    void trainingHoursOfFineTunes()
    {
        QFETCH(QString, model);
        QFETCH(qint64, minute);
        QFETCH(double, hours);
        FleetDeployment d;
        d.name = QStringLiteral("ft");
        d.model = model;
        d.version = QStringLiteral("1");
        d.sku = QStringLiteral("Standard");
        d.capacity = 10;
        const TrafficModel tm(42, {d});
        QCOMPARE(TrafficModel::isFineTuned(d), model.contains(QLatin1String(".ft-")));
        QCOMPARE(tm.trainingHours(0, minute), hours);
        QCOMPARE(tm.trainingHours(1, minute), 0.0); // no such deployment

        const TrafficModel demo(42);
        for (int i = 0; i < demo.fleet().size(); ++i) {
            QVERIFY(!TrafficModel::isFineTuned(demo.fleet()[i]));
            QCOMPARE(demo.trainingHours(i, minute), 0.0);
        }
    }

    void determinism()
    {
        const TrafficModel a(42), b(42), c(43);
        bool anyDifferent = false;
        for (const auto& d : a.fleet()) {
            for (qint64 m = kTuesday; m < kTuesday + 86400; m += 997 * 60) {
                QVERIFY(sameTraffic(a.at(d.name, m), b.at(d.name, m)));
                anyDifferent = anyDifferent || !sameTraffic(a.at(d.name, m), c.at(d.name, m));
            }
        }
        QVERIFY(anyDifferent);
    }

    void purity()
    {
        const TrafficModel tm(7);
        QVector<qint64> minutes;
        for (int i = 0; i < 200; ++i)
            minutes << kTuesday + qint64(i) * 7919 * 60; // spread over ~3 years
        QVector<MinuteTraffic> forward;
        for (qint64 m : minutes)
            forward << tm.at(QStringLiteral("gpt-4o-std"), m);
        QVector<qint64> reversed = minutes;
        std::reverse(reversed.begin(), reversed.end());
        for (int i = 0; i < reversed.size(); ++i) {
            const MinuteTraffic t = tm.at(QStringLiteral("gpt-4o-std"), reversed[i]);
            QVERIFY(sameTraffic(t, forward[forward.size() - 1 - i]));
        }
        // Seconds inside a minute floor to it; atAll() agrees with at().
        QVERIFY(sameTraffic(tm.at(QStringLiteral("gpt-4o-ptu"), kTuesday + 59),
                            tm.at(QStringLiteral("gpt-4o-ptu"), kTuesday)));
        for (qint64 m : minutes.mid(0, 40)) {
            const auto all = tm.atAll(m);
            for (int i = 0; i < tm.fleet().size(); ++i)
                QVERIFY(sameTraffic(all[i], tm.at(tm.fleet()[i].name, m)));
        }
        QCOMPARE(tm.at(QStringLiteral("no-such-deployment"), kTuesday).totalRequests(), 0.0);
    }

    void wholeNumbers()
    {
        const TrafficModel tm(42);
        for (qint64 m = kTuesday; m < kTuesday + 2 * 86400; m += 7 * 60) {
            for (const auto& t : tm.atAll(m)) {
                QVERIFY(whole(t.demandRequests));
                QVERIFY(whole(t.requests2xx));
                QVERIFY(whole(t.requests429));
                QVERIFY(whole(t.requests5xx));
                QVERIFY(whole(t.spilloverRequests));
                QVERIFY(whole(t.promptTokens));
                QVERIFY(whole(t.generatedTokens));
                QCOMPARE(t.requests2xx + t.requests429 + t.requests5xx, t.demandRequests);
            }
        }
    }

    void dailyAndWeeklyShape_data()
    {
        QTest::addColumn<QString>("deployment");
        QTest::newRow("ptu") << "gpt-4o-ptu";
        QTest::newRow("standard") << "gpt-4o-std";
        QTest::newRow("mini") << "gpt-4o-mini";
        QTest::newRow("data zone") << "gpt-41-dz";
    }
    void dailyAndWeeklyShape()
    {
        QFETCH(QString, deployment);
        const TrafficModel tm(42);
        const double peak = requestsIn(tm, deployment, kTuesday + 14 * 3600, kTuesday + 15 * 3600);
        const double night = requestsIn(tm, deployment, kTuesday + 2 * 3600, kTuesday + 3 * 3600);
        QVERIFY2(peak > 1.8 * night, qPrintable(QStringLiteral("%1 vs %2").arg(peak).arg(night)));
        const double weekday = requestsIn(tm, deployment, kTuesday, kTuesday + 86400);
        const double weekend = requestsIn(tm, deployment, kSaturday, kSaturday + 86400);
        QVERIFY2(weekend < 0.6 * weekday && weekend > 0.15 * weekday,
                 qPrintable(QStringLiteral("%1 vs %2").arg(weekend).arg(weekday)));
    }

    void ptuCrossesCapacityAtPeaks()
    {
        const TrafficModel tm(42);
        const QString ptu = QStringLiteral("gpt-4o-ptu");
        const QString std = QStringLiteral("gpt-4o-std");
        double total429 = 0, totalSpill = 0;
        int overMinutes = 0;
        QVector<double> weekdayUtil;
        for (qint64 m = kTuesday; m < kTuesday + 7 * 86400; m += 60) {
            const MinuteTraffic p = tm.at(ptu, m);
            const MinuteTraffic s = tm.at(std, m);
            const bool weekend = m >= kSaturday && m < kSaturday + 2 * 86400;
            QVERIFY(p.utilizationPct >= 0 && p.utilizationPct <= 106);
            // 429s and spillover appear exactly when the PTU is at or over 100 %.
            if (p.requests429 > 0)
                QVERIFY2(p.utilizationPct >= 100, qPrintable(isc::formatIsoUtc(m)));
            if (p.utilizationPct < 100)
                QCOMPARE(p.requests429, 0.0);
            // Spillover conservation: never more spilled than rejected.
            QVERIFY(s.spilloverRequests <= p.requests429);
            QCOMPARE(p.spilloverRequests, 0.0);
            if (p.utilizationPct >= 100) {
                ++overMinutes;
                QVERIFY2(!weekend, qPrintable(isc::formatIsoUtc(m)));
            }
            if (!weekend)
                weekdayUtil << p.utilizationPct;
            total429 += p.requests429;
            totalSpill += s.spilloverRequests;
            QVERIFY(p.cacheMatchRatePct >= 20 && p.cacheMatchRatePct <= 45);
        }
        QVERIFY(overMinutes > 60);
        QVERIFY(total429 > 100);
        const double share = totalSpill / total429;
        QVERIFY2(share > 0.8 && share < 0.9, qPrintable(QString::number(share)));
        std::sort(weekdayUtil.begin(), weekdayUtil.end());
        const double median = weekdayUtil[weekdayUtil.size() / 2];
        QVERIFY2(median > 35 && median < 75, qPrintable(QString::number(median)));
    }

    void ptuUtilizationFollowsDemand()
    {
        // utilizationPct = 100 * (prompt + 3 * completion) / (PTU * 2500) below capacity (the
        // price catalog's gpt-4o output weight).
        const TrafficModel tm(42);
        const MinuteTraffic t = tm.at(QStringLiteral("gpt-4o-ptu"), kTuesday + 3 * 3600);
        QVERIFY(t.utilizationPct > 0 && t.utilizationPct < 100);
        const double served = t.requests2xx;
        const double implied = 100.0 * (t.promptTokens + 3.0 * t.generatedTokens) / (100 * 2500.0);
        // Demand includes the few 5xx requests that carry no tokens.
        QVERIFY(std::abs(implied - t.utilizationPct * served / t.demandRequests) < 2.0);
    }

    void latencies()
    {
        const TrafficModel tm(42);
        for (qint64 m = kTuesday; m < kTuesday + 86400; m += 13 * 60) {
            const auto all = tm.atAll(m);
            for (int i = 0; i < all.size(); ++i) {
                const FleetDeployment& d = tm.fleet()[i];
                const MinuteTraffic& t = all[i];
                if (d.sku == QLatin1String("GlobalBatch")) {
                    QVERIFY(t.servedRequests() > 0);
                    QCOMPARE(t.ttftMsAvg, 0.0);
                    QCOMPARE(t.ttltMsAvg, 0.0);
                    QCOMPARE(t.tbtMsAvg, 0.0);
                    QCOMPARE(t.timeToResponseMsAvg, 0.0);
                    QCOMPARE(t.tokensPerSecondAvg, 0.0);
                } else if (t.servedRequests() > 0) {
                    QVERIFY(t.ttftMsMin <= t.ttftMsAvg && t.ttftMsAvg <= t.ttftMsMax);
                    QVERIFY(t.ttltMsMin <= t.ttltMsAvg && t.ttltMsAvg <= t.ttltMsMax);
                    QVERIFY(t.ttftMsAvg >= 0.8 * d.baseTtftMs);
                    QVERIFY(t.ttltMsAvg > t.ttftMsAvg);
                    QVERIFY(t.tokensPerSecondAvg > 0);
                }
                if (d.sku != QLatin1String("ProvisionedManaged")) {
                    QCOMPARE(t.utilizationPct, -1.0);
                    QCOMPARE(t.cacheMatchRatePct, -1.0);
                }
            }
        }
        // Latency grows with load: the PTU's TTFT at the peak beats the night's.
        double peak = 0, night = 0;
        for (int i = 0; i < 60; ++i) {
            peak += tm.at(QStringLiteral("gpt-4o-ptu"), kTuesday + 14 * 3600 + i * 60).ttftMsAvg;
            night += tm.at(QStringLiteral("gpt-4o-ptu"), kTuesday + 3 * 3600 + i * 60).ttftMsAvg;
        }
        QVERIFY(peak > 1.3 * night);
    }

    void errorsAreRare()
    {
        const TrafficModel tm(42);
        double errors = 0, total = 0;
        for (qint64 m = kTuesday; m < kTuesday + 7 * 86400; m += 60) {
            for (const auto& t : tm.atAll(m)) {
                errors += t.requests5xx;
                total += t.totalRequests();
            }
        }
        const double share = errors / total;
        QVERIFY2(share > 0.001 && share < 0.01, qPrintable(QString::number(share)));
    }
};

QTEST_GUILESS_MAIN(tst_TrafficModel)
#include "tst_trafficmodel.moc"
