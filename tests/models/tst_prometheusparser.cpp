#include "sources/prometheus/localservermetrics.h"
#include "sources/prometheus/prometheusparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>
#include <cmath>

using namespace isc;
using namespace isc::prometheus;

class tst_PrometheusParser : public QObject
{
    Q_OBJECT
private slots:
    void fixtures_data();
    void fixtures();
    void vllmFamilies();
    void openMetrics();
    void escapesAndSpecialValues();
    void discovery_data();
    void discovery();
    void extractVllm();
    void extractWithoutModelLabel();
    void malformed_data();
    void malformed();
    void overflowingValueIsInfinite();
    void bounded_data();
    void bounded();
    void tooManySamplesStopsEarly();
};

void tst_PrometheusParser::fixtures_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<bool>("openMetrics");
    QTest::addColumn<int>("families");
    QTest::addColumn<int>("samples");
    QTest::addColumn<int>("server");
    QTest::newRow("vllm v1") << "prometheus/vllm-v1.txt" << false << 22 << 69
                             << int(ServerKind::Vllm);
    QTest::newRow("vllm 0.5") << "prometheus/vllm-0.5.txt" << false << 12 << 27
                              << int(ServerKind::Vllm);
    QTest::newRow("llama.cpp") << "prometheus/llamacpp.txt" << false << 12 << 12
                               << int(ServerKind::LlamaCpp);
    QTest::newRow("llama.cpp current")
        << "prometheus/llamacpp-current.txt" << false << 10 << 10 << int(ServerKind::LlamaCpp);
    QTest::newRow("vllm current") << "prometheus/vllm-current.txt" << false << 15 << 30
                                  << int(ServerKind::Vllm);
    QTest::newRow("generic (LiteLLM)")
        << "prometheus/generic-litellm.txt" << false << 5 << 21 << int(ServerKind::Unknown);
    QTest::newRow("tgi") << "prometheus/tgi.txt" << false << 9 << 34 << int(ServerKind::Tgi);
    QTest::newRow("openmetrics") << "prometheus/openmetrics.txt" << true << 4 << 10
                                 << int(ServerKind::Vllm);
    QTest::newRow("escapes") << "prometheus/escapes.txt" << false << 3 << 6
                             << int(ServerKind::Unknown);
}

void tst_PrometheusParser::fixtures()
{
    QFETCH(QString, fixture);
    QFETCH(bool, openMetrics);
    QFETCH(int, families);
    QFETCH(int, samples);
    QFETCH(int, server);
    const ExpositionParseResult r = parseExposition(test::readFixture(fixture));
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.openMetrics, openMetrics);
    QCOMPARE(int(r.families.size()), families);
    QCOMPARE(int(r.sampleCount()), samples);
    QCOMPARE(int(detectServer(r)), server);
}

void tst_PrometheusParser::vllmFamilies()
{
    const ExpositionParseResult r = parseExposition(test::readFixture("prometheus/vllm-v1.txt"));
    QVERIFY(r.ok);
    const PromFamily* ttft = r.family(QStringLiteral("vllm:time_to_first_token_seconds"));
    QVERIFY(ttft);
    QCOMPARE(ttft->type, QStringLiteral("histogram"));
    QCOMPARE(ttft->samples.size(), 19); // 17 buckets, _count, _sum
    QCOMPARE(ttft->samples.at(16).label(QStringLiteral("le")), QStringLiteral("+Inf"));
    QCOMPARE(ttft->samples.at(16).value, 100.0);
    QCOMPARE(ttft->samples.at(18).name, QStringLiteral("vllm:time_to_first_token_seconds_sum"));
    QCOMPARE(ttft->samples.at(18).value, 7.2531);
    const PromFamily* success = r.family(QStringLiteral("vllm:request_success_total"));
    QVERIFY(success);
    QCOMPARE(success->type, QStringLiteral("counter"));
    QCOMPARE(success->samples.size(), 3);
    QCOMPARE(success->samples.at(1).label(QStringLiteral("finished_reason")),
             QStringLiteral("length"));
    QCOMPARE(success->samples.at(1).label(QStringLiteral("model_name")),
             QStringLiteral("meta-llama/Llama-3.1-8B-Instruct"));
    // prometheus_client writes _created as its own gauge family in the text format.
    const PromFamily* created = r.family(QStringLiteral("vllm:prompt_tokens_created"));
    QVERIFY(created);
    QCOMPARE(created->type, QStringLiteral("gauge"));
    QCOMPARE(created->samples.at(0).value, 1788217741.3);
    QCOMPARE(r.family(QStringLiteral("process_start_time_seconds"))->samples.at(0).value,
             1788217740.0);
}

void tst_PrometheusParser::openMetrics()
{
    const ExpositionParseResult r =
        parseExposition(test::readFixture("prometheus/openmetrics.txt"));
    QVERIFY2(r.ok, qPrintable(r.error));
    const PromFamily* prompt = r.family(QStringLiteral("vllm:prompt_tokens"));
    QVERIFY(prompt);
    QCOMPARE(prompt->type, QStringLiteral("counter"));
    QCOMPARE(prompt->samples.size(), 2); // _total and _created belong to the family
    QCOMPARE(prompt->samples.at(1).name, QStringLiteral("vllm:prompt_tokens_created"));
    const PromFamily* e2e = r.family(QStringLiteral("vllm:e2e_request_latency_seconds"));
    QVERIFY(e2e);
    QCOMPARE(e2e->unit, QStringLiteral("seconds"));
    QCOMPARE(e2e->samples.size(), 6);
    QCOMPARE(e2e->samples.at(0).value, 4.0); // the exemplar is not the value
    const PromFamily* running = r.family(QStringLiteral("vllm:num_requests_running"));
    QVERIFY(running->samples.at(0).hasTimestamp);
    QCOMPARE(running->samples.at(0).timestampMs, Q_INT64_C(1788220800250)); // seconds in OM
    const PromFamily* build = r.family(QStringLiteral("build"));
    QVERIFY(build);
    QCOMPARE(build->type, QStringLiteral("info"));
    QCOMPARE(build->samples.at(0).label(QStringLiteral("version")), QStringLiteral("0.6.3"));
}

void tst_PrometheusParser::escapesAndSpecialValues()
{
    const ExpositionParseResult r = parseExposition(test::readFixture("prometheus/escapes.txt"));
    QVERIFY2(r.ok, qPrintable(r.error));
    const PromFamily* odd = r.family(QStringLiteral("odd_metric"));
    QVERIFY(odd);
    QCOMPARE(odd->help, QStringLiteral("A help text with a backslash \\ and a newline \n inside."));
    const PromSample& s = odd->samples.at(0);
    QCOMPARE(s.label(QStringLiteral("path")), QStringLiteral("C:\\models\\llama"));
    QCOMPARE(s.label(QStringLiteral("quote")), QStringLiteral("say \"hi\""));
    QCOMPARE(s.label(QStringLiteral("multi")), QStringLiteral("line1\nline2"));
    QVERIFY(s.hasTimestamp);
    QCOMPARE(s.timestampMs, Q_INT64_C(1788220800123));
    QCOMPARE(odd->samples.at(1).value, -0.0025);
    QCOMPARE(odd->samples.at(1).label(QStringLiteral("quote")), QString(""));
    QVERIFY(!odd->samples.at(1).hasTimestamp);
    const PromFamily* special = r.family(QStringLiteral("special_values"));
    QVERIFY(std::isnan(special->samples.at(0).value));
    QVERIFY(std::isinf(special->samples.at(1).value) && special->samples.at(1).value > 0);
    QVERIFY(std::isinf(special->samples.at(2).value) && special->samples.at(2).value < 0);
    const PromFamily* untyped = r.family(QStringLiteral("untyped_thing"));
    QVERIFY(untyped);
    QCOMPARE(untyped->type, QStringLiteral("untyped"));
    QCOMPARE(untyped->samples.at(0).value, 42.0);
}

void tst_PrometheusParser::discovery_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<QStringList>("expected"); // "Metric=family" in discovery order
    QTest::newRow("vllm v1") << "prometheus/vllm-v1.txt"
                             << QStringList{"Requests=vllm:request_success",
                                            "Errors=vllm:request_success",
                                            "InputTokens=vllm:prompt_tokens",
                                            "OutputTokens=vllm:generation_tokens",
                                            "RequestsRunning=vllm:num_requests_running",
                                            "RequestsWaiting=vllm:num_requests_waiting",
                                            "KvCacheUsagePercent=vllm:kv_cache_usage_perc",
                                            "TtftMs=vllm:time_to_first_token_seconds",
                                            "E2eLatencyMs=vllm:e2e_request_latency_seconds",
                                            "InterTokenLatencyMs=vllm:inter_token_latency_seconds",
                                            "QueueTimeMs=vllm:request_queue_time_seconds"};
    QTest::newRow("vllm 0.5 (renamed families)")
        << "prometheus/vllm-0.5.txt"
        << QStringList{"Requests=vllm:request_success",
                       "Errors=vllm:request_success",
                       "InputTokens=vllm:prompt_tokens",
                       "OutputTokens=vllm:generation_tokens",
                       "RequestsRunning=vllm:num_requests_running",
                       "RequestsWaiting=vllm:num_requests_waiting",
                       "KvCacheUsagePercent=vllm:gpu_cache_usage_perc",
                       "TtftMs=vllm:time_to_first_token_seconds",
                       "E2eLatencyMs=vllm:e2e_request_latency_seconds",
                       "InterTokenLatencyMs=vllm:time_per_output_token_seconds"};
    QTest::newRow("llama.cpp") << "prometheus/llamacpp.txt"
                               << QStringList{
                                      "InputTokensUncached=llamacpp:prompt_tokens",
                                      "OutputTokens=llamacpp:tokens_predicted",
                                      "RequestsRunning=llamacpp:requests_processing",
                                      "RequestsWaiting=llamacpp:requests_deferred",
                                      "KvCacheUsagePercent=llamacpp:kv_cache_usage_ratio",
                                      "BusySlotsPerDecode=llamacpp:n_busy_slots_per_decode"};
    QTest::newRow("llama.cpp current")
        << "prometheus/llamacpp-current.txt"
        << QStringList{"InputTokensUncached=llamacpp:prompt_tokens",
                       "OutputTokens=llamacpp:tokens_predicted",
                       "RequestsRunning=llamacpp:requests_processing",
                       "RequestsWaiting=llamacpp:requests_deferred",
                       "BusySlotsPerDecode=llamacpp:n_busy_slots_per_decode"};
    QTest::newRow("tgi") << "prometheus/tgi.txt"
                         << QStringList{"Requests=tgi_request_success",
                                        "InputTokens=tgi_request_input_length",
                                        "OutputTokens=tgi_request_generated_tokens",
                                        "RequestsRunning=tgi_batch_current_size",
                                        "RequestsWaiting=tgi_queue_size",
                                        "E2eLatencyMs=tgi_request_duration",
                                        "InterTokenLatencyMs=tgi_request_mean_time_per_token_"
                                        "duration",
                                        "QueueTimeMs=tgi_request_queue_duration"};
}

void tst_PrometheusParser::discovery()
{
    QFETCH(QString, fixture);
    QFETCH(QStringList, expected);
    const ExpositionParseResult r = parseExposition(test::readFixture(fixture));
    QVERIFY(r.ok);
    QStringList got;
    for (const FamilyBinding& b : discoverFamilies(r))
        got << b.metric + QLatin1Char('=') + b.family;
    QCOMPARE(got, expected);
}

void tst_PrometheusParser::extractVllm()
{
    const ExpositionParseResult r = parseExposition(test::readFixture("prometheus/vllm-v1.txt"));
    const LocalScrape s = extractLocalScrape(r, 1000, QStringLiteral("unused"));
    QCOMPARE(s.models, QStringList{QStringLiteral("meta-llama/Llama-3.1-8B-Instruct")});
    double requests = 0;
    int requestSeries = 0;
    for (const auto& c : s.counters) {
        if (c.metric == QLatin1String("Requests")) {
            requests += c.value;
            ++requestSeries;
            QCOMPARE(c.created, 1788217741.3);
        }
    }
    QCOMPARE(requestSeries, 2); // per finished_reason (aborts apart), so a reset of one is seen
    QCOMPARE(requests, 100.0);
    bool kv = false;
    for (const auto& g : s.gauges) {
        if (g.metric == QLatin1String("KvCacheUsagePercent")) {
            QCOMPARE(g.value, 43.75);
            kv = true;
        }
    }
    QVERIFY(kv);
    QCOMPARE(s.histograms.size(), 4);
    for (const auto& h : s.histograms) {
        if (h.metric == QLatin1String("TtftMs")) {
            QCOMPARE(h.buckets.size(), 17);
            QCOMPARE(h.scale, 1000.0);
            // PromQL: rank 50 in (0.06, 0.08] holding 22 from 30 -> 0.06 + 0.02 * 20/22.
            QCOMPARE(histogramQuantile(0.5, h.buckets), 0.06 + 0.02 * 20.0 / 22.0);
        }
    }
}

void tst_PrometheusParser::extractWithoutModelLabel()
{
    const ExpositionParseResult r =
        parseExposition(test::readFixture("prometheus/llamacpp-current.txt"));
    const LocalScrape s = extractLocalScrape(r, 1000, QStringLiteral("qwen2.5-7b-instruct-q4_k_m"));
    QCOMPARE(s.models, QStringList{QStringLiteral("qwen2.5-7b-instruct-q4_k_m")});
    QCOMPARE(s.server, ServerKind::LlamaCpp);
    bool prompt = false;
    for (const auto& c : s.counters) {
        if (c.metric == QLatin1String("InputTokensUncached")) {
            QCOMPARE(c.value, 33065.0);
            prompt = true;
        }
    }
    QVERIFY(prompt);
}

void tst_PrometheusParser::malformed_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("error");
    const int text = int(ExpositionFormat::Text), om = int(ExpositionFormat::OpenMetrics);
    QTest::newRow("no value") << QByteArray("a_metric\n") << text << "line 1: expected a value";
    QTest::newRow("bad value") << QByteArray("a 1.2.3\n") << text << "invalid value \"1.2.3\"";
    QTest::newRow("unterminated label")
        << QByteArray("ok 1\na{x=\"abc} 1\n") << text << "line 2: unterminated value of label";
    QTest::newRow("unquoted label") << QByteArray("a{x=1} 1\n") << text << "no quoted value";
    QTest::newRow("repeated label")
        << QByteArray("a{x=\"1\",x=\"2\"} 1\n") << text << "label \"x\" repeated";
    QTest::newRow("bad timestamp") << QByteArray("a 1 12:00\n") << text << "invalid timestamp";
    QTest::newRow("unknown type") << QByteArray("# TYPE a sometimes\na 1\n") << text
                                  << "unknown metric type";
    QTest::newRow("type after samples")
        << QByteArray("a 1\n# TYPE a gauge\n") << text << "after its samples";
    QTest::newRow("om without eof")
        << QByteArray("# TYPE a gauge\na 1\n") << om << "without \"# EOF\"";
    QTest::newRow("om content after eof")
        << QByteArray("a 1\n# EOF\nb 2\n") << om << "content after # EOF";
    QTest::newRow("exemplar in text")
        << QByteArray("a 1 # {t=\"x\"} 1\n") << text << "unexpected text after the value";
}

void tst_PrometheusParser::malformed()
{
    QFETCH(QByteArray, body);
    QFETCH(int, format);
    QFETCH(QString, error);
    const ExpositionParseResult r = parseExposition(body, ExpositionFormat(format));
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(error), qPrintable(r.error));
}

// A value beyond the double range is +/-Inf (refused later, per sample), not an unreadable
// scrape that loses every other sample.
void tst_PrometheusParser::overflowingValueIsInfinite()
{
    const ExpositionParseResult r = parseExposition("a 1.8e308\nb -1.8e308\nc 2\n");
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.family("a")->samples.first().value, qInf());
    QCOMPARE(r.family("b")->samples.first().value, -qInf());
    QCOMPARE(r.family("c")->samples.first().value, 2.0);
    double v = 0;
    QVERIFY(!parseSampleValue("1.8e308x", &v));
    QVERIFY(!parseSampleValue("e308", &v));
}

void tst_PrometheusParser::bounded_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("error");
    QByteArray manyLabels = "a{";
    for (int i = 0; i < 1000; ++i)
        manyLabels += "l" + QByteArray::number(i) + "=\"v\",";
    manyLabels += "z=\"v\"} 1\n";
    QTest::newRow("many labels") << manyLabels << "more than 64 labels";
    QTest::newRow("huge HELP line") << "# HELP a " + QByteArray(2 * 1024 * 1024, 'x') + "\na 1\n"
                                    << "longer than";
    QTest::newRow("gzip body") << QByteArray("\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03UUUU", 14)
                               << "compressed";
    QTest::newRow("binary body") << QByteArray("abc\0\x01\x02 1\n", 10) << "binary";
    QByteArray many;
    for (int i = 0; i < 11; ++i)
        many += "a{i=\"" + QByteArray::number(i) + "\"} 1\n";
    QTest::newRow("more samples than the limit") << many << "more than 10 samples";
}

void tst_PrometheusParser::bounded()
{
    QFETCH(QByteArray, body);
    QFETCH(QString, error);
    ParseLimits limits;
    limits.maxSamples = 10;
    const ExpositionParseResult r = parseExposition(body, ExpositionFormat::Text, limits);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(error), qPrintable(r.error));
    QVERIFY(r.families.isEmpty()); // nothing half-read is kept
}

// 200,000 series (the scrape that once took 743 MB): refused at the limit, in words.
void tst_PrometheusParser::tooManySamplesStopsEarly()
{
    QByteArray body;
    body.reserve(200000 * 40);
    for (int i = 0; i < 200000; ++i)
        body += "http_requests_total{path=\"/p" + QByteArray::number(i) + "\"} 1\n";
    const ExpositionParseResult r = parseExposition(body);
    QVERIFY(!r.ok);
    QVERIFY2(r.error.contains(QString::number(ParseLimits().maxSamples)), qPrintable(r.error));
    QVERIFY2(r.error.contains(QLatin1String("per scrape")), qPrintable(r.error));
}

QTEST_GUILESS_MAIN(tst_PrometheusParser)
#include "tst_prometheusparser.moc"
