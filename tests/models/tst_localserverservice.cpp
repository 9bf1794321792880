#include "emulator/emulator.h"
#include "emulator/localserverservice.h"
#include "emulator/prometheusexposition.h"
#include "net/httpclient.h"
#include "sources/prometheus/prometheusparser.h"

#include <QSignalSpy>
#include <QtTest/QtTest>
#include <cmath>

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
    qint64 requests = 0, prompt = 0, completion = 0;
    for (qint64 m = tot.processStart; m < t; m += 60) {
        for (const auto& r : s.requestsIn(m)) {
            if (r.finishedAt < t) {
                ++requests;
                prompt += r.promptTokens;
                completion += r.completionTokens;
            }
        }
    }
    QVERIFY(requests > 0);
    QCOMPARE(tot.requestsStop + tot.requestsLength, requests);
    QCOMPARE(tot.promptTokens, prompt);
    QCOMPARE(tot.generationTokens, completion);
    QCOMPARE(tot.ttft.count, requests);
    qint64 inBuckets = 0;
    for (qint64 c : tot.ttft.counts)
        inBuckets += c;
    QCOMPARE(inBuckets, requests);
    // One minute later the counters grew by exactly that minute's requests.
    const qint64 m = t - t % 60;
    if (s.processStart(m + 60) == tot.processStart && t == m) {
        const LocalTotals next = s.totalsAt(m + 60);
        QCOMPARE(next.requestsStop + next.requestsLength - requests,
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
        QCOMPARE(sampleValue(parsed, "vllm:time_to_first_token_seconds_bucket", {{"le", "+Inf"}}),
                 double(tot.ttft.count));
        QCOMPARE(sampleValue(parsed, "vllm:time_to_first_token_seconds_bucket", {{"le", "0.001"}}),
                 double(tot.ttft.counts.at(0)));
        QCOMPARE(sampleValue(parsed, "vllm:e2e_request_latency_seconds_count"),
                 double(tot.e2e.count));
        QCOMPARE(sampleValue(parsed, "vllm:prompt_tokens_created"), double(tot.processStart));
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
        QVERIFY(std::isfinite(sampleValue(parsed, "llamacpp:kv_cache_usage_ratio")));
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

QTEST_GUILESS_MAIN(tst_LocalServerService)
#include "tst_localserverservice.moc"
