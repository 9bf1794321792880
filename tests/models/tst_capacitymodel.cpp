#include "emulator/trafficmodel.h"
#include "routing/capacitymodel.h"
#include "routing/replaypricing.h"

#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

constexpr qint64 kTuesday = 1788220800; // 2026-09-01T00:00:00Z

} // namespace

class tst_CapacityModel : public QObject
{
    Q_OBJECT
private slots:
    void utilization_data()
    {
        QTest::addColumn<int>("ptus");
        QTest::addColumn<double>("requests");
        QTest::addColumn<double>("prompt");
        QTest::addColumn<double>("output");
        QTest::addColumn<double>("utilization");
        QTest::addColumn<double>("rejected");
        // 100 PTU x 2,500 = 250,000 weighted tokens a minute; an output token weighs 3.
        QTest::newRow("idle") << 100 << 0.0 << 0.0 << 0.0 << 0.0 << 0.0;
        QTest::newRow("half") << 100 << 50.0 << 106250.0 << 6250.0 << 50.0 << 0.0;
        QTest::newRow("exactly full") << 100 << 100.0 << 250000.0 << 0.0 << 100.0 << 0.0;
        // 125 %: a fifth of the requests are over capacity.
        QTest::newRow("over") << 100 << 100.0 << 192500.0 << 40000.0 << 125.0 << 20.0;
        QTest::newRow("output weighs 3") << 10 << 10.0 << 6250.0 << 6250.0 << 100.0 << 0.0;
        QTest::newRow("double") << 50 << 30.0 << 250000.0 << 0.0 << 200.0 << 15.0;
    }
    void utilization()
    {
        QFETCH(int, ptus);
        QFETCH(double, requests);
        QFETCH(double, prompt);
        QFETCH(double, output);
        QFETCH(double, utilization);
        QFETCH(double, rejected);
        const CapacityModel cm(ptus);
        const CapacityModel::Minute m = cm.apply(requests, prompt, output);
        QCOMPARE(m.utilizationPct, utilization);
        QCOMPARE(m.rejectedRequests, rejected);
        QCOMPARE(m.servedRequests + m.rejectedRequests, requests);
    }

    void sizingFromCatalog()
    {
        // A model the catalog sizes differently (e.g. a mini model: more tokens per PTU).
        const CapacityModel cm(15, PtuSizing{37000, 4});
        QCOMPARE(cm.capacityPerMinute(), 555000.0);
        QCOMPARE(cm.utilizationPct(555000, 0), 100.0);
    }

    // The emulator's gpt-4o-ptu (100 PTU): predict its 429 minutes from demand alone.
    void predictsEmulator429Minutes()
    {
        const emu::TrafficModel tm(42);
        const int ptu = tm.indexOf(QStringLiteral("gpt-4o-ptu"));
        QVERIFY(ptu >= 0);
        // The emulator sizes its gpt-4o PTU deployment with the price catalog's gpt-4o row, which
        // is also CapacityModel's default sizing.
        const PtuSizing catalog = catalogSizing(PriceCatalog::builtin(), QStringLiteral("gpt-4o"),
                                                QStringLiteral("2024-11-20"), tm.fleet()[ptu].sku);
        QCOMPARE(catalog.inputTokensPerPtuPerMinute, emu::TrafficModel::kTokensPerPtuPerMinute);
        QCOMPARE(catalog.outputTokenWeight, emu::TrafficModel::kOutputTokenWeight);
        const CapacityModel cm(tm.fleet()[ptu].capacity);
        QCOMPARE(cm.capacityPerMinute(), 100 * emu::TrafficModel::kTokensPerPtuPerMinute);
        QCOMPARE(cm.sizing().outputTokenWeight, emu::TrafficModel::kOutputTokenWeight);

        int actual429 = 0, predicted429 = 0, both = 0, mismatches = 0, utilChecked = 0;
        double worstUtilError = 0;
        const int minutes = 7 * 1440;
        for (int m = 0; m < minutes; ++m) {
            const emu::MinuteTraffic t = tm.at(QStringLiteral("gpt-4o-ptu"), kTuesday + 60LL * m);
            if (t.requests2xx <= 0)
                continue;
            // What the store knows: requests by status and the served requests' tokens.
            const double demand = t.requests2xx + t.requests429 + t.requests5xx;
            const double p = t.promptTokens / t.requests2xx, o = t.generatedTokens / t.requests2xx;
            const CapacityModel::Minute pm = cm.apply(demand, demand * p, demand * o);
            const bool predicted = CapacityModel::is429Minute(pm);
            const bool actual = t.requests429 > 0;
            actual429 += actual;
            predicted429 += predicted;
            both += actual && predicted;
            mismatches += actual != predicted;
            if (t.utilizationPct < 95) {
                worstUtilError =
                    std::max(worstUtilError, std::abs(pm.utilizationPct - t.utilizationPct));
                ++utilChecked;
            }
        }
        qInfo("gpt-4o-ptu, 7 days: %d 429 minutes recorded, %d predicted, %d in both, %d "
              "mismatched minutes (%.2f %% of the 429 minutes); worst utilization error below "
              "95 %%: %.2f points over %d minutes",
              actual429, predicted429, both, mismatches,
              100.0 * mismatches / std::max(1, actual429), worstUtilError, utilChecked);
        QVERIFY2(actual429 > 100, "the demo week must have PTU saturation to test against");
        // Stated tolerance: the predicted 429 minutes are within 2 % of the recorded ones, and
        // at most 6 % of the recorded 429 minutes are mispredicted either way (seed 42: 1.4 %
        // and 4.8 %; the misses sit at the threshold, where the emulator's rounding decides).
        // With the catalog's output weight 3 the weekday peak asks ~103 % of capacity, so a
        // larger share of the 429 minutes sits at that threshold than with weight 4 (2.1 %).
        QVERIFY(std::abs(predicted429 - actual429) <= 0.02 * actual429);
        QVERIFY(mismatches <= 0.06 * actual429);
        QVERIFY(worstUtilError < 10.0);
    }
};

QTEST_APPLESS_MAIN(tst_CapacityModel)
#include "tst_capacitymodel.moc"
