// HttpClient remembers a server's Retry-After beyond the request it answered: no request to a
// throttled origin (and credential) before its time, across polls and backfill chunks.
#include "httpoutcome.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "net/throttlegate.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;
using isc::test::Outcome;
using isc::test::send;

namespace {

// Answers the first `throttled` requests 429 with `headers`, then 200.
struct Server
{
    LoopbackHttpServer server;
    int hits = 0;

    Server(int throttled, QList<HttpServerHeader> headers)
    {
        server.setHandler(
            [this, throttled, headers](const HttpServerRequest&, HttpServerResponder& r) {
                ++hits;
                if (hits <= throttled)
                    r.respond(429, headers, "{\"error\":{\"message\":\"slow down\"}}");
                else
                    r.respond(200, {{"Content-Type", "text/plain"}}, "ok");
            });
        if (!server.listen())
            qFatal("cannot listen on loopback");
    }
    HttpRequest request(const QByteArray& key = "Bearer one") const
    {
        HttpRequest req;
        req.url = QUrl(server.serverUrl().toString() + QStringLiteral("/v1/usage"));
        req.headers.append(HttpHeader("Authorization", key));
        return req;
    }
};

} // namespace

class tst_HttpClientThrottle : public QObject
{
    Q_OBJECT

private slots:
    void scopeSeparatesCredentialsButNeverShowsThem()
    {
        HttpRequest a;
        a.url = QUrl(QStringLiteral("https://api.example.com/v1/a"));
        a.headers.append(HttpHeader("Authorization", "Bearer sk-secret-one"));
        HttpRequest b = a;
        b.url = QUrl(QStringLiteral("https://api.example.com:443/v1/b?x=1"));
        HttpRequest c = a;
        c.headers = {{"Authorization", "Bearer sk-secret-two"}};
        QCOMPARE(ThrottleGate::scopeOf(a), ThrottleGate::scopeOf(b));
        QVERIFY(ThrottleGate::scopeOf(a) != ThrottleGate::scopeOf(c));
        QVERIFY(!ThrottleGate::scopeOf(a).contains(QLatin1String("secret")));
        QVERIFY(ThrottleGate::scopeOf(a).startsWith(QLatin1String("https://api.example.com:443")));
    }

    // Retry-After: 61 with a 10 s poll: the poll 10 s later is not sent, and says until when.
    void retryAfterOutlivesThePoll()
    {
        Server s(1, {{"Retry-After", "61"}});
        HttpClient client;
        qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
        const qint64 startMs = nowMs;
        client.setClock([&nowMs] { return nowMs; });

        auto first = send(client, s.request(), this);
        QTRY_VERIFY(first->done);
        QCOMPARE(first->response.error.kind, HttpError::Kind::Throttled);
        QCOMPARE(s.hits, 1);

        nowMs += 10000; // the next poll
        auto second = send(client, s.request(), this);
        QTRY_VERIFY(second->done);
        QCOMPARE(s.hits, 1); // not sent
        QCOMPARE(second->response.attempts, 0);
        QCOMPARE(second->response.error.kind, HttpError::Kind::Throttled);
        const qint64 until = (startMs + 61000 + 999) / 1000;
        QCOMPARE(second->response.error.retryAfterUtc, until);
        const QString at =
            QDateTime::fromSecsSinceEpoch(until, Qt::UTC).toString(QStringLiteral("HH:mm:ss"));
        QVERIFY2(second->response.error.message.contains(at), qPrintable(at));
        QVERIFY2(second->response.error.message.contains(QLatin1String("rate-limited until")),
                 qPrintable(second->response.error.message));
        QCOMPARE(client.throttledUntilUtc(s.request().url), until);

        // Another key on the same host is not held back by this one's limit.
        auto other = send(client, s.request("Bearer two"), this);
        QTRY_VERIFY(other->done);
        QVERIFY2(other->response.ok(), qPrintable(other->response.error.message));
        QCOMPARE(s.hits, 2);

        nowMs = startMs + 62000; // past the hold: sent again
        auto third = send(client, s.request(), this);
        QTRY_VERIFY(third->done);
        QVERIFY2(third->response.ok(), qPrintable(third->response.error.message));
        QCOMPARE(s.hits, 3);
        QCOMPARE(client.throttledUntilUtc(s.request().url), 0);
    }

    // A short hold (a backfill chunk right after a 429 with retry-after-ms) waits, then sends.
    void shortHoldWaits()
    {
        Server s(1, {{"retry-after-ms", "400"}});
        HttpClient client;
        HttpRequest first = s.request();
        first.maxRetries = 0; // the answer ends this request; the hold stays
        auto a = send(client, first, this);
        QTRY_VERIFY(a->done);
        QCOMPARE(a->response.error.kind, HttpError::Kind::Throttled);
        QElapsedTimer clock;
        clock.start();
        auto b = send(client, s.request(), this);
        QCOMPARE(s.hits, 1);
        QTRY_VERIFY_WITH_TIMEOUT(b->done, 5000);
        QVERIFY2(b->response.ok(), qPrintable(b->response.error.message));
        QCOMPARE(s.hits, 2);
        QVERIFY(clock.elapsed() >= 350); // never before the server asked
    }

    void streamRespectsTheHold()
    {
        Server s(1, {{"Retry-After", "120"}});
        HttpClient client;
        auto first = send(client, s.request(), this);
        QTRY_VERIFY(first->done);
        QCOMPARE(s.hits, 1);
        auto out = std::make_shared<Outcome>();
        HttpClient::StreamCallbacks cb;
        cb.onFinished = [out](const HttpResponse& r) {
            out->done = true;
            out->response = r;
        };
        client.stream(s.request(), this, cb);
        QTRY_VERIFY(out->done);
        QCOMPARE(s.hits, 1);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Throttled);
    }
};

QTEST_GUILESS_MAIN(tst_HttpClientThrottle)
#include "tst_httpclient_throttle.moc"
