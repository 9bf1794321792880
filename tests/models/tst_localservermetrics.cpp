#include "sources/prometheus/localservermetrics.h"
#include "sources/prometheus/prometheusparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;
using namespace isc::prometheus;

namespace {

constexpr qint64 kAtMs = 1788220800000; // 2026-09-01 00:00 UTC

LocalScrape extract(const QByteArray& body, const QString& defaultModel = QStringLiteral("dflt"))
{
    const ExpositionParseResult r = parseExposition(body);
    if (!r.ok)
        qWarning("%s", qPrintable(r.error));
    return extractLocalScrape(r, kAtMs, defaultModel);
}

// The sum of the counters of `metric`, NaN when there are none.
double counterSum(const LocalScrape& s, const QString& metric)
{
    double sum = 0;
    bool any = false;
    for (const auto& c : s.counters) {
        if (c.metric == metric) {
            sum += c.value;
            any = true;
        }
    }
    return any ? sum : std::nan("");
}

double gaugeValue(const LocalScrape& s, const QString& metric)
{
    for (const auto& g : s.gauges) {
        if (g.metric == metric)
            return g.value;
    }
    return std::nan("");
}

// `body` without the lines containing `drop`.
QByteArray without(const QByteArray& body, const QByteArray& drop)
{
    QByteArray out;
    for (const QByteArray& line : body.split('\n')) {
        if (!line.contains(drop))
            out += line + '\n';
    }
    return out;
}

} // namespace

class tst_LocalServerMetrics : public QObject
{
    Q_OBJECT
private slots:
    void vllmPromptSplit_data();
    void vllmPromptSplit();
    void vllmAbortsAreErrors();
    void preemptions_data();
    void preemptions();
    void llamaCppKvCache_data();
    void llamaCppKvCache();
    void implausibleSamplesRefused();
    void implausibility_data();
    void implausibility();
    void manyCounterSeries();
    void modelsCapped();
};

void tst_LocalServerMetrics::vllmPromptSplit_data()
{
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<double>("uncached");
    QTest::addColumn<double>("cached");
    QTest::addColumn<double>("whole"); // "InputTokens": NaN when the split is known
    QTest::addColumn<bool>("unknownNote");
    const QByteArray current = test::readFixture("prometheus/vllm-current.txt");
    // local_compute is uncached; local_cache_hit and external_kv_transfer are cached.
    QTest::newRow("by source") << current << 30000.0 << 20000.0 << qQNaN() << false;
    QTest::newRow("cached total only")
        << without(current, "prompt_tokens_by_source") << 30000.0 << 20000.0 << qQNaN() << false;
    QTest::newRow("by source only")
        << without(current, "prompt_tokens_cached") << 30000.0 << 20000.0 << qQNaN() << false;
    QTest::newRow("no split (vLLM v1 of 2025)")
        << test::readFixture("prometheus/vllm-v1.txt") << qQNaN() << qQNaN() << 118230.0 << true;
}

// Uncached + cached is the whole prompt, never more (no double count), and never the whole
// prompt stored as uncached.
void tst_LocalServerMetrics::vllmPromptSplit()
{
    QFETCH(QByteArray, body);
    QFETCH(double, uncached);
    QFETCH(double, cached);
    QFETCH(double, whole);
    QFETCH(bool, unknownNote);
    const LocalScrape s = extract(body);
    QCOMPARE(s.server, ServerKind::Vllm);
    auto same = [](double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; };
    QVERIFY2(same(counterSum(s, "InputTokensUncached"), uncached),
             qPrintable(QString::number(counterSum(s, "InputTokensUncached"))));
    QVERIFY2(same(counterSum(s, "InputTokensCached"), cached),
             qPrintable(QString::number(counterSum(s, "InputTokensCached"))));
    QVERIFY2(same(counterSum(s, "InputTokens"), whole),
             qPrintable(QString::number(counterSum(s, "InputTokens"))));
    const bool noted = s.notes.join(' ').contains(QLatin1String("cache split unknown"));
    QCOMPARE(noted, unknownNote);
    QCOMPARE(s.summary().contains(QLatin1String("cache split unknown")), unknownNote);
}

void tst_LocalServerMetrics::vllmAbortsAreErrors()
{
    const LocalScrape s = extract(test::readFixture("prometheus/vllm-current.txt"));
    QCOMPARE(counterSum(s, "Requests"), 46.0); // stop + length
    QCOMPARE(counterSum(s, "Errors"), 5.0);    // abort + error
    for (const auto& c : s.counters) {
        if (c.metric == QLatin1String("Requests"))
            QVERIFY2(!c.series.contains(QLatin1String("abort")), qPrintable(c.series));
    }
}

void tst_LocalServerMetrics::preemptions_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<double>("preemptions"); // NaN = not exposed
    QTest::addColumn<double>("running");
    QTest::addColumn<double>("kvPercent");
    // Data parallel: one series per engine; counts and running requests add up, the KV cache
    // is the engines' mean.
    QTest::newRow("vLLM, two engines")
        << "prometheus/vllm-preemptions.txt" << 7.0 + 5.0 << 31.0 + 29.0 << (96.0 + 88.0) / 2;
    QTest::newRow("vLLM without the counter")
        << "prometheus/vllm-current.txt" << qQNaN() << 5.0 << 25.0;
    QTest::newRow("llama.cpp") << "prometheus/llamacpp-current.txt" << qQNaN() << 2.0 << qQNaN();
}

void tst_LocalServerMetrics::preemptions()
{
    QFETCH(QString, fixture);
    QFETCH(double, preemptions);
    QFETCH(double, running);
    QFETCH(double, kvPercent);
    const LocalScrape s = extract(test::readFixture(fixture));
    auto same = [](double a, double b) {
        return (std::isnan(a) && std::isnan(b)) || qFuzzyCompare(a, b);
    };
    QVERIFY2(same(counterSum(s, "Preemptions"), preemptions),
             qPrintable(QString::number(counterSum(s, "Preemptions"))));
    QVERIFY(same(gaugeValue(s, "RequestsRunning"), running));
    QVERIFY2(same(gaugeValue(s, "KvCacheUsagePercent"), kvPercent),
             qPrintable(QString::number(gaugeValue(s, "KvCacheUsagePercent"))));
    // A counter per engine, each with its own _created (restarts are told apart per series).
    for (const auto& c : s.counters) {
        if (c.metric == QLatin1String("Preemptions"))
            QCOMPARE(c.created, 1.7882177413e+09);
    }
}

void tst_LocalServerMetrics::llamaCppKvCache_data()
{
    QTest::addColumn<QString>("fixture");
    QTest::addColumn<double>("kvPercent"); // NaN = not exposed
    QTest::addColumn<double>("busySlots");
    QTest::newRow("current llama-server")
        << "prometheus/llamacpp-current.txt" << qQNaN() << 1.38734;
    QTest::newRow("older llama-server") << "prometheus/llamacpp.txt" << 21.0 << 1.02;
}

void tst_LocalServerMetrics::llamaCppKvCache()
{
    QFETCH(QString, fixture);
    QFETCH(double, kvPercent);
    QFETCH(double, busySlots);
    const LocalScrape s = extract(test::readFixture(fixture), QStringLiteral("qwen"));
    QCOMPARE(s.server, ServerKind::LlamaCpp);
    QCOMPARE(s.models, QStringList{QStringLiteral("qwen")});
    QCOMPARE(gaugeValue(s, "BusySlotsPerDecode"), busySlots);
    QVERIFY(std::isfinite(gaugeValue(s, "RequestsRunning")));
    QVERIFY(std::isfinite(gaugeValue(s, "RequestsWaiting")));
    const bool notExposed = std::isnan(kvPercent);
    if (notExposed)
        QVERIFY(std::isnan(gaugeValue(s, "KvCacheUsagePercent")));
    else
        QCOMPARE(gaugeValue(s, "KvCacheUsagePercent"), kvPercent);
    QCOMPARE(s.notes.join(' ').contains(QLatin1String("KV cache: not exposed")), notExposed);
    // llama.cpp counts the prompt tokens it evaluated: those are uncached.
    QCOMPARE(counterSum(s, "InputTokensUncached"), 33065.0);
}

void tst_LocalServerMetrics::implausibleSamplesRefused()
{
    const LocalScrape s = extract(test::readFixture("prometheus/vllm-implausible.txt"));
    // The rest of the scrape is kept.
    QCOMPARE(gaugeValue(s, "RequestsWaiting"), 3.0);
    QCOMPARE(counterSum(s, "InputTokens"), 1000.0);
    // Each bad sample is refused with its reason.
    QVERIFY(std::isnan(gaugeValue(s, "RequestsRunning")));
    QVERIFY(std::isnan(gaugeValue(s, "KvCacheUsagePercent")));
    QVERIFY(std::isnan(counterSum(s, "OutputTokens")));
    QCOMPARE(s.refusedCount(), 3);
    const QString summary = s.summary();
    QVERIFY2(summary.contains(QLatin1String("not a finite number")), qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("future")), qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("overflow")), qPrintable(summary));
    QVERIFY2(summary.contains(QLatin1String("vllm:generation_tokens_total")), qPrintable(summary));
}

void tst_LocalServerMetrics::implausibility_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<qint64>("timestampMs"); // 0 = none
    QTest::addColumn<QString>("reason");     // empty = plausible
    QTest::newRow("ordinary") << 12.5 << qint64(0) << "";
    QTest::newRow("negative") << -3.0 << qint64(0) << "";
    QTest::newRow("NaN") << qQNaN() << qint64(0) << "not a finite number";
    QTest::newRow("+Inf") << qInf() << qint64(0) << "not a finite number";
    QTest::newRow("-Inf") << -qInf() << qint64(0) << "not a finite number";
    QTest::newRow("largest double")
        << std::numeric_limits<double>::max() << qint64(0) << "overflow";
    QTest::newRow("1e301") << 1e301 << qint64(0) << "overflow";
    QTest::newRow("-1e301") << -1e301 << qint64(0) << "overflow";
    QTest::newRow("timestamp now") << 1.0 << kAtMs << "";
    QTest::newRow("timestamp an hour ago") << 1.0 << kAtMs - 3600000 << "";
    QTest::newRow("timestamp in 2 h") << 1.0 << kAtMs + 7200000 << "future";
    QTest::newRow("year 9999") << 1.0 << qint64(253402300799000) << "future";
}

void tst_LocalServerMetrics::implausibility()
{
    QFETCH(double, value);
    QFETCH(qint64, timestampMs);
    QFETCH(QString, reason);
    PromSample s;
    s.name = QStringLiteral("x");
    s.value = value;
    s.hasTimestamp = timestampMs != 0;
    s.timestampMs = timestampMs;
    const QString got = prometheus::implausibility(s, kAtMs);
    if (reason.isEmpty())
        QVERIFY2(got.isEmpty(), qPrintable(got));
    else
        QVERIFY2(got.contains(reason), qPrintable(got));
}

// A counters-only scrape with many series (each with its _created) is read in one pass, not
// one pass per series (which took minutes at 200,000 series).
void tst_LocalServerMetrics::manyCounterSeries()
{
    constexpr int n = 24000; // with its _created samples, under ParseLimits::maxSamples
    QByteArray body = "# TYPE vllm:request_success_total counter\n";
    QByteArray created = "# TYPE vllm:request_success_created gauge\n";
    for (int i = 0; i < n; ++i) {
        const QByteArray labels =
            "{finished_reason=\"stop\",model_name=\"m\",shard=\"" + QByteArray::number(i) + "\"}";
        body += "vllm:request_success_total" + labels + " 1\n";
        created += "vllm:request_success_created" + labels + " 1788217741\n";
    }
    const LocalScrape s = extract(body + created);
    QCOMPARE(counterSum(s, "Requests"), double(n));
    QCOMPARE(s.counters.first().created, 1788217741.0);
    QCOMPARE(s.counters.last().created, 1788217741.0);
}

void tst_LocalServerMetrics::modelsCapped()
{
    QByteArray body = "# TYPE vllm:num_requests_running gauge\n";
    for (int i = 0; i < 500; ++i)
        body +=
            "vllm:num_requests_running{model_name=\"m" + QByteArray::number(1000 + i) + "\"} 1\n";
    const LocalScrape s = extract(body);
    QCOMPARE(s.models.size(), maxModelsPerScrape);
    QCOMPARE(s.gauges.size(), maxModelsPerScrape);
    QVERIFY2(s.summary().contains(QLatin1String("436 more models")), qPrintable(s.summary()));
}

QTEST_GUILESS_MAIN(tst_LocalServerMetrics)
#include "tst_localservermetrics.moc"
