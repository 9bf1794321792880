#include "streamconnectionpool.h"

#include "net/proxypolicy.h"

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QNetworkProxyQuery>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>
#include <vector>

namespace isc {
namespace {

constexpr int kMaxIdlePerRoute = 6;

} // namespace

StreamRoute StreamRoute::forUrl(const QUrl& url)
{
    StreamRoute r;
    r.tls = url.scheme().compare(QLatin1String("https"), Qt::CaseInsensitive) == 0;
    const QString host = url.host();
    const quint16 port = static_cast<quint16>(url.port(r.tls ? 443 : 80));
    r.connectHost = host;
    r.connectPort = port;
    r.socketProxy = QNetworkProxy(QNetworkProxy::NoProxy);
    NetworkProxyFactory factory;
    const QList<QNetworkProxy> proxies = factory.queryProxy(QNetworkProxyQuery(url));
    const QNetworkProxy proxy =
        proxies.isEmpty() ? QNetworkProxy(QNetworkProxy::NoProxy) : proxies.first();
    if (proxy.type() == QNetworkProxy::HttpProxy && !r.tls) {
        // Plain http through an HTTP proxy: absolute-form requests, as browsers and QNAM do.
        r.absoluteForm = true;
        r.connectHost = proxy.hostName();
        r.connectPort = proxy.port();
        if (!proxy.user().isEmpty())
            r.proxyAuthorization =
                "Basic " + (proxy.user() + QLatin1Char(':') + proxy.password()).toUtf8().toBase64();
    } else if (proxy.type() != QNetworkProxy::NoProxy &&
               proxy.type() != QNetworkProxy::DefaultProxy) {
        r.socketProxy = proxy; // CONNECT (HTTP) or SOCKS5 tunnel, handled by the socket
    }
    if (r.absoluteForm || r.socketProxy.type() != QNetworkProxy::NoProxy)
        r.proxyName = proxy.hostName() + QLatin1Char(':') + QString::number(proxy.port());
    r.key = url.scheme().toLower() + QLatin1String("://") + host.toLower() + QLatin1Char(':') +
            QString::number(port) + QLatin1String(" via ") +
            (r.proxyName.isEmpty() ? QStringLiteral("direct") : r.proxyName);
    return r;
}

QByteArray StreamRoute::requestBytes(const HttpRequest& request) const
{
    const QUrl& url = request.url;
    QByteArray target;
    if (absoluteForm) {
        target = url.toEncoded(QUrl::RemoveUserInfo | QUrl::RemoveFragment);
    } else {
        target = url.path(QUrl::FullyEncoded).toLatin1();
        if (target.isEmpty())
            target = "/";
        if (url.hasQuery())
            target += '?' + url.query(QUrl::FullyEncoded).toLatin1();
    }
    QByteArray out;
    out.reserve(256 + request.body.size());
    QByteArray host = url.host(QUrl::FullyEncoded).toLatin1();
    if (host.contains(':'))
        host = '[' + host + ']'; // IPv6 literal
    if (url.port() != -1)
        host += ':' + QByteArray::number(url.port());
    out += request.method + ' ' + target + " HTTP/1.1\r\nHost: " + host + "\r\n";
    for (const auto& [name, value] : request.headers) {
        // We frame the message ourselves.
        if (name.compare("host", Qt::CaseInsensitive) == 0 ||
            name.compare("content-length", Qt::CaseInsensitive) == 0 ||
            name.compare("transfer-encoding", Qt::CaseInsensitive) == 0 ||
            name.compare("connection", Qt::CaseInsensitive) == 0)
            continue;
        out += name + ": " + value + "\r\n";
    }
    const QByteArray& m = request.method;
    if (!request.body.isEmpty() || m == "POST" || m == "PUT" || m == "PATCH")
        out += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    if (!proxyAuthorization.isEmpty())
        out += "Proxy-Authorization: " + proxyAuthorization + "\r\n";
    out += "\r\n";
    out += request.body;
    return out;
}

struct StreamConnectionPool::Private
{
    struct Idle
    {
        QAbstractSocket* socket = nullptr;
        QString key;
        QElapsedTimer since;
    };

    StreamConnectionPool* q = nullptr;
    std::vector<Idle> idle; // most recently released last
    QHash<QAbstractSocket*, QString> busy;
    QBasicTimer sweep;
    int idleTimeoutMs = 30000;
    int created = 0;

    void drop(QAbstractSocket* socket)
    {
        QObject::disconnect(socket, nullptr, q, nullptr);
        socket->abort();
        socket->deleteLater();
    }
    void removeIdle(QAbstractSocket* socket)
    {
        for (auto it = idle.begin(); it != idle.end(); ++it) {
            if (it->socket == socket) {
                idle.erase(it);
                drop(socket);
                break;
            }
        }
        if (idle.empty())
            sweep.stop();
    }
};

StreamConnectionPool::StreamConnectionPool(QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
}

StreamConnectionPool::~StreamConnectionPool()
{
    for (const Private::Idle& i : d->idle)
        QObject::disconnect(i.socket, nullptr, this, nullptr);
}

QAbstractSocket* StreamConnectionPool::takeIdle(const StreamRoute& route)
{
    for (auto it = d->idle.rbegin(); it != d->idle.rend(); ++it) {
        if (it->key != route.key)
            continue;
        QAbstractSocket* socket = it->socket;
        d->idle.erase(std::next(it).base());
        QObject::disconnect(socket, nullptr, this, nullptr);
        if (d->idle.empty())
            d->sweep.stop();
        // Expired, closed by the server, or holding stray bytes: never reuse.
        if (socket->state() != QAbstractSocket::ConnectedState || socket->bytesAvailable() > 0) {
            d->drop(socket);
            return takeIdle(route);
        }
        d->busy.insert(socket, route.key);
        return socket;
    }
    return nullptr;
}

QAbstractSocket* StreamConnectionPool::create(const StreamRoute& route)
{
    QAbstractSocket* socket = nullptr;
    if (route.tls) {
        auto* ssl = new QSslSocket(this);
        QSslConfiguration config = QSslConfiguration::defaultConfiguration();
        config.setAllowedNextProtocols({QByteArray(QSslConfiguration::NextProtocolHttp1_1)});
        ssl->setSslConfiguration(config);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    socket->setProxy(route.socketProxy);
    ++d->created;
    d->busy.insert(socket, route.key);
    return socket;
}

void StreamConnectionPool::release(QAbstractSocket* socket)
{
    const auto it = d->busy.find(socket);
    if (it == d->busy.end())
        return;
    const QString key = it.value();
    d->busy.erase(it);
    if (socket->state() != QAbstractSocket::ConnectedState) {
        d->drop(socket);
        return;
    }
    int sameRoute = 0;
    for (const Private::Idle& i : d->idle)
        sameRoute += i.key == key ? 1 : 0;
    if (sameRoute >= kMaxIdlePerRoute) {
        d->drop(socket);
        return;
    }
    Private::Idle entry;
    entry.socket = socket;
    entry.key = key;
    entry.since.start();
    d->idle.push_back(entry);
    // An idle connection that the server closes, or that receives anything, is done.
    QObject::connect(socket, &QAbstractSocket::disconnected, this,
                     [this, socket] { d->removeIdle(socket); });
    QObject::connect(socket, &QAbstractSocket::readyRead, this,
                     [this, socket] { d->removeIdle(socket); });
    QObject::connect(socket, &QAbstractSocket::errorOccurred, this,
                     [this, socket] { d->removeIdle(socket); });
    if (!d->sweep.isActive())
        d->sweep.start(std::max(250, d->idleTimeoutMs / 4), this);
}

void StreamConnectionPool::discard(QAbstractSocket* socket)
{
    if (!socket)
        return;
    d->busy.remove(socket);
    d->drop(socket);
}

int StreamConnectionPool::idleCount() const
{
    return static_cast<int>(d->idle.size());
}

int StreamConnectionPool::busyCount() const
{
    return static_cast<int>(d->busy.size());
}

int StreamConnectionPool::created() const
{
    return d->created;
}

void StreamConnectionPool::setIdleTimeoutMs(int ms)
{
    d->idleTimeoutMs = std::max(1, ms);
    if (d->sweep.isActive())
        d->sweep.start(std::max(250, d->idleTimeoutMs / 4), this);
}

void StreamConnectionPool::timerEvent(QTimerEvent* event)
{
    if (event->timerId() != d->sweep.timerId()) {
        QObject::timerEvent(event);
        return;
    }
    std::vector<QAbstractSocket*> expired;
    for (const Private::Idle& i : d->idle) {
        if (i.since.elapsed() >= d->idleTimeoutMs)
            expired.push_back(i.socket);
    }
    for (QAbstractSocket* socket : expired)
        d->removeIdle(socket);
}

} // namespace isc
