#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "net/retrypolicy.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QLocale>
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
    QList<HttpServerResponder> unanswered; // kept so the client waits for data
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

struct Outcome
{
    bool done = false;
    int calls = 0;
    HttpResponse response;
};

std::shared_ptr<Outcome> sendTo(HttpClient& client, const HttpRequest& req, QObject* context,
                                quint64* id = nullptr)
{
    auto out = std::make_shared<Outcome>();
    const quint64 sent = client.send(req, context, [out](const HttpResponse& r) {
        out->done = true;
        ++out->calls;
        out->response = r;
    });
    if (id)
        *id = sent;
    return out;
}

HttpRequest get(const QUrl& base, const QString& path = QStringLiteral("/x"))
{
    HttpRequest r;
    r.url = base.resolved(QUrl(path));
    return r;
}

quint16 deadPort()
{
    QTcpServer s;
    s.listen(QHostAddress::LocalHost);
    const quint16 port = s.serverPort();
    s.close();
    return port;
}

QByteArray httpDate(const QDateTime& t)
{
    return QLocale::c()
        .toString(t.toUTC(), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"))
        .toLatin1();
}

} // namespace

class tst_HttpClient : public QObject
{
    Q_OBJECT
private slots:
    void cleanup() { QNetworkProxy::setApplicationProxy(QNetworkProxy(QNetworkProxy::NoProxy)); }

    // --- the pure policy ---------------------------------------------------------------------

    void backoff_data()
    {
        QTest::addColumn<int>("retry");
        QTest::addColumn<double>("jitter");
        QTest::addColumn<qint64>("ms");
        QTest::newRow("first, no jitter") << 0 << 0.0 << qint64(500);
        QTest::newRow("first, full jitter") << 0 << 1.0 << qint64(375);
        QTest::newRow("second") << 1 << 0.0 << qint64(1000);
        QTest::newRow("capped at 8 s") << 6 << 0.0 << qint64(8000);
        QTest::newRow("capped, full jitter") << 10 << 1.0 << qint64(6000);
    }
    void backoff()
    {
        QFETCH(int, retry);
        QFETCH(double, jitter);
        QFETCH(qint64, ms);
        QCOMPARE(retry::backoffMs(retry, jitter), ms);
    }

    void serverDelay_data()
    {
        QTest::addColumn<QList<HttpHeader>>("headers");
        QTest::addColumn<qint64>("ms"); // -1 = no usable hint
        QTest::newRow("none") << QList<HttpHeader>{} << qint64(-1);
        QTest::newRow("retry-after-ms")
            << QList<HttpHeader>{{"retry-after-ms", "250"}} << qint64(250);
        QTest::newRow("fraction rounds up")
            << QList<HttpHeader>{{"retry-after-ms", "12.2"}} << qint64(13);
        QTest::newRow("x-ms-retry-after-ms")
            << QList<HttpHeader>{{"x-ms-retry-after-ms", "40"}} << qint64(40);
        QTest::newRow("ms wins over seconds")
            << QList<HttpHeader>{{"retry-after", "9"}, {"retry-after-ms", "30"}} << qint64(30);
        QTest::newRow("seconds") << QList<HttpHeader>{{"Retry-After", "2"}} << qint64(2000);
        QTest::newRow("http date")
            << QList<HttpHeader>{{"retry-after", "Tue, 01 Sep 2026 00:01:05 GMT"}} << qint64(5000);
        QTest::newRow("date in the past")
            << QList<HttpHeader>{{"retry-after", "Tue, 01 Sep 2026 00:00:00 GMT"}} << qint64(0);
        QTest::newRow("garbage") << QList<HttpHeader>{{"retry-after", "soon"}} << qint64(-1);
        QTest::newRow("negative") << QList<HttpHeader>{{"retry-after-ms", "-5"}} << qint64(-1);
    }
    void serverDelay()
    {
        QFETCH(QList<HttpHeader>, headers);
        QFETCH(qint64, ms);
        const qint64 now = 1788220860000; // 2026-09-01T00:01:00Z
        QCOMPARE(retry::serverRetryDelayMs(headers, now).value_or(-1), ms);
    }

    void providerMessage_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("message");
        QTest::newRow("ARM") << QByteArray(
                                    "{\"error\":{\"code\":\"X\",\"message\":\"Bad token.\"}}")
                             << "Bad token.";
        QTest::newRow("Monitor") << QByteArray("{\"code\":\"X\",\"message\":\"Nope.\"}") << "Nope.";
        QTest::newRow("error string") << QByteArray("{\"error\":\"denied\"}") << "denied";
        QTest::newRow("plain text") << QByteArray("Unauthorized\nmore") << "Unauthorized";
        QTest::newRow("html") << QByteArray("<html><body>502</body></html>") << "";
        QTest::newRow("broken json") << QByteArray("{\"error\":") << "";
        QTest::newRow("empty") << QByteArray() << "";
    }
    void providerMessage()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, message);
        QCOMPARE(retry::providerMessage(body), message);
    }

    // --- against a loopback server -----------------------------------------------------------

    void successLowerCasesHeaders()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(200, {{"X-Custom-Header", "v1"}, {"Content-Type", "text/plain"}}, "hello");
        });
        HttpClient client;
        HttpRequest req = get(server->serverUrl());
        req.headers.append(HttpHeader("Authorization", "Bearer t"));
        auto out = sendTo(client, req, this);
        QTRY_VERIFY(out->done);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.status, 200);
        QCOMPARE(out->response.body, QByteArray("hello"));
        QCOMPARE(out->response.attempts, 1);
        QCOMPARE(out->response.header("x-custom-header"), QByteArray("v1"));
        bool lower = false;
        for (const auto& h : out->response.headers)
            lower = lower || h.first == "x-custom-header";
        QVERIFY(lower);
        QCOMPARE(seen->requests.first().header("authorization"), QByteArray("Bearer t"));
        QCOMPARE(client.pending(), 0);
    }

    void retryHonoursServerDelay_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("askedMs");
        QTest::addColumn<int>("failures");
        QTest::newRow("retry-after-ms, twice")
            << QByteArray("retry-after-ms") << QByteArray("150") << 150 << 2;
        QTest::newRow("x-ms-retry-after-ms")
            << QByteArray("x-ms-retry-after-ms") << QByteArray("120") << 120 << 1;
        QTest::newRow("retry-after seconds")
            << QByteArray("retry-after") << QByteArray("1") << 1000 << 1;
    }
    void retryHonoursServerDelay()
    {
        QFETCH(QByteArray, header);
        QFETCH(QByteArray, value);
        QFETCH(int, askedMs);
        QFETCH(int, failures);
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [=](int i, const HttpServerRequest&, HttpServerResponder& r) {
                if (i < failures)
                    r.respondJson(429, "{\"error\":{\"code\":\"429\",\"message\":\"slow down\"}}",
                                  {{header, value}});
                else
                    r.respond(200, {}, "ok");
            });
        HttpClient client;
        auto out = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, failures + 1);
        QCOMPARE(seen->requests.size(), failures + 1);
        for (int i = 1; i < seen->arrivals.size(); ++i) {
            const qint64 gap = seen->arrivals.at(i) - seen->arrivals.at(i - 1);
            QVERIFY2(gap >= askedMs,
                     qPrintable(
                         QStringLiteral("retried after %1 ms, asked %2 ms").arg(gap).arg(askedMs)));
        }
    }

    void retryAfterHttpDate()
    {
        auto seen = std::make_shared<Seen>();
        auto askedUntil = std::make_shared<qint64>(0);
        auto server =
            makeServer(seen, [askedUntil](int i, const HttpServerRequest&, HttpServerResponder& r) {
                if (i == 0) {
                    // The next whole second at least 1 s away: dates have second resolution.
                    const qint64 until = (QDateTime::currentMSecsSinceEpoch() / 1000 + 2) * 1000;
                    *askedUntil = until;
                    r.respond(503, {{"Retry-After",
                                     httpDate(QDateTime::fromMSecsSinceEpoch(until, Qt::UTC))}});
                } else {
                    r.respond(200, {}, "ok");
                }
            });
        HttpClient client;
        HttpRequest req = get(server->serverUrl());
        req.maxRetries = 1;
        auto out = sendTo(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QVERIFY(out->response.ok());
        QCOMPARE(seen->requests.size(), 2);
        QVERIFY(QDateTime::currentMSecsSinceEpoch() >= *askedUntil);
    }

    void serviceUnavailableThenOk()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int i, const HttpServerRequest&, HttpServerResponder& r) {
            if (i == 0)
                r.respond(503, {}, "busy");
            else
                r.respond(200, {}, "ok");
        });
        HttpClient client;
        auto out = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 2);
        QCOMPARE(out->response.body, QByteArray("ok"));
        // SDK backoff without a server hint: 0.5 s minus up to 25 % jitter.
        QVERIFY(seen->arrivals.at(1) - seen->arrivals.at(0) >= 375);
    }

    void retriesExhausted()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respondJson(500, "{\"error\":{\"message\":\"internal\"}}",
                          {{"retry-after-ms", "10"}});
        });
        HttpClient client;
        auto out = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::HttpStatus);
        QCOMPARE(out->response.status, 500);
        QCOMPARE(out->response.attempts, 3);
        QCOMPARE(seen->requests.size(), 3);
        QVERIFY2(out->response.error.message.contains(QLatin1String("HTTP 500")),
                 qPrintable(out->response.error.message));
        QVERIFY(out->response.error.message.endsWith(QLatin1String(": internal")));
    }

    void neverRetried_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("shouldRetry");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("message");
        const auto auth = static_cast<int>(HttpError::Kind::Auth);
        const auto status = static_cast<int>(HttpError::Kind::HttpStatus);
        QTest::newRow("400") << 400 << QByteArray() << status << "HTTP 400";
        QTest::newRow("400 even if the server says retry")
            << 400 << QByteArray("true") << status << "HTTP 400";
        QTest::newRow("401") << 401 << QByteArray() << auth
                             << "authentication failed (401): The access token is invalid.";
        QTest::newRow("403") << 403 << QByteArray() << auth
                             << "authentication failed (403): The access token is invalid.";
        QTest::newRow("404") << 404 << QByteArray() << status << "HTTP 404";
        QTest::newRow("422") << 422 << QByteArray() << status << "HTTP 422";
        QTest::newRow("503 with x-should-retry: false")
            << 503 << QByteArray("false") << status << "HTTP 503";
    }
    void neverRetried()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, shouldRetry);
        QFETCH(int, kind);
        QFETCH(QString, message);
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [=](int, const HttpServerRequest&, HttpServerResponder& r) {
            QList<HttpServerHeader> headers{{"retry-after-ms", "10"}};
            if (!shouldRetry.isEmpty())
                headers.append({"x-should-retry", shouldRetry});
            r.respondJson(status,
                          "{\"error\":{\"code\":\"InvalidAuthenticationToken\",\"message\":"
                          "\"The access token is invalid.\"}}",
                          headers);
        });
        HttpClient client;
        auto out = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY(out->done);
        QCOMPARE(static_cast<int>(out->response.error.kind), kind);
        QCOMPARE(out->response.status, status);
        QVERIFY2(out->response.error.message.contains(message),
                 qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 1);
        QCOMPARE(seen->requests.size(), 1);
    }

    void shouldRetryTrueOverridesStatus()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int i, const HttpServerRequest&, HttpServerResponder& r) {
            if (i == 0)
                r.respond(418, {{"x-should-retry", "true"}, {"retry-after-ms", "10"}});
            else
                r.respond(200, {}, "ok");
        });
        HttpClient client;
        auto out = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY(out->done);
        QVERIFY(out->response.ok());
        QCOMPARE(seen->requests.size(), 2);
    }

    void throttledWhenAskedToWaitTooLong()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(429, {{"retry-after-ms", "120000"}});
        });
        HttpClient client;
        const qint64 before = QDateTime::currentSecsSinceEpoch();
        auto out = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Throttled);
        QCOMPARE(seen->requests.size(), 1);
        QVERIFY(out->response.error.retryAfterUtc >= before + 120);
        QVERIFY(out->response.error.retryAfterUtc <= QDateTime::currentSecsSinceEpoch() + 121);
        const QString expected =
            QStringLiteral("rate-limited until %1 UTC")
                .arg(QDateTime::fromSecsSinceEpoch(out->response.error.retryAfterUtc, Qt::UTC)
                         .toString(QStringLiteral("HH:mm:ss")));
        QCOMPARE(out->response.error.message, expected);
    }

    void throttledAfterRetries()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(429, {{"retry-after-ms", "20"}});
        });
        HttpClient client;
        auto out = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Throttled);
        QCOMPARE(out->response.attempts, 3);
        QCOMPARE(seen->requests.size(), 3);
        QVERIFY(out->response.error.message.startsWith(QLatin1String("rate-limited until ")));
    }

    void timeout()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [seen](int, const HttpServerRequest&,
                                              HttpServerResponder& r) { seen->unanswered << r; });
        HttpClient client;
        HttpRequest req = get(server->serverUrl());
        req.timeoutMs = 300;
        req.maxRetries = 0;
        auto out = sendTo(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 5000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Timeout);
        QVERIFY2(out->response.error.message.contains(
                     QLatin1String("timed out after 0.3 s without data")),
                 qPrintable(out->response.error.message));
        QVERIFY(!out->response.error.message.contains(QLatin1String("cancel")));
        // Qt's transfer timer is coarse (may fire up to 5 % early): only check it did wait.
        QVERIFY(out->response.elapsedMs >= 250);
    }

    void timeoutIsRetried()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [seen](int i, const HttpServerRequest&, HttpServerResponder& r) {
                if (i == 0)
                    seen->unanswered << r;
                else
                    r.respond(200, {}, "ok");
            });
        HttpClient client;
        HttpRequest req = get(server->serverUrl());
        req.timeoutMs = 200;
        auto out = sendTo(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 5000);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.attempts, 2);
    }

    void bodyCap_data()
    {
        QTest::addColumn<bool>("streamed");
        QTest::newRow("content-length") << false;
        QTest::newRow("chunked") << true;
    }
    void bodyCap()
    {
        QFETCH(bool, streamed);
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [streamed](int, const HttpServerRequest&, HttpServerResponder& r) {
                const QByteArray big(64 * 1024, 'x');
                if (!streamed) {
                    r.respond(200, {}, big);
                    return;
                }
                r.beginStream(200, {{"Content-Type", "application/json"}});
                r.writeChunk(big);
                r.writeChunk(big); // never ended: the client must stop on its own
            });
        HttpClient client;
        HttpRequest req = get(server->serverUrl());
        req.maxBodyBytes = 10000;
        auto out = sendTo(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 5000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::TooLarge);
        QVERIFY(out->response.body.isEmpty());
        QVERIFY2(out->response.error.message.contains(QLatin1String("larger than 9.77 KiB")),
                 qPrintable(out->response.error.message));
        QCOMPARE(seen->requests.size(), 1);
    }

    void crossOriginRedirectNotFollowed()
    {
        auto other = std::make_shared<Seen>();
        auto otherServer =
            makeServer(other, [](int, const HttpServerRequest&, HttpServerResponder& r) {
                r.respond(200, {}, "x");
            });
        const QByteArray target = otherServer->serverUrl().toString().toLatin1() + "/steal";
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [target](int, const HttpServerRequest&, HttpServerResponder& r) {
                r.respond(302, {{"Location", target}});
            });
        HttpClient client;
        HttpRequest req = get(server->serverUrl());
        req.headers.append(HttpHeader("Authorization", "Bearer secret"));
        auto out = sendTo(client, req, this);
        QTRY_VERIFY(out->done);
        QVERIFY(!out->response.ok());
        QCOMPARE(out->response.error.kind, HttpError::Kind::HttpStatus);
        QVERIFY2(out->response.error.message.contains(QLatin1String("another origin")),
                 qPrintable(out->response.error.message));
        QCOMPARE(seen->requests.size(), 1);
        QCOMPARE(other->requests.size(), 0);
    }

    void sameOriginRedirectFollowed()
    {
        auto seen = std::make_shared<Seen>();
        auto server =
            makeServer(seen, [](int, const HttpServerRequest& req, HttpServerResponder& r) {
                if (req.path() == QLatin1String("/old"))
                    r.respond(301, {{"Location", "/new"}});
                else
                    r.respond(200, {}, req.header("authorization"));
            });
        HttpClient client;
        HttpRequest req = get(server->serverUrl(), QStringLiteral("/old"));
        req.headers.append(HttpHeader("Authorization", "Bearer t"));
        auto out = sendTo(client, req, this);
        QTRY_VERIFY(out->done);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(seen->requests.size(), 2);
        QCOMPARE(seen->requests.last().path(), QStringLiteral("/new"));
    }

    void loopbackNeverProxied()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(200, {}, "direct");
        });
        QNetworkProxy::setApplicationProxy(
            QNetworkProxy(QNetworkProxy::HttpProxy, QStringLiteral("127.0.0.1"), deadPort()));
        HttpClient client;
        HttpRequest req = get(server->serverUrl());
        req.maxRetries = 0;
        auto out = sendTo(client, req, this);
        QTRY_VERIFY(out->done);
        QVERIFY2(out->response.ok(), qPrintable(out->response.error.message));
        QCOMPARE(out->response.body, QByteArray("direct"));
    }

    void connectionRefused()
    {
        HttpClient client;
        HttpRequest req;
        req.url = QUrl(QStringLiteral("http://127.0.0.1:%1/x").arg(deadPort()));
        req.maxRetries = 1;
        auto out = sendTo(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 5000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Network);
        QCOMPARE(out->response.attempts, 2);
        QCOMPARE(out->response.error.message,
                 QStringLiteral("could not reach %1:%2: connection refused")
                     .arg(req.url.host())
                     .arg(req.url.port()));
    }

    void cancelInFlight()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [seen](int, const HttpServerRequest&,
                                              HttpServerResponder& r) { seen->unanswered << r; });
        HttpClient client;
        quint64 id = 0;
        auto out = sendTo(client, get(server->serverUrl()), this, &id);
        QTRY_COMPARE(seen->requests.size(), 1);
        QCOMPARE(client.pending(), 1);
        client.cancel(id);
        QTRY_VERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Cancelled);
        QCOMPARE(out->calls, 1);
        QCOMPARE(client.pending(), 0);
        client.cancel(id); // unknown id: no-op
        QCOMPARE(out->calls, 1);
    }

    void cancelWhileWaitingToRetry()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(429, {{"retry-after-ms", "5000"}});
        });
        HttpClient client;
        quint64 id = 0;
        auto out = sendTo(client, get(server->serverUrl()), this, &id);
        QTRY_COMPARE(seen->requests.size(), 1);
        QTRY_COMPARE(client.pending(), 1);
        client.cancelAll();
        QVERIFY(out->done);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Cancelled);
        QCOMPARE(seen->requests.size(), 1);
    }

    void deadContextGetsNoCallback()
    {
        auto seen = std::make_shared<Seen>();
        auto server = makeServer(seen, [](int, const HttpServerRequest&, HttpServerResponder& r) {
            r.respondAfter(100, 200, {}, "late");
        });
        HttpClient client;
        auto context = std::make_unique<QObject>();
        auto out = sendTo(client, get(server->serverUrl()), context.get());
        QTRY_COMPARE(seen->requests.size(), 1);
        context.reset();
        QCOMPARE(client.pending(), 0);
        // The answer would have arrived by now; the callback must still not have run.
        auto probe = sendTo(client, get(server->serverUrl()), this);
        QTRY_VERIFY(probe->done);
        QVERIFY(!out->done);
    }
};

QTEST_GUILESS_MAIN(tst_HttpClient)
#include "tst_httpclient.moc"
