#include "core/labels.h"
#include "sources/azure/azuremetricsparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

const QStringList kDimensions = {QStringLiteral("ModelDeploymentName"),
                                 QStringLiteral("StatusCode"), QStringLiteral("IsSpillover")};

const SeriesSamples* findSeries(const azure::MetricsParseResult& r, const QString& metric,
                                const QString& aggregation, const QString& labelText)
{
    for (const auto& s : r.series) {
        if (s.key.metric == metric && s.key.aggregation == aggregation && s.key.labels == labelText)
            return &s;
    }
    return nullptr;
}

QString describe(const QVector<Sample>& samples)
{
    QStringList parts;
    for (const auto& s : samples)
        parts << formatIsoUtc(s.ts).mid(11, 5) + QLatin1Char('=') + QString::number(s.value);
    return parts.join(QLatin1Char(' '));
}

} // namespace

class tst_AzureMetricsParser : public QObject
{
    Q_OBJECT
private slots:
    void fixtures_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("seriesCount");
        QTest::addColumn<QString>("errorContains");
        QTest::addColumn<QString>("errorCode");

        QTest::newRow("requests, lower-cased dimensions")
            << "azure/metrics_requests.json" << true << 2 << QString() << QString();
        QTest::newRow("latency: average+maximum, omitted values")
            << "azure/metrics_latency.json" << true << 2 << QString() << QString();
        QTest::newRow("one metric failed beside good ones")
            << "azure/metrics_partial_failure.json" << true << 3 << QString() << QString();
        QTest::newRow("empty timeseries")
            << "azure/metrics_empty_timeseries.json" << true << 0 << QString() << QString();
        QTest::newRow("no dimensions")
            << "azure/metrics_no_dimensions.json" << true << 1 << QString() << QString();
        QTest::newRow("ARM error body")
            << "azure/error_arm.json" << false << 0
            << "Azure Monitor: InvalidAuthenticationToken: The access token is invalid."
            << "InvalidAuthenticationToken";
        QTest::newRow("Azure Monitor error body")
            << "azure/error_monitor.json" << false << 0
            << "Azure Monitor: BadRequest: Failed to find metric configuration"
            << "BadRequest";
        QTest::newRow("truncated body")
            << "azure/metrics_truncated.json" << false << 0 << "not valid JSON" << QString();
        QTest::newRow("value not an array") << "azure/metrics_value_not_array.json" << false << 0
                                            << "no value[] array" << QString();
        QTest::newRow("not an object")
            << "azure/metrics_not_object.json" << false << 0 << "not a JSON object" << QString();
    }
    void fixtures()
    {
        QFETCH(QString, fixture);
        QFETCH(bool, ok);
        QFETCH(int, seriesCount);
        QFETCH(QString, errorContains);
        QFETCH(QString, errorCode);

        const QByteArray body = test::readFixture(fixture);
        QVERIFY(!body.isEmpty());
        const auto r = azure::parseMetricsResponse(body, QStringLiteral("acc"), kDimensions);
        QCOMPARE(r.ok, ok);
        QCOMPARE(r.series.size(), seriesCount);
        if (!errorContains.isEmpty())
            QVERIFY2(r.error.contains(errorContains), qPrintable(r.error));
        else
            QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.errorCode, errorCode);
        for (const auto& s : r.series) {
            QCOMPARE(s.key.source, QStringLiteral("acc"));
            QVERIFY(!s.samples.isEmpty());
        }
    }

    // A 200 with one failed metric inside: the good metrics are read, the failed one is named
    // with Azure's code and message, and none of its values is kept.
    void failedMetricBesideGoodOnes()
    {
        const auto r = azure::parseMetricsResponse(
            test::readFixture(QStringLiteral("azure/metrics_partial_failure.json")),
            QStringLiteral("acc"), kDimensions);
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.failedMetrics.size(), 1);
        const azure::MetricFailure& f = r.failedMetrics.first();
        QCOMPARE(f.metric, QStringLiteral("AzureOpenAITokenPerSecond"));
        QCOMPARE(f.code, QStringLiteral("InvalidSamplingType"));
        QVERIFY2(
            f.message.startsWith(QLatin1String("The sampling type 'Maximum' is not supported")),
            qPrintable(f.message));
        QSet<QString> metrics;
        for (const auto& s : r.series)
            metrics.insert(s.key.metric);
        QCOMPARE(metrics, (QSet<QString>{QStringLiteral("AzureOpenAINormalizedTTFTInMS"),
                                         QStringLiteral("AzureOpenAITTLTInMS")}));
        const SeriesSamples* ttlt =
            findSeries(r, QStringLiteral("AzureOpenAITTLTInMS"), QStringLiteral("average"),
                       QStringLiteral("ModelDeploymentName=gpt-4o-ptu"));
        QVERIFY(ttlt);
        QCOMPARE(describe(ttlt->samples), QStringLiteral("00:00=2210"));
    }

    void truncatedReportsOffset()
    {
        const QByteArray body = test::readFixture(QStringLiteral("azure/metrics_truncated.json"));
        const auto r = azure::parseMetricsResponse(body, QStringLiteral("acc"), kDimensions);
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("at offset")), qPrintable(r.error));
    }

    void values_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("metric");
        QTest::addColumn<QString>("aggregation");
        QTest::addColumn<QString>("labels");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("samples");

        QTest::newRow("200s skip the omitted minute")
            << "azure/metrics_requests.json"
            << "AzureOpenAIRequests"
            << "total"
            << "IsSpillover=false;ModelDeploymentName=gpt-4o-ptu;StatusCode=200"
            << "Count"
            << "00:00=120 00:02=97";
        QTest::newRow("429s keep a real zero")
            << "azure/metrics_requests.json"
            << "AzureOpenAIRequests"
            << "total"
            << "IsSpillover=false;ModelDeploymentName=gpt-4o-ptu;StatusCode=429"
            << "Count"
            << "00:00=0 00:01=3";
        QTest::newRow("average present once") << "azure/metrics_latency.json"
                                              << "AzureOpenAINormalizedTTFTInMS"
                                              << "average"
                                              << "ModelDeploymentName=gpt-4o-ptu"
                                              << "MilliSeconds"
                                              << "00:00=312.5";
        QTest::newRow("maximum twice") << "azure/metrics_latency.json"
                                       << "AzureOpenAINormalizedTTFTInMS"
                                       << "maximum"
                                       << "ModelDeploymentName=gpt-4o-ptu"
                                       << "MilliSeconds"
                                       << "00:00=901 00:01=640";
        QTest::newRow("no dimensions, empty labels") << "azure/metrics_no_dimensions.json"
                                                     << "ProcessedPromptTokens"
                                                     << "total"
                                                     << ""
                                                     << "Count"
                                                     << "00:00=52000 00:01=48500";
    }
    void values()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, metric);
        QFETCH(QString, aggregation);
        QFETCH(QString, labels);
        QFETCH(QString, unit);
        QFETCH(QString, samples);

        const auto r = azure::parseMetricsResponse(test::readFixture(fixture),
                                                   QStringLiteral("acc"), kDimensions);
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.interval, QStringLiteral("PT1M"));
        const SeriesSamples* s = findSeries(r, metric, aggregation, labels);
        QVERIFY2(s,
                 qPrintable(metric + QLatin1Char('/') + aggregation + QLatin1Char('/') + labels));
        QCOMPARE(s->unit, unit);
        QCOMPARE(describe(s->samples), samples);
    }

    void timestampsAreSecondsUtc()
    {
        const auto r = azure::parseMetricsResponse(
            test::readFixture(QStringLiteral("azure/metrics_requests.json")), QStringLiteral("acc"),
            kDimensions);
        QVERIFY(r.ok);
        QCOMPARE(r.series.first().samples.first().ts, qint64(1788220800));
    }

    void dimensionNotInListKeepsItsSpelling()
    {
        const auto r = azure::parseMetricsResponse(
            test::readFixture(QStringLiteral("azure/metrics_requests.json")), QStringLiteral("acc"),
            {QStringLiteral("ModelDeploymentName")});
        QVERIFY(r.ok);
        QCOMPARE(labels::value(r.series.first().key.labels, QStringLiteral("ModelDeploymentName")),
                 QStringLiteral("gpt-4o-ptu"));
        QVERIFY(r.series.first().key.labels.contains(QLatin1String("statuscode=200")));
    }

    void oddShapesNeverCrash_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("null") << QByteArray("null") << false;
        QTest::newRow("string") << QByteArray("\"x\"") << false;
        QTest::newRow("value of numbers") << QByteArray("{\"value\":[1,2]}") << false;
        QTest::newRow("timeseries object")
            << QByteArray("{\"value\":[{\"name\":{\"value\":\"m\"},\"timeseries\":{}}]}") << false;
        QTest::newRow("data of strings")
            << QByteArray(
                   "{\"value\":[{\"name\":{\"value\":\"m\"},\"timeseries\":[{\"data\":[\"a\"]}]}]}")
            << false;
        QTest::newRow("value as string total")
            << QByteArray("{\"value\":[{\"name\":{\"value\":\"m\"},\"timeseries\":[{\"data\":[{"
                          "\"timeStamp\":\"2026-09-01T00:00:00Z\",\"total\":\"5\"}]}]}]}")
            << true;
        QTest::newRow("metric failed, nothing else") << QByteArray("{\"value\":[{\"name\":{"
                                                                   "\"value\":\"m\"},"
                                                                   "\"errorCode\":\"Throttled\"}]}")
                                                     << true;
        QTest::newRow("empty value") << QByteArray("{\"value\":[]}") << true;
    }
    void oddShapesNeverCrash()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        const auto r = azure::parseMetricsResponse(body, QStringLiteral("acc"), kDimensions);
        QCOMPARE(r.ok, ok);
        if (!ok)
            QVERIFY(r.error.startsWith(QLatin1String("Azure Monitor: ")));
        for (const auto& s : r.series)
            QVERIFY(!s.samples.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_AzureMetricsParser)
#include "tst_azuremetricsparser.moc"
