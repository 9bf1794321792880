#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "sources/connectiontester.h"

#include <QDateTime>
#include <QSignalSpy>
#include <QSslSocket>
#include <QTcpServer>
#include <QTcpSocket>
#include <QtTest/QtTest>
#include <memory>
#include <optional>

using namespace isc;

namespace {

constexpr qint64 kNow = 1788220800 + 12 * 3600 + 30; // 2026-09-01 12:00:30 UTC

quint16 deadPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

SecretProvider fixed(const QString& value)
{
    return [value](QString* error) {
        if (value.isEmpty() && error)
            *error = QStringLiteral("environment variable INFERSCOPE_TEST_KEY is not set");
        return value;
    };
}

} // namespace

class tst_ConnectionTester : public QObject
{
    Q_OBJECT
private:
    std::unique_ptr<emu::Emulator> m_emu;

    Connection azure(const QUrl& base, const QString& resourceId) const
    {
        Connection c;
        c.id = QStringLiteral("a");
        c.kind = QStringLiteral("azure-openai");
        c.displayName = QStringLiteral("Azure");
        c.managementEndpoint = base;
        c.resourceId = resourceId;
        c.credential.kind = SecretRef::Kind::Demo;
        return c;
    }

    ConnectionTestResult run(const Connection& c, SecretProvider secret)
    {
        HttpClient http;
        ConnectionTester tester(&http);
        tester.setClock([] { return kNow; });
        std::optional<ConnectionTestResult> result;
        tester.test(c, std::move(secret), [&](const ConnectionTestResult& r) { result = r; });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000); }();
        return result.value_or(ConnectionTestResult{});
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_emu = std::make_unique<emu::Emulator>(7);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_emu->setClock([] { return kNow; });
    }

    void outcomes_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("key");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("summaryStart");

        QTest::newRow("good token")
            << "ok" << emu::Emulator::demoToken() << true << 200 << "Connected in";
        QTest::newRow("wrong token")
            << "ok"
            << "not-the-token" << false << 401 << "Authentication failed (HTTP 401)";
        QTest::newRow("no key") << "ok"
                                << "" << false << 0 << "No credential: environment";
        QTest::newRow("unknown resource") << "unknown" << emu::Emulator::demoToken() << false << 404
                                          << "Unknown resource (HTTP 404)";
        QTest::newRow("dead port")
            << "dead" << emu::Emulator::demoToken() << false << 0 << "Cannot reach 127.0.0.1";
    }

    void outcomes()
    {
        QFETCH(QString, what);
        QFETCH(QString, key);
        QFETCH(bool, ok);
        QFETCH(int, status);
        QFETCH(QString, summaryStart);

        QUrl base = m_emu->baseUrl();
        QString rid = emu::Emulator::accountResourceId();
        if (what == QLatin1String("unknown"))
            rid.replace(QLatin1String("contoso-aoai"), QLatin1String("nobody"));
        if (what == QLatin1String("dead"))
            base.setPort(deadPort());
        const ConnectionTestResult r = run(azure(base, rid), fixed(key));
        QVERIFY2(r.summary.startsWith(summaryStart), qPrintable(r.summary));
        QCOMPARE(r.ok, ok);
        QCOMPARE(r.httpStatus, status);
        if (status > 0)
            QVERIFY(r.latencyMs >= 0);
    }

    // A key still being read from the keychain is waited for before the test request leaves
    // (the first "Test connection" after a start used to say "No credential").
    void waitsForAKeyStillBeingRead()
    {
        auto read = std::make_shared<bool>(false);
        Credential credential;
        credential.secret = [read](QString* error) {
            if (*read)
                return emu::Emulator::demoToken();
            *error = QStringLiteral("the key is still being read from the keychain");
            return QString();
        };
        int waits = 0;
        credential.whenReady = [&, read](QObject* context, int timeoutMs,
                                         std::function<void()> ready) {
            ++waits;
            QVERIFY(timeoutMs > 0);
            QTimer::singleShot(0, context, [read, ready] {
                *read = true;
                ready();
            });
        };
        HttpClient http;
        ConnectionTester tester(&http);
        tester.setClock([] { return kNow; });
        std::optional<ConnectionTestResult> result;
        tester.test(azure(m_emu->baseUrl(), emu::Emulator::accountResourceId()), credential,
                    [&](const ConnectionTestResult& r) { result = r; });
        QTRY_VERIFY_WITH_TIMEOUT(result.has_value(), 20000);
        QVERIFY2(result->ok, qPrintable(result->summary));
        QCOMPARE(waits, 1);
    }

    // A 429 names the moment the server allows the next request, whichever header says it.
    void rateLimitedUntil_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("waitSeconds");
        QTest::newRow("retry-after-ms")
            << QByteArray("retry-after-ms") << QByteArray("30000") << 30;
        QTest::newRow("x-ms-retry-after-ms")
            << QByteArray("x-ms-retry-after-ms") << QByteArray("45000") << 45;
        QTest::newRow("retry-after seconds") << QByteArray("retry-after") << QByteArray("20") << 20;
        QTest::newRow("retry-after above the cap")
            << QByteArray("retry-after") << QByteArray("600") << 600;
    }
    void rateLimitedUntil()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QFETCH(int, waitSeconds);
        LoopbackHttpServer server;
        int requests = 0;
        server.setHandler([&](const HttpServerRequest&, HttpServerResponder& r) {
            ++requests;
            r.respondJson(429,
                          "{\"error\":{\"message\":\"Rate limit reached\","
                          "\"type\":\"rate_limit_exceeded\"}}",
                          {{header, value}});
        });
        QVERIFY(server.listen());
        Connection c;
        c.id = QStringLiteral("o");
        c.kind = QStringLiteral("openai");
        c.endpoint = server.serverUrl().resolved(QUrl(QStringLiteral("/v1")));
        c.credential.kind = SecretRef::Kind::Env;
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        const ConnectionTestResult r = run(c, fixed(QStringLiteral("sk-admin-x")));
        const qint64 after = QDateTime::currentSecsSinceEpoch();
        QVERIFY(!r.ok);
        QCOMPARE(r.httpStatus, 429);
        QCOMPARE(requests, 1); // a test reports now; it does not wait and retry
        QVERIFY2(r.summary.contains(QLatin1String("rate-limited until"), Qt::CaseInsensitive),
                 qPrintable(r.summary));
        // T is when the server said, not now: one of the seconds the answer could have named.
        bool named = false;
        for (qint64 t = before + waitSeconds; t <= after + waitSeconds + 1; ++t) {
            const QString hms =
                QDateTime::fromSecsSinceEpoch(t, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
            named = named || r.summary.contains(hms);
        }
        QVERIFY2(named, qPrintable(r.summary));
        QVERIFY(r.latencyMs >= 0);
    }

    // https:// to a port that speaks plain HTTP: the handshake fails, and the words say TLS.
    void tlsFailureInWords()
    {
        if (!QSslSocket::supportsSsl())
            QSKIP("this Qt has no TLS backend");
        QTcpServer plain;
        QVERIFY(plain.listen(QHostAddress::LocalHost));
        int connections = 0;
        connect(&plain, &QTcpServer::newConnection, this, [&] {
            while (QTcpSocket* s = plain.nextPendingConnection()) {
                ++connections;
                // Answers the ClientHello as an HTTP server would, and keeps the line open.
                connect(s, &QTcpSocket::readyRead, s, [s] {
                    s->readAll();
                    s->write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n");
                });
            }
        });
        Connection c;
        c.id = QStringLiteral("p");
        c.kind = QStringLiteral("prometheus");
        c.endpoint = QUrl(QStringLiteral("https://127.0.0.1:%1/metrics").arg(plain.serverPort()));
        const ConnectionTestResult r = run(c, SecretProvider());
        QVERIFY(connections > 0);
        QVERIFY(!r.ok);
        QCOMPARE(r.httpStatus, 0);
        QCOMPARE(r.latencyMs, qint64(-1));
        QVERIFY2(r.summary.startsWith(QLatin1String("TLS error")), qPrintable(r.summary));
        QVERIFY2(r.summary.contains(QLatin1String("secure connection to 127.0.0.1")),
                 qPrintable(r.summary));
    }

    void urls_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("endpoint");
        QTest::addColumn<QString>("expected");
        QTest::newRow("openai") << "openai"
                                << "https://api.openai.com/v1/"
                                << "https://api.openai.com/v1/organization/usage/completions?"
                                   "start_time=1788260400&bucket_width=1h&limit=1";
        QTest::newRow("anthropic")
            << "anthropic"
            << "https://api.anthropic.com/v1"
            << "https://api.anthropic.com/v1/organizations/usage_report/messages?"
               "starting_at=2026-09-01T11:00:00Z&bucket_width=1h&limit=1";
        QTest::newRow("ollama") << "ollama"
                                << "http://localhost:11434"
                                << "http://localhost:11434/api/version";
        QTest::newRow("prometheus") << "prometheus"
                                    << "http://gpu1:8000/metrics"
                                    << "http://gpu1:8000/metrics";
        QTest::newRow("local chat") << "openai-compatible"
                                    << "http://localhost:8080/v1"
                                    << "http://localhost:8080/v1/models";
    }

    void urls()
    {
        QFETCH(QString, kind);
        QFETCH(QString, endpoint);
        QFETCH(QString, expected);
        Connection c;
        c.kind = kind;
        c.endpoint = QUrl(endpoint);
        QCOMPARE(ConnectionTester::testUrl(c, kNow).toString(QUrl::FullyEncoded),
                 QUrl(expected).toString(QUrl::FullyEncoded));
    }
};

QTEST_GUILESS_MAIN(tst_ConnectionTester)
#include "tst_connectiontester.moc"
