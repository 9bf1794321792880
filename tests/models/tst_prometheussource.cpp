#include "core/labels.h"
#include "core/timerange.h"
#include "emulator/emulator.h"
#include "emulator/localserverservice.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "sources/prometheus/histogramquantile.h"
#include "sources/prometheus/prometheussource.h"
#include "testsupport.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSignalSpy>
#include <QTcpServer>
#include <QtTest/QtTest>
#include <algorithm>
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
    void demoBackfill_data();
    void demoBackfill();
    void nonDemoBackfillAsksNoHistory_data();
    void nonDemoBackfillAsksNoHistory();
    void demoBackfillRefusesServerWithoutHistory();
    void emptyAnswers_data();
    void emptyAnswers();
    void plainTargetWithoutSelectors();
    void genericSelectorsStore();
    void implausibleSamplesRefusedRestStored();

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
    double uncached = 0, cached = 0, completion = 0, served = 0, aborted = 0;
    for (const auto& r : minute) {
        uncached += r.promptTokens - r.cachedTokens;
        cached += r.cachedTokens;
        completion += r.completionTokens;
        (r.aborted ? aborted : served) += 1;
    }
    QVERIFY(cached > 0);
    QString labels;
    // Aborted requests were not served: they are errors.
    QCOMPARE(valueAt(b, "Requests", "total", t, &labels), served);
    QCOMPARE(labels::value(labels, QStringLiteral("ModelDeploymentName")), kVllmModel);
    QCOMPARE(valueAt(b, "Errors", "total", t), aborted);
    // The prompt split into uncached and cached tokens, never the whole prompt stored as well.
    QCOMPARE(valueAt(b, "InputTokensUncached", "total", t), uncached);
    QCOMPARE(valueAt(b, "InputTokensCached", "total", t), cached);
    QVERIFY(!hasMetric(b, QStringLiteral("InputTokens")));
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
    QVERIFY2(src.health().warning.isEmpty(), qPrintable(src.health().warning));
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
    const auto served = std::count_if(minute.cbegin(), minute.cend(),
                                      [](const emu::LocalRequest& r) { return !r.aborted; });
    QCOMPARE(valueAt(after, "Requests", "total", restart), double(served));
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
    QSignalSpy warnings(&src, &Source::warning);
    scrapeAt(src, batches, t);
    const PollBatch b = scrapeAt(src, batches, t + 60);
    QCOMPARE(src.defaultModel(), QStringLiteral("qwen2.5-7b-instruct-q4_k_m"));
    // Current llama-server has no KV-cache gauge: said, once, not stored as empty.
    QCOMPARE(warnings.size(), 1);
    QVERIFY2(warnings.first().at(0).toString().contains("KV cache: not exposed"),
             qPrintable(warnings.first().at(0).toString()));
    QVERIFY(src.health().warning.contains("KV cache: not exposed"));
    QVERIFY(!hasMetric(b, QStringLiteral("KvCacheUsagePercent")));
    QVERIFY(std::isfinite(valueAt(b, "BusySlotsPerDecode", "average", t + 60)));
    QCOMPARE(valueAt(b, "RequestsWaiting", "average", t + 60), double(llama.waitingAt(t + 60)));
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
    LoopbackHttpServer server;
    server.setHandler([](const HttpServerRequest&, HttpServerResponder& r) {
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

void tst_PrometheusSource::demoBackfill_data()
{
    QTest::addColumn<bool>("vllm");
    QTest::addColumn<QString>("metric");
    QTest::addColumn<qint64>("chunkSeconds");
    QTest::addColumn<bool>("acrossRestart");
    QTest::newRow("vLLM requests, one chunk")
        << true << "Requests" << PrometheusSource::defaultBackfillChunkSeconds << false;
    QTest::newRow("vLLM requests, 30-minute chunks") << true << "Requests" << qint64(1800) << false;
    QTest::newRow("vLLM requests, across a restart") << true << "Requests" << qint64(1800) << true;
    QTest::newRow("llama.cpp output tokens, 45-minute chunks")
        << false << "OutputTokens" << qint64(2700) << false;
}

// A demo connection backfills through HTTP (x-inferscope-at), the parser and a fresh
// ScrapeAccumulator per chunk: what it stores over a window is what the server finished there.
void tst_PrometheusSource::demoBackfill()
{
    QFETCH(bool, vllm);
    QFETCH(QString, metric);
    QFETCH(qint64, chunkSeconds);
    QFETCH(bool, acrossRestart);
    const emu::LocalServerModel model(kSeed, vllm ? emu::LocalServerModel::vllmProfile()
                                                  : emu::LocalServerModel::llamaCppProfile());
    constexpr qint64 span = 2 * 3600;
    constexpr qint64 block = emu::LocalServerModel::restartBlockSeconds;
    qint64 from = floorTo(kBusy, 3600);
    qint64 restart = 0;
    if (acrossRestart) {
        // A window whose second hour holds a restart, and no other restart.
        for (qint64 b = floorTo(kBusy, block);; b += block) {
            restart = model.restartInBlock(b);
            from = floorTo(restart, 3600) - 3600;
            if (model.processStart(from) == model.processStart(restart - 1))
                break;
        }
    } else {
        while (model.processStart(from) != model.processStart(from + span))
            from += 3600;
    }
    // What the server finished in the window, and (across a restart) what finished in the
    // last step before it: those die with the old process's counters, so at most that is lost.
    double expected = 0, lostAtMost = 0;
    for (qint64 m = from; m < from + span; m += 60) {
        for (const auto& req : model.requestsIn(m)) {
            // Requests counts served requests: aborted ones are errors.
            const double w = metric == QLatin1String("Requests") ? (req.aborted ? 0.0 : 1.0)
                                                                 : req.completionTokens;
            expected += w;
            if (acrossRestart && req.finishedAt < restart &&
                req.finishedAt >= restart - PrometheusSource::backfillStepSeconds)
                lostAtMost += w;
        }
    }
    QVERIFY(expected > 100);
    m_now = from + span + 600;

    HttpClient http;
    Connection c = connectionTo(
        vllm ? QStringLiteral("demo-vllm") : QStringLiteral("demo-llamacpp"),
        m_emu->baseUrl().resolved(QUrl(vllm ? QStringLiteral("/local/vllm/metrics")
                                            : QStringLiteral("/local/llamacpp/metrics"))));
    c.credential.kind = SecretRef::Kind::Demo;
    PrometheusSource src(c, &http, {});
    src.setClock([this] { return m_now; });
    src.setBackfillChunkSeconds(chunkSeconds);
    QVector<PollBatch> chunks;
    connect(&src, &Source::batchReady, &src, [&](const PollBatch& b) {
        if (src.isBackfilling())
            chunks.append(b);
    });
    QSignalSpy batches(&src, &Source::batchReady);
    QSignalSpy progress(&src, &Source::backfillProgress);
    QSignalSpy finished(&src, &Source::backfillFinished);
    QSignalSpy failed(&src, &Source::pollFailed);
    src.start({{from, from + span}});
    QVERIFY(src.isBackfilling());
    QCOMPARE(src.health().state, SourceHealth::State::Backfilling);
    QVERIFY(finished.wait(60000));
    QVERIFY(!src.isBackfilling());
    QCOMPARE(failed.size(), 0);

    // Newest chunk first, each one batch (one transaction) for its own window.
    const int planned = static_cast<int>((span + chunkSeconds - 1) / chunkSeconds);
    QCOMPARE(chunks.size(), planned);
    QCOMPARE(progress.first().at(0).toInt(), 0);
    QCOMPARE(progress.first().at(1).toInt(), planned);
    QCOMPARE(progress.last().at(0).toInt(), planned);
    double stored = 0;
    QSet<qint64> minutes;
    for (int i = 0; i < chunks.size(); ++i) {
        const PollBatch& b = chunks.at(i);
        QCOMPARE(b.window.to, from + span - i * chunkSeconds);
        QCOMPARE(b.window.from, std::max(from, b.window.to - chunkSeconds));
        for (const auto& s : b.series) {
            for (const auto& p : s.samples) {
                QVERIFY(b.window.contains(p.ts));
                if (s.key.metric == metric && s.key.aggregation == QLatin1String("total")) {
                    stored += p.value;
                    minutes.insert(p.ts);
                }
            }
        }
    }
    QCOMPARE(minutes.size(), static_cast<int>(span / 60)); // every minute of the window
    // Exact but for rounding (the increases are spread over minutes in fractions), less what
    // a restart took with it.
    const double eps = 1e-6 * expected;
    QVERIFY2(stored <= expected + eps && stored >= expected - lostAtMost - eps,
             qPrintable(QStringLiteral("stored %1, finished in the window %2, lost at most %3")
                            .arg(stored, 0, 'f', 3)
                            .arg(expected, 0, 'f', 0)
                            .arg(lostAtMost, 0, 'f', 0)));

    // Then live polling starts with its own accumulator: its first scrape is a baseline.
    QTRY_VERIFY(batches.size() > chunks.size());
    QVERIFY(!hasMetric(batches.last().at(0).value<PollBatch>(), metric));
    QCOMPARE(src.health().state, SourceHealth::State::Polling);
}

void tst_PrometheusSource::nonDemoBackfillAsksNoHistory_data()
{
    QTest::addColumn<int>("credential");
    QTest::newRow("no credential") << static_cast<int>(SecretRef::Kind::None);
    QTest::newRow("environment variable") << static_cast<int>(SecretRef::Kind::Env);
}

// A real server ignores x-inferscope-at and answers with its current counters: a connection
// outside the demo never asks for history.
void tst_PrometheusSource::nonDemoBackfillAsksNoHistory()
{
    QFETCH(int, credential);
    emu::TrafficModel traffic(kSeed);
    const emu::LocalServerService service(traffic);
    const QByteArray body = service.vllmMetrics(kBusy);
    int requests = 0;
    bool askedHistory = false;
    LoopbackHttpServer server;
    server.setHandler([&](const HttpServerRequest& req, HttpServerResponder& r) {
        ++requests;
        askedHistory = askedHistory || req.hasHeader("x-inferscope-at");
        r.respond(200, {{"Content-Type", "text/plain; version=0.0.4"}}, body);
    });
    QVERIFY(server.listen());
    Connection c =
        connectionTo(QStringLiteral("my-vllm"), server.serverUrl().resolved(QUrl("/metrics")));
    c.credential.kind = static_cast<SecretRef::Kind>(credential);
    SecretProvider secret;
    if (c.credential.kind == SecretRef::Kind::Env) {
        c.credential.name = QStringLiteral("MY_VLLM_TOKEN");
        secret = [](QString*) { return QStringLiteral("test-token"); };
    }
    HttpClient http;
    PrometheusSource src(c, &http, secret);
    src.setClock([this] { return m_now; });
    QSignalSpy finished(&src, &Source::backfillFinished);
    QSignalSpy progress(&src, &Source::backfillProgress);
    QSignalSpy batches(&src, &Source::batchReady);
    src.start({{kBusy - 7200, kBusy}});
    QCOMPARE(finished.size(), 1); // at once
    QCOMPARE(progress.size(), 0);
    QVERIFY(!src.isBackfilling());
    QVERIFY(batches.wait(5000)); // the live scrape
    QCOMPARE(requests, 1);
    QVERIFY(!askedHistory);
}

// A demo connection pointed at a server that ignores the header (no echo) stores nothing of
// what it answers, records the gap and asks no further.
void tst_PrometheusSource::demoBackfillRefusesServerWithoutHistory()
{
    emu::TrafficModel traffic(kSeed);
    const emu::LocalServerService service(traffic);
    const QByteArray body = service.vllmMetrics(kBusy);
    int historyRequests = 0;
    LoopbackHttpServer server;
    server.setHandler([&](const HttpServerRequest& req, HttpServerResponder& r) {
        if (req.hasHeader("x-inferscope-at"))
            ++historyRequests;
        r.respond(200, {{"Content-Type", "text/plain; version=0.0.4"}}, body);
    });
    QVERIFY(server.listen());
    Connection c =
        connectionTo(QStringLiteral("demo-vllm"), server.serverUrl().resolved(QUrl("/metrics")));
    c.credential.kind = SecretRef::Kind::Demo;
    HttpClient http;
    PrometheusSource src(c, &http, {});
    src.setClock([this] { return m_now; });
    src.setBackfillChunkSeconds(1800);
    int backfilledBatches = 0;
    connect(&src, &Source::batchReady, &src, [&] {
        if (src.isBackfilling())
            ++backfilledBatches;
    });
    QSignalSpy finished(&src, &Source::backfillFinished);
    QSignalSpy failed(&src, &Source::pollFailed);
    src.start({{kBusy - 7200, kBusy}});
    QVERIFY(finished.wait(10000));
    QCOMPARE(historyRequests, 1);
    QCOMPARE(backfilledBatches, 0);
    QCOMPARE(failed.size(), 1);
    const auto gap = failed.first().at(0).value<GapMarker>();
    QCOMPARE(gap.window.from, kBusy - 1800);
    QCOMPARE(gap.window.to, kBusy);
    QVERIFY2(gap.reason.contains("did not answer as of"), qPrintable(gap.reason));
}

void tst_PrometheusSource::emptyAnswers_data()
{
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("message");
    QTest::newRow("204") << 204 << QByteArray() << "answered 204 No Content";
    QTest::newRow("empty body") << 200 << QByteArray() << "with an empty body";
    QTest::newRow("blank lines") << 200 << QByteArray("\n  \n\n") << "with an empty body";
    QTest::newRow("comments only")
        << 200 << QByteArray("# HELP up Whether up.\n# TYPE up gauge\n# just a comment\n")
        << "only comments, no samples";
    QTest::newRow("gzip never decompressed")
        << 200 << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03UUUUUUUU", 18)
        << "gzip-compressed data that was not decompressed";
}

// Each of these ends the poll at once with a worded gap (collect --once waits for it), never
// a silent success that stores nothing.
void tst_PrometheusSource::emptyAnswers()
{
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, message);
    LoopbackHttpServer server;
    server.setHandler([&](const HttpServerRequest&, HttpServerResponder& r) {
        r.respond(status, {{"Content-Type", "text/plain; version=0.0.4"}}, body);
    });
    QVERIFY(server.listen());
    HttpClient http;
    PrometheusSource src(
        connectionTo(QStringLiteral("x"), server.serverUrl().resolved(QUrl("/metrics"))), &http,
        {});
    src.setClock([this] { return m_now; });
    QSignalSpy failed(&src, &Source::pollFailed);
    QSignalSpy batches(&src, &Source::batchReady);
    src.start({});
    QVERIFY(failed.wait(5000));
    const QString reason = failed.first().at(0).value<GapMarker>().reason;
    QVERIFY2(reason.contains(message), qPrintable(reason));
    QVERIFY2(!reason.contains(QLatin1String("UUUU")), qPrintable(reason));
    QCOMPARE(batches.size(), 0);
    QCOMPARE(src.health().state, SourceHealth::State::Failing);
}

void tst_PrometheusSource::plainTargetWithoutSelectors()
{
    const QByteArray body = test::readFixture("prometheus/generic-litellm.txt");
    LoopbackHttpServer server;
    server.setHandler([&](const HttpServerRequest&, HttpServerResponder& r) {
        r.respond(200, {{"Content-Type", "text/plain; version=0.0.4"}}, body);
    });
    QVERIFY(server.listen());
    HttpClient http;
    PrometheusSource src(
        connectionTo(QStringLiteral("gw"), server.serverUrl().resolved(QUrl("/metrics"))), &http,
        {});
    src.setClock([this] { return m_now; });
    QSignalSpy failed(&src, &Source::pollFailed);
    src.start({});
    QVERIFY(failed.wait(5000));
    const QString reason = failed.first().at(0).value<GapMarker>().reason;
    QVERIFY2(reason.contains("no vLLM, llama.cpp or TGI metrics") && reason.contains("selectors"),
             qPrintable(reason));
}

// A generic /metrics endpoint (LiteLLM-like): the selectors' counters, gauges and histograms
// are stored, histograms as p50/p95/p99 through the same histogram_quantile as vLLM's.
void tst_PrometheusSource::genericSelectorsStore()
{
    int scrape = 0;
    // Scrape k: gpt-4o served 120 + 30k requests (status 200), its latency buckets grew.
    auto bodyAt = [](int k) {
        QByteArray b = test::readFixture("prometheus/generic-litellm.txt");
        b.replace("status_code=\"200\"} 120.0",
                  "status_code=\"200\"} " + QByteArray::number(120 + 30 * k));
        const QByteArray gpt = "model=\"gpt-4o\"} ";
        const struct
        {
            const char* le;
            int base;
            int step;
        } buckets[] = {{"0.5", 20, 5}, {"1.0", 80, 20}, {"2.5", 118, 29}, {"+Inf", 123, 30}};
        for (const auto& bk : buckets)
            b.replace("le=\"" + QByteArray(bk.le) + "\"," + gpt + QByteArray::number(bk.base) +
                          ".0",
                      "le=\"" + QByteArray(bk.le) + "\"," + gpt +
                          QByteArray::number(bk.base + bk.step * k));
        return b;
    };
    LoopbackHttpServer server;
    server.setHandler([&](const HttpServerRequest&, HttpServerResponder& r) {
        r.respond(200, {{"Content-Type", "text/plain; version=0.0.4"}}, bodyAt(scrape++));
    });
    QVERIFY(server.listen());
    Connection c =
        connectionTo(QStringLiteral("gw"), server.serverUrl().resolved(QUrl("/metrics")));
    QString error;
    const auto selectors = parseMetricSelectors(
        QJsonDocument::fromJson(
            "[{\"name\": \"litellm_requests_total\", \"type\": \"counter\", \"matchers\": "
            "[\"status_code=\\\"200\\\"\"], \"by\": [\"model\"], \"alias\": \"GatewayRequests\"},"
            " {\"name\": \"litellm_request_total_latency_metric\", \"type\": \"histogram\", "
            "\"alias\": \"GatewayLatency\", \"unit\": \"Seconds\"},"
            " {\"name\": \"litellm_remaining_team_budget_metric\", \"type\": \"gauge\"}]")
            .array(),
        &error);
    QVERIFY2(selectors, qPrintable(error));
    c.selectors = *selectors;
    HttpClient http;
    PrometheusSource src(c, &http, {});
    src.setClock([this] { return m_now; });
    QSignalSpy batches(&src, &Source::batchReady);
    QSignalSpy failed(&src, &Source::pollFailed);
    const qint64 t = kBusy;
    const PollBatch first = scrapeAt(src, batches, t);
    QCOMPARE(failed.size(), 0);
    QString labels;
    QCOMPARE(valueAt(first, "litellm_remaining_team_budget_metric", "average", t, &labels), 412.5);
    QCOMPARE(labels::value(labels, QStringLiteral("team")), QStringLiteral("search"));
    const PollBatch b = scrapeAt(src, batches, t + 60);
    QCOMPARE(failed.size(), 0);
    // Per model (by: ["model"]), the 429s left out by the matcher.
    QHash<QString, double> requests;
    for (const auto& s : b.series) {
        if (s.key.metric == QLatin1String("GatewayRequests") && s.samples.size() == 1)
            requests.insert(s.key.labels, s.samples.first().value);
    }
    QCOMPARE(requests.size(), 2);
    QCOMPARE(requests.value(
                 labels::canonical({{QStringLiteral("model"), QStringLiteral("gpt-4o")}}), -1),
             30.0);
    QCOMPARE(
        requests.value(
            labels::canonical({{QStringLiteral("model"), QStringLiteral("claude-sonnet")}}), -1),
        0.0);
    const QVector<prometheus::HistogramBucket> inc = {{0.5, 5}, {1.0, 20}, {2.5, 29}, {qInf(), 30}};
    for (const auto& [q, name] :
         {std::pair<double, const char*>{0.5, "p50"}, {0.95, "p95"}, {0.99, "p99"}}) {
        const double expected = prometheus::histogramQuantile(q, inc);
        QVERIFY(std::isfinite(expected));
        QCOMPARE(valueAt(b, "GatewayLatency", name, t), expected);
    }
    for (const auto& s : b.series) {
        if (s.key.metric == QLatin1String("GatewayLatency"))
            QCOMPARE(s.unit, QStringLiteral("Seconds"));
    }
}

void tst_PrometheusSource::implausibleSamplesRefusedRestStored()
{
    const QByteArray body = test::readFixture("prometheus/vllm-implausible.txt");
    LoopbackHttpServer server;
    server.setHandler([&](const HttpServerRequest&, HttpServerResponder& r) {
        r.respond(200, {{"Content-Type", "text/plain; version=0.0.4"}}, body);
    });
    QVERIFY(server.listen());
    HttpClient http;
    PrometheusSource src(
        connectionTo(QStringLiteral("v"), server.serverUrl().resolved(QUrl("/metrics"))), &http,
        {});
    src.setClock([this] { return m_now; });
    QSignalSpy batches(&src, &Source::batchReady);
    QSignalSpy failed(&src, &Source::pollFailed);
    QSignalSpy warnings(&src, &Source::warning);
    const PollBatch b = scrapeAt(src, batches, kBusy);
    QCOMPARE(failed.size(), 0);
    QCOMPARE(valueAt(b, "RequestsWaiting", "average", kBusy), 3.0);
    QVERIFY(!hasMetric(b, QStringLiteral("RequestsRunning")));     // +Inf
    QVERIFY(!hasMetric(b, QStringLiteral("KvCacheUsagePercent"))); // year 9999
    for (const auto& s : b.series) {
        for (const auto& p : s.samples)
            QVERIFY(std::isfinite(p.value) && std::abs(p.value) <= 1e300);
    }
    QCOMPARE(warnings.size(), 1);
    const QString w = warnings.first().at(0).toString();
    QVERIFY2(w.contains("3 implausible sample(s)") && w.contains("refused"), qPrintable(w));
}

QTEST_GUILESS_MAIN(tst_PrometheusSource)
#include "tst_prometheussource.moc"
