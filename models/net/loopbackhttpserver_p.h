#pragma once

// LoopbackHttpServer's insides, shared by its files (httpconnection.cpp: one client's requests,
// parsed and dispatched in order; httpserverresponder.cpp: writing the answers;
// loopbackhttpserver.cpp: listening and the open connections).

#include "net/loopbackhttpserver.h"

#include <QPointer>
#include <QTcpSocket>
#include <functional>
#include <memory>

namespace isc {

namespace httpwire {

/// Finds header `name` (case-insensitive) and copies its value into `value` when given.
bool findHeader(const QList<HttpServerHeader>& headers, const QByteArray& name, QByteArray* value);
/// True when the comma-separated `headerValue` lists `token` (case-insensitive).
bool hasToken(const QByteArray& headerValue, const char* token);

} // namespace httpwire

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

/// One client socket, answering its requests strictly in order.
class HttpConnection : public QObject
{
public:
    using State = HttpServerResponder::State;

    HttpConnection(QTcpSocket* socket, quint64 id, LoopbackHttpServer::Handler* handler,
                   qint64 maxBody, std::function<void(const HttpServerRequest&)> onHandled,
                   QObject* parent);

    bool usable() const { return !m_gone && m_socket->state() == QAbstractSocket::ConnectedState; }

    void write(const QByteArray& bytes);
    // Closes after everything written so far has been sent.
    void closeGracefully();
    void finished(State* state);
    void process();

private:
    void drop();
    void fail(int status, const QByteArray& message);
    // Parses and dispatches one request from the buffer; false when more bytes are needed.
    bool parseOne();

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

} // namespace isc
