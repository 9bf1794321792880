// AzureSource when Azure answers only in part: a failed metric inside a 200, paged lists
// (and links that must not be followed), throttling in Azure's own words.
#include "emulator/emulator.h"
#include "fakeazure.h"
#include "net/httpclient.h"
#include "sources/azure/azuresource.h"
#include "testsupport.h"

#include <QSignalSpy>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;
using azure::AzureSource;
using test::FakeAzure;

namespace {

// 2026-09-01 (a Tuesday) 12:00:30 UTC.
constexpr qint64 kNow = 1788220800 + 12 * 3600 + 30;
const QString kSamplingMessage =
    QStringLiteral("The sampling type 'Maximum' is not supported for metric "
                   "'AzureOpenAITokenPerSecond'; supported sampling types are: Average.");

Connection connectionTo(const QUrl& endpoint)
{
    Connection c;
    c.id = QStringLiteral("demo-azure");
    c.kind = QStringLiteral("azure-openai");
    c.displayName = QStringLiteral("Demo Azure OpenAI");
    c.managementEndpoint = endpoint;
    c.resourceId = emu::Emulator::accountResourceId();
    c.credential.kind = SecretRef::Kind::Demo;
    c.pollIntervalSeconds = 60;
    return c;
}

std::unique_ptr<AzureSource> makeSource(HttpClient* http, const QUrl& endpoint,
                                        const QString& token)
{
    auto src = std::make_unique<AzureSource>(connectionTo(endpoint), http,
                                             [token](QString*) { return token; });
    src->setClock([] { return kNow; });
    return src;
}

QSet<QString> metricsOf(const PollBatch& b)
{
    QSet<QString> out;
    for (const auto& s : b.series)
        out.insert(s.key.metric);
    return out;
}

} // namespace

class tst_AzureSourceFailures : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A 200 with one failed metric: every good metric and the quota land, the failed metric
    // gets a gap of its own in Azure's words, and the health says how many fail.
    void failedMetricIsItsOwnGap()
    {
        FakeAzure fake;
        fake.failingMetrics.insert(QStringLiteral("AzureOpenAITokenPerSecond"),
                                   {QStringLiteral("InvalidSamplingType"), kSamplingMessage});
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), QStringLiteral("tok"));
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        src->start(0);
        QVERIFY(batches.wait(5000));
        const PollBatch b = batches.first().at(0).value<PollBatch>();
        const QSet<QString> metrics = metricsOf(b);
        QVERIFY(!metrics.contains(QStringLiteral("AzureOpenAITokenPerSecond")));
        QVERIFY(metrics.contains(QStringLiteral("QuotaCurrent"))); // the quota is kept too
        QCOMPARE(metrics.size(), AzureSource::metricNames().size() - 1 + 2);

        QTRY_COMPARE(failed.size(), 1);
        const GapMarker gap = failed.first().at(0).value<GapMarker>();
        QCOMPARE(gap.metric, QStringLiteral("AzureOpenAITokenPerSecond"));
        QCOMPARE(gap.window, b.window);
        QCOMPARE(gap.reason, QStringLiteral("AzureOpenAITokenPerSecond: InvalidSamplingType: ") +
                                 kSamplingMessage);

        const SourceHealth h = src->health();
        QCOMPARE(h.state, SourceHealth::State::Polling);
        QCOMPARE(h.lastSuccess, kNow);
        QCOMPARE(h.lastError, QStringLiteral("1 of %1 metrics failing: AzureOpenAITokenPerSecond: "
                                             "InvalidSamplingType: ")
                                      .arg(AzureSource::metricNames().size()) +
                                  kSamplingMessage);
        src->stop();
    }

    // Every metric failing inside 200s is the whole window's gap, as a failed poll.
    void everyMetricFailedIsOneGap()
    {
        FakeAzure fake;
        for (const QString& m : AzureSource::metricNames())
            fake.failingMetrics.insert(
                m, {QStringLiteral("InternalServerError"), QStringLiteral("try later")});
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), QStringLiteral("tok"));
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        src->pollNow();
        QVERIFY(failed.wait(5000));
        QCOMPARE(failed.size(), 1);
        const GapMarker gap = failed.first().at(0).value<GapMarker>();
        QCOMPARE(gap.metric, QString());
        QCOMPARE(gap.reason, QStringLiteral("InternalServerError: try later"));
        QCOMPARE(batches.size(), 0);
        QCOMPARE(src->health().state, SourceHealth::State::Failing);
    }

    // The emulator pages its lists: the inventory, the definitions and the quota are read whole.
    void pagedListsAreReadWhole()
    {
        emu::Emulator emulator(7);
        QVERIFY(emulator.listen());
        emulator.setClock([] { return kNow; });
        emulator.setListPageSize(2);
        HttpClient http;
        auto src = makeSource(&http, emulator.baseUrl(), emu::Emulator::demoToken());
        QSignalSpy inventory(src.get(), &AzureSource::inventoryReady);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QSignalSpy failed(src.get(), &AzureSource::pollFailed);
        src->start(0);
        QVERIFY(batches.wait(10000));
        QCOMPARE(failed.size(), 0);
        QCOMPARE(inventory.size(), 1);
        const Deployments deps = inventory.first().at(0).value<Deployments>();
        QCOMPARE(deps.size(), emulator.traffic().fleet().size());
        QVERIFY(deps.size() > 2); // more than one page
        for (int i = 0; i < deps.size(); ++i)
            QCOMPARE(deps.at(i).name, emulator.traffic().fleet().at(i).name);
        QVERIFY(src->skippedMetrics().isEmpty()); // the definitions' later pages were read
        const PollBatch b = batches.first().at(0).value<PollBatch>();
        int quotas = 0;
        for (const auto& s : b.series)
            quotas += s.key.metric == QLatin1String("QuotaLimit");
        QCOMPARE(quotas, 8); // all four pages of the emulator's quotas
        src->stop();
    }

    // Links that would read forever, loop, or send the token elsewhere stop with words.
    void badNextLinksStopWithWords_data()
    {
        QTest::addColumn<int>("paging");
        QTest::addColumn<int>("deploymentCalls");
        QTest::addColumn<QString>("error");
        QTest::newRow("endless") << int(FakeAzure::Paging::Endless) << 50
                                 << QStringLiteral("Azure Resource Manager: the deployments list "
                                                   "of contoso-aoai runs past 50 pages; stopped "
                                                   "reading there, so the list is incomplete");
        QTest::newRow("loop") << int(FakeAzure::Paging::Loop) << 3
                              << QStringLiteral("Azure Resource Manager: page 3 of the deployments "
                                                "list of contoso-aoai links back to a page already "
                                                "read; stopped there, so the list is incomplete");
        QTest::newRow("another host")
            << int(FakeAzure::Paging::OtherHost) << 1
            << QStringLiteral("Azure Resource Manager: the next page of the deployments list of "
                              "contoso-aoai is on https://collector.example.net, not %1; it was "
                              "not read (the token is only sent to the connection's hosts), so "
                              "the deployments list of contoso-aoai stops at page 1");
    }
    void badNextLinksStopWithWords()
    {
        QFETCH(int, paging);
        QFETCH(int, deploymentCalls);
        QFETCH(QString, error);
        FakeAzure fake;
        fake.paging = FakeAzure::Paging(paging);
        if (error.contains(QLatin1String("%1")))
            error = error.arg(fake.server.serverUrl().adjusted(QUrl::RemovePath).toString());
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), QStringLiteral("tok"));
        QSignalSpy inventory(src.get(), &AzureSource::inventoryReady);
        int callsAtFailure = -1; // the next poll reads the inventory again
        connect(src.get(), &AzureSource::healthChanged, this, [&](const SourceHealth& h) {
            if (callsAtFailure < 0 && h.state == SourceHealth::State::Failing &&
                h.lastError == error)
                callsAtFailure = fake.deploymentsCalls;
        });
        src->start(0);
        QTRY_VERIFY_WITH_TIMEOUT(callsAtFailure >= 0, 10000);
        QCOMPARE(callsAtFailure, deploymentCalls);
        QCOMPARE(inventory.size(), 0); // an incomplete inventory is not handed on
        for (const QByteArray& a : fake.authorizations)
            QCOMPARE(a, QByteArray("Bearer tok"));
        src->stop();
    }

    // A throttled quota read keeps Azure's code and message, not only "rate-limited until".
    void throttledQuotaKeepsAzuresWords()
    {
        FakeAzure fake;
        fake.usagesStatus = 429;
        HttpClient http;
        auto src = makeSource(&http, fake.server.serverUrl(), QStringLiteral("tok"));
        QSignalSpy warnings(src.get(), &AzureSource::warning);
        QSignalSpy batches(src.get(), &AzureSource::batchReady);
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("could not read the quota")));
        src->start(0);
        QVERIFY(batches.wait(5000));
        QCOMPARE(warnings.size(), 1);
        const QString w = warnings.first().at(0).toString();
        QVERIFY2(w.contains(QLatin1String("rate-limited until")), qPrintable(w));
        QVERIFY2(w.contains(QLatin1String("(HTTP 429 SubscriptionRequestsThrottled): Number of "
                                          "'read' requests for subscription")),
                 qPrintable(w));
        src->stop();
    }
};

QTEST_GUILESS_MAIN(tst_AzureSourceFailures)
#include "tst_azuresource_failures.moc"
