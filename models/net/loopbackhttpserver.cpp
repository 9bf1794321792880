#include "loopbackhttpserver_p.h"

#include <QTcpServer>

namespace isc {

struct LoopbackHttpServer::Private
{
    QTcpServer* tcp = nullptr;
    Handler handler;
    qint64 maxBody = 16 * 1024 * 1024;
    QList<QPointer<HttpConnection>> connections;
    quint64 nextId = 1;
    int accepted = 0;
    int handled = 0;
    QString error;
};

LoopbackHttpServer::LoopbackHttpServer(QObject* parent) : QObject(parent), d(new Private)
{
    d->tcp = new QTcpServer(this);
    connect(d->tcp, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket* socket = d->tcp->nextPendingConnection()) {
            ++d->accepted;
            // Answers go out in several writes (head, body): without this, Nagle holds the last
            // one back until the client's delayed ACK, ~40 ms per request on a kept-alive
            // connection.
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            d->connections.removeAll(nullptr);
            auto* conn = new HttpConnection(
                socket, d->nextId++, &d->handler, d->maxBody,
                [this](const HttpServerRequest& req) {
                    ++d->handled;
                    emit requestHandled(req.method, req.path());
                },
                this);
            d->connections.append(conn);
            if (socket->bytesAvailable() > 0)
                QMetaObject::invokeMethod(socket, "readyRead", Qt::QueuedConnection);
        }
    });
}

LoopbackHttpServer::~LoopbackHttpServer()
{
    close();
}

void LoopbackHttpServer::setHandler(Handler handler)
{
    d->handler = std::move(handler);
}

bool LoopbackHttpServer::listen(const QHostAddress& address, quint16 port)
{
    if (!d->tcp->listen(address, port)) {
        d->error = d->tcp->errorString();
        return false;
    }
    d->error.clear();
    return true;
}

void LoopbackHttpServer::close()
{
    d->tcp->close();
    const auto conns = d->connections;
    d->connections.clear();
    for (const auto& c : conns)
        delete c.data();
}

bool LoopbackHttpServer::isListening() const
{
    return d->tcp->isListening();
}

QString LoopbackHttpServer::errorString() const
{
    return d->error;
}

QAbstractSocket::SocketError LoopbackHttpServer::serverError() const
{
    return d->tcp->serverError();
}

quint16 LoopbackHttpServer::port() const
{
    return d->tcp->isListening() ? d->tcp->serverPort() : 0;
}

QUrl LoopbackHttpServer::serverUrl() const
{
    QHostAddress a = d->tcp->serverAddress();
    QString host;
    if (a == QHostAddress::AnyIPv6 || a == QHostAddress::LocalHostIPv6)
        host = QStringLiteral("[::1]");
    else if (a.protocol() == QAbstractSocket::IPv6Protocol && !a.isEqual(QHostAddress::Any))
        host = QLatin1Char('[') + a.toString() + QLatin1Char(']');
    else if (a == QHostAddress::Any || a == QHostAddress::AnyIPv4 || a.isNull())
        host = QStringLiteral("127.0.0.1");
    else
        host = a.toString();
    return QUrl(QStringLiteral("http://%1:%2").arg(host).arg(port()));
}

void LoopbackHttpServer::setMaxBodySize(qint64 bytes)
{
    d->maxBody = bytes;
}

int LoopbackHttpServer::connectionsAccepted() const
{
    return d->accepted;
}

int LoopbackHttpServer::requestsHandled() const
{
    return d->handled;
}

int LoopbackHttpServer::openConnections() const
{
    int n = 0;
    for (const auto& c : d->connections) {
        if (c && c->usable())
            ++n;
    }
    return n;
}

} // namespace isc
