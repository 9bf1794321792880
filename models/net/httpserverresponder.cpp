#include "loopbackhttpserver_p.h"

// Writing a request's answer: whole, delayed, streamed, or on purpose broken.

#include <QTimer>

namespace isc {

using httpwire::findHeader;
using httpwire::hasToken;

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

} // namespace isc
