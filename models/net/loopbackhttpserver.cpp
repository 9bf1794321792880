#include "loopbackhttpserver.h"

#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

namespace isc {

namespace {

constexpr int kMaxHeaderBytes = 64 * 1024;

bool isTokenChar(char c)
{
    // RFC 9110 tchar
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(const QByteArray& s)
{
    if (s.isEmpty())
        return false;
    for (char c : s) {
        if (!isTokenChar(c))
            return false;
    }
    return true;
}

bool findHeader(const QList<HttpServerHeader>& headers, const QByteArray& name, QByteArray* value)
{
    for (const auto& h : headers) {
        if (h.first.compare(name, Qt::CaseInsensitive) == 0) {
            if (value)
                *value = h.second;
            return true;
        }
    }
    return false;
}

bool hasToken(const QByteArray& headerValue, const char* token)
{
    const auto parts = headerValue.split(',');
    for (const auto& p : parts) {
        if (p.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// HttpServerRequest

QString HttpServerRequest::path() const
{
    const qsizetype q = target.indexOf('?');
    return QUrl::fromPercentEncoding(q < 0 ? target : target.left(q));
}

QByteArray HttpServerRequest::rawQuery() const
{
    const qsizetype q = target.indexOf('?');
    return q < 0 ? QByteArray() : target.mid(q + 1);
}

QUrl HttpServerRequest::url() const
{
    return QUrl::fromEncoded(target);
}

QByteArray HttpServerRequest::header(const QByteArray& name) const
{
    QByteArray v;
    findHeader(headers, name, &v);
    return v;
}

bool HttpServerRequest::hasHeader(const QByteArray& name) const
{
    return findHeader(headers, name, nullptr);
}

QByteArray httpReasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 302:
        return "Found";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 308:
        return "Permanent Redirect";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 411:
        return "Length Required";
    case 413:
        return "Content Too Large";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 502:
        return "Bad Gateway";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    case 529:
        return "Overloaded";
    default:
        return "Status";
    }
}

// ---------------------------------------------------------------------------------------------
// Connection: one client socket, answering its requests strictly in order.

class HttpConnection;

struct HttpServerResponder::State
{
    enum class Phase { Pending, Streaming, Done };
    QPointer<HttpConnection> conn;
    Phase phase = Phase::Pending;
    bool http10 = false;
    bool keepAlive = true;
    bool head = false;
};

class HttpConnection : public QObject
{
public:
    using State = HttpServerResponder::State;

    HttpConnection(QTcpSocket* socket, quint64 id, LoopbackHttpServer::Handler* handler,
                   qint64 maxBody, std::function<void(const HttpServerRequest&)> onHandled,
                   QObject* parent)
        : QObject(parent), m_socket(socket), m_id(id), m_handler(handler), m_maxBody(maxBody),
          m_onHandled(std::move(onHandled))
    {
        m_socket->setParent(this);
        connect(m_socket, &QTcpSocket::readyRead, this, [this] {
            m_buffer += m_socket->readAll();
            process();
        });
        connect(m_socket, &QTcpSocket::disconnected, this, [this] { drop(); });
        connect(m_socket, &QTcpSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
            if (m_socket->state() != QAbstractSocket::ConnectedState)
                drop();
        });
    }

    bool usable() const { return !m_gone && m_socket->state() == QAbstractSocket::ConnectedState; }

    void write(const QByteArray& bytes)
    {
        if (usable())
            m_socket->write(bytes);
    }

    // Closes after everything written so far has been sent.
    void closeGracefully()
    {
        m_closing = true;
        m_buffer.clear();
        if (usable())
            m_socket->disconnectFromHost();
    }

    void finished(State* state)
    {
        if (state != m_current.get())
            return;
        m_current.reset();
        if (!state->keepAlive) {
            closeGracefully();
            return;
        }
        process();
    }

    void process()
    {
        if (m_processing)
            return; // the running loop picks the next pipelined request up
        m_processing = true;
        while (!m_current && !m_closing && usable() && !m_buffer.isEmpty()) {
            if (!parseOne())
                break;
        }
        m_processing = false;
    }

private:
    void drop()
    {
        if (m_gone)
            return;
        m_gone = true;
        m_current.reset();
        m_buffer.clear();
        deleteLater();
    }

    void fail(int status, const QByteArray& message)
    {
        // A malformed request leaves the stream unsynchronised: answer and close.
        const QByteArray body = message + '\n';
        QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status) +
                         "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                         QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
        write(out);
        closeGracefully();
    }

    // Parses and dispatches one request from the buffer; false when more bytes are needed.
    bool parseOne()
    {
        const qsizetype end = m_buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            if (m_buffer.size() > kMaxHeaderBytes)
                fail(431, "Request header section too large.");
            else if (m_buffer.startsWith("\r\n"))
                m_buffer.remove(0, 2); // tolerate stray CRLF between requests (RFC 9112 2.2)
            else
                return false;
            return !m_closing;
        }
        if (end > kMaxHeaderBytes) {
            fail(431, "Request header section too large.");
            return false;
        }
        const QList<QByteArray> lines = m_buffer.left(end).split('\n');
        HttpServerRequest req;
        req.peer = m_socket->peerAddress();
        req.connectionId = m_id;

        QByteArray requestLine = lines.value(0);
        if (!requestLine.endsWith('\r') && lines.size() > 1) {
            fail(400, "Malformed request line.");
            return false;
        }
        requestLine.chop(requestLine.endsWith('\r') ? 1 : 0);
        const QList<QByteArray> parts = requestLine.split(' ');
        if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() ||
            !parts[2].startsWith("HTTP/")) {
            fail(400, "Malformed request line.");
            return false;
        }
        req.method = parts[0];
        req.target = parts[1];
        req.version = parts[2];
        if (req.version != "HTTP/1.1" && req.version != "HTTP/1.0") {
            if (req.version.size() == 8 && req.version.at(5) >= '2' && req.version.at(5) <= '9')
                fail(505, "Only HTTP/1.0 and HTTP/1.1 are supported.");
            else
                fail(400, "Malformed HTTP version.");
            return false;
        }
        if (!req.target.startsWith('/') && req.target != "*") {
            fail(400, "Malformed request target.");
            return false;
        }
        for (char c : req.target) {
            if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
                fail(400, "Malformed request target.");
                return false;
            }
        }
        for (qsizetype i = 1; i < lines.size(); ++i) {
            QByteArray line = lines[i];
            if (!line.endsWith('\r') && i + 1 < lines.size()) {
                fail(400, "Header lines must end with CRLF.");
                return false;
            }
            line.chop(line.endsWith('\r') ? 1 : 0);
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0 || !isToken(line.left(colon))) {
                fail(400, "Malformed header line.");
                return false;
            }
            req.headers.append({line.left(colon), line.mid(colon + 1).trimmed()});
        }
        const bool http10 = req.version == "HTTP/1.0";
        if (!http10 && !req.hasHeader("Host")) {
            fail(400, "HTTP/1.1 requests need a Host header.");
            return false;
        }
        if (req.hasHeader("Transfer-Encoding")) {
            fail(501, "Chunked request bodies are not supported; send Content-Length.");
            return false;
        }
        qint64 length = 0;
        bool lengthSeen = false;
        for (const auto& h : req.headers) {
            if (h.first.compare("Content-Length", Qt::CaseInsensitive) != 0)
                continue;
            bool ok = !h.second.isEmpty();
            for (char c : h.second)
                ok = ok && c >= '0' && c <= '9';
            const qint64 n = ok && h.second.size() <= 15 ? h.second.toLongLong(&ok) : -1;
            if (!ok || n < 0 || (lengthSeen && n != length)) {
                fail(400, "Malformed Content-Length.");
                return false;
            }
            length = n;
            lengthSeen = true;
        }
        if (length > m_maxBody) {
            fail(413, "Request body too large.");
            return false;
        }
        const qint64 total = end + 4 + length;
        if (m_buffer.size() < total)
            return false; // wait for the rest of the body
        req.body = m_buffer.mid(end + 4, length);
        m_buffer.remove(0, total);

        auto state = std::make_shared<State>();
        state->conn = this;
        state->http10 = http10;
        state->head = req.method == "HEAD";
        const QByteArray connection = req.header("Connection");
        state->keepAlive =
            http10 ? hasToken(connection, "keep-alive") : !hasToken(connection, "close");
        m_current = state;

        HttpServerResponder responder(state);
        if (*m_handler)
            (*m_handler)(req, responder);
        else
            responder.respond(404, {{"Content-Type", "text/plain"}}, "No handler.\n");
        if (m_onHandled)
            m_onHandled(req);
        // Nobody kept a copy to answer later: the handler forgot to answer.
        if (state->phase == State::Phase::Pending && state.use_count() <= 3 && m_current == state)
            responder.respond(500, {{"Content-Type", "text/plain"}},
                              "The handler did not answer.\n");
        return true;
    }

    friend class HttpServerResponder;
    QTcpSocket* m_socket;
    quint64 m_id;
    LoopbackHttpServer::Handler* m_handler;
    qint64 m_maxBody;
    std::function<void(const HttpServerRequest&)> m_onHandled;
    QByteArray m_buffer;
    std::shared_ptr<State> m_current;
    bool m_processing = false;
    bool m_closing = false;
    bool m_gone = false;
};

// ---------------------------------------------------------------------------------------------
// HttpServerResponder

HttpServerResponder::HttpServerResponder() = default;
HttpServerResponder::~HttpServerResponder() = default;
HttpServerResponder::HttpServerResponder(const HttpServerResponder&) = default;
HttpServerResponder& HttpServerResponder::operator=(const HttpServerResponder&) = default;
HttpServerResponder::HttpServerResponder(std::shared_ptr<State> state) : m_state(std::move(state))
{}

bool HttpServerResponder::isConnected() const
{
    return m_state && m_state->conn && m_state->conn->usable();
}

bool HttpServerResponder::isPending() const
{
    return isConnected() && m_state->phase != State::Phase::Done;
}

namespace {

QByteArray responseStatusLine(int status)
{
    return "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status) + "\r\n";
}

QByteArray headerBlock(const QList<HttpServerHeader>& headers)
{
    QByteArray out;
    for (const auto& h : headers)
        out += h.first + ": " + h.second + "\r\n";
    return out;
}

} // namespace

void HttpServerResponder::respond(int status, const QList<HttpServerHeader>& headers,
                                  const QByteArray& body)
{
    if (!isPending() || m_state->phase != State::Phase::Pending)
        return;
    QByteArray connection;
    if (findHeader(headers, "Connection", &connection) && hasToken(connection, "close"))
        m_state->keepAlive = false;
    const bool noBody = status == 204 || status == 304 || (status >= 100 && status < 200);
    QByteArray out = responseStatusLine(status) + headerBlock(headers);
    if (!noBody && !findHeader(headers, "Content-Length", nullptr))
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    if (!findHeader(headers, "Connection", nullptr)) {
        if (!m_state->keepAlive)
            out += "Connection: close\r\n";
        else if (m_state->http10)
            out += "Connection: keep-alive\r\n";
    }
    out += "\r\n";
    m_state->phase = State::Phase::Done;
    auto* conn = m_state->conn.data();
    conn->write(out);
    if (!noBody && !m_state->head)
        conn->write(body); // no copy of a large body into the head
    conn->finished(m_state.get());
}

void HttpServerResponder::respondJson(int status, const QByteArray& json,
                                      QList<HttpServerHeader> headers)
{
    if (!findHeader(headers, "Content-Type", nullptr))
        headers.prepend({"Content-Type", "application/json; charset=utf-8"});
    respond(status, headers, json);
}

void HttpServerResponder::respondAfter(int delayMs, int status,
                                       const QList<HttpServerHeader>& headers,
                                       const QByteArray& body)
{
    if (!isPending())
        return;
    HttpServerResponder self = *this;
    // The connection is the timer's context: a client that left takes the timer with it.
    QTimer::singleShot(delayMs, m_state->conn.data(), [self, status, headers, body]() mutable {
        self.respond(status, headers, body);
    });
}

void HttpServerResponder::beginStream(int status, const QList<HttpServerHeader>& headers)
{
    if (!isPending() || m_state->phase != State::Phase::Pending)
        return;
    QByteArray out = responseStatusLine(status) + headerBlock(headers);
    if (m_state->http10) {
        m_state->keepAlive = false; // HTTP/1.0 has no chunking: the close ends the body
        out += "Connection: close\r\n";
    } else {
        out += "Transfer-Encoding: chunked\r\n";
        if (!m_state->keepAlive)
            out += "Connection: close\r\n";
    }
    out += "\r\n";
    m_state->phase = State::Phase::Streaming;
    m_state->conn->write(out);
}

void HttpServerResponder::writeChunk(const QByteArray& data)
{
    if (!isPending() || m_state->phase != State::Phase::Streaming || data.isEmpty() ||
        m_state->head)
        return;
    if (m_state->http10)
        m_state->conn->write(data);
    else
        m_state->conn->write(QByteArray::number(data.size(), 16) + "\r\n" + data + "\r\n");
}

void HttpServerResponder::endStream()
{
    if (!isPending() || m_state->phase != State::Phase::Streaming)
        return;
    if (!m_state->http10 && !m_state->head)
        m_state->conn->write("0\r\n\r\n");
    m_state->phase = State::Phase::Done;
    m_state->conn->finished(m_state.get());
}

void HttpServerResponder::respondTruncated(int status, const QList<HttpServerHeader>& headers,
                                           const QByteArray& body, int sentBytes)
{
    if (!isPending() || m_state->phase != State::Phase::Pending)
        return;
    QByteArray out = responseStatusLine(status) + headerBlock(headers) +
                     "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" +
                     body.left(qMax(0, sentBytes));
    m_state->phase = State::Phase::Done;
    m_state->keepAlive = false;
    auto* conn = m_state->conn.data();
    conn->write(out);
    conn->finished(m_state.get());
}

void HttpServerResponder::writeRaw(const QByteArray& bytes, bool close)
{
    if (!isPending())
        return;
    m_state->phase = State::Phase::Done;
    if (close)
        m_state->keepAlive = false;
    auto* conn = m_state->conn.data();
    conn->write(bytes);
    conn->finished(m_state.get());
}

void HttpServerResponder::closeConnection()
{
    if (!isConnected())
        return;
    m_state->phase = State::Phase::Done;
    m_state->keepAlive = false;
    auto* conn = m_state->conn.data();
    conn->closeGracefully();
}

// ---------------------------------------------------------------------------------------------
// LoopbackHttpServer

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
