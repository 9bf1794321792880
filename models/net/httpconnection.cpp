#include "loopbackhttpserver_p.h"

// One client's connection: its requests parsed and handed to the handler strictly in order.

namespace isc {

using httpwire::findHeader;
using httpwire::hasToken;

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

} // namespace

namespace httpwire {

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

} // namespace httpwire

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

// ---------------------------------------------------------------------------------------------
// HttpConnection

HttpConnection::HttpConnection(QTcpSocket* socket, quint64 id, LoopbackHttpServer::Handler* handler,
                               qint64 maxBody,
                               std::function<void(const HttpServerRequest&)> onHandled,
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

void HttpConnection::write(const QByteArray& bytes)
{
    if (usable())
        m_socket->write(bytes);
}

void HttpConnection::closeGracefully()
{
    m_closing = true;
    m_buffer.clear();
    if (usable())
        m_socket->disconnectFromHost();
}

void HttpConnection::finished(State* state)
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

void HttpConnection::process()
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

void HttpConnection::drop()
{
    if (m_gone)
        return;
    m_gone = true;
    m_current.reset();
    m_buffer.clear();
    deleteLater();
}

void HttpConnection::fail(int status, const QByteArray& message)
{
    // A malformed request leaves the stream unsynchronised: answer and close.
    const QByteArray body = message + '\n';
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + httpReasonPhrase(status) +
                     "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
    write(out);
    closeGracefully();
}

bool HttpConnection::parseOne()
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
    state->keepAlive = http10 ? hasToken(connection, "keep-alive") : !hasToken(connection, "close");
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
        responder.respond(500, {{"Content-Type", "text/plain"}}, "The handler did not answer.\n");
    return true;
}

} // namespace isc
