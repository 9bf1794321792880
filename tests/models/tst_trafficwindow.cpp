#include "core/workspace.h"
#include "replaytestdata.h"
#include "routing/trafficwindow.h"
#include "store/samplestore.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

const QString kSource = QStringLiteral("demo-azure");
constexpr int kMinutes = 180;

Connection connection(const QString& id, const QString& kind, const QString& routeClass = {})
{
    Connection c;
    c.id = id;
    c.kind = kind;
    c.routeClass = routeClass;
    return c;
}

// A local vLLM server's normalised metrics: 10 requests a minute of 500 + 100 tokens.
PollBatch localBatch(const QString& source, qint64 from, int minutes)
{
    PollBatch b;
    b.source = source;
    b.window = {from, from + 60LL * minutes};
    const QString labels =
        labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama-3-8b")}});
    auto series = [&](const char* metric, const char* aggregation, double value) {
        SeriesSamples s{{source, QLatin1String(metric), QLatin1String(aggregation), labels},
                        QStringLiteral("Count"),
                        {}};
        for (int m = 0; m < minutes; ++m)
            s.samples.append({from + 60LL * m, value});
        b.series.append(s);
    };
    series("Requests", "total", 10);
    series("InputTokensUncached", "total", 4000);
    series("InputTokensCached", "total", 1000);
    series("OutputTokens", "total", 1000);
    series("TtftMs", "p50", 85);
    series("E2eLatencyMs", "p50", 2400);
    return b;
}

} // namespace

class tst_TrafficWindow : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore m_store;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_store.open(m_dir.filePath(QStringLiteral("h.sqlite"))).result().usable());
        const emu::TrafficModel tm(42);
        m_store.saveDeployments(kSource, test::fleetInventory(tm, kSource)).waitForFinished();
        QVERIFY(m_store.write(test::batchFromModel(tm, kSource, test::kReplayTuesday, kMinutes))
                    .result()
                    .ok);
        QVERIFY(m_store.write(localBatch(QStringLiteral("vllm"), test::kReplayTuesday, kMinutes))
                    .result()
                    .ok);
    }

    // What the store gives back is what the emulator recorded, minute by minute.
    void loadsAzureAsRecorded()
    {
        TrafficWindow w;
        QString error;
        const TimeRange range{test::kReplayTuesday, test::kReplayTuesday + 60LL * kMinutes};
        QVERIFY2(TrafficWindow::load(m_store, range, {}, &w, &error), qPrintable(error));
        const TrafficWindow expected =
            test::windowFromModel(emu::TrafficModel(42), kSource, range.from, kMinutes);
        QCOMPARE(w.minutes(), kMinutes);
        QCOMPARE(w.deployments.size(), expected.deployments.size());
        for (const DeploymentTraffic& e : expected.deployments) {
            const int i = w.indexOf(e.key());
            QVERIFY2(i >= 0, qPrintable(e.key()));
            const DeploymentTraffic& d = w.deployments[i];
            QCOMPARE(d.routeClass, e.routeClass);
            QCOMPARE(d.model, e.model);
            QCOMPARE(d.capacity, e.capacity);
            QCOMPARE(d.spilloverTo, e.spilloverTo);
            QCOMPARE(d.requests, e.requests);
            QCOMPARE(d.requests429, e.requests429);
            QCOMPARE(d.requests5xx, e.requests5xx);
            QCOMPARE(d.spilloverIn, e.spilloverIn);
            QCOMPARE(d.promptTokens, e.promptTokens);
            QCOMPARE(d.outputTokens, e.outputTokens);
            QCOMPARE(d.ttftMs, e.ttftMs);
            QCOMPARE(d.utilizationPct, e.utilizationPct);
            QCOMPARE(d.spilloverOut, e.spilloverOut);
        }
        const DeploymentTraffic& ptu = w.deployments[w.indexOf(QStringLiteral("gpt-4o-ptu"))];
        QCOMPARE(ptu.routeClass, RouteClass::Provisioned);
        QVERIFY(ptu.meanTtftMs > 0);
    }

    void derivesSpilloverAndTokensPerRequest()
    {
        const TrafficWindow w = test::windowFromModel(emu::TrafficModel(42), kSource,
                                                      test::kReplayTuesday + 14 * 3600, 60);
        const DeploymentTraffic& ptu = w.deployments[w.indexOf(QStringLiteral("gpt-4o-ptu"))];
        const DeploymentTraffic& standard = w.deployments[w.indexOf(QStringLiteral("gpt-4o-std"))];
        double spilledOut = 0, spilledIn = 0;
        for (int m = 0; m < w.minutes(); ++m) {
            spilledOut += ptu.spilloverOut[m];
            spilledIn += standard.spilloverIn[m];
            // The standard deployment's own requests are smaller (1,200 vs 1,800 tokens).
            if (standard.okRequests(m) > 0)
                QVERIFY2(std::abs(standard.promptPerRequest[m] - 1200) < 130,
                         qPrintable(QString::number(standard.promptPerRequest[m])));
            QVERIFY(std::abs(ptu.promptPerRequest[m] - 1800) < 100);
        }
        QVERIFY(spilledIn > 0); // the peak hour saturates the PTU
        QCOMPARE(spilledOut, spilledIn);
        QVERIFY(ptu.spilloverShare > 0.7 && ptu.spilloverShare < 1.0);
    }

    void otherProvidersFromNormalisedMetrics()
    {
        TrafficWindow w;
        QString error;
        const TimeRange range{test::kReplayTuesday, test::kReplayTuesday + 60LL * kMinutes};
        const QVector<Connection> conns{
            connection(QStringLiteral("vllm"), QStringLiteral("prometheus")),
            connection(kSource, QStringLiteral("azure-openai"))};
        QVERIFY2(TrafficWindow::load(m_store, range, conns, &w, &error), qPrintable(error));
        const int i = w.indexOf(QStringLiteral("vllm/llama-3-8b"));
        QVERIFY(i >= 0);
        const DeploymentTraffic& d = w.deployments[i];
        QCOMPARE(d.routeClass, RouteClass::Local);
        QCOMPARE(d.requests[0], 10.0);
        QCOMPARE(d.promptTokens[0], 5000.0); // uncached + cached
        QCOMPARE(d.promptPerRequest[0], 500.0);
        QCOMPARE(d.outputPerRequest[0], 100.0);
        QCOMPARE(d.ttltMs[0], 2400.0);
        QCOMPARE(w.deployments.size(), 6);
    }

    // A server that does not split its prompt (TGI, a vLLM without cache counters) stores the
    // whole prompt as InputTokens: it is the deployment's input, priced as uncached.
    void wholePromptIsInput()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("tgi.sqlite"))).result().usable());
        const QString tgi = QStringLiteral("tgi");
        PollBatch b;
        b.source = tgi;
        b.window = {test::kReplayTuesday, test::kReplayTuesday + 3 * 60};
        const QString labels = labels::canonical(
            {{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama-3-8b")}});
        for (const auto& [metric, value] :
             {std::pair{"Requests", 6.0}, std::pair{"InputTokens", 3000.0},
              std::pair{"OutputTokens", 600.0}}) {
            SeriesSamples s{{tgi, QLatin1String(metric), QStringLiteral("total"), labels},
                            QStringLiteral("Count"),
                            {}};
            for (int m = 0; m < 3; ++m)
                s.samples.append({test::kReplayTuesday + 60LL * m, value});
            b.series.append(s);
        }
        QVERIFY(store.write(b).result().ok);
        TrafficWindow w;
        QString error;
        QVERIFY2(TrafficWindow::load(store, b.window,
                                     {connection(tgi, QStringLiteral("prometheus"))}, &w, &error),
                 qPrintable(error));
        const int i = w.indexOf(QStringLiteral("tgi/llama-3-8b"));
        QVERIFY(i >= 0);
        const DeploymentTraffic& d = w.deployments[i];
        QCOMPARE(d.promptTokens[0], 3000.0);
        QCOMPARE(d.promptPerRequest[0], 500.0);
        QCOMPARE(d.recordedMix[0].uncached, 9000.0);
        QCOMPARE(d.recordedMix[0].cached, 0.0);
    }

    // A local server's capacity in the replay: its busiest minute over the recorded history,
    // read with the window (here a day before it), else the window's own busiest minute.
    void localPeakFromTheHistory()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("peak.sqlite"))).result().usable());
        const QString vllm = QStringLiteral("vllm");
        QVERIFY(store.write(localBatch(vllm, test::kReplayTuesday, 60)).result().ok);
        const qint64 busy = test::kReplayTuesday - 86400 + 600;
        PollBatch b = localBatch(vllm, busy, 1);
        for (SeriesSamples& s : b.series)
            s.samples.first().value *= 3; // 18,000 tokens in a minute, against 6,000
        QVERIFY(store.write(b).result().ok);
        const TimeRange range{test::kReplayTuesday, test::kReplayTuesday + 3600};
        TrafficWindow w;
        QString error;
        QVERIFY2(TrafficWindow::load(store, range, {connection(vllm, QStringLiteral("prometheus"))},
                                     &w, &error),
                 qPrintable(error));
        const int i = w.indexOf(QStringLiteral("vllm/llama-3-8b"));
        QVERIFY(i >= 0);
        QCOMPARE(w.deployments[i].peakTokensPerMinute, 18000.0);
        QCOMPARE(w.deployments[i].peakMinuteAt, busy);

        // History older than 30 days before the window's end is not read: the window's own.
        const TimeRange later{range.from + 31 * 86400, range.to + 31 * 86400};
        QVERIFY(store.write(localBatch(vllm, later.from, 60)).result().ok);
        QVERIFY2(TrafficWindow::load(store, later, {connection(vllm, QStringLiteral("prometheus"))},
                                     &w, &error),
                 qPrintable(error));
        QCOMPARE(w.deployments[w.indexOf(QStringLiteral("vllm/llama-3-8b"))].peakTokensPerMinute,
                 6000.0);
    }

    void connectionOverridesTheClass()
    {
        TrafficWindow w;
        QString error;
        const TimeRange range{test::kReplayTuesday, test::kReplayTuesday + 3600};
        QVERIFY(TrafficWindow::load(
            m_store, range,
            {connection(kSource, QStringLiteral("azure-openai"), QStringLiteral("local"))}, &w,
            &error));
        for (const DeploymentTraffic& d : w.deployments)
            QCOMPARE(d.routeClass, RouteClass::Local);
    }

    void targetNames()
    {
        TrafficWindow w;
        w.range = {0, 600};
        w.addDeployment(QStringLiteral("a"), QStringLiteral("gpt"));
        w.addDeployment(QStringLiteral("b"), QStringLiteral("gpt"));
        w.addDeployment(QStringLiteral("b"), QStringLiteral("mini"));
        QCOMPARE(w.indexOf(QStringLiteral("gpt")), -1); // ambiguous
        QCOMPARE(w.indexOf(QStringLiteral("b/gpt")), 1);
        QCOMPARE(w.indexOf(QStringLiteral("mini")), 2);
        QCOMPARE(w.targetNames(), (QStringList{"a/gpt", "b/gpt", "mini", "b/mini"}));
        QCOMPARE(w.deployments[0].requests.size(), 10);
    }
};

QTEST_GUILESS_MAIN(tst_TrafficWindow)
#include "tst_trafficwindow.moc"
