#pragma once

#include <QAbstractSocket>
#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>
#include <QUrlQuery>
#include <functional>
#include <memory>
#include <utility>

namespace isc {

using HttpServerHeader = std::pair<QByteArray, QByteArray>;
class HttpConnection;

/// One parsed HTTP/1.1 request, as the handler sees it. Pure data.
struct HttpServerRequest
{
    QByteArray method;               ///< "GET", "POST", ...
    QByteArray target;               ///< raw request target, e.g. "/a/b?x=1%20y"
    QByteArray version;              ///< "HTTP/1.1" or "HTTP/1.0"
    QList<HttpServerHeader> headers; ///< in arrival order, names as sent
    QByteArray body;                 ///< Content-Length bytes
    QHostAddress peer;               ///< client address
    quint64 connectionId = 0;        ///< same id for requests on one keep-alive connection

    /// The path of the target, percent-decoded ("/a/b").
    QString path() const;
    /// The raw (still percent-encoded) query of the target, without '?'.
    QByteArray rawQuery() const;
    /// The target as a relative URL (path + query).
    QUrl url() const;
    /// The value of header `name` (case-insensitive); empty when absent.
    QByteArray header(const QByteArray& name) const;
    /// True when header `name` (case-insensitive) was sent.
    bool hasHeader(const QByteArray& name) const;
};

/// A handle to answer one request. Copyable: keep a copy to answer later (delayed or streamed).
/// Every call on a request already answered, or whose client went away, is a harmless no-op.
class HttpServerResponder
{
public:
    HttpServerResponder();
    ~HttpServerResponder();
    HttpServerResponder(const HttpServerResponder&);
    HttpServerResponder& operator=(const HttpServerResponder&);

    /// Answers with `status`, `headers` and `body`; Content-Length is added.
    void respond(int status, const QList<HttpServerHeader>& headers = {},
                 const QByteArray& body = {});
    /// Answers with a JSON body and "Content-Type: application/json; charset=utf-8".
    void respondJson(int status, const QByteArray& json, QList<HttpServerHeader> headers = {});
    /// Answers like respond(), but after `delayMs` milliseconds (dropped if the client leaves).
    void respondAfter(int delayMs, int status, const QList<HttpServerHeader>& headers = {},
                      const QByteArray& body = {});

    /// Starts a streamed response (chunked on HTTP/1.1, close-delimited on HTTP/1.0).
    void beginStream(int status, const QList<HttpServerHeader>& headers = {});
    /// Writes one chunk of a streamed response (empty data is ignored).
    void writeChunk(const QByteArray& data);
    /// Ends a streamed response; the connection stays open for the next request if kept alive.
    void endStream();

    /// Misbehaves: sends headers announcing the whole `body`, only its first `sentBytes`
    /// bytes, then closes the connection.
    void respondTruncated(int status, const QList<HttpServerHeader>& headers,
                          const QByteArray& body, int sentBytes);
    /// Misbehaves: sends `bytes` exactly as given, then closes the connection when `close`.
    void writeRaw(const QByteArray& bytes, bool close = true);
    /// Closes the connection now, without (or in the middle of) a response.
    void closeConnection();

    /// False once answered completely, or once the client has gone.
    bool isPending() const;
    /// True while the client is still connected.
    bool isConnected() const;

    struct State;

private:
    friend class HttpConnection;
    explicit HttpServerResponder(std::shared_ptr<State> state);
    std::shared_ptr<State> m_state;
};

/// The standard reason phrase of an HTTP status code ("Not Found").
QByteArray httpReasonPhrase(int status);

/// A small HTTP/1.1 server for the emulator, for tests and for `collect --listen`: keep-alive,
/// pipelining (answered in order), Content-Length bodies, streaming, and on-purpose
/// misbehaviour. It listens on loopback unless another address is named.
class LoopbackHttpServer : public QObject
{
    Q_OBJECT
public:
    using Handler = std::function<void(const HttpServerRequest&, HttpServerResponder&)>;

    explicit LoopbackHttpServer(QObject* parent = nullptr);
    ~LoopbackHttpServer() override;

    /// Sets the function that answers every well-formed request (default: 404).
    void setHandler(Handler handler);

    /// Listens on `address:port` (0 = any free port). Returns false on failure, see errorString().
    bool listen(const QHostAddress& address = QHostAddress::LocalHost, quint16 port = 0);
    /// Stops listening and drops every open connection.
    void close();
    bool isListening() const;
    QString errorString() const;
    /// Why the last listen() failed (e.g. AddressInUseError).
    QAbstractSocket::SocketError serverError() const;

    /// The port listened on, 0 when not listening.
    quint16 port() const;
    /// "http://127.0.0.1:PORT" (or "http://[::1]:PORT").
    QUrl serverUrl() const;

    /// Largest accepted request body in bytes (default 16 MiB); larger ones get 413.
    void setMaxBodySize(qint64 bytes);

    /// Connections accepted so far (keep-alive reuses one).
    int connectionsAccepted() const;
    /// Well-formed requests handed to the handler so far.
    int requestsHandled() const;
    /// Connections currently open.
    int openConnections() const;

signals:
    /// Emitted after each well-formed request was handed to the handler.
    void requestHandled(const QByteArray& method, const QString& path);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
