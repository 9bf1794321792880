#include "core/labels.h"
#include "emulator/emulator.h"
#include "emulator/localserverservice.h"
#include "emulator/loopbackhttpserver.h"
#include "net/httpclient.h"
#include "sources/prometheus/histogramquantile.h"
#include "sources/prometheus/prometheussource.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest/QtTest>
#include <cmath>
#include <memory>

using namespace isc;
using prometheus::PrometheusSource;

namespace {

// 2026-09-01 (a Tuesday) 14:00 UTC: the fleet's busy hours.
constexpr qint64 kBusy = 1788220800 + 14 * 3600;
constexpr quint64 kSeed = 7;
const QString kVllmModel = QStringLiteral("meta-llama/Llama-3.1-8B-Instruct");

Connection connectionTo(const QString& id, const QUrl& endpoint, int pollSeconds = 60)
{
    Connection c;
    c.id = id;
    c.kind = QStringLiteral("prometheus");
    c.displayName = QStringLiteral("Local server (test)");
    c.endpoint = endpoint;
    c.pollIntervalSeconds = pollSeconds;
    return c;
}

double valueAt(const PollBatch& batch, const QString& metric, const QString& aggregation, qint64 ts,
               QString* labelsOut = nullptr)
{
    for (const auto& s : batch.series) {
        if (s.key.metric != metric || s.key.aggregation != aggregation)
            continue;
        for (const auto& p : s.samples) {
            if (p.ts == ts) {
                if (labelsOut)
                    *labelsOut = s.key.labels;
                return p.value;
            }
        }
    }
    return std::nan("");
}

bool hasMetric(const PollBatch& batch, const QString& metric)
{
    for (const auto& s : batch.series) {
        if (s.key.metric == metric)
            return true;
    }
    return false;
}

// The cumulative buckets of the TTFT observations of `requests`, in seconds.
QVector<prometheus::HistogramBucket> ttftBuckets(const QVector<emu::LocalRequest>& requests)
{
    emu::LocalHistogram h;
    h.bounds = emu::LocalServerModel::ttftBuckets();
    for (const auto& r : requests)
        h.observe(r.ttftSeconds);
    QVector<prometheus::HistogramBucket> out;
    qint64 cumulative = 0;
    for (int i = 0; i <= h.bounds.size(); ++i) {
        cumulative += h.counts.value(i);
        out.append({i < h.bounds.size() ? h.bounds[i] : qInf(), double(cumulative)});
    }
    return out;
}

} // namespace

class tst_PrometheusSource : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();
    void vllmRatesPercentilesAndGauges();
    void vllmCounterReset();
    void llamaCppModelFromV1Models();
    void noBackfillAndMinimumInterval();
    void failures_data();
    void failures();
    void unreadableScrape();

private:
    // One scrape at `t`: moves both clocks, polls, returns the batch.
    PollBatch scrapeAt(PrometheusSource& src, QSignalSpy& batches, qint64 t);

    std::unique_ptr<emu::Emulator> m_emu;
    std::unique_ptr<emu::LocalServerModel> m_vllm;
    qint64 m_now = kBusy;
};

void tst_PrometheusSource::init()
{
    m_now = kBusy;
    m_emu = std::make_unique<emu::Emulator>(kSeed);
    QString error;
    QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    m_emu->setClock([this] { return m_now; });
    m_vllm = std::make_unique<emu::LocalServerModel>(kSeed, emu::LocalServerModel::vllmProfile());
}

void tst_PrometheusSource::cleanup()
{
    m_emu.reset();
}

PollBatch tst_PrometheusSource::scrapeAt(PrometheusSource& src, QSignalSpy& batches, qint64 t)
{
    m_now = t;
    const auto before = batches.size();
    if (src.health().state == SourceHealth::State::Idle)
        src.start({});
    else
        src.pollNow();
    if (!QTest::qWaitFor([&] { return batches.size() > before; }, 5000))
        return {};
    return batches.last().at(0).value<PollBatch>();
}

void tst_PrometheusSource::vllmRatesPercentilesAndGauges()
{
    // A minute with no restart around it.
    qint64 t = kBusy;
    while (m_vllm->processStart(t) != m_vllm->processStart(t + 60) ||
           m_vllm->processStart(t) > t - 120)
        t += 60;
    HttpClient http;
    PrometheusSource src(connectionTo(QStringLiteral("demo-vllm"),
                                      m_emu->baseUrl().resolved(QUrl("/local/vllm/metrics"))),
                         &http, {});
    src.setClock([this] { return m_now; });
    QSignalSpy batches(&src, &Source::batchReady);
    QSignalSpy inventory(&src, &Source::inventoryReady);
    QSignalSpy failures(&src, &Source::pollFailed);

    const PollBatch first = scrapeAt(src, batches, t);
    QVERIFY(!first.series.isEmpty());
    QVERIFY(!hasMetric(first, QStringLiteral("Requests"))); // a baseline has no increase yet
    const PollBatch b = scrapeAt(src, batches, t + 60);
    QVERIFY(!b.series.isEmpty());
    QCOMPARE(failures.size(), 0);

    const QVector<emu::LocalRequest> minute = m_vllm->requestsIn(t);
    QVERIFY(minute.size() > 10); // busy hours: the check below is not trivially 0
    double prompt = 0, completion = 0;
    for (const auto& r : minute) {
        prompt += r.promptTokens;
        completion += r.completionTokens;
    }
    QString labels;
    QCOMPARE(valueAt(b, "Requests", "total", t, &labels), double(minute.size()));
    QCOMPARE(labels::value(labels, QStringLiteral("ModelDeploymentName")), kVllmModel);
    QCOMPARE(valueAt(b, "InputTokensUncached", "total", t), prompt);
    QCOMPARE(valueAt(b, "OutputTokens", "total", t), completion);

    const auto buckets = ttftBuckets(minute);
    for (const auto& [q, name] :
         {std::pair<double, const char*>{0.5, "p50"}, {0.95, "p95"}, {0.99, "p99"}}) {
        const double expected = prometheus::histogramQuantile(q, buckets) * 1000;
        QVERIFY(std::isfinite(expected));
        QCOMPARE(valueAt(b, "TtftMs", name, t), expected);
    }
    QVERIFY(std::isfinite(valueAt(b, "E2eLatencyMs", "p95", t)));
    QVERIFY(std::isfinite(valueAt(b, "InterTokenLatencyMs", "p50", t)));
    QVERIFY(std::isfinite(valueAt(b, "QueueTimeMs", "p99", t)));

    QCOMPARE(valueAt(b, "RequestsRunning", "average", t + 60), double(m_vllm->runningAt(t + 60)));
    QCOMPARE(valueAt(b, "RequestsWaiting", "average", t + 60), double(m_vllm->waitingAt(t + 60)));
    QCOMPARE(valueAt(b, "KvCacheUsagePercent", "average", t + 60),
             m_vllm->kvCacheUsageAt(t + 60) * 100);

    QCOMPARE(inventory.size(), 1);
    const auto deployments = inventory.first().at(0).value<Deployments>();
    QCOMPARE(deployments.size(), 1);
    QCOMPARE(deployments.first().name, kVllmModel);
    QCOMPARE(deployments.first().sku, QStringLiteral("vLLM"));
    QCOMPARE(src.health().state, SourceHealth::State::Polling);
    QCOMPARE(src.health().lastSuccess, t + 60);
}

void tst_PrometheusSource::vllmCounterReset()
{
    const qint64 restart = m_vllm->restartInBlock(kBusy);
    QVERIFY(restart % 60 == 0);
    HttpClient http;
    PrometheusSource src(connectionTo(QStringLiteral("demo-vllm"),
                                      m_emu->baseUrl().resolved(QUrl("/local/vllm/metrics"))),
                         &http, {});
    src.setClock([this] { return m_now; });
    QSignalSpy batches(&src, &Source::batchReady);
    scrapeAt(src, batches, restart - 60);
    // The process restarted at `restart`: its counters are back at zero, which is no increase
    // (never a negative one, nor the whole old total).
    const PollBatch atRestart = scrapeAt(src, batches, restart);
    QCOMPARE(valueAt(atRestart, "Requests", "total", restart - 60), 0.0);
    QCOMPARE(valueAt(atRestart, "OutputTokens", "total", restart - 60), 0.0);
    const PollBatch after = scrapeAt(src, batches, restart + 60);
    const auto minute = m_vllm->requestsIn(restart);
    QCOMPARE(valueAt(after, "Requests", "total", restart), double(minute.size()));
    const auto buckets = ttftBuckets(minute);
    if (!minute.isEmpty())
        QCOMPARE(valueAt(after, "TtftMs", "p50", restart),
                 prometheus::histogramQuantile(0.5, buckets) * 1000);
}

void tst_PrometheusSource::llamaCppModelFromV1Models()
{
    emu::LocalServerModel llama(kSeed, emu::LocalServerModel::llamaCppProfile());
    qint64 t = kBusy;
    while (llama.processStart(t) != llama.processStart(t + 60) || llama.processStart(t) > t - 120)
        t += 60;
    HttpClient http;
    PrometheusSource src(connectionTo(QStringLiteral("demo-llamacpp"),
                                      m_emu->baseUrl().resolved(QUrl("/local/llamacpp/metrics"))),
                         &http, {});
    src.setClock([this] { return m_now; });
    QSignalSpy batches(&src, &Source::batchReady);
    scrapeAt(src, batches, t);
    const PollBatch b = scrapeAt(src, batches, t + 60);
    QCOMPARE(src.defaultModel(), QStringLiteral("qwen2.5-7b-instruct-q4_k_m"));
    double completion = 0;
    for (const auto& r : llama.requestsIn(t))
        completion += r.completionTokens;
    QString labels;
    QCOMPARE(valueAt(b, "OutputTokens", "total", t, &labels), completion);
    QCOMPARE(labels::value(labels, QStringLiteral("ModelDeploymentName")),
             QStringLiteral("qwen2.5-7b-instruct-q4_k_m"));
    QVERIFY(!hasMetric(b, QStringLiteral("Requests"))); // llama.cpp counts no requests
    QVERIFY(!hasMetric(b, QStringLiteral("TtftMs")));   // nor has a TTFT histogram
    QCOMPARE(valueAt(b, "RequestsRunning", "average", t + 60), double(llama.runningAt(t + 60)));
}

void tst_PrometheusSource::noBackfillAndMinimumInterval()
{
    HttpClient http;
    PrometheusSource src(connectionTo(QStringLiteral("demo-vllm"),
                                      m_emu->baseUrl().resolved(QUrl("/local/vllm/metrics")), 1),
                         &http, {});
    src.setClock([this] { return m_now; });
    QSignalSpy finished(&src, &Source::backfillFinished);
    QSignalSpy batches(&src, &Source::batchReady);
    src.start({{kBusy - 86400, kBusy}});
    QCOMPARE(finished.size(), 1); // at once: a scrape has no history
    QVERIFY(!src.isBackfilling());
    QVERIFY(src.health().nextPoll - m_now >= PrometheusSource::minimumPollSeconds - 1);
    QVERIFY(batches.wait(5000));
    src.stop();
    QCOMPARE(src.health().state, SourceHealth::State::Idle);
}

void tst_PrometheusSource::failures_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<bool>("deadPort");
    QTest::addColumn<QString>("message");
    QTest::newRow("404") << "/local/vllm/nothing-here" << false << "answered 404";
    QTest::newRow("connection refused") << "/metrics" << true << "scraping";
}

void tst_PrometheusSource::failures()
{
    QFETCH(QString, path);
    QFETCH(bool, deadPort);
    QFETCH(QString, message);
    QUrl url = m_emu->baseUrl().resolved(QUrl(path));
    if (deadPort) {
        QTcpServer s;
        QVERIFY(s.listen(QHostAddress::LocalHost));
        url.setPort(s.serverPort());
        s.close();
    }
    HttpClient http;
    PrometheusSource src(connectionTo(QStringLiteral("demo-vllm"), url), &http, {});
    src.setClock([this] { return m_now; });
    QSignalSpy failed(&src, &Source::pollFailed);
    QSignalSpy batches(&src, &Source::batchReady);
    src.start({});
    QVERIFY(failed.wait(10000));
    const auto gap = failed.first().at(0).value<GapMarker>();
    QVERIFY2(gap.reason.contains(message), qPrintable(gap.reason));
    QCOMPARE(gap.source, QStringLiteral("demo-vllm"));
    QCOMPARE(gap.window.from, m_now - m_now % 60);
    QCOMPARE(src.health().state, SourceHealth::State::Failing);
    QCOMPARE(batches.size(), 0);
}

void tst_PrometheusSource::unreadableScrape()
{
    emu::LoopbackHttpServer server;
    server.setHandler([](const emu::HttpServerRequest&, emu::HttpServerResponder& r) {
        r.respond(200, {{"Content-Type", "text/plain; version=0.0.4"}},
                  "vllm:num_requests_running{model_name=\"m\" 3\n");
    });
    QVERIFY(server.listen());
    HttpClient http;
    PrometheusSource src(
        connectionTo(QStringLiteral("x"), server.serverUrl().resolved(QUrl("/metrics"))), &http,
        {});
    QSignalSpy failed(&src, &Source::pollFailed);
    src.start({});
    QVERIFY(failed.wait(5000));
    const QString reason = failed.first().at(0).value<GapMarker>().reason;
    QVERIFY2(reason.contains("cannot read") && reason.contains("line 1"), qPrintable(reason));
}

QTEST_GUILESS_MAIN(tst_PrometheusSource)
#include "tst_prometheussource.moc"
