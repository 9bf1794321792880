// Time to first token on a reused keep-alive connection: HttpClient::stream() + SseParser
// against a raw QTcpSocket client reading the same loopback stream, alternating, same run.
// A bare QNetworkAccessManager client is measured too: it is what stream() used before it got
// its own connection (QNAM hands every chunk across its HTTP thread).
#include "net/httpclient.h"
#include "net/loopbackhttpserver.h"
#include "net/sseparser.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <cstdio>

using namespace isc;

namespace {

constexpr int kRequests = 300;
const QByteArray kBody = "{\"model\":\"m\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                         "\"content\":\"hi\"}]}";

// First token at once, then ten more and [DONE], each a chunk of its own.
void answer(const HttpServerRequest&, HttpServerResponder& r)
{
    r.beginStream(200, {{"Content-Type", "text/event-stream"}});
    for (int i = 0; i < 12; ++i) {
        r.writeChunk(i == 11 ? QByteArray("data: [DONE]\n\n")
                             : "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\" t" +
                                   QByteArray::number(i) + "\"}}]}\n\n");
    }
    r.endStream();
}

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double oursOnce(HttpClient& http, const QUrl& url)
{
    HttpRequest req;
    req.url = url;
    req.method = "POST";
    req.body = kBody;
    req.headers = {{"Content-Type", "application/json"}};
    QEventLoop loop;
    QElapsedTimer t;
    double ttft = -1;
    SseParser parser;
    HttpClient::StreamCallbacks cb;
    cb.onData = [&](const QByteArray& chunk) {
        if (ttft < 0 && !parser.feed(chunk).isEmpty())
            ttft = double(t.nsecsElapsed()) / 1e6;
    };
    cb.onFinished = [&](const HttpResponse&) { loop.quit(); };
    t.start();
    http.stream(req, nullptr, std::move(cb));
    loop.exec();
    return ttft;
}

double qnamOnce(QNetworkAccessManager& nam, const QUrl& url)
{
    QNetworkRequest r(url);
    r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    QEventLoop loop;
    QElapsedTimer t;
    double ttft = -1;
    SseParser parser;
    t.start();
    QNetworkReply* reply = nam.post(r, kBody);
    QObject::connect(reply, &QNetworkReply::readyRead, [&] {
        if (ttft < 0 && !parser.feed(reply->readAll()).isEmpty())
            ttft = double(t.nsecsElapsed()) / 1e6;
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    loop.exec();
    delete reply;
    return ttft;
}

// A minimal HTTP/1.1 client: writes the request, returns when the first complete event is in,
// then drains the chunked body to its end so the connection can be reused.
double rawOnce(QTcpSocket& s, const QByteArray& hostPort)
{
    const QByteArray req = "POST /v1/chat/completions HTTP/1.1\r\nHost: " + hostPort +
                           "\r\nContent-Type: application/json\r\nContent-Length: " +
                           QByteArray::number(kBody.size()) + "\r\n\r\n" + kBody;
    QElapsedTimer t;
    t.start();
    s.write(req);
    QByteArray buf;
    double ttft = -1;
    while (true) {
        if (!s.waitForReadyRead(5000))
            return -1;
        buf += s.readAll();
        if (ttft < 0) {
            const qsizetype head = buf.indexOf("\r\n\r\n");
            if (head >= 0 && buf.indexOf("\n\n", head + 4) >= 0)
                ttft = double(t.nsecsElapsed()) / 1e6;
        }
        if (buf.endsWith("0\r\n\r\n"))
            return ttft;
    }
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    // The server runs on its own thread so the raw client may block on its socket.
    QThread serverThread;
    std::atomic<quint16> port{0};
    LoopbackHttpServer* server = nullptr;
    QObject::connect(&serverThread, &QThread::started, [&] {
        server = new LoopbackHttpServer;
        server->setHandler(answer);
        server->listen();
        port = server->port();
    });
    serverThread.start();
    while (port == 0)
        QThread::msleep(1);
    const QUrl url(QStringLiteral("http://127.0.0.1:%1/v1/chat/completions").arg(port));
    const QByteArray hostPort = "127.0.0.1:" + QByteArray::number(port);

    HttpClient http;
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy(QNetworkProxy::NoProxy));
    QTcpSocket raw;
    raw.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!raw.waitForConnected(5000)) {
        std::fprintf(stderr, "bench_ttft: could not connect\n");
        return 1;
    }
    // Warm up both connections (TCP connect, first allocation) outside the measurement.
    for (int i = 0; i < 20; ++i) {
        oursOnce(http, url);
        rawOnce(raw, hostPort);
    }
    // Clean-up work a request leaves behind (deferred deletes) runs between requests, as it
    // would in the app, not inside the next measurement.
    const auto settle = [] {
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        QCoreApplication::processEvents();
    };
    QVector<double> ours, base, qnam, oursBackToBack, baseBackToBack;
    for (int i = 0; i < kRequests; ++i) {
        settle();
        ours.append(oursOnce(http, url));
        settle();
        base.append(rawOnce(raw, hostPort));
    }
    // Back to back: the previous request's clean-up lands inside the next measurement.
    for (int i = 0; i < kRequests; ++i) {
        oursBackToBack.append(oursOnce(http, url));
        baseBackToBack.append(rawOnce(raw, hostPort));
    }
    // QNAM last and alone: its HTTP thread would otherwise compete for the 2 cores.
    for (int i = 0; i < 20; ++i)
        qnamOnce(nam, url);
    for (int i = 0; i < kRequests; ++i) {
        settle();
        qnam.append(qnamOnce(nam, url));
    }
    const double o = median(ours), b = median(base), n = median(qnam);
    std::printf("bench_ttft: %d streamed requests each on one keep-alive connection, alternating\n",
                kRequests);
    std::printf("median TTFT raw QTcpSocket (baseline): %7.3f ms\n", b);
    std::printf("median TTFT HttpClient::stream():      %7.3f ms\n", o);
    std::printf(
        "median TTFT bare QNetworkAccessManager:%7.3f ms  (%.2fx baseline, for reference)\n", n,
        n / b);
    std::printf("ratio ours/baseline:                   %7.3f  (target <= 1.1)\n", o / b);
    const double ob = median(oursBackToBack), bb = median(baseBackToBack);
    std::printf("back to back, no settling: ours %.3f ms, baseline %.3f ms, ratio %.3f\n", ob, bb,
                ob / bb);
    QMetaObject::invokeMethod(server, [&] {
        delete server;
        serverThread.quit();
    });
    serverThread.wait();
    return 0;
}
