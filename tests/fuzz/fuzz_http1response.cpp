// The HTTP/1.1 response reader of StreamConnection. It is no pure function (it reads a socket,
// inside StreamConnection::Private), so this target drives the real class: a loopback server
// answers each request with the fuzz bytes and closes; whatever they are, the connection must
// finish exactly once, with a 2xx body or an error in words.
#include "fuzzinput.h"
#include "net/streamconnection.h"
#include "net/streamconnectionpool.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTcpServer>
#include <QTcpSocket>

namespace {

QCoreApplication* app = nullptr;
QTcpServer* server = nullptr;
QByteArray answer; // what the server sends to the next request

} // namespace

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv)
{
    app = new QCoreApplication(*argc, *argv);
    server = new QTcpServer;
    if (!server->listen(QHostAddress::LocalHost))
        std::abort();
    QObject::connect(server, &QTcpServer::newConnection, [] {
        while (QTcpSocket* s = server->nextPendingConnection()) {
            QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
            QObject::connect(s, &QTcpSocket::readyRead, s, [s] {
                s->readAll(); // the request (one write, no body)
                s->write(answer);
                s->disconnectFromHost();
            });
        }
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    answer = QByteArray(reinterpret_cast<const char*>(data), qsizetype(size));
    isc::HttpRequest request;
    request.url = QUrl(QStringLiteral("http://127.0.0.1:%1/v1/chat").arg(server->serverPort()));
    request.timeoutMs = 2000;
    request.maxRetries = 0;
    request.maxBodyBytes = 1024 * 1024;
    int finished = 0;
    isc::HttpResponse last;
    isc::HttpClient::StreamCallbacks callbacks;
    callbacks.onData = [](const QByteArray&) {};
    callbacks.onFinished = [&](const isc::HttpResponse& r) {
        ++finished;
        last = r;
    };
    {
        isc::StreamConnectionPool pool; // a fresh connection per input
        isc::StreamConnection connection(&pool, request, callbacks);
        connection.start();
        QElapsedTimer clock;
        clock.start();
        while (finished == 0 && clock.elapsed() < 5000)
            QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
        isc::fuzz::check(finished == 1, "the connection finishes once, in time");
        isc::fuzz::check(last.ok() || !last.error.message.isEmpty(), "an error says why");
    }
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    return 0;
}
