#include "fakekeychain.h"
#include "net/loopbackhttpserver.h"
#include "net/secretstore.h"
#include "sources/credentialprovider.h"

#include <QUrlQuery>
#include <QtTest/QtTest>

using namespace isc;
using test::FakeKeychain;

namespace {

// Plays login.microsoftonline.com for client-credentials connections.
struct Authority
{
    LoopbackHttpServer server;
    QList<HttpServerRequest> requests;

    Authority()
    {
        server.setHandler([this](const HttpServerRequest& req, HttpServerResponder& r) {
            requests.append(req);
            r.respondJson(200, "{\"access_token\":\"entra-token\",\"expires_in\":3599}");
        });
        if (!server.listen())
            qFatal("cannot listen");
    }
};

Connection entra(const QUrl& authority, const SecretRef& secret)
{
    Connection c;
    c.id = QStringLiteral("aoai");
    c.displayName = QStringLiteral("aoai");
    c.kind = QStringLiteral("azure-openai");
    c.managementEndpoint = QUrl(QStringLiteral("https://management.azure.com"));
    c.auth.method = QStringLiteral("client-credentials");
    c.auth.tenantId = QStringLiteral("tenant");
    c.auth.clientId = QStringLiteral("client");
    c.auth.authorityHost = authority;
    c.credential = secret;
    return c;
}

Connection anthropic()
{
    Connection c;
    c.id = QStringLiteral("anthropic-prod");
    c.kind = QStringLiteral("anthropic");
    c.displayName = QStringLiteral("Anthropic (prod)");
    c.endpoint = QUrl(QStringLiteral("https://api.anthropic.com/v1"));
    return c;
}

} // namespace

class tst_CredentialProvider : public QObject
{
    Q_OBJECT
private slots:
    void env()
    {
        Connection c = anthropic();
        c.credential = {SecretRef::Kind::Env, QStringLiteral("TST_CREDENTIAL_ENV")};
        qputenv("TST_CREDENTIAL_ENV", " sk-ant-admin ");
        QString error;
        QCOMPARE(credentialProvider(c)(&error), QStringLiteral("sk-ant-admin"));
        qunsetenv("TST_CREDENTIAL_ENV");
        QCOMPARE(credentialProvider(c)(&error), QString());
        QCOMPARE(error, QStringLiteral("environment variable TST_CREDENTIAL_ENV is not set"));
    }

    void none()
    {
        QString error;
        QCOMPARE(credentialProvider(anthropic())(&error), QString());
        QCOMPARE(error, QStringLiteral("no credential is configured for this connection"));
    }

    // The caller names the connection ("aoai: ..."): the words must not name it again.
    void errorsDoNotRepeatTheName()
    {
        Authority authority;
        qunsetenv("TST_ENTRA_UNSET");
        const Connection c = entra(authority.server.serverUrl(),
                                   {SecretRef::Kind::Env, QStringLiteral("TST_ENTRA_UNSET")});
        const Credential cred = connectionCredential(c);
        bool ready = false;
        cred.whenReady(this, 10000, [&] { ready = true; });
        QTRY_VERIFY(ready);
        QString error;
        QCOMPARE(cred.secret(&error), QString());
        QVERIFY2(error.contains(QLatin1String("TST_ENTRA_UNSET")), qPrintable(error));
        QVERIFY2(!error.startsWith(QLatin1String("aoai")), qPrintable(error));
        QCOMPARE(authority.requests.size(), 0);
    }

    // The first request waits for the keychain read instead of failing.
    void keychainKeyIsWaitedFor()
    {
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        fake->holdReads = true;
        fake->entries.insert(QStringLiteral("anthropic-prod/api"),
                             {KeychainBackend::Status::Ok, QStringLiteral("sk-ant-api03"), {}});
        SecretStore store(std::move(owned));
        Connection c = anthropic();
        c.inferenceCredential = {SecretRef::Kind::Keychain, QStringLiteral("anthropic-prod/api")};
        const Credential cred = inferenceCredential(c, &store);
        QString error;
        QCOMPARE(cred.secret(&error), QString());
        QVERIFY2(error.contains(QLatin1String("still being read")), qPrintable(error));
        bool ready = false;
        cred.whenReady(this, 30000, [&] { ready = true; });
        QCoreApplication::processEvents();
        QVERIFY(!ready);
        fake->answerReads();
        QTRY_VERIFY(ready);
        QCOMPARE(cred.secret(&error), QStringLiteral("sk-ant-api03"));
    }

    // Entra's client secret in the keychain: the token request waits for it and is sent.
    void entraWaitsForItsClientSecret()
    {
        Authority authority;
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        fake->holdReads = true;
        fake->entries.insert(QStringLiteral("aoai/secret"),
                             {KeychainBackend::Status::Ok, QStringLiteral("client-secret"), {}});
        SecretStore store(std::move(owned));
        const Connection c = entra(authority.server.serverUrl(),
                                   {SecretRef::Kind::Keychain, QStringLiteral("aoai/secret")});
        const Credential cred = connectionCredential(c, &store);
        bool ready = false;
        cred.whenReady(this, 30000, [&] { ready = true; });
        QTest::qWait(50); // let a wrong implementation fail early
        QVERIFY(!ready);
        QCOMPARE(authority.requests.size(), 0);
        fake->answerReads();
        QTRY_VERIFY(ready);
        QCOMPARE(authority.requests.size(), 1);
        QString error;
        QCOMPARE(cred.secret(&error), QStringLiteral("entra-token"));
    }

    void entraScopeFollowsTheCloud_data()
    {
        QTest::addColumn<QString>("management");
        QTest::addColumn<QString>("scope");
        QTest::newRow("public") << "https://management.azure.com"
                                << "https://management.azure.com/.default";
        QTest::newRow("US government") << "https://management.usgovcloudapi.net/"
                                       << "https://management.usgovcloudapi.net/.default";
        QTest::newRow("China") << "https://management.chinacloudapi.cn"
                               << "https://management.chinacloudapi.cn/.default";
    }
    void entraScopeFollowsTheCloud()
    {
        QFETCH(QString, management);
        QFETCH(QString, scope);
        Authority authority;
        qputenv("TST_ENTRA_SCOPE_SECRET", "secret");
        Connection c = entra(authority.server.serverUrl(),
                             {SecretRef::Kind::Env, QStringLiteral("TST_ENTRA_SCOPE_SECRET")});
        c.managementEndpoint = QUrl(management);
        const Credential cred = connectionCredential(c);
        QTRY_COMPARE(authority.requests.size(), 1);
        const QUrlQuery form(QString::fromLatin1(authority.requests.first().body));
        QCOMPARE(form.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded), scope);
        qunsetenv("TST_ENTRA_SCOPE_SECRET");
    }

    void logAnalyticsScope()
    {
        Authority authority;
        qputenv("TST_ENTRA_SCOPE_SECRET", "secret");
        const Connection c =
            entra(authority.server.serverUrl(),
                  {SecretRef::Kind::Env, QStringLiteral("TST_ENTRA_SCOPE_SECRET")});
        const Credential cred = connectionCredential(
            c, nullptr, QUrl(QStringLiteral("https://api.loganalytics.io/v1/workspaces/w/query")));
        QTRY_COMPARE(authority.requests.size(), 1);
        const QUrlQuery form(QString::fromLatin1(authority.requests.first().body));
        QCOMPARE(form.queryItemValue(QStringLiteral("scope"), QUrl::FullyDecoded),
                 QStringLiteral("https://api.loganalytics.io/.default"));
        qunsetenv("TST_ENTRA_SCOPE_SECRET");
    }

    void keychain()
    {
        SecretStore store(SecretStore::Backend::SessionOnly);
        Connection c = anthropic();
        c.credential = {SecretRef::Kind::Keychain, QStringLiteral("anthropic-prod/admin")};
        c.inferenceCredential = {SecretRef::Kind::Keychain, QStringLiteral("anthropic-prod/api")};
        const SecretProvider admin = credentialProvider(c, &store);
        const SecretProvider api = inferenceCredentialProvider(c, &store);
        QString error;
        QCOMPARE(admin(&error), QString());
        QVERIFY2(error.contains(QLatin1String("anthropic-prod/admin")), qPrintable(error));
        store.write(QStringLiteral("anthropic-prod/admin"), QStringLiteral("sk-ant-admin01"));
        store.write(QStringLiteral("anthropic-prod/api"), QStringLiteral("sk-ant-api03"));
        QCOMPARE(admin(&error), QStringLiteral("sk-ant-admin01"));
        QCOMPARE(api(&error), QStringLiteral("sk-ant-api03"));
    }

    void clientCredentials()
    {
        LoopbackHttpServer authority;
        int requests = 0;
        authority.setHandler([&requests](const HttpServerRequest&, HttpServerResponder& r) {
            ++requests;
            r.respondJson(200, "{\"access_token\":\"entra-token\",\"expires_in\":3599}");
        });
        QVERIFY(authority.listen());
        Connection c;
        c.id = QStringLiteral("azure");
        c.kind = QStringLiteral("azure-openai");
        c.managementEndpoint = QUrl(QStringLiteral("https://management.azure.com"));
        c.auth.method = QStringLiteral("client-credentials");
        c.auth.tenantId = QStringLiteral("tenant");
        c.auth.clientId = QStringLiteral("client");
        c.auth.authorityHost = authority.serverUrl();
        c.credential = {SecretRef::Kind::Env, QStringLiteral("TST_ENTRA_SECRET")};
        qputenv("TST_ENTRA_SECRET", "secret");
        const SecretProvider token = credentialProvider(c);
        // The sign-in starts when the provider is made; the call itself never blocks.
        QTRY_COMPARE(token(nullptr), QStringLiteral("entra-token"));
        QCOMPARE(token(nullptr), QStringLiteral("entra-token"));
        QCOMPARE(requests, 1); // cached in memory
        qunsetenv("TST_ENTRA_SECRET");
    }

    void hosts()
    {
        Connection c;
        c.managementEndpoint = QUrl(QStringLiteral("https://management.azure.com"));
        c.endpoint = QUrl(QStringLiteral("https://Contoso.openai.azure.com/"));
        QCOMPARE(credentialHosts(c), (QStringList{QStringLiteral("management.azure.com"),
                                                  QStringLiteral("contoso.openai.azure.com")}));
    }

    void keySentOnlyToItsOwnHosts_data()
    {
        QTest::addColumn<QString>("target");
        QTest::addColumn<bool>("handed");
        QTest::newRow("own host") << "https://api.anthropic.com/v1/messages" << true;
        QTest::newRow("own host, case") << "https://API.anthropic.com/v1/messages" << true;
        QTest::newRow("other host") << "https://api.openai.com/v1/chat/completions" << false;
        QTest::newRow("look-alike") << "https://api.anthropic.com.evil.example/v1" << false;
        QTest::newRow("no host") << "/v1/messages" << false;
    }
    void keySentOnlyToItsOwnHosts()
    {
        QFETCH(QString, target);
        QFETCH(bool, handed);
        const ScopedSecretProvider scoped =
            scopedToConnection(anthropic(), [](QString*) { return QStringLiteral("sk-ant"); });
        QString error;
        const QString key = scoped(QUrl(target), &error);
        QCOMPARE(key.isEmpty(), !handed);
        if (!handed)
            QVERIFY2(error.startsWith(QLatin1String("the key of Anthropic (prod) is only sent to "
                                                    "api.anthropic.com; refused for ")),
                     qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(tst_CredentialProvider)
#include "tst_credentialprovider.moc"
