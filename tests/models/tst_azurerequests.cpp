#include "sources/azure/azurerequests.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {
const QString kArm = QStringLiteral("Azure Resource Manager");
const QString kList = QStringLiteral("the deployments list of contoso-aoai");
const QUrl kFirst(QStringLiteral("https://management.azure.com/subscriptions/s/resourceGroups/g/"
                                 "providers/Microsoft.CognitiveServices/accounts/a/"
                                 "deployments?api-version=2024-10-01"));
} // namespace

class tst_AzureRequests : public QObject
{
    Q_OBJECT
private slots:
    // A throttled call keeps Azure's own code and message beside "until when".
    void describeFailure_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("clientMessage");
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("expected");

        QTest::newRow("429 with Azure's words")
            << 429 << int(HttpError::Kind::Throttled)
            << QStringLiteral("rate-limited until 12:00:17 UTC")
            << QStringLiteral("azure/error_throttled.json")
            << QStringLiteral(
                   "Azure Resource Manager: rate-limited until 12:00:17 UTC (HTTP 429 "
                   "SubscriptionRequestsThrottled): Number of 'read' requests for subscription "
                   "'00000000-0000-0000-0000-000000000000' actor 'b6f1b7c4' exceeded. Please try "
                   "again after '17' seconds after additional tokens are available. Refer to "
                   "https://aka.ms/arm-throttling for additional information.");
        QTest::newRow("429 without a body")
            << 429 << int(HttpError::Kind::Throttled)
            << QStringLiteral("rate-limited until 12:00:17 UTC") << QString()
            << QStringLiteral("Azure Resource Manager: rate-limited until 12:00:17 UTC");
        QTest::newRow("400 keeps code and message")
            << 400 << int(HttpError::Kind::HttpStatus)
            << QStringLiteral("127.0.0.1:1 answered HTTP 400")
            << QStringLiteral("azure/error_arm.json")
            << QStringLiteral("Azure Resource Manager rejected the request (HTTP 400 "
                              "InvalidAuthenticationToken): The access token is invalid.");
        QTest::newRow("401") << 401 << int(HttpError::Kind::Auth)
                             << QStringLiteral("authentication failed (401)")
                             << QStringLiteral("azure/error_arm.json")
                             << QStringLiteral("Azure Resource Manager refused the token (401): "
                                               "The access token is invalid.");
    }
    void describeFailure()
    {
        QFETCH(int, status);
        QFETCH(int, kind);
        QFETCH(QString, clientMessage);
        QFETCH(QString, fixture);
        QFETCH(QString, expected);
        HttpResponse r;
        r.status = status;
        r.error = {HttpError::Kind(kind), clientMessage, 0};
        if (!fixture.isEmpty())
            r.body = test::readFixture(fixture);
        QCOMPARE(azure::describeFailure(r, kArm), expected);
    }

    void nextPage_data()
    {
        QTest::addColumn<QString>("nextLink");
        QTest::addColumn<int>("pagesRead");
        QTest::addColumn<bool>("seenBefore");
        QTest::addColumn<QString>("expectedUrl");
        QTest::addColumn<QString>("error");

        const QString page2 = kFirst.toString() + QStringLiteral("&$skipToken=Mg%3D%3D");
        QTest::newRow("last page") << QString() << 1 << false << QString() << QString();
        QTest::newRow("same host") << page2 << 1 << false << page2 << QString();
        QTest::newRow("relative") << QStringLiteral(
                                         "deployments?api-version=2024-10-01&$skipToken=x")
                                  << 1 << false
                                  << page2.left(page2.indexOf(QLatin1Char('?'))) +
                                         QStringLiteral("?api-version=2024-10-01&$skipToken=x")
                                  << QString();
        QTest::newRow("another host")
            << QStringLiteral("https://collector.example.net/deployments?page=2") << 1 << false
            << QString()
            << QStringLiteral("Azure Resource Manager: the next page of the deployments list of "
                              "contoso-aoai is on https://collector.example.net, not "
                              "https://management.azure.com; "
                              "it was not read (the token is only sent to the connection's "
                              "hosts), so the deployments list of contoso-aoai stops at page 1");
        QTest::newRow("plain http on the same name")
            << QStringLiteral("http://management.azure.com/next") << 1 << false << QString()
            << QStringLiteral("Azure Resource Manager: the next page of the deployments list of "
                              "contoso-aoai is on http://management.azure.com, not "
                              "https://management.azure.com; "
                              "it was not read (the token is only sent to the connection's "
                              "hosts), so the deployments list of contoso-aoai stops at page 1");
        QTest::newRow("loop") << page2 << 3 << true << QString()
                              << QStringLiteral("Azure Resource Manager: page 3 of the deployments "
                                                "list of contoso-aoai links back to a page already "
                                                "read; stopped there, so the list is incomplete");
        QTest::newRow("page cap")
            << page2 << azure::kMaxListPages << false << QString()
            << QStringLiteral("Azure Resource Manager: the deployments list of contoso-aoai runs "
                              "past 50 pages; stopped reading there, so the list is incomplete");
        QTest::newRow("just under the cap")
            << page2 << azure::kMaxListPages - 1 << false << page2 << QString();
    }
    void nextPage()
    {
        QFETCH(QString, nextLink);
        QFETCH(int, pagesRead);
        QFETCH(bool, seenBefore);
        QFETCH(QString, expectedUrl);
        QFETCH(QString, error);
        QSet<QString> seen{kFirst.toString(QUrl::FullyEncoded)};
        if (seenBefore)
            seen.insert(QUrl(nextLink).toString(QUrl::FullyEncoded));
        QString why;
        const QUrl next = azure::nextPageUrl(nextLink, kFirst, seen, pagesRead, kArm, kList, &why);
        QCOMPARE(why, error);
        QCOMPARE(next.toString(), expectedUrl);
    }
};

QTEST_GUILESS_MAIN(tst_AzureRequests)
#include "tst_azurerequests.moc"
