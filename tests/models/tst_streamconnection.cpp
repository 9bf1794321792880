#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "net/streamconnection.h"
#include "net/streamconnectionpool.h"

#include <QElapsedTimer>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;

namespace {

// What a test server saw: every request and when it arrived (ms since the server started).
struct Seen
{
    QElapsedTimer clock;
    QList<HttpServerRequest> requests;
    QVector<qint64> arrivals;
    QList<HttpServerResponder> held; // answered later, or never (stalls)
};

using Answer = std::function<void(int index, const HttpServerRequest&, HttpServerResponder&)>;

std::unique_ptr<LoopbackHttpServer> makeServer(const std::shared_ptr<Seen>& seen, Answer answer)
{
    auto server = std::make_unique<LoopbackHttpServer>();
    seen->clock.start();
    server->setHandler([seen, answer](const HttpServerRequest& req, HttpServerResponder& r) {
        seen->requests.append(req);
        seen->arrivals.append(seen->clock.elapsed());
        answer(static_cast<int>(seen->requests.size()) - 1, req, r);
    });
    if (!server->listen())
        qFatal("cannot listen on loopback: %s", qPrintable(server->errorString()));
    return server;
}

// What the callbacks of one stream saw.
struct Run
{
    int headerCalls = 0;
    int status = 0;
    QByteArray data;
    int dataCalls = 0;
    bool dataBeforeHeaders = false;
    int finishedCalls = 0;
    HttpResponse response;
};

HttpClient::StreamCallbacks callbacksFor(const std::shared_ptr<Run>& run)
{
    HttpClient::StreamCallbacks cb;
    cb.onHeaders = [run](int status, const QList<HttpHeader>&) {
        ++run->headerCalls;
        run->status = status;
    };
    cb.onData = [run](const QByteArray& chunk) {
        if (run->headerCalls == 0)
            run->dataBeforeHeaders = true;
        ++run->dataCalls;
        run->data += chunk;
    };
    cb.onFinished = [run](const HttpResponse& r) {
        ++run->finishedCalls;
        run->response = r;
    };
    return cb;
}

HttpRequest post(const QUrl& base, const QString& path = QStringLiteral("/v1/chat/completions"))
{
    HttpRequest r;
    r.url = base.resolved(QUrl(path));
    r.method = "POST";
    r.body = "{\"stream\":true}";
    r.headers = {{"Content-Type", "application/json"}, {"Authorization", "Bearer secret"}};
    return r;
}

const QByteArray kEvents =
    "data: {\"delta\":\"Hel\"}\n\ndata: {\"delta\":\"lo\"}\n\ndata: [DONE]\n\n";

quint16 deadPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

} // namespace

class tst_StreamConnection : public QObject
{
    Q_OBJECT
private slots:
    void cleanup()
    {
        QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy));
        qunsetenv("http_proxy");
    }

    void bodies_data()
    {
        QTest::addColumn<QString>("framing");
        QTest::addColumn<int>("idleAfter"); // connections kept for reuse
        QTest::newRow("chunked") << "chunked" << 1;
        QTest::newRow("content-length") << "length" << 1;
        QTest::newRow("close-delimited") << "close" << 0;
        QTest::newRow("http/1.0 close-delimited") << "http10" << 0;
    }
    void bodies()
    {
        QFETCH(QString, framing);
        QFETCH(int, idleAfter);
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [framing](int, const HttpServerRequest&, HttpServerResponder& r) {
                if (framing == QLatin1String("chunked")) {
                    r.beginStream(200, {{"Content-Type", "text/event-stream"}});
                    r.writeChunk(kEvents.left(10)); // split inside an event
                    r.writeChunk(kEvents.mid(10).chopped(1));
                    r.endStream();
                } else if (framing == QLatin1String("length")) {
                    r.respond(200, {{"Content-Type", "text/event-stream"}}, kEvents.chopped(1));
                } else {
                    const QByteArray version = framing == QLatin1String("http10") ? "1.0" : "1.1";
                    r.writeRaw("HTTP/" + version +
                                   " 200 OK\r\nContent-Type: text/event-stream\r\n\r\n" +
                                   kEvents.chopped(1),
                               true);
                }
            });
        StreamConnectionPool pool;
        auto run = std::make_shared<Run>();
        StreamConnection conn(&pool, post(server->serverUrl()), callbacksFor(run));
        conn.start();
        QCOMPARE(run->finishedCalls, 0); // never inside start()
        QTRY_COMPARE(run->finishedCalls, 1);
        QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
        QCOMPARE(run->response.status, 200);
        QCOMPARE(run->response.attempts, 1);
        QVERIFY(run->response.body.isEmpty()); // it went to onData
        QCOMPARE(run->headerCalls, 1);
        QVERIFY(!run->dataBeforeHeaders);
        QCOMPARE(run->data, kEvents.chopped(1));
        QCOMPARE(pool.busyCount(), 0);
        QCOMPARE(pool.idleCount(), idleAfter);
        // The request went out whole, framed by us.
        QCOMPARE(seen->requests.size(), 1);
        QCOMPARE(seen->requests[0].body, QByteArray("{\"stream\":true}"));
        QCOMPARE(seen->requests[0].header("host"),
                 "127.0.0.1:" + QByteArray::number(server->port()));
    }

    void chunkExtensionsAndTrailers()
    {
        QByteArray wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
        wire += "5;ext=1\r\nhello\r\n";
        wire += "1A\r\n" + QByteArray(26, 'x') + "\r\n";
        wire += "0\r\nX-Trailer: t\r\n\r\n";
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [wire](int, const HttpServerRequest&,
                                              HttpServerResponder& r) { r.writeRaw(wire, false); });
        StreamConnectionPool pool;
        auto run = std::make_shared<Run>();
        StreamConnection conn(&pool, post(server->serverUrl()), callbacksFor(run));
        conn.start();
        QTRY_COMPARE(run->finishedCalls, 1);
        QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
        QCOMPARE(run->data, "hello" + QByteArray(26, 'x'));
        QCOMPARE(pool.idleCount(), 1);
    }

    void tinyChunks()
    {
        // One-byte chunks: size lines, CRLFs and data land in reads split anywhere.
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.beginStream(200, {{"Content-Type", "text/event-stream"}});
            for (char c : kEvents)
                r.writeChunk(QByteArray(1, c));
            r.endStream();
        });
        StreamConnectionPool pool;
        auto run = std::make_shared<Run>();
        StreamConnection conn(&pool, post(server->serverUrl()), callbacksFor(run));
        conn.start();
        QTRY_COMPARE(run->finishedCalls, 1);
        QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
        QCOMPARE(run->data, kEvents);
        QCOMPARE(pool.idleCount(), 1);
    }

    void keepAliveReused()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.beginStream(200, {{"Content-Type", "text/event-stream"}});
            r.writeChunk(kEvents);
            r.endStream();
        });
        HttpClient client;
        for (int i = 0; i < 3; ++i) {
            auto run = std::make_shared<Run>();
            client.stream(post(server->serverUrl()), this, callbacksFor(run));
            QTRY_COMPARE(run->finishedCalls, 1);
            QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
            QCOMPARE(run->data, kEvents);
        }
        QCOMPARE(seen->requests.size(), 3);
        QCOMPARE(seen->requests[1].connectionId, seen->requests[0].connectionId);
        QCOMPARE(seen->requests[2].connectionId, seen->requests[0].connectionId);
        QCOMPARE(server->connectionsAccepted(), 1);
        QCOMPARE(client.streamPool()->created(), 1);
        QCOMPARE(client.pending(), 0);
    }

    void serverClosedIdleConnection()
    {
        // The server drops the kept connection between requests: the next one reconnects.
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(200, {{"Content-Type", "text/event-stream"}}, kEvents);
        });
        HttpClient client;
        auto first = std::make_shared<Run>();
        client.stream(post(server->serverUrl()), this, callbacksFor(first));
        QTRY_COMPARE(first->finishedCalls, 1);
        QCOMPARE(client.streamPool()->idleCount(), 1);
        // Dropped without our event loop running: the pool still believes it is connected.
        const quint16 port = server->port();
        server->close();
        QVERIFY(server->listen(QHostAddress::LocalHost, port));
        auto second = std::make_shared<Run>();
        client.stream(post(server->serverUrl()), this, callbacksFor(second));
        QTRY_COMPARE(second->finishedCalls, 1);
        QVERIFY2(second->response.ok(), qPrintable(second->response.error.message));
        QCOMPARE(second->data, kEvents);
        QCOMPARE(second->response.attempts, 1); // a stale keep-alive is not a failed attempt
        QCOMPARE(seen->requests.size(), 2);
        QCOMPARE(client.streamPool()->created(), 2);
    }

    void stallIsATimeout()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [seen](int, const HttpServerRequest&, HttpServerResponder& r) {
                r.beginStream(200, {{"Content-Type", "text/event-stream"}});
                r.writeChunk("data: {\"delta\":\"Hel\"}\n\n");
                seen->held << r; // then nothing
            });
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.timeoutMs = 300;
        req.maxRetries = 2; // a body byte went out: no retry whatever this says
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 5000);
        QCOMPARE(run->response.error.kind, HttpError::Kind::Timeout);
        QCOMPARE(
            run->response.error.message,
            QStringLiteral("127.0.0.1:%1 timed out after 0.3 s without data").arg(server->port()));
        QCOMPARE(run->data, QByteArray("data: {\"delta\":\"Hel\"}\n\n"));
        QCOMPARE(seen->requests.size(), 1);
        QCOMPARE(client.streamPool()->idleCount(), 0); // a timed-out connection is never reused
    }

    void stallBeforeAnyByteIsRetried()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [seen](int index, const HttpServerRequest&, HttpServerResponder& r) {
                if (index == 0) {
                    seen->held << r;
                    return;
                }
                r.respond(200, {{"Content-Type", "text/event-stream"}}, kEvents);
            });
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.timeoutMs = 200;
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 5000);
        QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
        QCOMPARE(run->response.attempts, 2);
        QCOMPARE(run->data, kEvents);
    }

    void stallAfterHeadersSpendsOneBudget()
    {
        // Headers, then nothing, on every attempt: the first-byte budget is the run's, not
        // each retry's (before, the inactivity timeout was spent once per attempt).
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [seen](int, const HttpServerRequest&, HttpServerResponder& r) {
                r.beginStream(200, {{"Content-Type", "text/event-stream"}});
                seen->held << r;
            });
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.timeoutMs = 250;
        req.firstByteTimeoutMs = 400;
        req.maxRetries = 2;
        auto run = std::make_shared<Run>();
        QElapsedTimer clock;
        clock.start();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 10000);
        const qint64 elapsed = clock.elapsed();
        QCOMPARE(run->response.error.kind, HttpError::Kind::Timeout);
        // The inactivity timeout fired at 0.25 s; a retry would have started past 0.4 s.
        QCOMPARE(run->response.attempts, 1);
        QCOMPARE(seen->requests.size(), 1);
        QVERIFY2(elapsed < 400 + 1500, qPrintable(QString::number(elapsed)));
        QCOMPARE(client.pending(), 0);
    }

    void firstByteBudgetEndsTheWait_data()
    {
        QTest::addColumn<bool>("headers"); // the server sent its headers before stalling
        QTest::addColumn<QString>("words");
        QTest::newRow("after headers")
            << true << "%1 answered HTTP 200 but sent no data within 0.3 s";
        QTest::newRow("before headers") << false << "%1 sent no answer within 0.3 s";
    }
    void firstByteBudgetEndsTheWait()
    {
        QFETCH(bool, headers);
        QFETCH(QString, words);
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(
            seen, [seen, headers](int, const HttpServerRequest&, HttpServerResponder& r) {
                if (headers)
                    r.beginStream(200, {{"Content-Type", "text/event-stream"}});
                seen->held << r;
            });
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.timeoutMs = 60000; // the inactivity timeout alone would wait a minute per attempt
        req.firstByteTimeoutMs = 300;
        req.maxRetries = 2;
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 5000);
        QCOMPARE(run->response.error.kind, HttpError::Kind::Timeout);
        QCOMPARE(run->response.error.message,
                 words.arg(QStringLiteral("127.0.0.1:%1").arg(server->port())));
        QCOMPARE(run->response.attempts, 1);
        QCOMPARE(run->data, QByteArray());
    }

    void retriesStayWithinTheBudget()
    {
        // No answer at all: each attempt times out after 0.15 s and is retried (backoff 0.375
        // to 0.5 s, then 0.75 to 1 s) only while the retry starts within the 1 s budget.
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [seen](int, const HttpServerRequest&,
                                              HttpServerResponder& r) { seen->held << r; });
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.timeoutMs = 150;
        req.firstByteTimeoutMs = 1000;
        req.maxRetries = 5;
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 15000);
        QCOMPARE(run->response.error.kind, HttpError::Kind::Timeout);
        QCOMPARE(run->response.attempts, 2);
        QCOMPARE(seen->requests.size(), 2);
    }

    void retryAfterPastTheBudgetIsNotAwaited()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [](int index, const HttpServerRequest&, HttpServerResponder& r) {
                if (index == 0) {
                    r.respondJson(429, "{\"error\":{\"message\":\"slow down\"}}",
                                  {{"retry-after-ms", "800"}});
                    return;
                }
                r.respond(200, {{"Content-Type", "text/event-stream"}}, kEvents);
            });
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.firstByteTimeoutMs = 500;
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 5000);
        QCOMPARE(run->response.status, 429);
        QCOMPARE(run->response.error.kind, HttpError::Kind::Throttled);
        QCOMPARE(run->response.attempts, 1);
        QCOMPARE(seen->requests.size(), 1);
    }

    void throttledThenRetried()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [](int index, const HttpServerRequest&, HttpServerResponder& r) {
                if (index == 0) {
                    r.respondJson(429, "{\"error\":{\"message\":\"slow down\"}}",
                                  {{"retry-after-ms", "250"}});
                    return;
                }
                r.beginStream(200, {{"Content-Type", "text/event-stream"}});
                r.writeChunk(kEvents);
                r.endStream();
            });
        HttpClient client;
        auto run = std::make_shared<Run>();
        client.stream(post(server->serverUrl()), this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 5000);
        QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
        QCOMPARE(run->response.attempts, 2);
        QCOMPARE(seen->requests.size(), 2);
        QVERIFY2(seen->arrivals[1] - seen->arrivals[0] >= 250,
                 qPrintable(QString::number(seen->arrivals[1] - seen->arrivals[0])));
        QCOMPARE(run->headerCalls, 1); // the 429 never reached onHeaders
        QCOMPARE(run->data, kEvents);
        // The 429 had a Content-Length body, read whole: the connection stayed usable.
        QCOMPARE(seen->requests[1].connectionId, seen->requests[0].connectionId);
    }

    void errorStatusInWords()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respondJson(404, "{\"error\":{\"message\":\"The model does not exist\"}}");
        });
        HttpClient client;
        auto run = std::make_shared<Run>();
        client.stream(post(server->serverUrl()), this, callbacksFor(run));
        QTRY_COMPARE(run->finishedCalls, 1);
        QCOMPARE(run->response.error.kind, HttpError::Kind::HttpStatus);
        QCOMPARE(run->response.status, 404);
        QCOMPARE(
            run->response.error.message,
            QStringLiteral("127.0.0.1:%1 answered HTTP 404 Not Found: The model does not exist")
                .arg(server->port()));
        QVERIFY(run->response.body.contains("does not exist"));
        QCOMPARE(run->headerCalls, 0);
        QVERIFY(run->data.isEmpty());
        QCOMPARE(seen->requests.size(), 1); // never retried
    }

    void crossOriginRedirectRefused()
    {
        auto other = std::make_shared<Seen>();
        auto otherServer =
            makeServer(other, [](int, const HttpServerRequest&, HttpServerResponder& r) {
                r.respond(200, {{"Content-Type", "text/event-stream"}}, kEvents);
            });
        const QByteArray target = otherServer->serverUrl().toString().toLatin1() + "/steal";
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [target](int, const HttpServerRequest&, HttpServerResponder& r) {
                r.respond(307, {{"Location", target}});
            });
        HttpClient client;
        auto run = std::make_shared<Run>();
        client.stream(post(server->serverUrl()), this, callbacksFor(run));
        QTRY_COMPARE(run->finishedCalls, 1);
        QCOMPARE(run->response.error.kind, HttpError::Kind::HttpStatus);
        QVERIFY2(run->response.error.message.contains(QLatin1String("another origin")),
                 qPrintable(run->response.error.message));
        QVERIFY(run->response.error.message.contains(otherServer->serverUrl().toString()));
        QCOMPARE(seen->requests.size(), 1);
        QCOMPARE(other->requests.size(), 0); // the credential never left its origin
        QCOMPARE(otherServer->connectionsAccepted(), 0);
    }

    void sameOriginRedirectFollowed()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [](int, const HttpServerRequest& req, HttpServerResponder& r) {
                if (req.path() == QLatin1String("/old"))
                    r.respond(307, {{"Location", "/new"}});
                else
                    r.respond(200, {{"Content-Type", "text/event-stream"}},
                              req.method + ' ' + req.header("authorization") + ' ' + req.body);
            });
        HttpClient client;
        auto run = std::make_shared<Run>();
        client.stream(post(server->serverUrl(), QStringLiteral("/old")), this, callbacksFor(run));
        QTRY_COMPARE(run->finishedCalls, 1);
        QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
        QCOMPARE(run->data, QByteArray("POST Bearer secret {\"stream\":true}"));
        QCOMPARE(seen->requests.size(), 2);
        QCOMPARE(seen->requests.last().path(), QStringLiteral("/new"));
    }

    void cancelLeavesNothingPending()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [seen](int, const HttpServerRequest&, HttpServerResponder& r) {
                r.beginStream(200, {{"Content-Type", "text/event-stream"}});
                r.writeChunk("data: {\"delta\":\"Hel\"}\n\n");
                seen->held << r; // more would follow
            });
        HttpClient client;
        auto run = std::make_shared<Run>();
        quint64 id = 0;
        HttpClient::StreamCallbacks cb = callbacksFor(run);
        const auto record = cb.onData;
        cb.onData = [&client, &id, record](const QByteArray& chunk) {
            record(chunk);
            client.cancel(id); // from inside the callback
        };
        id = client.stream(post(server->serverUrl()), this, std::move(cb));
        QTRY_COMPARE(run->finishedCalls, 1);
        QCOMPARE(run->response.error.kind, HttpError::Kind::Cancelled);
        QCOMPARE(run->dataCalls, 1);
        QCOMPARE(client.pending(), 0);
        QCOMPARE(client.streamPool()->busyCount(), 0);
        QCOMPARE(client.streamPool()->idleCount(), 0); // a cancelled stream is never reused
        QTRY_COMPARE(server->openConnections(), 0);
        QCOMPARE(run->dataCalls, 1);
        QCOMPARE(run->finishedCalls, 1);
    }

    void cancelDirectRunsNoCallback()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [seen](int, const HttpServerRequest&,
                                              HttpServerResponder& r) { seen->held << r; });
        StreamConnectionPool pool;
        auto run = std::make_shared<Run>();
        StreamConnection conn(&pool, post(server->serverUrl()), callbacksFor(run));
        conn.start();
        QTRY_COMPARE(seen->requests.size(), 1);
        conn.cancel();
        QVERIFY(conn.isDone());
        QCOMPARE(pool.busyCount(), 0);
        QTRY_COMPARE(server->openConnections(), 0);
        QCOMPARE(run->finishedCalls, 0);
    }

    void connectionRefusedRetriedThenInWords()
    {
        HttpClient client;
        HttpRequest req = post(QUrl(QStringLiteral("http://127.0.0.1:%1").arg(deadPort())));
        req.maxRetries = 1;
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 5000);
        QCOMPARE(run->response.error.kind, HttpError::Kind::Network);
        QCOMPARE(run->response.attempts, 2);
        QCOMPARE(
            run->response.error.message,
            QStringLiteral("could not reach 127.0.0.1:%1: connection refused").arg(req.url.port()));
    }

    void loopbackNeverProxied()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(200, {{"Content-Type", "text/event-stream"}}, kEvents);
        });
        const QString dead = QStringLiteral("127.0.0.1:%1").arg(deadPort());
        QNetworkProxy::setApplicationProxy(
            QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), deadPort()));
        qputenv("http_proxy", ("http://" + dead).toLatin1());
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.maxRetries = 0;
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE(run->finishedCalls, 1);
        QVERIFY2(run->response.ok(), qPrintable(run->response.error.message));
        QCOMPARE(run->data, kEvents);
    }

    void routeUsesHttpProxyForOtherHosts()
    {
        qputenv("http_proxy", "http://user:pw@proxy.corp.example:3128");
        const StreamRoute r = StreamRoute::forUrl(QUrl(QStringLiteral("http://api.example/x")));
        QVERIFY(r.absoluteForm);
        QCOMPARE(r.connectHost, QStringLiteral("proxy.corp.example"));
        QCOMPARE(r.connectPort, quint16(3128));
        QCOMPARE(r.proxyAuthorization, "Basic " + QByteArray("user:pw").toBase64());
        const StreamRoute local = StreamRoute::forUrl(QUrl(QStringLiteral("http://127.0.0.1:9/x")));
        QVERIFY(!local.absoluteForm);
        QCOMPARE(local.socketProxy.type(), QNetworkProxy::NoProxy);
        QVERIFY(local.key != r.key);
    }

    void bodyCap()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.beginStream(200, {{"Content-Type", "text/event-stream"}});
            r.writeChunk(QByteArray(8000, 'x'));
            r.writeChunk(QByteArray(8000, 'x')); // never ended: the client must stop on its own
        });
        HttpClient client;
        HttpRequest req = post(server->serverUrl());
        req.maxBodyBytes = 10000;
        auto run = std::make_shared<Run>();
        client.stream(req, this, callbacksFor(run));
        QTRY_COMPARE_WITH_TIMEOUT(run->finishedCalls, 1, 5000);
        QCOMPARE(run->response.error.kind, HttpError::Kind::TooLarge);
        QVERIFY2(run->response.error.message.contains(QLatin1String("larger than 9.77 KiB")),
                 qPrintable(run->response.error.message));
        QVERIFY(run->data.size() <= 10000);
    }
};

QTEST_GUILESS_MAIN(tst_StreamConnection)
#include "tst_streamconnection.moc"
