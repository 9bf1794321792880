#include "core/labels.h"
#include "exposition/collectormetrics.h"
#include "sources/prometheus/prometheusparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>
#include <optional>

using namespace isc;

namespace {

constexpr qint64 kStart = 1'790'000'000; // a minute boundary
using Labels = QList<std::pair<QString, QString>>;

SeriesSamples series(const QString& metric, const QString& aggregation, QList<Label> labels,
                     QVector<Sample> samples)
{
    return {{QStringLiteral("east"), metric, aggregation, labels::canonical(std::move(labels))},
            QStringLiteral("Count"),
            std::move(samples)};
}

SeriesSamples requests(const QString& deployment, const QString& status, QVector<Sample> samples,
                       const QString& spillover = QStringLiteral("false"))
{
    return series(QStringLiteral("AzureOpenAIRequests"), QStringLiteral("total"),
                  {{QStringLiteral("ModelDeploymentName"), deployment},
                   {QStringLiteral("StatusCode"), status},
                   {QStringLiteral("IsSpillover"), spillover}},
                  std::move(samples));
}

// The value of the sample of `name` whose labels are exactly `labels`.
std::optional<double> valueOf(const QVector<MetricFamily>& families, const QString& name,
                              const Labels& labels)
{
    for (const MetricFamily& f : families) {
        if (f.name != name)
            continue;
        for (const MetricSample& s : f.samples) {
            if (s.labels == labels)
                return s.value;
        }
    }
    return std::nullopt;
}

Labels at(const QString& deployment, const QString& key = {}, const QString& value = {})
{
    Labels l{{QStringLiteral("connection"), QStringLiteral("east")},
             {QStringLiteral("deployment"), deployment}};
    if (!key.isEmpty())
        l.append({key, value});
    return l;
}

// "0:10,1:20" -> minutes after the start (negative = before) and their values.
QVector<Sample> minutes(const QString& text)
{
    QVector<Sample> out;
    for (const QString& pair : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QStringList p = pair.split(QLatin1Char(':'));
        out.append({kStart + 60 * p.at(0).toLongLong(), p.at(1).toDouble()});
    }
    return out;
}

// The test catalog (tests/data/cost/catalog_small.json): known prices, so the sums can fail.
CostEngine testEngine(const QByteArray& overrides = {})
{
    QString error;
    auto catalog = PriceCatalog::fromJson(
        isc::test::readFixture(QStringLiteral("cost/catalog_small.json")), &error);
    if (!catalog)
        qFatal("catalog: %s", qPrintable(error));
    if (!overrides.isEmpty() && !catalog->applyOverrides(overrides, &error))
        qFatal("overrides: %s", qPrintable(error));
    return CostEngine(*catalog);
}

Deployment deployment(const QString& name, const QString& model, const QString& sku,
                      int capacity = 0)
{
    Deployment d;
    d.source = QStringLiteral("east");
    d.name = name;
    d.model = model;
    d.version = QStringLiteral("2024-11-20");
    d.sku = sku;
    d.capacity = capacity;
    return d;
}

// "Metric[/aggregation] deployment [batch] minutes", e.g. "OutputTokens gpt-4o batch 0:10".
SeriesSamples usage(const QString& spec)
{
    const QStringList p = spec.split(QLatin1Char(' '));
    const QStringList metric = p.at(0).split(QLatin1Char('/'));
    QList<Label> l{{QStringLiteral("ModelDeploymentName"), p.at(1)}};
    if (p.size() == 4)
        l.append({QStringLiteral("batch"), QStringLiteral("true")});
    return series(metric.at(0), metric.value(1, QStringLiteral("total")), l, minutes(p.last()));
}

} // namespace

class tst_CollectorMetrics : public QObject
{
    Q_OBJECT
private slots:
    void countersAccumulateStoredMinutes_data();
    void countersAccumulateStoredMinutes();
    void requestsByStatusClassAndSpillover();
    void tokensByCacheClass();
    void gaugesKeepTheNewestMinute_data();
    void gaugesKeepTheNewestMinute();
    void deploymentsPerConnectionAreCapped();
    void safeLabelValue_data();
    void safeLabelValue();
    void noSecretReachesTheExposition();
    void sourceAndCollectorHealth();
    void healthz_data();
    void healthz();
    void everyFamilyParsesBack_data();
    void everyFamilyParsesBack();
    void costPerDeployment_data();
    void costPerDeployment();
    void provisionedCostFollowsTheInventory();
    void noCostWithoutPricing();
};

void tst_CollectorMetrics::countersAccumulateStoredMinutes_data()
{
    QTest::addColumn<QStringList>("batches");
    QTest::addColumn<qint64>("horizon");
    QTest::addColumn<double>("expected");
    QTest::newRow("one poll") << QStringList{"0:10,1:20"} << qint64(3600) << 30.0;
    QTest::newRow("a re-read window counts each minute once")
        << QStringList{"0:10,1:20", "1:20,2:5"} << qint64(3600) << 35.0;
    QTest::newRow("a late minute that grows adds the difference")
        << QStringList{"0:10,1:2", "1:7"} << qint64(3600) << 17.0;
    QTest::newRow("a revision downwards keeps the highest")
        << QStringList{"0:10", "0:8"} << qint64(3600) << 10.0;
    QTest::newRow("history before the start is not counted")
        << QStringList{"-5:100,-1:50,0:1"} << qint64(3600) << 1.0;
    QTest::newRow("minutes past the horizon are final")
        << QStringList{"0:10,1:10,2:10,3:10", "0:99"} << qint64(120) << 40.0;
    QTest::newRow("not finite or negative is left out")
        << QStringList{"0:nan,1:-4,2:inf,3:6"} << qint64(3600) << 6.0;
}

void tst_CollectorMetrics::countersAccumulateStoredMinutes()
{
    QFETCH(QStringList, batches);
    QFETCH(qint64, horizon);
    QFETCH(double, expected);
    CollectorMetrics::Limits limits;
    limits.revisionHorizonSeconds = horizon;
    CollectorMetrics m(kStart + 17, limits); // counting starts at the minute of the start
    m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    for (const QString& b : batches)
        m.recordStored(
            QStringLiteral("east"),
            {series(QStringLiteral("GeneratedTokens"), QStringLiteral("total"),
                    {{QStringLiteral("ModelDeploymentName"), QStringLiteral("d")}}, minutes(b))});
    QCOMPARE(valueOf(m.families(kStart + 600), QStringLiteral("inferscope_output_tokens_total"),
                     at(QStringLiteral("d"))),
             std::optional<double>(expected));
}

void tst_CollectorMetrics::requestsByStatusClassAndSpillover()
{
    CollectorMetrics m(kStart);
    m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    const QString ptu = QStringLiteral("gpt-4o-ptu"), std = QStringLiteral("gpt-4o-std");
    m.recordStored(
        QStringLiteral("east"),
        {requests(ptu, QStringLiteral("200"), minutes("0:100,1:90")),
         requests(ptu, QStringLiteral("201"), minutes("0:1")),
         requests(ptu, QStringLiteral("429"), minutes("0:7,1:3")),
         requests(ptu, QStringLiteral("503"), minutes("1:2")),
         requests(std, QStringLiteral("200"), minutes("0:4"), QStringLiteral("True")),
         requests(std, QStringLiteral("200"), minutes("0:6")),
         series(QStringLiteral("Requests"), QStringLiteral("total"),
                {{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama")}}, minutes("0:5")),
         series(QStringLiteral("Errors"), QStringLiteral("total"),
                {{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama")}},
                minutes("0:1"))});
    const auto f = m.families(kStart + 120);
    const QString name = QStringLiteral("inferscope_requests_total");
    const QString sc = QStringLiteral("status_class");
    QCOMPARE(valueOf(f, name, at(ptu, sc, QStringLiteral("2xx"))), std::optional<double>(191));
    QCOMPARE(valueOf(f, name, at(ptu, sc, QStringLiteral("429"))), std::optional<double>(10));
    QCOMPARE(valueOf(f, name, at(ptu, sc, QStringLiteral("5xx"))), std::optional<double>(2));
    QCOMPARE(valueOf(f, name, at(std, sc, QStringLiteral("2xx"))), std::optional<double>(10));
    QCOMPARE(valueOf(f, name, at(QStringLiteral("llama"), sc, QStringLiteral("served"))),
             std::optional<double>(5));
    QCOMPARE(valueOf(f, name, at(QStringLiteral("llama"), sc, QStringLiteral("failed"))),
             std::optional<double>(1));
    QCOMPARE(valueOf(f, QStringLiteral("inferscope_spillover_requests_total"), at(std)),
             std::optional<double>(4));
    QVERIFY(!valueOf(f, QStringLiteral("inferscope_spillover_requests_total"), at(ptu)));
}

void tst_CollectorMetrics::tokensByCacheClass()
{
    CollectorMetrics m(kStart);
    const auto tokens = [](const char* metric, const char* deployment, const char* values) {
        return series(QLatin1String(metric), QStringLiteral("total"),
                      {{QStringLiteral("ModelDeploymentName"), QLatin1String(deployment)}},
                      minutes(QLatin1String(values)));
    };
    m.recordStored(QStringLiteral("east"), {tokens("ProcessedPromptTokens", "gpt-4o", "0:1000"),
                                            tokens("InputTokensUncached", "gpt-4.1", "0:300"),
                                            tokens("InputTokensCached", "gpt-4.1", "0:200"),
                                            tokens("CacheWrite5mTokens", "claude", "0:50"),
                                            tokens("OutputTokens", "gpt-4.1", "0:70")});
    const auto f = m.families(kStart + 60);
    const QString in = QStringLiteral("inferscope_input_tokens_total");
    const QString cache = QStringLiteral("cache");
    QCOMPARE(valueOf(f, in, at(QStringLiteral("gpt-4o"), cache, QStringLiteral("unknown"))),
             std::optional<double>(1000));
    QCOMPARE(valueOf(f, in, at(QStringLiteral("gpt-4.1"), cache, QStringLiteral("uncached"))),
             std::optional<double>(300));
    QCOMPARE(valueOf(f, in, at(QStringLiteral("gpt-4.1"), cache, QStringLiteral("cached"))),
             std::optional<double>(200));
    QCOMPARE(valueOf(f, in, at(QStringLiteral("claude"), cache, QStringLiteral("write_5m"))),
             std::optional<double>(50));
    QCOMPARE(valueOf(f, QStringLiteral("inferscope_output_tokens_total"), at("gpt-4.1")),
             std::optional<double>(70));
}

void tst_CollectorMetrics::gaugesKeepTheNewestMinute_data()
{
    QTest::addColumn<QString>("metric");
    QTest::addColumn<QString>("aggregation");
    QTest::addColumn<QString>("family");
    QTest::addColumn<QString>("label"); // the aggregation label's value, empty = none
    QTest::addColumn<double>("divisor");
    QTest::newRow("PTU utilization, percent to ratio")
        << "AzureOpenAIProvisionedManagedUtilizationV2"
        << "average"
        << "inferscope_ptu_utilization_ratio" << QString() << 100.0;
    QTest::newRow("Azure TTFT average, ms to s") << "AzureOpenAINormalizedTTFTInMS"
                                                 << "average"
                                                 << "inferscope_time_to_first_token_seconds"
                                                 << "average" << 1000.0;
    QTest::newRow("Azure TTLT maximum") << "AzureOpenAITTLTInMS"
                                        << "maximum"
                                        << "inferscope_time_to_last_token_seconds"
                                        << "maximum" << 1000.0;
    QTest::newRow("vLLM TTFT p95") << "TtftMs"
                                   << "p95"
                                   << "inferscope_time_to_first_token_seconds"
                                   << "p95" << 1000.0;
    QTest::newRow("vLLM e2e p99") << "E2eLatencyMs"
                                  << "p99"
                                  << "inferscope_time_to_last_token_seconds"
                                  << "p99" << 1000.0;
}

void tst_CollectorMetrics::gaugesKeepTheNewestMinute()
{
    QFETCH(QString, metric);
    QFETCH(QString, aggregation);
    QFETCH(QString, family);
    QFETCH(QString, label);
    QFETCH(double, divisor);
    CollectorMetrics m(kStart);
    const QList<Label> dims{{QStringLiteral("ModelDeploymentName"), QStringLiteral("d")}};
    m.recordStored(QStringLiteral("east"),
                   {series(metric, aggregation, dims, minutes("-2:10,-1:57.3,1:42.1,0:99"))});
    // An older minute arriving later (a backfill chunk) does not replace the newest one.
    m.recordStored(QStringLiteral("east"), {series(metric, aggregation, dims, minutes("-9:1"))});
    const Labels l = label.isEmpty()
                         ? at(QStringLiteral("d"))
                         : at(QStringLiteral("d"), QStringLiteral("aggregation"), label);
    QCOMPARE(valueOf(m.families(kStart + 120), family, l), std::optional<double>(42.1 / divisor));
    m.recordStored(QStringLiteral("east"), {series(metric, aggregation, dims, minutes("2:3.5"))});
    QCOMPARE(valueOf(m.families(kStart + 180), family, l), std::optional<double>(3.5 / divisor));
}

void tst_CollectorMetrics::deploymentsPerConnectionAreCapped()
{
    CollectorMetrics::Limits limits;
    limits.maxDeploymentsPerConnection = 2;
    CollectorMetrics m(kStart, limits);
    m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    QVector<SeriesSamples> batch;
    for (const char* name : {"a", "b", "c", "d"}) {
        batch.append(requests(QLatin1String(name), QStringLiteral("200"), minutes("0:1")));
        batch.append(series(QStringLiteral("AzureOpenAITTLTInMS"), QStringLiteral("average"),
                            {{QStringLiteral("ModelDeploymentName"), QLatin1String(name)}},
                            minutes("0:500")));
    }
    m.recordStored(QStringLiteral("east"), batch);
    const auto f = m.families(kStart + 60);
    const QString sc = QStringLiteral("status_class"), ok = QStringLiteral("2xx");
    QCOMPARE(valueOf(f, "inferscope_requests_total", at("a", sc, ok)), std::optional<double>(1));
    QCOMPARE(valueOf(f, "inferscope_requests_total", at("b", sc, ok)), std::optional<double>(1));
    QCOMPARE(valueOf(f, "inferscope_requests_total", at("_other", sc, ok)),
             std::optional<double>(2));
    QVERIFY(!valueOf(f, "inferscope_requests_total", at("c", sc, ok)));
    const QString ttlt = QStringLiteral("inferscope_time_to_last_token_seconds");
    const QString agg = QStringLiteral("aggregation"), avg = QStringLiteral("average");
    QVERIFY(valueOf(f, ttlt, at("b", agg, avg)));
    QVERIFY(!valueOf(f, ttlt, at("c", agg, avg)));
    QVERIFY(!valueOf(f, ttlt, at("_other", agg, avg)));
    QCOMPARE(valueOf(f, "inferscope_source_deployments_over_limit",
                     {{QStringLiteral("connection"), QStringLiteral("east")}}),
             std::optional<double>(2));
}

void tst_CollectorMetrics::safeLabelValue_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("expected");
    QTest::newRow("deployment") << "gpt-4o-ptu"
                                << "gpt-4o-ptu";
    QTest::newRow("model with a slash") << "meta-llama/Llama-3.1-8B-Instruct"
                                        << "meta-llama/Llama-3.1-8B-Instruct";
    QTest::newRow("fine-tune id") << "gpt-4o-2024-08-06.ft-0123456789abcdef0123456789abcdef"
                                  << "gpt-4o-2024-08-06.ft-0123456789abcdef0123456789abcdef";
    QTest::newRow("plain URL") << "http://127.0.0.1:8000/metrics"
                               << "http://127.0.0.1:8000/metrics";
    QTest::newRow("URL with credentials") << "https://user:hunter2@example.com/x"
                                          << "redacted";
    QTest::newRow("URL with a token as user") << "https://ghp_abc@host"
                                              << "redacted";
    QTest::newRow("bearer token") << "Bearer eyJhbGciOi.x.y"
                                  << "redacted";
    QTest::newRow("OpenAI key") << "sk-proj-abcdefgh12345678"
                                << "redacted";
    QTest::newRow("Anthropic key in text") << "key sk-ant-api03-abcdefghij"
                                           << "redacted";
    QTest::newRow("header line") << "Authorization: Basic dXNlcjpw"
                                 << "redacted";
    QTest::newRow("api-key header") << "api-key: 0123456789"
                                    << "redacted";
    QTest::newRow("long name is cut") << QString(200, QLatin1Char('x')) << QString(128, 'x');
}

void tst_CollectorMetrics::safeLabelValue()
{
    QFETCH(QString, value);
    QFETCH(QString, expected);
    QCOMPARE(CollectorMetrics::safeLabelValue(value), expected);
}

void tst_CollectorMetrics::noSecretReachesTheExposition()
{
    const QString canary = QStringLiteral("canary-7f3a9c");
    CollectorMetrics m(kStart);
    m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    SourceHealth h;
    h.source = QStringLiteral("east");
    h.state = SourceHealth::State::Failing;
    h.lastError = QStringLiteral("401: the token sk-%1 was refused").arg(canary);
    h.warning = QStringLiteral("Authorization: Bearer %1").arg(canary);
    m.recordHealth(h);
    m.recordStored(
        QStringLiteral("east"),
        {requests(QStringLiteral("https://u:%1@host/d").arg(canary), QStringLiteral("200"),
                  minutes("0:1")),
         series(QStringLiteral("GeneratedTokens"), QStringLiteral("total"),
                {{QStringLiteral("ModelDeploymentName"), QStringLiteral("Bearer %1").arg(canary)}},
                minutes("0:1"))});
    for (ScrapeFormat format : {ScrapeFormat::Text004, ScrapeFormat::OpenMetrics100}) {
        const QByteArray body = PrometheusExposition::render(m.families(kStart + 60), format);
        QVERIFY2(!body.contains(canary.toUtf8()), body.constData());
        QVERIFY(body.contains("deployment=\"redacted\""));
    }
    QVERIFY(!m.health(kStart + 60).json.contains(canary.toUtf8()));
}

void tst_CollectorMetrics::sourceAndCollectorHealth()
{
    CollectorMetrics m(kStart + 5);
    m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    m.addConnection(QStringLiteral("west"), QStringLiteral("openai"), 60);
    SourceHealth h;
    h.source = QStringLiteral("east");
    h.state = SourceHealth::State::Polling;
    h.lastSuccess = kStart + 100;
    m.recordHealth(h);
    m.recordStored(QStringLiteral("east"), {requests("d", "200", minutes("0:1,1:1"))});
    m.recordFailure(QStringLiteral("west"));
    m.recordFailure(QStringLiteral("west"));
    m.recordStoreFailure(QStringLiteral("west"));
    m.recordPollCycle();
    const auto f = m.families(kStart + 130);
    const Labels east{{QStringLiteral("connection"), QStringLiteral("east")}};
    const Labels west{{QStringLiteral("connection"), QStringLiteral("west")}};
    QCOMPARE(valueOf(f, "inferscope_source_up",
                     {east.first(), {QStringLiteral("kind"), QStringLiteral("azure-openai")}}),
             std::optional<double>(1));
    QCOMPARE(valueOf(f, "inferscope_source_up",
                     {west.first(), {QStringLiteral("kind"), QStringLiteral("openai")}}),
             std::optional<double>(0));
    QCOMPARE(valueOf(f, "inferscope_source_last_success_timestamp_seconds", east),
             std::optional<double>(kStart + 100));
    QCOMPARE(valueOf(f, "inferscope_source_last_success_age_seconds", east),
             std::optional<double>(30));
    QVERIFY(!valueOf(f, "inferscope_source_last_success_age_seconds", west));
    QCOMPARE(valueOf(f, "inferscope_source_errors_total", west), std::optional<double>(3));
    QCOMPARE(valueOf(f, "inferscope_source_stored_batches_total", east), std::optional<double>(1));
    QCOMPARE(valueOf(f, "inferscope_source_newest_sample_timestamp_seconds", east),
             std::optional<double>(kStart + 60));
    QCOMPARE(valueOf(f, "inferscope_collector_start_time_seconds", {}),
             std::optional<double>(kStart + 5));
    QCOMPARE(valueOf(f, "inferscope_collector_uptime_seconds", {}), std::optional<double>(125));
    QCOMPARE(valueOf(f, "inferscope_collector_poll_cycles_total", {}), std::optional<double>(1));
    QCOMPARE(valueOf(f, "inferscope_collector_store_write_failures_total", {}),
             std::optional<double>(1));
    // The store failure was the last write: not healthy.
    QCOMPARE(valueOf(f, "inferscope_collector_healthy", {}), std::optional<double>(0));
}

void tst_CollectorMetrics::healthz_data()
{
    QTest::addColumn<int>("state"); // SourceHealth::State, -1 = no connection at all
    QTest::addColumn<qint64>("lastSuccessAfterStart");
    QTest::addColumn<bool>("storeFailing");
    QTest::addColumn<qint64>("nowAfterStart");
    QTest::addColumn<bool>("ok");
    QTest::addColumn<QString>("reason");
    const int polling = int(SourceHealth::State::Polling);
    const int failing = int(SourceHealth::State::Failing);
    const int backfilling = int(SourceHealth::State::Backfilling);
    QTest::newRow("starting, no poll yet")
        << polling << qint64(0) << false << qint64(100) << true << QString();
    QTest::newRow("no good poll in 3 intervals")
        << failing << qint64(0) << false << qint64(200) << false << "no source had a good poll";
    QTest::newRow("a recent poll")
        << polling << qint64(500) << false << qint64(600) << true << QString();
    QTest::newRow("the last good poll is stale")
        << polling << qint64(500) << false << qint64(681) << false << "no source had a good poll";
    QTest::newRow("failing, but polled within 3 intervals")
        << failing << qint64(500) << false << qint64(600) << true << QString();
    QTest::newRow("a long backfill")
        << backfilling << qint64(0) << false << qint64(3600) << true << QString();
    QTest::newRow("the store's last write failed")
        << polling << qint64(500) << true << qint64(510) << false << "history store";
    QTest::newRow("no connection")
        << -1 << qint64(0) << false << qint64(10) << false << "no connection";
}

void tst_CollectorMetrics::healthz()
{
    QFETCH(int, state);
    QFETCH(qint64, lastSuccessAfterStart);
    QFETCH(bool, storeFailing);
    QFETCH(qint64, nowAfterStart);
    QFETCH(bool, ok);
    QFETCH(QString, reason);
    CollectorMetrics m(kStart);
    if (state >= 0) {
        m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
        SourceHealth h;
        h.source = QStringLiteral("east");
        h.state = SourceHealth::State(state);
        h.lastSuccess = lastSuccessAfterStart > 0 ? kStart + lastSuccessAfterStart : 0;
        m.recordHealth(h);
    }
    if (storeFailing)
        m.recordStoreFailure({});
    const CollectorMetrics::Health h = m.health(kStart + nowAfterStart);
    QCOMPARE(h.ok, ok);
    const QJsonObject doc = QJsonDocument::fromJson(h.json).object();
    QCOMPARE(doc.value("status").toString(), ok ? QStringLiteral("ok") : QStringLiteral("failing"));
    QVERIFY2(doc.value("reason").toString().contains(reason), h.json.constData());
    QCOMPARE(doc.value("uptimeSeconds").toDouble(), double(nowAfterStart));
    if (storeFailing) {
        // The next write that lands heals it.
        m.recordStored(QStringLiteral("east"), {});
        QVERIFY(m.health(kStart + nowAfterStart).ok);
    }
}

void tst_CollectorMetrics::everyFamilyParsesBack_data()
{
    QTest::addColumn<bool>("openMetrics");
    QTest::newRow("text 0.0.4") << false;
    QTest::newRow("openmetrics 1.0") << true;
}

void tst_CollectorMetrics::everyFamilyParsesBack()
{
    QFETCH(bool, openMetrics);
    CollectorMetrics m(kStart);
    m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    m.setPricing(CostAccrual(testEngine(), PtuBilling::Hourly, false));
    m.recordInventory(QStringLiteral("east"),
                      {deployment(QStringLiteral("d"), QStringLiteral("gpt-4o"),
                                  QStringLiteral("GlobalStandard"))},
                      kStart);
    m.recordStored(
        QStringLiteral("east"),
        {requests("d", "429", minutes("0:3")), usage(QStringLiteral("GeneratedTokens d 0:1000")),
         series(QStringLiteral("TtftMs"), QStringLiteral("p50"),
                {{QStringLiteral("ModelDeploymentName"), QStringLiteral("d")}}, minutes("0:120"))});
    const QVector<MetricFamily> families = m.families(kStart + 60);
    QVERIFY(valueOf(families, QStringLiteral("inferscope_cost_usd_total"),
                    at(QStringLiteral("d"), QStringLiteral("pricing"), QStringLiteral("catalog"))));
    const auto r = prometheus::parseExposition(
        PrometheusExposition::render(families, openMetrics ? ScrapeFormat::OpenMetrics100
                                                           : ScrapeFormat::Text004),
        openMetrics ? prometheus::ExpositionFormat::OpenMetrics
                    : prometheus::ExpositionFormat::Text);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.families.size(), families.size());
    for (const MetricFamily& f : families) {
        QVERIFY2(f.name.startsWith(QLatin1String("inferscope_")), qPrintable(f.name));
        QVERIFY2(f.type != QLatin1String("counter") || f.name.endsWith(QLatin1String("_total")),
                 qPrintable(f.name));
        QVERIFY2(f.unit.isEmpty() || f.name.endsWith(QLatin1Char('_') + f.unit),
                 qPrintable(f.name));
    }
}

void tst_CollectorMetrics::costPerDeployment_data()
{
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QStringList>("stored");
    QTest::addColumn<QByteArray>("overrides");
    QTest::addColumn<bool>("demo");
    QTest::addColumn<QString>("deployment");
    QTest::addColumn<QString>("pricing");
    QTest::addColumn<double>("usd"); ///< < 0: no sample (no price)
    // Prices per 1M tokens from catalog_small.json; a minute before the start is not counted.
    QTest::newRow("openai: uncached, cached, output")
        << "openai"
        << QStringList{"InputTokensUncached gpt-4o -1:5000000,0:600000,1:400000",
                       "InputTokensCached gpt-4o 0:200000", "OutputTokens gpt-4o 1:100000"}
        << QByteArray() << false << "gpt-4o"
        << "catalog" << 2.50 + 0.25 + 1.00;
    QTest::newRow("openai: batch usage at the batch rate")
        << "openai"
        << QStringList{"OutputTokens gpt-4o 0:1000000", "OutputTokens gpt-4o batch 0:1000000"}
        << QByteArray() << false << "gpt-4o"
        << "catalog" << 10.00 + 5.00;
    QTest::newRow("a whole prompt without a cache split is uncached input")
        << "openai" << QStringList{"InputTokens nocache 0:2000000", "OutputTokens nocache 0:500000"}
        << QByteArray() << false << "nocache"
        << "unconfirmed" << 2.00 + 1.00;
    QTest::newRow("anthropic: cache writes, cache reads, output")
        << "anthropic"
        << QStringList{"CacheWrite5mTokens claude-test-20250101 0:1000000",
                       "CacheWrite1hTokens claude-test-20250101 0:1000000",
                       "InputTokensCached claude-test-20250101 0:1000000",
                       "OutputTokens claude-test-20250101 0:1000000"}
        << QByteArray() << false << "claude-test-20250101"
        << "catalog" << 3.75 + 6.00 + 0.30 + 15.00;
    QTest::newRow("azure: by the inventory's model and SKU, the cached share per minute")
        << "azure-openai"
        << QStringList{"ProcessedPromptTokens chat 0:1000000,1:1000000",
                       "AzureOpenAIContextTokensCacheMatchRate/average chat 0:40,1:0",
                       "GeneratedTokens chat 0:100000"}
        << QByteArray() << false << "chat"
        << "catalog" << 0.50 + 4.00 + 1.00;
    QTest::newRow("azure: a deployment missing from the inventory has no price")
        << "azure-openai" << QStringList{"GeneratedTokens ghost 0:100000"} << QByteArray() << false
        << "ghost"
        << "catalog" << -1.0;
    QTest::newRow("a workspace override")
        << "openai" << QStringList{"OutputTokens gpt-4o 0:1000000"}
        << QByteArray("[{\"provider\": \"openai\", \"model\": \"gpt-4o\", "
                      "\"discountPercent\": \"20\", \"note\": \"EA\"}]")
        << false << "gpt-4o"
        << "override" << 8.00;
    QTest::newRow("the demo's cost is labelled demo")
        << "openai" << QStringList{"OutputTokens gpt-4o 0:1000000"} << QByteArray() << true
        << "gpt-4o"
        << "demo" << 10.00;
}

void tst_CollectorMetrics::costPerDeployment()
{
    QFETCH(QString, kind);
    QFETCH(QStringList, stored);
    QFETCH(QByteArray, overrides);
    QFETCH(bool, demo);
    QFETCH(QString, deployment);
    QFETCH(QString, pricing);
    QFETCH(double, usd);
    CollectorMetrics m(kStart);
    m.addConnection(QStringLiteral("east"), kind, 60);
    m.setPricing(CostAccrual(testEngine(overrides), PtuBilling::Hourly, demo));
    m.recordInventory(QStringLiteral("east"),
                      {::deployment(QStringLiteral("chat"), QStringLiteral("gpt-4o"),
                                    QStringLiteral("GlobalStandard"))},
                      kStart);
    // One series a batch, as polls of several metrics land: the rates may follow the prompts.
    for (const QString& one : stored)
        m.recordStored(QStringLiteral("east"), {usage(one)});
    const auto f = m.families(kStart + 120);
    const auto value = valueOf(f, QStringLiteral("inferscope_cost_usd_total"),
                               at(deployment, QStringLiteral("pricing"), pricing));
    if (usd < 0) {
        for (const MetricFamily& family : f)
            QVERIFY(family.name != QLatin1String("inferscope_cost_usd_total") ||
                    family.samples.isEmpty());
        return;
    }
    QVERIFY(value);
    QCOMPARE(qRound64(*value * 1e6), qRound64(usd * 1e6)); // exact to the micro-dollar
}

void tst_CollectorMetrics::provisionedCostFollowsTheInventory()
{
    // 100 PTU at $2.00 per PTU-hour (catalog_small.json), hourly billing.
    CollectorMetrics m(kStart);
    m.addConnection(QStringLiteral("east"), QStringLiteral("azure-openai"), 60);
    m.setPricing(CostAccrual(testEngine(), PtuBilling::Hourly, false));
    const QString sku = QStringLiteral("ProvisionedManaged");
    m.recordInventory(QStringLiteral("east"),
                      {deployment(QStringLiteral("ptu"), QStringLiteral("gpt-4o"), sku, 100)},
                      kStart + 30);
    // Its tokens are included in the PTU price.
    m.recordStored(QStringLiteral("east"), {usage(QStringLiteral("GeneratedTokens ptu 0:5000"))});
    const QString name = QStringLiteral("inferscope_cost_usd_total");
    const Labels l =
        at(QStringLiteral("ptu"), QStringLiteral("pricing"), QStringLiteral("catalog"));
    // The first inventory: it existed when the collector started.
    QCOMPARE(valueOf(m.families(kStart + 1800), name, l), std::optional<double>(100.0));
    // Grown to 200 PTU after an hour, removed after two: the counter never goes back.
    m.recordInventory(QStringLiteral("east"),
                      {deployment(QStringLiteral("ptu"), QStringLiteral("gpt-4o"), sku, 200)},
                      kStart + 3600);
    QCOMPARE(valueOf(m.families(kStart + 5400), name, l), std::optional<double>(200.0 + 200.0));
    m.recordInventory(QStringLiteral("east"), {}, kStart + 7200);
    QCOMPARE(valueOf(m.families(kStart + 9000), name, l), std::optional<double>(200.0 + 400.0));
}

void tst_CollectorMetrics::noCostWithoutPricing()
{
    CollectorMetrics m(kStart);
    m.addConnection(QStringLiteral("east"), QStringLiteral("openai"), 60);
    m.recordStored(QStringLiteral("east"), {usage(QStringLiteral("OutputTokens gpt-4o 0:1000"))});
    for (const MetricFamily& f : m.families(kStart + 60))
        QVERIFY(f.name != QLatin1String("inferscope_cost_usd_total"));
}

QTEST_GUILESS_MAIN(tst_CollectorMetrics)
#include "tst_collectormetrics.moc"
