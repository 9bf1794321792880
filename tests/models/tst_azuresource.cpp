#include "core/labels.h"
#include "emulator/aciservice.h"
#include "emulator/emulator.h"
#include "fakeazure.h"
#include "itemmodels/capacityquery.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "sources/azure/azuresource.h"
#include "sources/collector.h"
#include "store/samplestore.h"
#include "testsupport.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QUrlQuery>
#include <QtTest/QtTest>
#include <algorithm>
#include <cmath>
#include <memory>

using namespace isc;
using azure::AzureSource;
using test::FakeAzure;

namespace {

// 2026-09-01 (a Tuesday) 12:00:30 UTC: weekday traffic, half a minute into the minute.
constexpr qint64 kNow = 1788220800 + 12 * 3600 + 30;
constexpr quint64 kSeed = 7;

Connection connectionTo(const QUrl& endpoint, const QString& resourceId)
{
    Connection c;
    c.id = QStringLiteral("demo-azure");
    c.kind = QStringLiteral("azure-openai");
    c.displayName = QStringLiteral("Demo Azure OpenAI");
    c.managementEndpoint = endpoint;
    c.resourceId = resourceId;
    c.credential.kind = SecretRef::Kind::Demo;
    c.pollIntervalSeconds = 60;
    return c;
}

AzureSource::TokenProvider fixedToken(const QString& token)
{
    return [token](QString*) { return token; };
}

quint16 deadPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

// Sum of a metric's "total" per deployment over minutes [from, to).
QHash<QString, double> totalsByDeployment(const QList<PollBatch>& batches, const QString& metric,
                                          qint64 from, qint64 to)
{
    QHash<QString, double> sums;
    for (const auto& b : batches) {
        for (const auto& s : b.series) {
            if (s.key.metric != metric || s.key.aggregation != QLatin1String("total"))
                continue;
            const QString dep = labels::value(s.key.labels, QStringLiteral("ModelDeploymentName"));
            for (const auto& p : s.samples) {
                if (p.ts >= from && p.ts < to)
                    sums[dep] += p.value;
            }
        }
    }
    return sums;
}

QList<PollBatch> batchesOf(const QSignalSpy& spy)
{
    QList<PollBatch> out;
    for (const auto& args : spy)
        out << args.at(0).value<PollBatch>();
    return out;
}

// Series of `batch` whose metric is `metric`.
QVector<SeriesSamples> seriesOf(const PollBatch& batch, const QString& metric)
{
    QVector<SeriesSamples> out;
    for (const auto& s : batch.series) {
        if (s.key.metric == metric)
            out.append(s);
    }
    return out;
}

} // namespace

class tst_AzureSource : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<emu::Emulator> m_emu;

    std::unique_ptr<AzureSource> makeSource(HttpClient* http, const QUrl& endpoint,
                                            AzureSource::TokenProvider token)
    {
        auto src = std::make_unique<AzureSource>(
            connectionTo(endpoint, emu::Emulator::accountResourceId()), http, std::move(token));
        src->setClock([] { return kNow; });
        return src;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_emu = std::make_unique<emu::Emulator>(kSeed);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_emu->setClock([] { return kNow; });
    }

    void requestGrouping()
    {
        const auto groups = AzureSource::metricGroups();
        QCOMPARE(groups.size(), 4);
        for (const auto& g : groups)
            QVERIFY(g.metrics.size() <= 20);
        QCOMPARE(AzureSource::metricNames().size(), 11);
        QVERIFY(AzureSource::metricNames().contains(QStringLiteral("FineTunedTrainingHours")));
        QCOMPARE(AzureSource::dimensionNames(),
                 QStringList({QStringLiteral("ModelDeploymentName"), QStringLiteral("StatusCode"),
                              QStringLiteral("IsSpillover")}));
    }

    void requestShape()
    {
        FakeAzure fake;
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedToken(QStringLiteral("tok")));
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        src->pollNow();
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.metricCalls.size(), 4);
        const QStringList expectedFilters = {
            QStringLiteral(
                "ModelDeploymentName eq '*' and StatusCode eq '*' and IsSpillover eq '*'"),
            QStringLiteral("ModelDeploymentName eq '*'"),
            QStringLiteral("ModelDeploymentName eq '*'"),
            QStringLiteral("ModelDeploymentName eq '*'")};
        const QStringList expectedAggs = {QStringLiteral("Total"), QStringLiteral("Total"),
                                          QStringLiteral("Average,Maximum"),
                                          QStringLiteral("Average,Maximum")};
        QStringList filters, aggs;
        for (const auto& q : fake.metricCalls) {
            const auto v = [&q](const char* key) {
                return q.queryItemValue(QLatin1String(key), QUrl::FullyDecoded);
            };
            QCOMPARE(v("api-version"), QStringLiteral("2024-02-01"));
            QCOMPARE(v("metricnamespace"), QStringLiteral("Microsoft.CognitiveServices/accounts"));
            QCOMPARE(v("interval"), QStringLiteral("PT1M"));
            QCOMPARE(v("top"), QStringLiteral("100"));
            const qint64 end = floorTo(kNow, 60);
            QCOMPARE(v("timespan"), formatIsoUtc(end - 600) + QLatin1Char('/') + formatIsoUtc(end));
            filters << v("$filter");
            aggs << v("aggregation");
        }
        filters.sort();
        QStringList sortedExpected = expectedFilters;
        sortedExpected.sort();
        QCOMPARE(filters, sortedExpected);
        aggs.sort();
        QStringList sortedAggs = expectedAggs;
        sortedAggs.sort();
        QCOMPARE(aggs, sortedAggs);
        for (const auto& a : fake.authorizations)
            QCOMPARE(a, QByteArray("Bearer tok"));
        const PollBatch b = batches.first().at(0).value<PollBatch>();
        QCOMPARE(b.window, (TimeRange{floorTo(kNow, 60) - 600, floorTo(kNow, 60)}));
        QCOMPARE(b.source, QStringLiteral("demo-azure"));
    }

    void truncationWarns()
    {
        FakeAzure fake;
        fake.seriesInRequestsCall = AzureSource::seriesPerCall;
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedToken(QStringLiteral("tok")));
        QSignalSpy warnings(src.get(), &AzureSource::warning);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QTest::ignoreMessage(
            QtWarningMsg, QRegularExpression(QStringLiteral("AzureOpenAIRequests returned 100")));
        src->pollNow();
        QVERIFY(batches.wait(5000));
        QCOMPARE(warnings.size(), 1);
        QVERIFY(warnings.first().at(0).toString().contains(QLatin1String("AzureOpenAIRequests")));
    }

    void inventory()
    {
        HttpClient http;
        auto src = makeSource(&http, m_emu->baseUrl(), fixedToken(emu::Emulator::demoToken()));
        QSignalSpy inventory(src.get(), &AzureSource::inventoryReady);
        QSignalSpy finished(src.get(), &AzureSource::backfillFinished);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        src->start(0);
        QVERIFY(inventory.wait(5000));
        const Deployments deps = inventory.first().at(0).value<Deployments>();
        const auto& fleet = m_emu->traffic().fleet();
        QCOMPARE(deps.size(), fleet.size());
        for (int i = 0; i < fleet.size(); ++i) {
            QCOMPARE(deps.at(i).source, QStringLiteral("demo-azure"));
            QCOMPARE(deps.at(i).name, fleet.at(i).name);
            QCOMPARE(deps.at(i).model, fleet.at(i).model);
            QCOMPARE(deps.at(i).sku, fleet.at(i).sku);
            QCOMPARE(deps.at(i).capacity, fleet.at(i).capacity);
            QCOMPARE(deps.at(i).spilloverTo, fleet.at(i).spilloverTo);
        }
        QTRY_COMPARE(finished.size(), 1); // no backfill asked: finished after the definitions
        QTRY_VERIFY_WITH_TIMEOUT(!batches.isEmpty(), 10000); // then the first poll
        QCOMPARE(src->health().state, SourceHealth::State::Polling);
        QCOMPARE(src->health().lastSuccess, kNow);
        QVERIFY(src->health().nextPoll > kNow);
        src->stop();
        QCOMPARE(src->health().state, SourceHealth::State::Idle);
    }

    void backfillTotalsMatchTrafficModel()
    {
        HttpClient http;
        auto src = makeSource(&http, m_emu->baseUrl(), fixedToken(emu::Emulator::demoToken()));
        src->setBackfillChunkSeconds(3600);
        QSignalSpy progress(src.get(), &AzureSource::backfillProgress);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        QSignalSpy finished(src.get(), &AzureSource::backfillFinished);
        QSignalSpy health(src.get(), &AzureSource::healthChanged);
        const qint64 end = floorTo(kNow, 60);
        src->start(end - 3 * 3600);
        QVERIFY(finished.wait(30000));
        QCOMPARE(failed.size(), 0);

        // Progress: 0/3 announced, then one step per chunk.
        QCOMPARE(progress.size(), 4);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(progress.at(i).at(0).toInt(), i);
            QCOMPARE(progress.at(i).at(1).toInt(), 3);
        }
        // One batch per chunk, newest first (charts fill from "now" backwards), contiguous.
        QVERIFY(batches.size() >= 3); // the poll that follows may already have landed too
        const QList<PollBatch> chunks = batchesOf(batches).mid(0, 3);
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(chunks.at(i).window.from, end - (i + 1) * 3600);
            QCOMPARE(chunks.at(i).window.to, end - i * 3600);
            QVERIFY(chunks.at(i).sampleCount() > 0);
        }

        // Minutes at least 4 minutes old are complete on the emulator: totals must be exact.
        const qint64 from = end - 3 * 3600;
        const qint64 complete = floorTo(kNow - 240, 60) + 60;
        const auto requests =
            totalsByDeployment(chunks, QStringLiteral("AzureOpenAIRequests"), from, complete);
        const auto generated =
            totalsByDeployment(chunks, QStringLiteral("GeneratedTokens"), from, complete);
        const auto& traffic = m_emu->traffic();
        double fleetRequests = 0;
        for (const auto& dep : traffic.fleet()) {
            double expectRequests = 0, expectGenerated = 0;
            for (qint64 m = from; m < complete; m += 60) {
                const emu::MinuteTraffic t = traffic.at(dep.name, m);
                expectRequests += t.totalRequests();
                expectGenerated += t.generatedTokens;
            }
            fleetRequests += expectRequests;
            QCOMPARE(requests.value(dep.name), expectRequests);
            QCOMPARE(generated.value(dep.name), expectGenerated);
        }
        QVERIFY(fleetRequests > 0);

        // The latency call gives average and maximum series with the canonical dimension name.
        bool average = false, maximum = false;
        for (const auto& s : chunks.first().series) {
            if (s.key.metric != QLatin1String("AzureOpenAINormalizedTTFTInMS"))
                continue;
            QVERIFY(s.key.labels.startsWith(QLatin1String("ModelDeploymentName=")));
            average = average || s.key.aggregation == QLatin1String("average");
            maximum = maximum || s.key.aggregation == QLatin1String("maximum");
            QCOMPARE(s.unit, QStringLiteral("MilliSeconds"));
        }
        QVERIFY(average && maximum);

        // Health went Connecting -> Backfilling (with counters) and then polls.
        QCOMPARE(health.first().at(0).value<SourceHealth>().state, SourceHealth::State::Connecting);
        bool sawBackfill = false;
        for (const auto& args : health) {
            const auto h = args.at(0).value<SourceHealth>();
            if (h.state == SourceHealth::State::Backfilling && h.backfillTotal == 3)
                sawBackfill = true;
        }
        QVERIFY(sawBackfill);
        QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 4, 10000); // the first poll after the backfill
        QCOMPARE(batchesOf(batches).last().window, (TimeRange{end - 600, end}));
        QTRY_COMPARE(src->health().state, SourceHealth::State::Polling);
    }

    // All-or-nothing holds per (chunk × metric): a call that fails costs its own metrics a gap
    // each, never the other calls' values.
    void chunkIsAllOrNothingPerMetric()
    {
        FakeAzure fake;
        const qint64 end = floorTo(kNow, 60);
        const QString badChunkStart = formatIsoUtc(end - 2 * 3600);
        // Only the latency call of the second chunk fails.
        fake.failCall = [badChunkStart](const QUrlQuery& q) {
            return q.queryItemValue(QStringLiteral("timespan"), QUrl::FullyDecoded)
                       .startsWith(badChunkStart) &&
                   q.queryItemValue(QStringLiteral("metricnames"), QUrl::FullyDecoded)
                       .contains(QLatin1String("AzureOpenAITTLTInMS"));
        };
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedToken(QStringLiteral("tok")));
        src->setBackfillChunkSeconds(3600);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        QSignalSpy progress(src.get(), &AzureSource::backfillProgress);
        QSignalSpy finished(src.get(), &AzureSource::backfillFinished);
        // Only the chunks matter here: stop before the first poll starts.
        connect(src.get(), &AzureSource::backfillFinished, src.get(), &AzureSource::stop);
        src->start(end - 3 * 3600);
        QVERIFY(finished.wait(10000));
        QCOMPARE(progress.last().at(0).toInt(), 3);
        const TimeRange badWindow{end - 2 * 3600, end - 3600};
        const QStringList latency = AzureSource::metricGroups().at(2).metrics;
        QCOMPARE(failed.size(), latency.size()); // one gap per metric of the failed call
        QStringList gapMetrics;
        for (const auto& args : failed) {
            const GapMarker gap = args.at(0).value<GapMarker>();
            QCOMPARE(gap.window, badWindow);
            QCOMPARE(gap.source, QStringLiteral("demo-azure"));
            QCOMPARE(gap.recordedAt, kNow);
            gapMetrics << gap.metric;
            QVERIFY2(gap.reason ==
                         gap.metric + QStringLiteral(": Azure Monitor rejected the "
                                                     "request (HTTP 400 BadRequest): "
                                                     "Failed to find metric configuration "
                                                     "for provider: "
                                                     "Microsoft.CognitiveServices, "
                                                     "resource Type: accounts, metric: "
                                                     "AzureOpenAIRequestz, Valid "
                                                     "metrics: ActiveTokens,"
                                                     "AzureOpenAIRequests,"
                                                     "GeneratedTokens,"
                                                     "ProcessedPromptTokens"),
                     qPrintable(gap.reason));
        }
        gapMetrics.sort();
        QStringList expectedMetrics = latency;
        expectedMetrics.sort();
        QCOMPARE(gapMetrics, expectedMetrics);
        const QList<PollBatch> got = batchesOf(batches);
        QCOMPARE(got.size(), 3);
        for (const auto& b : got) {
            QSet<QString> metrics;
            for (const auto& s : b.series)
                metrics.insert(s.key.metric);
            if (b.window == badWindow) {
                // Every metric of the other calls landed; none of the failed call's.
                QCOMPARE(metrics.size(), AzureSource::metricNames().size() - latency.size());
                for (const QString& m : latency)
                    QVERIFY(!metrics.contains(m));
            } else {
                QCOMPARE(metrics.size(), AzureSource::metricNames().size());
            }
        }
    }

    void badTokenFailsWith401()
    {
        HttpClient http;
        auto src = makeSource(&http, m_emu->baseUrl(), fixedToken(QStringLiteral("not-the-token")));
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        QSignalSpy inventory(src.get(), &AzureSource::inventoryReady);
        src->start(0);
        QVERIFY(failed.wait(10000));
        QCOMPARE(inventory.size(), 0);
        const GapMarker gap = failed.first().at(0).value<GapMarker>();
        QCOMPARE(
            gap.reason,
            QStringLiteral("Azure Monitor refused the token (401): The access token is invalid."));
        QCOMPARE(src->health().state, SourceHealth::State::Failing);
        QCOMPARE(src->health().lastError, gap.reason);
        QCOMPARE(src->health().lastSuccess, qint64(0));
    }

    void tokenProviderFailure()
    {
        HttpClient http;
        auto src = makeSource(&http, m_emu->baseUrl(), [](QString* error) {
            *error = QStringLiteral("environment variable AZURE_MGMT_TOKEN is not set");
            return QString();
        });
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        const int before = m_emu->requestCount();
        src->pollNow();
        QTRY_COMPARE(failed.size(), 1);
        QCOMPARE(failed.first().at(0).value<GapMarker>().reason,
                 QStringLiteral("environment variable AZURE_MGMT_TOKEN is not set"));
        QCOMPARE(m_emu->requestCount(), before);
        QCOMPARE(src->health().lastError,
                 QStringLiteral("environment variable AZURE_MGMT_TOKEN is not set"));
    }

    void deadEndpoint()
    {
        HttpClient http;
        const quint16 port = deadPort();
        auto src = makeSource(&http, QUrl(QStringLiteral("http://127.0.0.1:%1").arg(port)),
                              fixedToken(emu::Emulator::demoToken()));
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        src->pollNow();
        QVERIFY(failed.wait(15000));
        QCOMPARE(failed.first().at(0).value<GapMarker>().reason,
                 QStringLiteral("could not reach 127.0.0.1:%1: connection refused").arg(port));
        QCOMPARE(src->health().state, SourceHealth::State::Failing);
    }

    void neverTwoPollsInFlight()
    {
        HttpClient http;
        auto src = makeSource(&http, m_emu->baseUrl(), fixedToken(emu::Emulator::demoToken()));
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        src->pollNow();
        QVERIFY(src->isBusy());
        QCOMPARE(http.pending(), 4);
        src->pollNow();
        src->pollNow();
        QCOMPARE(http.pending(), 4); // queued, not sent
        QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 2, 10000);
        QTRY_VERIFY(!src->isBusy());
        QCOMPARE(http.pending(), 0);
        QCOMPARE(batches.size(), 2);
    }

    // A metric the resource does not offer is skipped, with a warning naming it.
    void unknownMetricIsSkippedWithAWarning()
    {
        FakeAzure fake;
        const QString gone = QStringLiteral("AzureOpenAIContextTokensCacheMatchRate");
        fake.offered.removeAll(gone);
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedToken(QStringLiteral("tok")));
        QSignalSpy warnings(src.get(), &AzureSource::warning);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(gone + QLatin1String(" is not")));
        src->start(0);
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.definitionsCalls, 1);
        QCOMPARE(src->skippedMetrics(), QStringList{gone});
        QStringList messages;
        for (const auto& w : warnings)
            messages << w.at(0).toString();
        QVERIFY2(messages.contains(
                     QStringLiteral("metric %1 is not offered by contoso-aoai; skipped").arg(gone)),
                 qPrintable(messages.join(QLatin1Char('\n'))));
        QVERIFY(!fake.metricCalls.isEmpty());
        for (const auto& q : fake.metricCalls)
            QVERIFY(!q.queryItemValue(QStringLiteral("metricnames"), QUrl::FullyDecoded)
                         .contains(gone));
        for (const auto& call : src->plannedCalls())
            QVERIFY(!call.metrics.contains(gone));
        src->stop();
    }

    // About hourly the account's location quota lands with a poll: current vs limit per quota.
    void quotaLandsWithThePoll()
    {
        HttpClient http;
        auto src = makeSource(&http, m_emu->baseUrl(), fixedToken(emu::Emulator::demoToken()));
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        src->start(0);
        QVERIFY(batches.wait(10000));
        const PollBatch first = batches.first().at(0).value<PollBatch>();
        const auto current = seriesOf(first, QStringLiteral("QuotaCurrent"));
        const auto limit = seriesOf(first, QStringLiteral("QuotaLimit"));
        QCOMPARE(current.size(), 8); // the emulator's regional quotas
        QCOMPARE(limit.size(), current.size());
        double ptuUsed = 0;
        for (const auto& d : m_emu->traffic().fleet()) {
            if (d.sku == QLatin1String("ProvisionedManaged") && d.model == QLatin1String("gpt-4o"))
                ptuUsed += d.capacity;
        }
        QVERIFY(ptuUsed > 0);
        bool sawPtu = false;
        for (const auto& s : current) {
            QCOMPARE(s.key.aggregation, QStringLiteral("average"));
            QCOMPARE(s.unit, QStringLiteral("Count"));
            QCOMPARE(s.samples.size(), 1);
            QCOMPARE(s.samples.first().ts, first.window.to - 60); // inside the poll's window
            // Labelled with the region the account lives in (read from the account).
            QVERIFY(!labels::value(s.key.labels, QStringLiteral("location")).isEmpty());
            if (labels::value(s.key.labels, QStringLiteral("quota")) ==
                QLatin1String("OpenAI.ProvisionedManaged.gpt-4o")) {
                sawPtu = true;
                QCOMPARE(s.samples.first().value, ptuUsed);
            }
        }
        QVERIFY(sawPtu);
        for (const auto& s : limit) {
            if (labels::value(s.key.labels, QStringLiteral("quota")) ==
                QLatin1String("OpenAI.ProvisionedManaged.gpt-4o"))
                QCOMPARE(s.samples.first().value, 300.0);
        }
        // The next poll within the hour does not read it again.
        src->pollNow();
        QTRY_COMPARE_WITH_TIMEOUT(batches.size(), 2, 10000);
        QVERIFY(seriesOf(batches.last().at(0).value<PollBatch>(), QStringLiteral("QuotaLimit"))
                    .isEmpty());
        src->stop();
    }

    // A token that may read metrics but not the subscription's quota: a warning, not a gap.
    void quotaFailureOnlyWarns()
    {
        FakeAzure fake;
        fake.usagesStatus = 403;
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), fixedToken(QStringLiteral("tok")));
        QSignalSpy warnings(src.get(), &AzureSource::warning);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("could not read the quota")));
        src->start(0);
        QVERIFY(batches.wait(5000));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(fake.usagesCalls, 1);
        QCOMPARE(warnings.size(), 1);
        QVERIFY2(warnings.first().at(0).toString().startsWith(
                     QLatin1String("could not read the quota of contoso-aoai in swedencentral: "
                                   "Azure Resource Manager")),
                 qPrintable(warnings.first().at(0).toString()));
        const PollBatch b = batches.first().at(0).value<PollBatch>();
        QVERIFY(seriesOf(b, QStringLiteral("QuotaCurrent")).isEmpty());
        QVERIFY(!seriesOf(b, QStringLiteral("GeneratedTokens")).isEmpty());
        QCOMPARE(src->health().state, SourceHealth::State::Polling);
        src->stop();
    }

    // More than 20 metrics of a generic resource: calls of at most 20 names, all in one batch.
    void callsCarryAtMostTwentyMetrics()
    {
        FakeAzure fake;
        QStringList many;
        for (int i = 0; i < 25; ++i)
            many << QStringLiteral("Metric%1").arg(i);
        fake.offered = many;
        Connection c = connectionTo(fake.server.serverUrl(),
                                    QStringLiteral("/subscriptions/s/resourceGroups/g/providers/"
                                                   "Microsoft.Web/sites/app"));
        c.kind = QStringLiteral("azure-monitor");
        c.metrics = many;
        HttpClient http;
        AzureSource src(c, &http, fixedToken(QStringLiteral("tok")));
        src.setClock([] { return kNow; });
        QSignalSpy batches(&src, &AzureSource::batchReady);
        src.start(0);
        QVERIFY(batches.wait(5000));
        QCOMPARE(fake.metricCalls.size(), 2);
        QStringList sent;
        QList<int> sizes;
        for (const auto& q : fake.metricCalls) {
            const QStringList names =
                q.queryItemValue(QStringLiteral("metricnames"), QUrl::FullyDecoded)
                    .split(QLatin1Char(','));
            sizes << names.size();
            sent += names;
            QCOMPARE(q.queryItemValue(QStringLiteral("metricnamespace"), QUrl::FullyDecoded),
                     QStringLiteral("Microsoft.Web/sites"));
            QCOMPARE(q.queryItemValue(QStringLiteral("aggregation")), QStringLiteral("Average"));
            QVERIFY(!q.hasQueryItem(QStringLiteral("$filter")));
        }
        std::sort(sizes.begin(), sizes.end());
        QCOMPARE(sizes, (QList<int>{5, 20}));
        sent.sort();
        many.sort();
        QCOMPARE(sent, many);
        QSet<QString> metrics;
        for (const auto& s : batches.first().at(0).value<PollBatch>().series)
            metrics.insert(s.key.metric);
        QCOMPARE(metrics.size(), 25);
        QCOMPARE(fake.usagesCalls, 0); // a generic resource has no quota
        src.stop();
    }

    // The emulator's container group: CPU, memory and network, checked against definitions.
    void containerGroupMetrics()
    {
        Connection c = connectionTo(m_emu->baseUrl(), emu::aciResourceId());
        c.id = QStringLiteral("demo-aci");
        c.kind = QStringLiteral("azure-monitor");
        c.metrics = QStringList{QStringLiteral("CpuUsage"), QStringLiteral("memoryusage"),
                                QStringLiteral("NetworkBytesReceivedPerSecond"),
                                QStringLiteral("NetworkBytesTransmittedPerSecond"),
                                QStringLiteral("GpuUsage")};
        HttpClient http;
        AzureSource src(c, &http, fixedToken(emu::Emulator::demoToken()));
        src.setClock([] { return kNow; });
        QSignalSpy batches(&src, &AzureSource::batchReady);
        QSignalSpy failed(&src, &AzureSource::pollFailed);
        QSignalSpy warnings(&src, &AzureSource::warning);
        QSignalSpy finished(&src, &AzureSource::backfillFinished);
        QTest::ignoreMessage(QtWarningMsg, QRegularExpression(QStringLiteral("GpuUsage is not")));
        const qint64 end = floorTo(kNow, 60);
        src.start(end - 3600);
        QVERIFY(finished.wait(10000));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(warnings.size(), 1);
        QCOMPARE(warnings.first().at(0).toString(),
                 QStringLiteral("metric GpuUsage is not offered by aci-phi3-mini; skipped"));
        QVERIFY(!batches.isEmpty());
        const PollBatch chunk = batches.first().at(0).value<PollBatch>();
        QCOMPARE(chunk.window, (TimeRange{end - 3600, end}));
        struct Expect
        {
            const char* metric;
            const char* unit;
            double emu::AciMinute::*field;
        };
        const Expect expects[] = {
            {"CpuUsage", "Count", &emu::AciMinute::cpuMillicores},
            {"MemoryUsage", "Bytes", &emu::AciMinute::memoryBytes},
            {"NetworkBytesReceivedPerSecond", "Bytes", &emu::AciMinute::receivedBytesPerSecond},
            {"NetworkBytesTransmittedPerSecond", "Bytes",
             &emu::AciMinute::transmittedBytesPerSecond}};
        for (const auto& e : expects) {
            const auto series = seriesOf(chunk, QLatin1String(e.metric));
            QCOMPARE(series.size(), 1);
            const SeriesSamples& s = series.first();
            QCOMPARE(s.key.source, QStringLiteral("demo-aci"));
            QCOMPARE(s.key.aggregation, QStringLiteral("average"));
            QCOMPARE(s.key.labels, QString());
            QCOMPARE(s.unit, QLatin1String(e.unit));
            // Minutes newer than two minutes have not arrived; the rest are exact.
            QCOMPARE(s.samples.size(), int((floorTo(kNow - 120, 60) - (end - 3600)) / 60) + 1);
            for (const auto& p : s.samples) {
                const double expected = emu::aciMinute(kSeed, p.ts).*(e.field);
                QCOMPARE(p.value, expected);
            }
        }
        // Load follows the fleet's daily shape: busier at 12:00 UTC on a Tuesday than at night.
        QVERIFY(emu::aciMinute(kSeed, end - 600).cpuMillicores >
                emu::aciMinute(kSeed, end - 9 * 3600).cpuMillicores);
        src.stop();
    }

    // Requests carry the connection's hosts: its key cannot be sent anywhere else.
    void keyOnlyGoesToTheConnectionsHosts()
    {
        Connection c = connectionTo(QUrl(QStringLiteral("https://management.azure.com")),
                                    emu::Emulator::accountResourceId());
        c.endpoint = QUrl(QStringLiteral("https://contoso.openai.azure.com/"));
        const HttpRequest req = AzureSource::requestFor(
            c, QUrl(QStringLiteral("https://management.azure.com/subscriptions/x")));
        QCOMPARE(req.credentialHosts, (QStringList{QStringLiteral("management.azure.com"),
                                                   QStringLiteral("contoso.openai.azure.com")}));
        // The same request pointed at another host is refused before anything is sent.
        FakeAzure fake;
        HttpRequest elsewhere = AzureSource::requestFor(c, fake.server.serverUrl());
        elsewhere.headers.append(HttpHeader{"Authorization", "Bearer canary"});
        HttpClient http;
        HttpResponse got;
        bool done = false;
        http.send(elsewhere, this, [&](const HttpResponse& r) {
            got = r;
            done = true;
        });
        QTRY_VERIFY(done);
        QCOMPARE(got.error.kind, HttpError::Kind::Auth);
        QVERIFY(fake.authorizations.isEmpty());
    }

    // Two accounts (two emulators, two seeds) in one workspace write into one store, each
    // under its own connection id, with exactly its own numbers.
    void twoAccountsIntoOneStore()
    {
        emu::Emulator west(kSeed + 1);
        QVERIFY(west.listen());
        west.setClock([] { return kNow; });
        Workspace ws;
        ws.name = QStringLiteral("two accounts");
        Connection east = connectionTo(m_emu->baseUrl(), emu::Emulator::accountResourceId());
        east.id = QStringLiteral("east");
        Connection westConnection =
            connectionTo(west.baseUrl(), emu::Emulator::accountResourceId());
        westConnection.id = QStringLiteral("west");
        ws.connections = {east, westConnection};

        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("two.sqlite"))).result().usable());
        Collector collector(ws, &store);
        collector.setClock([] { return kNow; });
        QSignalSpy finished(&collector, &Collector::backfillFinished);
        QSignalSpy cycle(&collector, &Collector::pollCycleFinished);
        collector.start(3600);
        QVERIFY(finished.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(!cycle.isEmpty(), 30000); // it may have come with the backfill
        collector.stop();

        const qint64 from = floorTo(kNow, 60) - 3600;
        const qint64 complete = floorTo(kNow - 240, 60) + 60;
        double eastTotal = 0, westTotal = 0;
        for (const auto& d : m_emu->traffic().fleet()) {
            for (qint64 m = from; m < complete; m += 60) {
                eastTotal += m_emu->traffic().at(d.name, m).totalRequests();
                westTotal += west.traffic().at(d.name, m).totalRequests();
            }
        }
        QVERIFY(eastTotal != westTotal); // the seeds differ, so mixing would show
        const QHash<QString, double> expected{{QStringLiteral("east"), eastTotal},
                                              {QStringLiteral("west"), westTotal}};
        for (auto it = expected.cbegin(); it != expected.cend(); ++it) {
            SeriesQuery q;
            q.metric = QStringLiteral("AzureOpenAIRequests");
            q.source = it.key();
            q.range = {from, complete};
            q.step = 60;
            q.reduce = Reduce::Sum;
            const QueryResult r = store.query(q).result();
            QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
            QCOMPARE(r.series.size(), 1);
            double stored = 0;
            for (const auto& p : r.series.first().points)
                stored += p.y();
            QCOMPARE(stored, it.value());

            SeriesQuery quota;
            quota.metric = QStringLiteral("QuotaLimit");
            quota.aggregation = QStringLiteral("average");
            quota.source = it.key();
            quota.groupBy = QStringLiteral("quota");
            quota.range = {from, floorTo(kNow, 60)};
            quota.step = 60;
            const QueryResult qr = store.query(quota).result();
            QVERIFY2(qr.error.isEmpty(), qPrintable(qr.error));
            QCOMPARE(qr.series.size(), 8); // each account's own quota rows
        }
        QCOMPARE(store.deployments(QStringLiteral("east")).result().size(),
                 m_emu->traffic().fleet().size());
        QCOMPARE(store.deployments(QStringLiteral("west")).result().size(),
                 west.traffic().fleet().size());
    }

    // A fine-tune's FineTunedTrainingHours travel the real path (emulator, Azure Monitor call,
    // parser, collector, store) beside its deployment and its upgrade option, and reach the
    // Capacity page's query under the deployment's name.
    void fineTunedTrainingHoursReachTheStore()
    {
        // The demo fleet has no fine-tune: this account adds one.
        QVector<emu::FleetDeployment> fleet = emu::TrafficModel::demoFleet();
        emu::FleetDeployment ft;
        ft.name = QStringLiteral("gpt-4o-mini-ft");
        ft.model = QStringLiteral("gpt-4o-mini-2024-07-18.ft-0a1b2c");
        ft.version = QStringLiteral("1");
        ft.sku = QStringLiteral("Standard");
        ft.capacity = 20;
        ft.peakRequestsPerMin = 5;
        ft.promptTokensPerRequest = 600;
        ft.completionTokensPerRequest = 120;
        ft.baseTtftMs = 300;
        ft.baseTbtMs = 12;
        fleet.append(ft);
        const qint64 day = 1788220800; // 2026-09-01T00:00:00Z
        // 03:30:30 UTC: the night's retraining (01:00-03:00) is complete on the emulator.
        const qint64 now = day + 3 * 3600 + 1830;
        emu::Emulator account(kSeed, fleet);
        QVERIFY(account.listen());
        account.setClock([now] { return now; });

        Workspace ws;
        ws.name = QStringLiteral("fine-tune");
        ws.connections = {connectionTo(account.baseUrl(), emu::Emulator::accountResourceId())};
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("ft.sqlite"))).result().usable());
        Collector collector(ws, &store);
        collector.setClock([now] { return now; });
        QSignalSpy finished(&collector, &Collector::backfillFinished);
        QSignalSpy cycle(&collector, &Collector::pollCycleFinished);
        collector.start(4 * 3600);
        QVERIFY(finished.wait(30000));
        QTRY_VERIFY_WITH_TIMEOUT(!cycle.isEmpty(), 30000); // it may have come with the backfill
        collector.stop();

        const int index = account.traffic().indexOf(ft.name);
        QVERIFY(index >= 0);
        double expected = 0;
        for (qint64 m = day; m < day + 4 * 3600; m += 60)
            expected += account.traffic().trainingHours(index, m);
        QVERIFY(std::abs(expected - 2.0) < 1e-9); // two hours of training

        SeriesQuery q;
        q.metric = QStringLiteral("FineTunedTrainingHours");
        q.source = QStringLiteral("demo-azure");
        q.groupBy = QStringLiteral("ModelDeploymentName");
        q.range = {day, floorTo(now, 60)};
        q.step = 60;
        q.reduce = Reduce::Sum;
        q.now = now;
        const QueryResult r = store.query(q).result();
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.series.size(), 1); // only the fine-tune trains
        QCOMPARE(r.series.first().name, ft.name);
        double stored = 0;
        for (const QPointF& p : r.series.first().points)
            stored += std::isfinite(p.y()) ? p.y() : 0;
        QVERIFY2(std::abs(stored - expected) < 1e-9, qPrintable(QString::number(stored, 'g', 17)));

        // The inventory landed with it, upgrade options included.
        const Deployments inventory = store.deployments(QStringLiteral("demo-azure")).result();
        QCOMPARE(inventory.size(), fleet.size());
        const auto storedFt = std::find_if(inventory.cbegin(), inventory.cend(),
                                           [&](const Deployment& d) { return d.name == ft.name; });
        QVERIFY(storedFt != inventory.cend());
        QCOMPARE(storedFt->model, ft.model);
        QCOMPARE(storedFt->upgradeOption, QStringLiteral("OnceNewDefaultVersionAvailable"));
        for (const Deployment& d : inventory) {
            if (d.isProvisioned())
                QCOMPARE(d.upgradeOption, QStringLiteral("NoAutoUpgrade"));
        }

        // The Capacity page's query joins the hours to the fine-tuned deployment by its name.
        CapacityRequest req;
        req.range = q.range;
        req.connections = ws.connections;
        const CapacityResult capacity = CapacityQuery::run(&store, req);
        QCOMPARE(capacity.fineTuning.size(), 1);
        QCOMPARE(capacity.fineTuning.first().name, ft.name);
        QVERIFY(std::abs(capacity.fineTuning.first().trainingHours - expected) < 1e-9);
    }

    void cleanupTestCase() { m_emu.reset(); }
};

QTEST_GUILESS_MAIN(tst_AzureSource)
#include "tst_azuresource.moc"
