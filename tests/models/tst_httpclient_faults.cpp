// HttpClient against every emulator fault mode (x-inferscope-fault), plus the proxy, connect
// timeout and credential-host rules. Timing checks are lower bounds only: never early.
#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "net/proxypolicy.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUuid>
#include <QtTest/QtTest>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace isc;
using emu::Emulator;

namespace {

struct Outcome
{
    bool done = false;
    HttpResponse response;
};

// A loopback server that records what reaches it and answers 200.
struct Recorder
{
    LoopbackHttpServer server;
    QList<HttpServerRequest> requests;

    Recorder()
    {
        server.setHandler([this](const HttpServerRequest& req, HttpServerResponder& r) {
            requests.append(req);
            r.respond(200, {{"Content-Type", "application/json"}}, "{\"proxied\":true}");
        });
        if (!server.listen())
            qFatal("cannot listen on loopback");
    }
};

// A forward proxy on loopback: records each request line ("GET http://host/path HTTP/1.1")
// and answers 200 itself. LoopbackHttpServer refuses absolute-form targets, hence raw TCP.
struct FakeProxy
{
    QTcpServer server;
    QList<QByteArray> requestLines;

    FakeProxy()
    {
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
            while (QTcpSocket* socket = server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    const QByteArray head = socket->peek(64 * 1024);
                    if (!head.contains("\r\n\r\n"))
                        return;
                    socket->readAll();
                    requestLines.append(head.left(head.indexOf("\r\n")));
                    socket->write("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                  "Content-Length: 16\r\nConnection: close\r\n\r\n"
                                  "{\"proxied\":true}");
                    socket->disconnectFromHost();
                });
            }
        });
        if (!server.listen(QHostAddress::LocalHost))
            qFatal("cannot listen on loopback");
    }
    QByteArray url() const { return "http://127.0.0.1:" + QByteArray::number(server.serverPort()); }
};

// Sets an environment variable for one scope.
class EnvGuard
{
public:
    EnvGuard(const char* name, const QByteArray& value)
        : m_name(name), m_had(qEnvironmentVariableIsSet(name)), m_old(qgetenv(name))
    {
        qputenv(name, value);
    }
    ~EnvGuard()
    {
        if (m_had)
            qputenv(m_name, m_old);
        else
            qunsetenv(m_name);
    }
    EnvGuard(const EnvGuard&) = delete;
    EnvGuard& operator=(const EnvGuard&) = delete;

private:
    const char* m_name;
    bool m_had;
    QByteArray m_old;
};

} // namespace

class tst_HttpClientFaults : public QObject
{
    Q_OBJECT

    std::unique_ptr<Emulator> m_emu;

    // A request the emulator answers 200 when no fault applies (the demo account).
    HttpRequest accountRequest(const QByteArray& fault, const QByteArray& id = {})
    {
        HttpRequest req;
        req.url = QUrl(m_emu->baseUrl().toString() + Emulator::accountResourceId() +
                       QStringLiteral("?api-version=2024-10-01"));
        req.headers.append(HttpHeader("Authorization", "Bearer " + Emulator::demoToken().toUtf8()));
        if (!fault.isEmpty())
            req.headers.append(HttpHeader("x-inferscope-fault", fault));
        req.headers.append(HttpHeader("x-inferscope-fault-id",
                                      id.isEmpty() ? QUuid::createUuid().toByteArray() : id));
        return req;
    }

    std::shared_ptr<Outcome> send(HttpClient& client, const HttpRequest& req)
    {
        auto out = std::make_shared<Outcome>();
        client.send(req, this, [out](const HttpResponse& r) {
            out->done = true;
            out->response = r;
        });
        return out;
    }

private slots:
    void initTestCase()
    {
        m_emu = std::make_unique<Emulator>(7);
        QString error;
        QVERIFY2(m_emu->listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
    }
    void cleanupTestCase() { m_emu.reset(); }

    void baseline()
    {
        HttpClient client;
        auto out = send(client, accountRequest({}));
        QTRY_VERIFY(out->done);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 1);
    }

    // --- retries --------------------------------------------------------------------------

    void retryAfterHeaders_data()
    {
        QTest::addColumn<QByteArray>("fault");
        QTest::addColumn<int>("failures");
        QTest::addColumn<int>("askedMs"); // per retry
        QTest::newRow("retry-after-ms")
            << QByteArray("429;header=retry-after-ms;ms=300;times=2") << 2 << 300;
        QTest::newRow("x-ms-retry-after-ms")
            << QByteArray("429;header=x-ms-retry-after-ms;ms=250;times=1") << 1 << 250;
        QTest::newRow("retry-after seconds")
            << QByteArray("429;header=retry-after;ms=1000;times=1") << 1 << 1000;
        QTest::newRow("503 with retry-after-ms")
            << QByteArray("503;header=retry-after-ms;ms=200;times=1") << 1 << 200;
    }
    void retryAfterHeaders()
    {
        QFETCH(QByteArray, fault);
        QFETCH(int, failures);
        QFETCH(int, askedMs);
        HttpClient client;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, accountRequest(fault));
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 15000);
        const qint64 elapsed = clock.elapsed();
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, failures + 1);
        QVERIFY2(elapsed >= qint64(failures) * askedMs,
                 qPrintable(QStringLiteral("done after %1 ms, asked %2 x %3 ms")
                                .arg(elapsed)
                                .arg(failures)
                                .arg(askedMs)));
    }

    void retryAfterHttpDate()
    {
        HttpClient client;
        HttpRequest req = accountRequest("429;header=retry-after-date;ms=1000;times=1");
        auto out = send(client, req);
        const qint64 sentAt = QDateTime::currentMSecsSinceEpoch();
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 15000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 2);
        // The date is a whole second at least 1 s after the 429: never retried before it.
        QVERIFY(QDateTime::currentMSecsSinceEpoch() >= (sentAt + 1000) / 1000 * 1000);
    }

    void serverErrorsRetriedWithBackoff_data()
    {
        QTest::addColumn<QByteArray>("mode");
        QTest::newRow("500") << QByteArray("500");
        QTest::newRow("502") << QByteArray("502");
        QTest::newRow("503") << QByteArray("503");
        QTest::newRow("529 Anthropic overloaded") << QByteArray("529");
    }
    void serverErrorsRetriedWithBackoff()
    {
        QFETCH(QByteArray, mode);
        HttpClient client;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, accountRequest(mode + ";times=1"));
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 15000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 2);
        QVERIFY(clock.elapsed() >= 375); // 0.5 s minus at most 25 % jitter
    }

    void serverErrorsExhaustRetries()
    {
        HttpClient client;
        auto out = send(client, accountRequest("529;header=retry-after-ms;ms=10"));
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 15000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::HttpStatus);
        QCOMPARE(out->response.status, 529);
        QCOMPARE(out->response.attempts, 3); // 1 + at most 2 retries
        QVERIFY2(out->response.error.message.contains(QLatin1String("Overloaded")),
                 qPrintable(out->response.error.message));
    }

    void spendLimitNotRetried()
    {
        HttpClient client;
        auto out = send(client, accountRequest("spend-limit"));
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.attempts, 1);
        QCOMPARE(out->response.status, 429);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Throttled);
        QVERIFY2(out->response.error.message.contains(QLatin1String("spend limit")),
                 qPrintable(out->response.error.message));
    }

    void throttledAboveTheCap()
    {
        HttpClient client;
        HttpRequest req = accountRequest("429;header=retry-after;ms=90000");
        req.maxRetryAfterMs = 60000;
        auto out = send(client, req);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.attempts, 1);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Throttled);
        QVERIFY(out->response.error.message.startsWith(QLatin1String("rate-limited until ")));
        QVERIFY(out->response.error.retryAfterUtc >= QDateTime::currentSecsSinceEpoch() + 80);
    }

    // --- broken bodies --------------------------------------------------------------------

    void truncatedBodyIsANetworkError()
    {
        HttpClient client;
        HttpRequest req = accountRequest("truncate");
        req.maxRetries = 0;
        auto out = send(client, req);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Network);
        QVERIFY2(out->response.error.message.contains(QLatin1String("closed the connection")),
                 qPrintable(out->response.error.message));
    }

    void truncatedBodyIsRetried()
    {
        HttpClient client;
        auto out = send(client, accountRequest("truncate;times=1"));
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 15000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 2);
    }

    void malformedJsonBecomesAParseError()
    {
        HttpClient client;
        HttpRequest req = accountRequest("malformed");
        auto out = send(client, req);
        QTRY_VERIFY(out->done);
        QVERIFY(out->response.ok()); // transport fine; the reader finds the problem
        QJsonParseError pe{};
        QJsonDocument::fromJson(out->response.body, &pe);
        QVERIFY(pe.error != QJsonParseError::NoError);
        const HttpError e = parseError(req.url, pe.errorString());
        QCOMPARE(e.kind, HttpError::Kind::Parse);
        QVERIFY2(describe(e).startsWith(QStringLiteral("the answer from 127.0.0.1:%1 could not "
                                                       "be read: ")
                                            .arg(req.url.port())),
                 qPrintable(describe(e)));
    }

    void wrongContentTypeIsAParseError()
    {
        HttpClient client;
        HttpRequest req = accountRequest("content-type");
        req.expectContentType = "application/json";
        auto out = send(client, req);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.status, 200);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Parse);
        QVERIFY2(out->response.error.message.contains(
                     QLatin1String("expected application/json but got text/html")),
                 qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 1);
    }

    void slowDripIsNotATimeout()
    {
        HttpClient client;
        HttpRequest req = accountRequest("drip;ms=80;chunks=8");
        req.timeoutMs = 1000; // longer than a gap, shorter than the whole body
        req.maxRetries = 0;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, req);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QVERIFY(QJsonDocument::fromJson(out->response.body).isObject());
        QVERIFY(clock.elapsed() >= 7 * 80);
    }

    void dripSlowerThanTheTimeout()
    {
        HttpClient client;
        HttpRequest req = accountRequest("drip;ms=3000;chunks=3");
        req.timeoutMs = 300;
        req.maxRetries = 0;
        auto out = send(client, req);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Timeout);
    }

    void stallIsATimeoutNotACancel()
    {
        HttpClient client;
        HttpRequest req = accountRequest("stall");
        req.timeoutMs = 300;
        req.maxRetries = 0;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, req);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Timeout);
        QVERIFY(out->response.error.message.contains(QLatin1String("timed out")));
        QVERIFY(!out->response.error.message.contains(QLatin1String("cancel")));
        QCOMPARE(kindLabel(out->response.error.kind), QStringLiteral("timeout"));
        QVERIFY(clock.elapsed() >= 250); // Qt's transfer timer may fire up to 5 % early
    }

    // --- redirects ------------------------------------------------------------------------

    void crossOriginRedirectKeepsCredentials()
    {
        Recorder other;
        HttpClient client;
        HttpRequest req = accountRequest("redirect-cross-origin;to=" +
                                         other.server.serverUrl().toString().toLatin1());
        req.headers.append(HttpHeader("api-key", "azure-key"));
        req.headers.append(HttpHeader("x-api-key", "anthropic-key"));
        auto out = send(client, req);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::HttpStatus);
        QVERIFY2(out->response.error.message.contains(QLatin1String("another origin")),
                 qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 1);
        // Let anything Qt might still send arrive, then check the other origin saw no key.
        auto probe = send(client, accountRequest({}));
        QTRY_VERIFY(probe->done);
        for (const HttpServerRequest& seen : other.requests) {
            QVERIFY(!seen.hasHeader("authorization"));
            QVERIFY(!seen.hasHeader("api-key"));
            QVERIFY(!seen.hasHeader("x-api-key"));
        }
        QCOMPARE(other.requests.size(), 0);
    }

    void crossOriginRedirectToOtherLoopbackName()
    {
        HttpClient client;
        const int before = m_emu->requestCount();
        auto out = send(client, accountRequest("redirect-cross-origin"));
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::HttpStatus);
        QVERIFY2(out->response.error.message.contains(
                     QLatin1String("another origin (http://localhost:")),
                 qPrintable(out->response.error.message));
        QCOMPARE(m_emu->requestCount(), before + 1); // localhost:<same port> was never asked
    }

    void sameOriginRedirectFollowed()
    {
        HttpClient client;
        const int before = m_emu->requestCount();
        auto out = send(client, accountRequest("redirect-same-origin"));
        QTRY_VERIFY(out->done);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(m_emu->requestCount(), before + 2); // and the token went along: 200, not 401
    }

    // --- credentials stay with their connection --------------------------------------------

    void credentialRefusedForAnotherHost()
    {
        Recorder target;
        HttpClient client;
        HttpRequest req;
        req.url = target.server.serverUrl();
        req.headers.append(HttpHeader("x-api-key", "secret"));
        req.credentialHosts = {QStringLiteral("api.anthropic.com")};
        auto out = send(client, req);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Auth);
        QVERIFY2(out->response.error.message.contains(QLatin1String("only sent to "
                                                                    "api.anthropic.com")),
                 qPrintable(out->response.error.message));
        QCOMPARE(target.requests.size(), 0);
        QCOMPARE(client.pending(), 0);
    }

    void credentialAllowedForItsHost()
    {
        Recorder target;
        HttpClient client;
        HttpRequest req;
        req.url = target.server.serverUrl();
        req.headers.append(HttpHeader("x-api-key", "secret"));
        req.credentialHosts = {QStringLiteral("127.0.0.1")};
        auto out = send(client, req);
        QTRY_VERIFY(out->done);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(target.requests.size(), 1);
        QCOMPARE(target.requests.first().header("x-api-key"), QByteArray("secret"));
    }

    // --- proxies --------------------------------------------------------------------------

    void loopbackNeverProxiedEvenWithEnvProxy()
    {
        FakeProxy proxy;
        const QByteArray proxyUrl = proxy.url();
        EnvGuard http("http_proxy", proxyUrl);
        EnvGuard all("all_proxy", proxyUrl);
        EnvGuard none("no_proxy", "");
        HttpClient client;
        auto out = send(client, accountRequest({}));
        QTRY_VERIFY(out->done);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QVERIFY(!out->response.body.contains("proxied"));
        HttpRequest local = accountRequest({});
        local.url.setHost(QStringLiteral("localhost"));
        auto viaName = send(client, local);
        QTRY_VERIFY_WITH_TIMEOUT(viaName->done, 10000);
        QVERIFY(!viaName->response.body.contains("proxied"));
        QCOMPARE(proxy.requestLines.size(), 0); // the loopback "proxy" received nothing
    }

    void envProxyUsedForOtherHosts()
    {
        FakeProxy proxy;
        EnvGuard http("http_proxy", proxy.url());
        EnvGuard none("no_proxy", "");
        HttpClient client;
        HttpRequest req;
        req.url = QUrl(QStringLiteral("http://metrics.inferscope.invalid/v1/x"));
        req.maxRetries = 0;
        auto out = send(client, req);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.body, QByteArray("{\"proxied\":true}"));
        QCOMPARE(proxy.requestLines,
                 QList<QByteArray>{"GET http://metrics.inferscope.invalid/v1/x HTTP/1.1"});
    }

    void noProxyHonoured()
    {
        FakeProxy proxy;
        EnvGuard http("http_proxy", proxy.url());
        EnvGuard none("no_proxy", ".inferscope.invalid");
        HttpClient client;
        HttpRequest req;
        req.url = QUrl(QStringLiteral("http://metrics.inferscope.invalid/v1/x"));
        req.maxRetries = 0;
        auto out = send(client, req);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 15000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Network); // went direct: no such host
        QCOMPARE(proxy.requestLines.size(), 0);
    }

    // --- connect timeout ------------------------------------------------------------------

    void connectTimeoutIsShorterThanInactivity()
    {
        // A listening socket whose accept queue is full: the kernel drops further SYNs, so a
        // connect hangs. Fill the queue first with plain sockets.
        const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
        QVERIFY(listener >= 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = 0;
        QCOMPARE(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        QCOMPARE(::listen(listener, 0), 0);
        socklen_t len = sizeof addr;
        ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
        const quint16 port = ntohs(addr.sin_port);
        std::vector<int> fillers;
        for (int i = 0; i < 16; ++i) {
            const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
            fillers.push_back(fd);
            ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
            pollfd pfd{fd, POLLOUT, 0};
            if (::poll(&pfd, 1, 300) == 0)
                break; // this one hangs: the queue is full
        }
        HttpClient client;
        HttpRequest req;
        req.url = QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(port));
        req.connectTimeoutMs = 400;
        req.timeoutMs = 20000;
        req.maxRetries = 0;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, req);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 15000);
        const qint64 elapsed = clock.elapsed();
        ::close(listener);
        for (int fd : fillers)
            ::close(fd);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Timeout);
        QVERIFY2(out->response.error.message.contains(QLatin1String("could not connect")),
                 qPrintable(out->response.error.message));
        QVERIFY(elapsed >= 380);
        QVERIFY(elapsed < 15000);
    }
};

QTEST_GUILESS_MAIN(tst_HttpClientFaults)
#include "tst_httpclient_faults.moc"
