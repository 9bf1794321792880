#include "core/timerange.h"
#include "emulator/emulator.h"
#include "emulator/localserverservice.h"
#include "exposition/prometheusexposition.h"
#include "net/httpclient.h"
#include "sources/prometheus/prometheusparser.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QtTest/QtTest>
#include <cmath>
#include <memory>
#include <optional>

using namespace isc;
using namespace isc::emu;

namespace {

constexpr qint64 kDay = 1788220800; // 2026-09-01 00:00 UTC, a Tuesday
constexpr quint64 kSeed = 7;

// The value of sample `name` whose labels include every pair of `want`.
double sampleValue(const prometheus::ExpositionParseResult& r, const QString& name,
                   const QList<std::pair<QString, QString>>& want = {})
{
    for (const auto& f : r.families) {
        for (const auto& s : f.samples) {
            if (s.name != name)
                continue;
            bool match = true;
            for (const auto& [k, v] : want)
                match = match && s.label(k) == v;
            if (match)
                return s.value;
        }
    }
    return std::nan("");
}

// The start of a process lifetime of `model`, at or after `from`, that lasts at least 3 h.
qint64 longLifetime(const LocalServerModel& model, qint64 from)
{
    const qint64 block = LocalServerModel::restartBlockSeconds;
    for (qint64 b = floorTo(from, block);; b += block) {
        const qint64 r = model.restartInBlock(b);
        if (model.restartInBlock(b + block) - r >= 3 * 3600)
            return r;
    }
}

// GET `url` with `headers`; a default response (status 0) when nothing came back in time.
HttpResponse fetch(HttpClient& http, const QUrl& url, const QList<HttpHeader>& headers = {})
{
    HttpRequest req;
    req.url = url;
    req.headers = headers;
    req.maxRetries = 0;
    // Shared: a late answer after a timeout must not write into a finished stack frame.
    auto answer = std::make_shared<std::optional<HttpResponse>>();
    const quint64 id = http.send(req, &http, [answer](const HttpResponse& r) { *answer = r; });
    if (!QTest::qWaitFor([answer] { return answer->has_value(); }, 10000)) {
        http.cancel(id);
        return {};
    }
    return **answer;
}

} // namespace

class tst_LocalServerService : public QObject
{
    Q_OBJECT
private slots:
    void deterministic();
    void demandFollowsEnvelope();
    void countersAreCumulativeSums_data();
    void countersAreCumulativeSums();
    void restartResetsCounters();
    void exposition_data();
    void exposition();
    void servedOverHttp();
    void totalsCacheMatchesTotalsAt_data();
    void totalsCacheMatchesTotalsAt();
    void historyOverHttp_data();
    void historyOverHttp();
    void badHistoryHeader_data();
    void badHistoryHeader();
};

void tst_LocalServerService::deterministic()
{
    LocalServerModel a(kSeed, LocalServerModel::vllmProfile());
    LocalServerModel b(kSeed, LocalServerModel::vllmProfile());
    LocalServerModel other(kSeed + 1, LocalServerModel::vllmProfile());
    const qint64 m = kDay + 14 * 3600;
    QCOMPARE(a.requestsIn(m).size(), b.requestsIn(m).size());
    QCOMPARE(a.totalsAt(m + 17).promptTokens, b.totalsAt(m + 17).promptTokens);
    QCOMPARE(a.restartInBlock(m), b.restartInBlock(m));
    QVERIFY(a.restartInBlock(m) != other.restartInBlock(m) ||
            a.totalsAt(m).promptTokens != other.totalsAt(m).promptTokens);
}

void tst_LocalServerService::demandFollowsEnvelope()
{
    LocalServerModel vllm(kSeed, LocalServerModel::vllmProfile());
    LocalServerModel llama(kSeed, LocalServerModel::llamaCppProfile());
    auto perMinute = [](const LocalServerModel& s, qint64 from) {
        double n = 0;
        for (qint64 m = from; m < from + 3600; m += 60)
            n += s.requestsIn(m).size();
        return n / 60.0;
    };
    const double peak = perMinute(vllm, kDay + 14 * 3600);
    const double night = perMinute(vllm, kDay + 3 * 3600);
    QVERIFY2(peak > 30 && peak < 50, qPrintable(QString::number(peak))); // ~40 at peak
    QVERIFY2(night < peak / 2, qPrintable(QString::number(night)));
    const double llamaPeak = perMinute(llama, kDay + 14 * 3600);
    QVERIFY2(llamaPeak > 5 && llamaPeak < 11, qPrintable(QString::number(llamaPeak)));
}

void tst_LocalServerService::countersAreCumulativeSums_data()
{
    QTest::addColumn<qint64>("t");
    QTest::newRow("minute boundary") << kDay + 14 * 3600;
    QTest::newRow("mid-minute") << kDay + 14 * 3600 + 37;
    QTest::newRow("night") << kDay + 3 * 3600 + 59;
}

void tst_LocalServerService::countersAreCumulativeSums()
{
    QFETCH(qint64, t);
    LocalServerModel s(kSeed, LocalServerModel::vllmProfile());
    const LocalTotals tot = s.totalsAt(t);
    qint64 requests = 0, aborted = 0, prompt = 0, cached = 0, completion = 0, preempted = 0;
    for (qint64 m = tot.processStart; m < t; m += 60) {
        for (const auto& r : s.requestsIn(m)) {
            if (r.finishedAt < t) {
                ++requests;
                aborted += r.aborted ? 1 : 0;
                prompt += r.promptTokens;
                cached += r.cachedTokens;
                QVERIFY(r.cachedTokens >= 0 && r.cachedTokens <= r.promptTokens);
                completion += r.completionTokens;
                preempted += r.preemptions;
            }
        }
    }
    QVERIFY(requests > 0);
    QCOMPARE(tot.requestsStop + tot.requestsLength + tot.requestsAbort, requests);
    QCOMPARE(tot.requestsAbort, aborted);
    QCOMPARE(tot.promptTokens, prompt);
    QCOMPARE(tot.cachedPromptTokens, cached);
    QCOMPARE(tot.generationTokens, completion);
    QCOMPARE(tot.preemptions, preempted);
    QCOMPARE(tot.ttft.count, requests);
    qint64 inBuckets = 0;
    for (qint64 c : tot.ttft.counts)
        inBuckets += c;
    QCOMPARE(inBuckets, requests);
    // One minute later the counters grew by exactly that minute's requests.
    const qint64 m = t - t % 60;
    if (s.processStart(m + 60) == tot.processStart && t == m) {
        const LocalTotals next = s.totalsAt(m + 60);
        QCOMPARE(next.requestsStop + next.requestsLength + next.requestsAbort - requests,
                 qint64(s.requestsIn(m).size()));
    }
}

void tst_LocalServerService::restartResetsCounters()
{
    LocalServerModel s(kSeed, LocalServerModel::vllmProfile());
    const qint64 r = s.restartInBlock(kDay + 13 * 3600);
    QCOMPARE(r % 60, 0);
    QVERIFY(r > kDay + 12 * 3600 && r < kDay + 18 * 3600);
    QCOMPARE(s.processStart(r), r);
    QVERIFY(s.processStart(r - 1) < r);
    const LocalTotals before = s.totalsAt(r - 1);
    const LocalTotals at = s.totalsAt(r);
    QVERIFY(before.promptTokens > at.promptTokens);
    QCOMPARE(at.promptTokens, 0);
    QCOMPARE(at.processStart, r);
    QVERIFY(s.totalsAt(r + 60).promptTokens > 0 || s.requestsIn(r).isEmpty());
}

void tst_LocalServerService::exposition_data()
{
    QTest::addColumn<bool>("vllm");
    QTest::newRow("vllm") << true;
    QTest::newRow("llama.cpp") << false;
}

void tst_LocalServerService::exposition()
{
    QFETCH(bool, vllm);
    TrafficModel traffic(kSeed);
    LocalServerService service(traffic);
    const qint64 t = kDay + 14 * 3600 + 20;
    const QByteArray text = vllm ? service.vllmMetrics(t) : service.llamaCppMetrics(t);
    const auto parsed = prometheus::parseExposition(text, prometheus::ExpositionFormat::Text);
    QVERIFY2(parsed.ok, qPrintable(parsed.error));
    const LocalServerModel& model = vllm ? service.vllm() : service.llamaCpp();
    const LocalTotals tot = model.totalsAt(t);
    if (vllm) {
        const QString m = QStringLiteral("meta-llama/Llama-3.1-8B-Instruct");
        QCOMPARE(sampleValue(parsed, "vllm:prompt_tokens_total", {{"model_name", m}}),
                 double(tot.promptTokens));
        QCOMPARE(sampleValue(parsed, "vllm:request_success_total", {{"finished_reason", "stop"}}),
                 double(tot.requestsStop));
        // Current vLLM: aborted requests apart, and the prompt's cache split.
        QVERIFY(tot.requestsAbort > 0);
        QCOMPARE(sampleValue(parsed, "vllm:request_success_total", {{"finished_reason", "abort"}}),
                 double(tot.requestsAbort));
        QVERIFY(tot.cachedPromptTokens > 0 && tot.cachedPromptTokens < tot.promptTokens);
        QCOMPARE(sampleValue(parsed, "vllm:prompt_tokens_cached_total"),
                 double(tot.cachedPromptTokens));
        QCOMPARE(sampleValue(parsed, "vllm:prompt_tokens_by_source_total",
                             {{"source", "local_cache_hit"}}),
                 double(tot.cachedPromptTokens));
        QCOMPARE(sampleValue(parsed, "vllm:prompt_tokens_by_source_total",
                             {{"source", "local_compute"}}),
                 double(tot.promptTokens - tot.cachedPromptTokens));
        QCOMPARE(sampleValue(parsed, "vllm:time_to_first_token_seconds_bucket", {{"le", "+Inf"}}),
                 double(tot.ttft.count));
        QCOMPARE(sampleValue(parsed, "vllm:time_to_first_token_seconds_bucket", {{"le", "0.001"}}),
                 double(tot.ttft.counts.at(0)));
        QCOMPARE(sampleValue(parsed, "vllm:e2e_request_latency_seconds_count"),
                 double(tot.e2e.count));
        QCOMPARE(sampleValue(parsed, "vllm:prompt_tokens_created"), double(tot.processStart));
        // Peak hours evict requests for KV-cache room.
        QVERIFY(tot.preemptions > 0);
        QCOMPARE(sampleValue(parsed, "vllm:num_preemptions_total"), double(tot.preemptions));
        QCOMPARE(sampleValue(parsed, "vllm:num_requests_running"), double(model.runningAt(t)));
        QCOMPARE(sampleValue(parsed, "vllm:kv_cache_usage_perc"), model.kvCacheUsageAt(t));
        QVERIFY(parsed.family("vllm:inter_token_latency_seconds"));
        QCOMPARE(parsed.family("vllm:inter_token_latency_seconds")->type,
                 QStringLiteral("histogram"));
    } else {
        QCOMPARE(sampleValue(parsed, "llamacpp:prompt_tokens_total"), double(tot.promptTokens));
        QCOMPARE(sampleValue(parsed, "llamacpp:tokens_predicted_total"),
                 double(tot.generationTokens));
        QCOMPARE(sampleValue(parsed, "llamacpp:requests_processing"), double(model.runningAt(t)));
        // As current llama-server: busy slots and deferred requests, no KV-cache gauge.
        QVERIFY(std::isfinite(sampleValue(parsed, "llamacpp:n_busy_slots_per_decode")));
        QCOMPARE(sampleValue(parsed, "llamacpp:requests_deferred"), double(model.waitingAt(t)));
        QVERIFY(!parsed.family("llamacpp:kv_cache_usage_ratio"));
        QVERIFY(!parsed.family("llamacpp:kv_cache_tokens"));
    }
}

void tst_LocalServerService::servedOverHttp()
{
    Emulator emulator(kSeed);
    QVERIFY(emulator.listen());
    const qint64 t = kDay + 14 * 3600;
    emulator.setClock([t] { return t; });
    HttpClient http;
    struct Case
    {
        const char* path;
        int status;
        const char* contains;
    };
    const Case cases[] = {{"/local/vllm/metrics", 200, "vllm:num_requests_running{"},
                          {"/local/llamacpp/metrics", 200, "llamacpp:prompt_tokens_total "},
                          {"/local/vllm/v1/models", 200, "meta-llama/Llama-3.1-8B-Instruct"},
                          {"/local/llamacpp/v1/models", 200, "qwen2.5-7b-instruct-q4_k_m"},
                          {"/local/vllm/nope", 404, "Not Found"}};
    for (const Case& c : cases) {
        HttpRequest req;
        req.url = emulator.baseUrl().resolved(QUrl(QLatin1String(c.path)));
        req.maxRetries = 0;
        HttpResponse got;
        bool done = false;
        http.send(req, this, [&](const HttpResponse& r) {
            got = r;
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(got.status, c.status);
        QVERIFY2(got.body.contains(c.contains), c.path);
        if (QByteArray(c.path).endsWith("metrics"))
            QVERIFY(got.header("content-type").startsWith("text/plain; version=0.0.4"));
    }
}

void tst_LocalServerService::totalsCacheMatchesTotalsAt_data()
{
    QTest::addColumn<bool>("vllm");
    QTest::addColumn<QVector<qint64>>("instants");
    QTest::addColumn<int>("hits");
    QTest::addColumn<int>("misses");
    for (const bool vllm : {true, false}) {
        const LocalServerModel model(kSeed, vllm ? LocalServerModel::vllmProfile()
                                                 : LocalServerModel::llamaCppProfile());
        const char* name = vllm ? "vllm" : "llama.cpp";
        const qint64 r = longLifetime(model, kDay + 12 * 3600); // lives on for >= 3 h
        const qint64 next = model.restartInBlock(r + LocalServerModel::restartBlockSeconds);
        QVector<qint64> steps; // a backfill chunk: one miss, then only hits
        for (int i = 0; i < 12; ++i)
            steps.append(r + 3600 + 300 * i);
        QTest::addRow("%s: 5-minute steps", name) << vllm << steps << 11 << 1;
        // The process restarts at `next`: its counters start afresh (a miss), then advance.
        QTest::addRow("%s: across a restart", name)
            << vllm << QVector<qint64>{next - 600, next - 300, next, next + 60, next + 120} << 3
            << 2;
        QTest::addRow("%s: mid-minute, same instant twice", name)
            << vllm << QVector<qint64>{r + 1817, r + 1877, r + 1877, r + 2000} << 3 << 1;
        QTest::addRow("%s: backwards", name)
            << vllm << QVector<qint64>{r + 7200, r + 3600, r + 3000} << 0 << 3;
        // A backfill and the live poll interleaved: each advances its own kept answer.
        QTest::addRow("%s: backfill and live interleaved", name)
            << vllm << QVector<qint64>{r + 600, r + 9000, r + 900, r + 9015, r + 1200, r + 9030}
            << 4 << 2;
    }
}

void tst_LocalServerService::totalsCacheMatchesTotalsAt()
{
    QFETCH(bool, vllm);
    QFETCH(QVector<qint64>, instants);
    QFETCH(int, hits);
    QFETCH(int, misses);
    const LocalServerModel model(kSeed, vllm ? LocalServerModel::vllmProfile()
                                             : LocalServerModel::llamaCppProfile());
    LocalTotalsCache cache(model);
    for (const qint64 t : instants) {
        const LocalTotals cached = cache.totalsAt(t);
        const LocalTotals direct = model.totalsAt(t);
        // Bit-identical, sums of doubles included: the same terms added in the same order.
        QVERIFY2(cached == direct,
                 qPrintable(
                     QStringLiteral("at %1: %2 requests cached, %3 direct")
                         .arg(t)
                         .arg(cached.requestsStop + cached.requestsLength + cached.requestsAbort)
                         .arg(direct.requestsStop + direct.requestsLength + direct.requestsAbort)));
    }
    QCOMPARE(cache.hits(), hits);
    QCOMPARE(cache.misses(), misses);
}

void tst_LocalServerService::historyOverHttp_data()
{
    QTest::addColumn<bool>("vllm");
    QTest::newRow("vllm") << true;
    QTest::newRow("llama.cpp") << false;
}

void tst_LocalServerService::historyOverHttp()
{
    QFETCH(bool, vllm);
    TrafficModel traffic(kSeed);
    const LocalServerService service(traffic); // the reference: no cache involved
    const LocalServerModel& model = vllm ? service.vllm() : service.llamaCpp();
    const qint64 r = longLifetime(model, kDay + 12 * 3600);
    const qint64 next = model.restartInBlock(r + LocalServerModel::restartBlockSeconds);
    const qint64 now = next + 1800;
    Emulator emulator(kSeed);
    QVERIFY(emulator.listen());
    emulator.setClock([now] { return now; });
    HttpClient http;
    const QUrl url = emulator.baseUrl().resolved(QUrl(
        vllm ? QStringLiteral("/local/vllm/metrics") : QStringLiteral("/local/llamacpp/metrics")));
    // 5-minute steps (a miss, then hits), across the restart at `next`, backwards (a miss),
    // mid-minute, and the emulator's own now.
    QVector<qint64> instants;
    for (qint64 t = next - 1200; t <= next + 600; t += 300)
        instants.append(t);
    instants += QVector<qint64>{r + 3600, r + 3617, next + 1799, now};
    for (const qint64 t : instants) {
        const HttpResponse got = fetch(http, url, {{"x-inferscope-at", QByteArray::number(t)}});
        QVERIFY2(got.ok(), qPrintable(got.error.message));
        QCOMPARE(got.status, 200);
        QCOMPARE(got.header("x-inferscope-at"), QByteArray::number(t));
        QVERIFY(got.header("content-type").startsWith("text/plain; version=0.0.4"));
        const QByteArray expected = vllm ? service.vllmMetrics(t) : service.llamaCppMetrics(t);
        QVERIFY2(got.body == expected, qPrintable(QStringLiteral("exposition at %1").arg(t)));
    }
    // Without the header: now, and no echo.
    const HttpResponse live = fetch(http, url);
    QCOMPARE(live.status, 200);
    QVERIFY(live.header("x-inferscope-at").isEmpty());
    QVERIFY(live.body == (vllm ? service.vllmMetrics(now) : service.llamaCppMetrics(now)));
}

void tst_LocalServerService::badHistoryHeader_data()
{
    const qint64 now = kDay + 14 * 3600;
    QTest::addColumn<QByteArray>("value");
    QTest::addColumn<QString>("message");
    QTest::newRow("a minute ahead") << QByteArray::number(now + 60) << "60 s in the future";
    QTest::newRow("milliseconds") << QByteArray::number(now * 1000) << "in the future";
    QTest::newRow("words") << QByteArray("yesterday") << "whole seconds since the Unix epoch";
    QTest::newRow("fraction") << QByteArray::number(now) + ".5"
                              << "whole seconds";
    QTest::newRow("negative") << QByteArray("-60") << "whole seconds";
    QTest::newRow("ISO date") << QByteArray("2026-09-01T14:00:00Z") << "not '2026-09-01T14:00:00Z'";
}

void tst_LocalServerService::badHistoryHeader()
{
    QFETCH(QByteArray, value);
    QFETCH(QString, message);
    const qint64 now = kDay + 14 * 3600;
    Emulator emulator(kSeed);
    QVERIFY(emulator.listen());
    emulator.setClock([now] { return now; });
    HttpClient http;
    for (const char* path : {"/local/vllm/metrics", "/local/llamacpp/metrics"}) {
        const HttpResponse got = fetch(http, emulator.baseUrl().resolved(QUrl(QLatin1String(path))),
                                       {{"x-inferscope-at", value}});
        QCOMPARE(got.status, 400);
        const QString detail =
            QJsonDocument::fromJson(got.body).object().value(QLatin1String("detail")).toString();
        QVERIFY2(detail.contains(message), qPrintable(detail));
        QVERIFY(got.header("x-inferscope-at").isEmpty());
    }
}

QTEST_GUILESS_MAIN(tst_LocalServerService)
#include "tst_localserverservice.moc"
