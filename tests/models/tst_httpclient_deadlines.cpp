// HttpClient's total deadline: a request ends, with words, however the server misbehaves
// (trickles headers or body byte by byte, stalls after the headers, breaks the chunked
// encoding, answers 204 or nothing at all).
#include "httpoutcome.h"
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"

#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest/QtTest>
#include <memory>

using namespace isc;
using isc::test::Outcome;
using isc::test::send;

namespace {

// A raw TCP server that reads the request head, then writes `payload` `bytesPerTick` bytes at a
// time every `intervalMs` (a slowloris answer); after the payload it keeps the socket open.
struct Trickler
{
    QTcpServer server;
    QByteArray payload;
    int intervalMs = 100;
    int bytesPerTick = 1;
    int requests = 0;

    explicit Trickler(QByteArray p, int interval = 100, int perTick = 1)
        : payload(std::move(p)), intervalMs(interval), bytesPerTick(perTick)
    {
        QObject::connect(&server, &QTcpServer::newConnection, &server, [this] {
            while (QTcpSocket* socket = server.nextPendingConnection()) {
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket] {
                    if (!socket->peek(64 * 1024).contains("\r\n\r\n"))
                        return;
                    socket->readAll();
                    ++requests;
                    auto* timer = new QTimer(socket);
                    auto sent = std::make_shared<int>(0);
                    QObject::connect(timer, &QTimer::timeout, socket, [this, socket, timer, sent] {
                        if (*sent >= payload.size()) {
                            timer->stop();
                            return;
                        }
                        socket->write(payload.mid(*sent, bytesPerTick));
                        *sent += bytesPerTick;
                    });
                    timer->start(intervalMs);
                });
            }
        });
        if (!server.listen(QHostAddress::LocalHost))
            qFatal("cannot listen on loopback");
    }
    QUrl url() const
    {
        return QUrl(QStringLiteral("http://127.0.0.1:%1/metrics").arg(server.serverPort()));
    }
};

} // namespace

class tst_HttpClientDeadlines : public QObject
{
    Q_OBJECT

private slots:
    void defaultDeadlineIsSet()
    {
        const HttpRequest req;
        QVERIFY(req.deadlineMs > 0);
        QVERIFY(req.deadlineMs >= req.timeoutMs);
    }

    // Every byte arrives within the idle timeout, so only the total deadline can end these.
    void tricklesEndAtTheDeadline_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::newRow("headers one byte at a time")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Padding: "
                          "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n");
        QTest::newRow("body one byte at a time")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 64\r\n\r\n" + QByteArray(64, 'x'));
    }
    void tricklesEndAtTheDeadline()
    {
        QFETCH(QByteArray, payload);
        Trickler slow(payload, 100, 1);
        HttpClient client;
        HttpRequest req;
        req.url = slow.url();
        req.timeoutMs = 2000; // far longer than the gap between two bytes
        req.deadlineMs = 700;
        req.maxRetries = 0;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Timeout);
        QVERIFY2(out->response.error.message.contains(QLatin1String("within 0.7 s")),
                 qPrintable(out->response.error.message));
        QVERIFY2(out->response.error.message.contains(slow.url().host()),
                 qPrintable(out->response.error.message));
        QVERIFY(clock.elapsed() >= 650);
        QVERIFY2(clock.elapsed() < 5000, "the deadline must end the request, not the trickle");
    }

    void stallAfterTheHeadersEndsAtTheDeadline()
    {
        LoopbackHttpServer server;
        QList<HttpServerResponder> open;
        server.setHandler([&open](const HttpServerRequest&, HttpServerResponder& r) {
            r.beginStream(200, {{"Content-Type", "text/plain"}});
            r.writeChunk("# HELP partial\n");
            open.append(r); // never ended
        });
        QVERIFY(server.listen());
        HttpClient client;
        HttpRequest req;
        req.url = QUrl(server.serverUrl().toString() + QStringLiteral("/metrics"));
        req.timeoutMs = 60000;
        req.deadlineMs = 500;
        auto out = send(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Timeout);
        QVERIFY2(out->response.error.message.contains(QLatin1String("did not answer completely")),
                 qPrintable(out->response.error.message));
    }

    // Retries and their waits count against the deadline: no retry is scheduled past it.
    void retriesStopAtTheDeadline()
    {
        LoopbackHttpServer server;
        int seen = 0;
        server.setHandler([&seen](const HttpServerRequest&, HttpServerResponder& r) {
            ++seen;
            r.respond(503, {{"Retry-After", "3"}}, "busy");
        });
        QVERIFY(server.listen());
        HttpClient client;
        HttpRequest req;
        req.url = QUrl(server.serverUrl().toString() + QStringLiteral("/metrics"));
        req.deadlineMs = 1000;
        req.maxRetries = 2;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QVERIFY2(clock.elapsed() < 2500, "waiting 3 s would pass the 1 s deadline");
        QCOMPARE(seen, 1);
        QCOMPARE(out->response.status, 503);
        QVERIFY(!out->response.ok());
    }

    // Answers that are complete but empty, or broken, end at once with a clear result.
    void oddAnswersEndPromptly_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("ok"); // 1 ok, 0 a worded failure, -1 either (Qt reads it as it can)
        QTest::addColumn<int>("status");
        QTest::newRow("204") << QByteArray("HTTP/1.1 204 No Content\r\n\r\n") << 1 << 204;
        QTest::newRow("empty 200")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n") << 1 << 200;
        QTest::newRow("only comments")
            << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n# HELP x y\n\n") << 1
            << 200;
        QTest::newRow("bad chunk size")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n")
            << -1 << 200;
        QTest::newRow("chunk longer than said")
            << QByteArray("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                          "3\r\nabcdefgh\r\n0\r\n\r\n")
            << -1 << 200;
    }
    void oddAnswersEndPromptly()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, ok);
        QFETCH(int, status);
        Trickler server(raw, 1, static_cast<int>(raw.size())); // all at once, then kept open
        HttpClient client;
        HttpRequest req;
        req.url = server.url();
        req.maxRetries = 0;
        req.timeoutMs = 60000;
        req.deadlineMs = 60000;
        QElapsedTimer clock;
        clock.start();
        auto out = send(client, req, this);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QVERIFY2(clock.elapsed() < 5000, "the answer is there: no waiting for a timeout");
        if (ok >= 0)
            QCOMPARE(int(out->response.ok()), ok);
        if (out->response.ok()) {
            QCOMPARE(out->response.status, status);
        } else {
            QVERIFY2(!describe(out->response.error).isEmpty(), "a failure says what happened");
            QVERIFY(out->response.error.kind != HttpError::Kind::Timeout);
        }
    }

    void streamDeadlineCoversTheHeaders()
    {
        Trickler slow("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nX-Padding: "
                      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n\r\n",
                      100, 1);
        HttpClient client;
        HttpRequest req;
        req.url = slow.url();
        req.timeoutMs = 2000;
        req.deadlineMs = 600;
        req.maxRetries = 0;
        auto out = std::make_shared<Outcome>();
        HttpClient::StreamCallbacks cb;
        cb.onFinished = [out](const HttpResponse& r) {
            out->done = true;
            out->response = r;
        };
        client.stream(req, this, cb);
        QTRY_VERIFY_WITH_TIMEOUT(out->done, 10000);
        QCOMPARE(out->response.error.kind, HttpError::Kind::Timeout);
        QVERIFY2(out->response.error.message.contains(QLatin1String("within 0.6 s")),
                 qPrintable(out->response.error.message));
    }
};

QTEST_GUILESS_MAIN(tst_HttpClientDeadlines)
#include "tst_httpclient_deadlines.moc"
