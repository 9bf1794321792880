#include "net/entratokenprovider.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QUrlQuery>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

namespace {

constexpr qint64 kNow = 1788220800; // 2026-09-01T00:00:00Z

// Plays login.microsoftonline.com: records each token request and answers `next`.
struct Authority
{
    LoopbackHttpServer server;
    QList<HttpServerRequest> requests;
    int status = 200;
    QByteArray body;

    Authority()
    {
        server.setHandler([this](const HttpServerRequest& req, HttpServerResponder& r) {
            requests.append(req);
            const QByteArray b = body.isEmpty()
                                     ? "{\"token_type\":\"Bearer\",\"expires_in\":3599,"
                                       "\"ext_expires_in\":3599,\"access_token\":\"tok-" +
                                           QByteArray::number(requests.size()) + "\"}"
                                     : body;
            r.respondJson(status, b);
        });
        if (!server.listen())
            qFatal("cannot listen");
    }
};

} // namespace

class tst_EntraTokenProvider : public QObject
{
    Q_OBJECT

    static EntraTokenProvider::Config config(const QUrl& authority, const QString& secret)
    {
        EntraTokenProvider::Config c;
        c.authorityHost = authority;
        c.tenantId = QStringLiteral("contoso-tenant");
        c.clientId = QStringLiteral("app-id");
        c.clientSecret = [secret](QString* error) {
            if (secret.isEmpty() && error)
                *error = QStringLiteral("environment variable ENTRA_SECRET is not set");
            return secret;
        };
        return c;
    }

private slots:
    void tokenUrl_data()
    {
        QTest::addColumn<QString>("authority");
        QTest::addColumn<QString>("url");
        QTest::newRow("public") << "https://login.microsoftonline.com"
                                << "https://login.microsoftonline.com/t/oauth2/v2.0/token";
        QTest::newRow("trailing slash") << "https://login.chinacloudapi.cn/"
                                        << "https://login.chinacloudapi.cn/t/oauth2/v2.0/token";
    }
    void tokenUrl()
    {
        QFETCH(QString, authority);
        QFETCH(QString, url);
        EntraTokenProvider::Config c;
        c.authorityHost = QUrl(authority);
        c.tenantId = QStringLiteral("t");
        QCOMPARE(EntraTokenProvider::tokenUrl(c), QUrl(url));
    }

    void parse_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("token");
        QTest::addColumn<qint64>("expires");
        QTest::addColumn<QString>("error");
        QTest::newRow("ok") << QByteArray("{\"access_token\":\"a\",\"expires_in\":3599}") << "a"
                            << kNow + 3599 << "";
        QTest::newRow("expires_in as string")
            << QByteArray("{\"access_token\":\"a\",\"expires_in\":\"60\"}") << "a" << kNow + 60
            << "";
        QTest::newRow("AADSTS error")
            << QByteArray("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
                          "Invalid client secret provided.\\r\\nTrace ID: 1\"}")
            << "" << qint64(0)
            << "Entra ID refused the sign-in (invalid_client): AADSTS7000215: Invalid client "
               "secret provided.";
        QTest::newRow("no token") << QByteArray("{\"expires_in\":1}") << "" << qint64(0)
                                  << "Entra ID's answer has no access_token";
        QTest::newRow("html") << QByteArray("<html/>") << "" << qint64(0)
                              << "Entra ID answered something that is not a token";
    }
    void parse()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, token);
        QFETCH(qint64, expires);
        QFETCH(QString, error);
        QString why;
        const auto t = EntraTokenProvider::parseTokenResponse(json, kNow, &why);
        QCOMPARE(t.has_value(), !token.isEmpty());
        if (t) {
            QCOMPARE(t->token, token);
            QCOMPARE(t->expiresAtUtc, expires);
        } else {
            QVERIFY2(why.startsWith(error), qPrintable(why));
        }
    }

    void fetchesCachesAndRefreshes()
    {
        Authority authority;
        HttpClient http;
        EntraTokenProvider provider(config(authority.server.serverUrl(), "s3cr&t+="), &http);
        qint64 now = kNow;
        provider.setClock([&now] { return now; });

        QString error;
        QCOMPARE(provider.token(&error), QString()); // not signed in yet: words, no block
        QVERIFY(error.contains(QLatin1String("signing in")));
        QTRY_COMPARE(provider.token(nullptr), QStringLiteral("tok-1"));
        QCOMPARE(authority.requests.size(), 1);
        const HttpServerRequest& req = authority.requests.first();
        QCOMPARE(req.method, QByteArray("POST"));
        QCOMPARE(req.path(), QStringLiteral("/contoso-tenant/oauth2/v2.0/token"));
        QVERIFY(req.header("content-type").startsWith("application/x-www-form-urlencoded"));
        const QUrlQuery form(QString::fromLatin1(req.body));
        QCOMPARE(form.queryItemValue("grant_type"), QStringLiteral("client_credentials"));
        QCOMPARE(form.queryItemValue("client_id"), QStringLiteral("app-id"));
        QCOMPARE(form.queryItemValue("client_secret", QUrl::FullyDecoded),
                 QStringLiteral("s3cr&t+="));
        QCOMPARE(form.queryItemValue("scope", QUrl::FullyDecoded),
                 QStringLiteral("https://management.azure.com/.default"));
        QCOMPARE(provider.cached().expiresAtUtc, kNow + 3599);

        // Cached while more than 2 minutes are left: no new request.
        now = kNow + 3599 - 121;
        QCOMPARE(provider.token(nullptr), QStringLiteral("tok-1"));
        QCOMPARE(authority.requests.size(), 1);

        // Under 2 minutes left: the old token still serves while a new one is fetched.
        now = kNow + 3599 - 119;
        QCOMPARE(provider.token(nullptr), QStringLiteral("tok-1"));
        QTRY_COMPARE(authority.requests.size(), 2);
        QTRY_COMPARE(provider.token(nullptr), QStringLiteral("tok-2"));
    }

    void fetchWaitsForTheToken()
    {
        Authority authority;
        HttpClient http;
        EntraTokenProvider provider(config(authority.server.serverUrl(), "s"), &http);
        bool done = false;
        AccessToken got;
        provider.fetch([&](const AccessToken& t, const QString&) {
            done = true;
            got = t;
        });
        QTRY_VERIFY(done);
        QCOMPARE(got.token, QStringLiteral("tok-1"));
    }

    void refusalInWords()
    {
        Authority authority;
        authority.status = 401;
        authority.body = "{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: "
                         "Invalid client secret provided.\"}";
        HttpClient http;
        EntraTokenProvider provider(config(authority.server.serverUrl(), "wrong"), &http);
        QSignalSpy failed(&provider, &TokenProvider::failed);
        provider.refresh();
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().first().toString(),
                 QStringLiteral("Entra ID refused the sign-in (invalid_client): AADSTS7000215: "
                                "Invalid client secret provided."));
        QString error;
        QCOMPARE(provider.token(&error), QString());
        QVERIFY(error.contains(QLatin1String("invalid_client")));
        QCOMPARE(authority.requests.size(), 1); // 401 is never retried
    }

    void missingSecretSendsNothing()
    {
        Authority authority;
        HttpClient http;
        EntraTokenProvider provider(config(authority.server.serverUrl(), QString()), &http);
        QSignalSpy failed(&provider, &TokenProvider::failed);
        provider.refresh();
        QCOMPARE(failed.size(), 1);
        QVERIFY(failed.first().first().toString().contains(QLatin1String("ENTRA_SECRET")));
        QCOMPARE(authority.requests.size(), 0);
    }
    // A token that lives under the 2-minute margin is not fetched again at every poll.
    void shortLivedTokenIsKept()
    {
        Authority authority;
        authority.body = "{\"access_token\":\"short\",\"expires_in\":100}";
        HttpClient http;
        EntraTokenProvider provider(config(authority.server.serverUrl(), "s"), &http);
        qint64 now = kNow;
        provider.setClock([&now] { return now; });
        provider.refresh();
        QTRY_COMPARE(provider.token(nullptr), QStringLiteral("short"));
        // fetch() answers at once only with a token it need not refresh.
        const auto freshNow = [&provider] {
            auto immediate = std::make_shared<bool>(false);
            provider.fetch([immediate](const AccessToken&, const QString&) { *immediate = true; });
            return *immediate;
        };
        now = kNow + 10; // the next poll
        QCOMPARE(provider.token(nullptr), QStringLiteral("short"));
        QVERIFY(freshNow());
        now = kNow + 60;
        QVERIFY(freshNow());
        QCOMPARE(authority.requests.size(), 1);
        now = kNow + 80; // a quarter of its life left: fetched again ahead of time
        QCOMPARE(provider.token(nullptr), QStringLiteral("short"));
        QTRY_COMPARE(authority.requests.size(), 2);
    }

    void refreshMarginScales_data()
    {
        QTest::addColumn<qint64>("lifetime");
        QTest::addColumn<qint64>("margin");
        QTest::newRow("an hour") << qint64(3599) << qint64(120);
        QTest::newRow("8 minutes") << qint64(480) << qint64(120);
        QTest::newRow("100 s") << qint64(100) << qint64(25);
        QTest::newRow("none") << qint64(0) << qint64(0);
    }
    void refreshMarginScales()
    {
        QFETCH(qint64, lifetime);
        QFETCH(qint64, margin);
        QCOMPARE(TokenProvider::refreshMarginSeconds(lifetime), margin);
    }

    void whenReadyWaitsForTheSignIn()
    {
        Authority authority;
        HttpClient http;
        EntraTokenProvider provider(config(authority.server.serverUrl(), "s"), &http);
        bool ready = false;
        provider.whenReady(this, 10000, [&] { ready = true; });
        QVERIFY(!ready); // never inside the call
        QTRY_VERIFY(ready);
        QCOMPARE(provider.token(nullptr), QStringLiteral("tok-1"));
    }

    void whenReadyIsBounded()
    {
        Authority authority;
        HttpClient http;
        EntraTokenProvider::Config c = config(authority.server.serverUrl(), "s");
        c.whenClientSecretReady = [](QObject*, std::function<void()>) {}; // a secret never read
        EntraTokenProvider provider(c, &http);
        QElapsedTimer clock;
        clock.start();
        bool ready = false;
        provider.whenReady(this, 200, [&] { ready = true; });
        QTRY_VERIFY_WITH_TIMEOUT(ready, 5000);
        QVERIFY(clock.elapsed() >= 150);
        QString error;
        QCOMPARE(provider.token(&error), QString());
        QVERIFY2(error.contains(QLatin1String("signing in")), qPrintable(error));
        QCOMPARE(authority.requests.size(), 0);
    }

    void azureScopes_data()
    {
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("resource");
        QTest::newRow("ARM") << "https://management.azure.com"
                             << "https://management.azure.com/";
        QTest::newRow("ARM, path and case")
            << "https://Management.USGovCloudApi.net/subscriptions/x?api-version=1"
            << "https://management.usgovcloudapi.net/";
        QTest::newRow("Log Analytics") << "https://api.loganalytics.io/v1/workspaces/w/query"
                                       << "https://api.loganalytics.io/";
        QTest::newRow("metrics data plane") << "https://eastus.metrics.monitor.azure.com/"
                                            << "https://eastus.metrics.monitor.azure.com/";
    }
    void azureScopes()
    {
        QFETCH(QString, endpoint);
        QFETCH(QString, resource);
        QCOMPARE(azureResource(QUrl(endpoint)), resource);
        QCOMPARE(azureScope(QUrl(endpoint)), resource + QStringLiteral(".default"));
    }
};

QTEST_GUILESS_MAIN(tst_EntraTokenProvider)
#include "tst_entratokenprovider.moc"
