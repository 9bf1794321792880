#include "net/loopbackhttpserver.h"

#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTimer>
#include <QtTest/QtTest>

using namespace isc;

namespace {

// Echoes what it saw, so tests can check the parsed request.
void echoHandler(const HttpServerRequest& req, HttpServerResponder& r)
{
    const QByteArray body = req.method + ' ' + req.path().toUtf8() + '?' + req.rawQuery() +
                            " x-test=" + req.header("X-TEST") +
                            " len=" + QByteArray::number(req.body.size()) + '\n' + req.body;
    r.respond(200, {{"Content-Type", "text/plain"}}, body);
}

} // namespace

class tst_LoopbackHttpServer : public QObject
{
    Q_OBJECT

    LoopbackHttpServer* m_server = nullptr;
    QNetworkAccessManager* m_nam = nullptr;

    QUrl url(const QString& pathAndQuery) const
    {
        return QUrl(m_server->serverUrl().toString() + pathAndQuery);
    }

    // Runs a request to completion; the reply is owned by the caller.
    QNetworkReply* finish(QNetworkReply* reply)
    {
        QSignalSpy spy(reply, &QNetworkReply::finished);
        if (!reply->isFinished())
            spy.wait(10000);
        return reply;
    }

    QNetworkReply* get(const QString& path, const QList<std::pair<QByteArray, QByteArray>>& hs = {})
    {
        QNetworkRequest req(url(path));
        for (const auto& h : hs)
            req.setRawHeader(h.first, h.second);
        return finish(m_nam->get(req));
    }

    // Sends raw bytes on a fresh socket and collects what comes back until `done` holds.
    QByteArray raw(const QList<QByteArray>& pieces,
                   const std::function<bool(const QByteArray&)>& done)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        if (!socket.waitForConnected(5000))
            return "no connection";
        QByteArray got;
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket,
                         [&] { got += socket.readAll(); });
        for (const auto& p : pieces) {
            socket.write(p);
            socket.flush();
            QCoreApplication::processEvents();
        }
        (void)QTest::qWaitFor(
            [&] { return done(got) || socket.state() != QAbstractSocket::ConnectedState; }, 10000);
        got += socket.readAll();
        return got;
    }

private slots:
    void init()
    {
        m_server = new LoopbackHttpServer(this);
        m_server->setHandler(echoHandler);
        QVERIFY(m_server->listen(QHostAddress::LocalHost, 0));
        QVERIFY(m_server->port() != 0);
        m_nam = new QNetworkAccessManager(this);
        m_nam->setProxy(QNetworkProxy::NoProxy);
    }
    void cleanup()
    {
        delete m_nam;
        delete m_server;
    }

    void serverUrl()
    {
        QCOMPARE(m_server->serverUrl(),
                 QUrl(QStringLiteral("http://127.0.0.1:%1").arg(m_server->port())));
        QVERIFY(m_server->isListening());
    }

    void getWithHeadersAndQuery()
    {
        std::unique_ptr<QNetworkReply> reply(
            get(QStringLiteral("/a%20b/c?x=1&y=%27q%27"), {{"x-Test", "Hello"}}));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        QCOMPARE(reply->readAll(), QByteArray("GET /a b/c?x=1&y=%27q%27 x-test=Hello len=0\n"));
        QCOMPARE(m_server->requestsHandled(), 1);
    }

    void postBody_data()
    {
        QTest::addColumn<int>("size");
        QTest::newRow("small") << 5;
        QTest::newRow("empty") << 0;
        QTest::newRow("1 MiB, many reads") << 1024 * 1024;
    }
    void postBody()
    {
        QFETCH(int, size);
        QByteArray body(size, 'z');
        for (int i = 0; i < size; i += 997)
            body[i] = char('a' + i % 26);
        QNetworkRequest req(url(QStringLiteral("/post")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/octet-stream"));
        std::unique_ptr<QNetworkReply> reply(finish(m_nam->post(req, body)));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        const QByteArray got = reply->readAll();
        const QByteArray head = "POST /post? x-test= len=" + QByteArray::number(size) + '\n';
        QVERIFY(got.startsWith(head));
        QCOMPARE(got.mid(head.size()), body);
    }

    void keepAliveReusesConnection()
    {
        for (int i = 0; i < 3; ++i) {
            std::unique_ptr<QNetworkReply> reply(get(QStringLiteral("/k")));
            QCOMPARE(reply->error(), QNetworkReply::NoError);
        }
        QCOMPARE(m_server->requestsHandled(), 3);
        QCOMPARE(m_server->connectionsAccepted(), 1);
    }

    void connectionCloseIsHonoured()
    {
        const QByteArray got = raw({"GET /c HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"},
                                   [](const QByteArray&) { return false; });
        QVERIFY(got.startsWith("HTTP/1.1 200 OK\r\n"));
        QVERIFY(got.contains("Connection: close\r\n"));
        QVERIFY(got.endsWith("len=0\n"));
    }

    void partialReads()
    {
        const QByteArray request = "POST /p?q=1 HTTP/1.1\r\nHost: x\r\nX-Test: v\r\n"
                                   "Content-Length: 11\r\n\r\nhello world";
        QList<QByteArray> pieces;
        for (int i = 0; i < request.size(); i += 7)
            pieces << request.mid(i, 7);
        const QByteArray got = raw(pieces, [](const QByteArray& b) { return b.endsWith("world"); });
        QVERIFY2(got.startsWith("HTTP/1.1 200 OK\r\n"), got.constData());
        QVERIFY(got.endsWith("POST /p?q=1 x-test=v len=11\nhello world"));
    }

    void pipelinedRequestsAnsweredInOrder()
    {
        m_server->setHandler([](const HttpServerRequest& req, HttpServerResponder& r) {
            // The first answer is late: the second must still come after it.
            if (req.path() == QLatin1String("/slow"))
                r.respondAfter(30, 200, {}, "slow;");
            else
                r.respond(200, {}, req.path().toUtf8() + ';');
        });
        const QByteArray two = "GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"
                               "GET /fast HTTP/1.1\r\nHost: x\r\n\r\n"
                               "GET /third HTTP/1.1\r\nHost: x\r\n\r\n";
        const QByteArray got =
            raw({two}, [](const QByteArray& b) { return b.endsWith("/third;"); });
        const qsizetype slow = got.indexOf("slow;");
        const qsizetype fast = got.indexOf("/fast;");
        QVERIFY2(slow > 0 && fast > slow && got.endsWith("/third;"), got.constData());
        QCOMPARE(got.count("HTTP/1.1 200 OK"), 3);
        QCOMPARE(m_server->connectionsAccepted(), 1);
    }

    void malformed_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<int>("status");
        QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 400;
        QTest::newRow("two spaces") << QByteArray("GET  / HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("no slash") << QByteArray("GET x HTTP/1.1\r\nHost: x\r\n\r\n") << 400;
        QTest::newRow("bad header") << QByteArray("GET / HTTP/1.1\r\nHost x\r\n\r\n") << 400;
        QTest::newRow("folded header")
            << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n folded\r\n\r\n") << 400;
        QTest::newRow("bare LF") << QByteArray("GET / HTTP/1.1\nHost: x\r\n\r\n") << 400;
        QTest::newRow("no host") << QByteArray("GET / HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("bad length")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -3\r\n\r\n") << 400;
        QTest::newRow("two lengths")
            << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\n"
                          "Content-Length: 2\r\n\r\nab")
            << 400;
        QTest::newRow("http2") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << 505;
        QTest::newRow("chunked body")
            << QByteArray(
                   "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
            << 501;
        QTest::newRow("huge header")
            << (QByteArray("GET / HTTP/1.1\r\nX: ") + QByteArray(70 * 1024, 'a')) << 431;
    }
    void malformed()
    {
        QFETCH(QByteArray, request);
        QFETCH(int, status);
        const QByteArray got = raw({request}, [](const QByteArray&) { return false; });
        QVERIFY2(got.startsWith("HTTP/1.1 " + QByteArray::number(status) + ' '), got.constData());
        QVERIFY(got.contains("Connection: close"));
        QCOMPARE(m_server->requestsHandled(), 0);
    }

    void bodyTooLarge()
    {
        m_server->setMaxBodySize(10);
        QNetworkRequest req(url(QStringLiteral("/big")));
        req.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("text/plain"));
        std::unique_ptr<QNetworkReply> reply(finish(m_nam->post(req, QByteArray(11, 'x'))));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 413);
    }

    void delayedResponse()
    {
        m_server->setHandler([](const HttpServerRequest&, HttpServerResponder& r) {
            r.respondAfter(20, 503, {{"Retry-After", "1"}}, "later");
        });
        std::unique_ptr<QNetworkReply> reply(get(QStringLiteral("/d")));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 503);
        QCOMPARE(reply->rawHeader("retry-after"), QByteArray("1"));
        QCOMPARE(reply->readAll(), QByteArray("later"));
    }

    void streamedResponse()
    {
        m_server->setHandler([](const HttpServerRequest& req, HttpServerResponder& r) {
            if (req.path() != QLatin1String("/sse")) {
                r.respond(200, {}, "plain");
                return;
            }
            r.beginStream(200, {{"Content-Type", "text/event-stream"}});
            r.writeChunk("data: 1\n\n");
            auto* timer = new QTimer;
            auto n = std::make_shared<int>(1);
            HttpServerResponder later = r;
            QObject::connect(timer, &QTimer::timeout, timer, [timer, n, later]() mutable {
                ++*n;
                later.writeChunk("data: " + QByteArray::number(*n) + "\n\n");
                if (*n == 4) {
                    later.endStream();
                    timer->deleteLater();
                }
            });
            timer->start(5);
        });
        QNetworkReply* reply = m_nam->get(QNetworkRequest(url(QStringLiteral("/sse"))));
        QByteArray got;
        int reads = 0;
        connect(reply, &QNetworkReply::readyRead, this, [&] {
            got += reply->readAll();
            ++reads;
        });
        finish(reply);
        got += reply->readAll();
        QCOMPARE(reply->error(), QNetworkReply::NoError);
        QCOMPARE(got, QByteArray("data: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n"));
        QVERIFY(reads >= 1);
        delete reply;
        // The connection survives a finished stream.
        std::unique_ptr<QNetworkReply> next(get(QStringLiteral("/plain")));
        QCOMPARE(next->readAll(), QByteArray("plain"));
        QCOMPARE(m_server->connectionsAccepted(), 1);
    }

    void closeMidBody()
    {
        m_server->setHandler([](const HttpServerRequest&, HttpServerResponder& r) {
            r.respondTruncated(200, {{"Content-Type", "application/json"}}, "{\"value\":[1,2,3]}",
                               6);
        });
        std::unique_ptr<QNetworkReply> reply(get(QStringLiteral("/t")));
        QVERIFY(reply->error() != QNetworkReply::NoError);
        const QByteArray got =
            raw({"GET /t HTTP/1.1\r\nHost: x\r\n\r\n"}, [](const QByteArray&) { return false; });
        QVERIFY(got.contains("Content-Length: 17\r\n"));
        QVERIFY(got.endsWith("\r\n\r\n{\"valu"));
    }

    void rawBytes()
    {
        m_server->setHandler([](const HttpServerRequest& req, HttpServerResponder& r) {
            if (req.path() == QLatin1String("/ok"))
                r.writeRaw("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello", false);
            else
                r.writeRaw("this is not HTTP\r\n\r\n");
        });
        std::unique_ptr<QNetworkReply> ok(get(QStringLiteral("/ok")));
        QCOMPARE(ok->error(), QNetworkReply::NoError);
        QCOMPARE(ok->readAll(), QByteArray("hello"));
        std::unique_ptr<QNetworkReply> bad(get(QStringLiteral("/bad")));
        QVERIFY(bad->error() != QNetworkReply::NoError);
    }

    void closeWithoutAnswer()
    {
        m_server->setHandler(
            [](const HttpServerRequest&, HttpServerResponder& r) { r.closeConnection(); });
        std::unique_ptr<QNetworkReply> reply(get(QStringLiteral("/x")));
        QVERIFY(reply->error() != QNetworkReply::NoError);
    }

    void handlerThatForgetsGets500()
    {
        m_server->setHandler([](const HttpServerRequest&, HttpServerResponder&) {});
        std::unique_ptr<QNetworkReply> reply(get(QStringLiteral("/x")));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 500);
    }

    void clientLeavesWhileResponsePending()
    {
        std::vector<HttpServerResponder> kept;
        m_server->setHandler([&](const HttpServerRequest&, HttpServerResponder& r) {
            kept.push_back(r);
            r.respondAfter(10, 200, {}, "too late");
        });
        {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_server->port());
            QVERIFY(socket.waitForConnected(5000));
            socket.write("GET /w HTTP/1.1\r\nHost: x\r\n\r\n");
            socket.flush();
            QTRY_COMPARE(m_server->requestsHandled(), 1);
            QVERIFY(kept.at(0).isPending());
            socket.abort();
        }
        QTRY_COMPARE(m_server->openConnections(), 0);
        QVERIFY(!kept.at(0).isPending());
        kept.at(0).respond(200, {}, "nobody listens"); // a no-op, not a crash
        kept.at(0).writeChunk("x");
        kept.at(0).closeConnection();
        // The server still serves new clients.
        m_server->setHandler(echoHandler);
        std::unique_ptr<QNetworkReply> reply(get(QStringLiteral("/after")));
        QCOMPARE(reply->error(), QNetworkReply::NoError);
    }

    void answerOnlyOnce()
    {
        m_server->setHandler([](const HttpServerRequest&, HttpServerResponder& r) {
            r.respond(201, {}, "first");
            r.respond(500, {}, "second");
            r.writeChunk("third");
        });
        std::unique_ptr<QNetworkReply> reply(get(QStringLiteral("/once")));
        QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        QCOMPARE(reply->readAll(), QByteArray("first"));
        std::unique_ptr<QNetworkReply> again(get(QStringLiteral("/once")));
        QCOMPARE(again->readAll(), QByteArray("first"));
    }

    void destroyWithOpenConnections()
    {
        m_server->setHandler([](const HttpServerRequest&, HttpServerResponder& r) {
            r.respondAfter(60000, 200, {}, "never");
        });
        QNetworkReply* reply = m_nam->get(QNetworkRequest(url(QStringLiteral("/hang"))));
        QTRY_COMPARE(m_server->requestsHandled(), 1);
        delete m_server;
        m_server = nullptr;
        QSignalSpy spy(reply, &QNetworkReply::finished);
        QVERIFY(reply->isFinished() || spy.wait(10000));
        QVERIFY(reply->error() != QNetworkReply::NoError);
        delete reply;
    }
};

QTEST_GUILESS_MAIN(tst_LoopbackHttpServer)
#include "tst_loopbackhttpserver.moc"
