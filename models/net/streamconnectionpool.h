#pragma once

#include "net/httptypes.h"

#include <QByteArray>
#include <QNetworkProxy>
#include <QObject>
#include <QString>
#include <QUrl>
#include <memory>

class QAbstractSocket;

namespace isc {

/// How a request to a URL travels: straight to the server, through a tunnelling proxy (set on
/// the socket), or to an HTTP proxy that takes absolute-form requests for plain http.
struct StreamRoute
{
    QString key;         ///< the pool's key: origin plus proxy
    QString connectHost; ///< where the socket connects (the server, or the HTTP proxy)
    quint16 connectPort = 0;
    bool tls = false;              ///< https: QSslSocket, certificate checked
    bool absoluteForm = false;     ///< plain http through an HTTP proxy
    QByteArray proxyAuthorization; ///< "Basic ..." for absoluteForm, when configured
    QNetworkProxy socketProxy;     ///< NoProxy, or the tunnelling proxy
    QString proxyName;             ///< "host:port" of the proxy for messages; empty when direct
    static StreamRoute forUrl(const QUrl& url); ///< by ProxyPolicy: loopback is never proxied
    /// `request` as HTTP/1.1 bytes on this route: origin- or absolute-form target, Host, the
    /// request's headers (framing headers replaced by Content-Length), proxy credentials, body.
    QByteArray requestBytes(const HttpRequest& request) const;
};

/// Keep-alive HTTP/1.1 connections per origin for StreamConnection, in the calling thread:
/// idle connections are reused, dropped when the server closes them or after the idle timeout.
class StreamConnectionPool : public QObject
{
    Q_OBJECT
public:
    explicit StreamConnectionPool(QObject* parent = nullptr);
    ~StreamConnectionPool() override;

    /// An idle, connected socket on `route`, or nullptr when none. The caller borrows it until
    /// release() or discard().
    QAbstractSocket* takeIdle(const StreamRoute& route);
    /// A new socket for `route` (QSslSocket for TLS, configured from Qt's default TLS settings,
    /// which NetworkSettings extends), not yet connected; the pool owns it.
    QAbstractSocket* create(const StreamRoute& route);
    /// Takes back a socket after a complete response on a keep-alive connection.
    void release(QAbstractSocket* socket);
    /// Closes and frees a socket that cannot be reused (failed, cancelled, close-delimited).
    void discard(QAbstractSocket* socket);

    /// Idle connections kept, all origins.
    int idleCount() const;
    /// Sockets lent out right now.
    int busyCount() const;
    /// Sockets created so far.
    int created() const;
    /// How long an idle connection is kept, ms (default 30 000).
    void setIdleTimeoutMs(int ms);

protected:
    void timerEvent(QTimerEvent* event) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
