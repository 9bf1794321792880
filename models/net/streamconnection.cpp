#include "streamconnection_p.h"

#include "net/retrypolicy.h"

#include <QRandomGenerator>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace isc {
namespace {

QString formatSeconds(int ms)
{
    return QString::number(ms / 1000.0, 'g', 3);
}

} // namespace

void StreamConnection::Private::startAttempt(bool counts)
{
    if (counts)
        ++attempts;
    ++generation;
    phase = Phase::Connecting;
    buf.clear();
    pos = 0;
    reader = HttpResponseReader();
    errorBody.clear();
    attemptGotBytes = false;
    if (!pool) {
        fail(HttpError::Kind::Network, QStringLiteral("the connection pool is gone"));
        return;
    }
    route = StreamRoute::forUrl(request.url);
    socket = staleRetried && !counts ? nullptr : pool->takeIdle(route);
    reused = socket != nullptr;
    if (request.timeoutMs > 0) {
        inactivity.start(request.timeoutMs, q);
        lastActivity.start();
    }
    if (reused) {
        attachSocket();
        sendRequest();
        return;
    }
    socket = pool->create(route);
    attachSocket();
    if (request.connectTimeoutMs > 0)
        connectTimer.start(request.connectTimeoutMs, q);
    if (route.tls)
        static_cast<QSslSocket*>(socket)->connectToHostEncrypted(route.connectHost,
                                                                 route.connectPort);
    else
        socket->connectToHost(route.connectHost, route.connectPort);
}

void StreamConnection::Private::attachSocket()
{
    const quint64 gen = generation;
    QAbstractSocket* s = socket;
    if (!reused) {
        if (route.tls) {
            QObject::connect(static_cast<QSslSocket*>(s), &QSslSocket::encrypted, q,
                             [this, gen] { onConnected(gen); });
        } else {
            QObject::connect(s, &QAbstractSocket::connected, q, [this, gen] { onConnected(gen); });
        }
    }
    QObject::connect(s, &QAbstractSocket::readyRead, q, [this, gen] { onReadyRead(gen); });
    QObject::connect(s, &QAbstractSocket::disconnected, q, [this, gen] { onClosedOrError(gen); });
    QObject::connect(s, &QAbstractSocket::errorOccurred, q, [this, gen] { onClosedOrError(gen); });
}

void StreamConnection::Private::onConnected(quint64 gen)
{
    if (gen != generation || phase != Phase::Connecting)
        return;
    connectTimer.stop();
    // Small requests and a streamed answer: Nagle would hold a write for a delayed ACK.
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    socket->setSocketOption(QAbstractSocket::KeepAliveOption, 1);
    sendRequest();
}

void StreamConnection::Private::sendRequest()
{
    phase = Phase::Head;
    const QByteArray out = route.requestBytes(request);
    if (request.timeoutMs > 0)
        lastActivity.start();
    qsizetype sent = 0;
#ifdef Q_OS_UNIX
    // Direct plain TCP: one send() to the kernel. QAbstractSocket::write() would switch its
    // write notifier on and off, and each switch costs a wake-up of the event loop (on a VM a
    // few microseconds of TTFT). Whatever send() does not take goes through Qt below.
    if (!route.tls && route.socketProxy.type() == QNetworkProxy::NoProxy &&
        socket->bytesToWrite() == 0 && socket->socketDescriptor() != -1) {
        const ssize_t n = ::send(static_cast<int>(socket->socketDescriptor()), out.constData(),
                                 static_cast<size_t>(out.size()), MSG_NOSIGNAL);
        if (n > 0)
            sent = n;
    }
#endif
    if (sent < out.size()) {
        // One write, pushed to the kernel now rather than on the next event-loop pass.
        socket->write(out.constData() + sent, out.size() - sent);
        socket->flush();
    }
}

void StreamConnection::Private::onClosedOrError(quint64 gen)
{
    if (gen != generation)
        return;
    if (phase != Phase::Connecting && phase != Phase::Head && phase != Phase::Body)
        return;
    // Bytes that arrived with the close come first.
    if (socket->bytesAvailable() > 0 && phase != Phase::Connecting) {
        onReadyRead(gen);
        if (gen != generation)
            return;
    }
    if (phase == Phase::Body && reader.mode == BodyMode::Close) {
        completeAttempt(); // a close-delimited body ends here
        return;
    }
    const QAbstractSocket::SocketError err = socket->error();
    const QString text = socket->errorString();
    if (reused && !attemptGotBytes && !staleRetried && phase == Phase::Head) {
        // The server closed the idle connection as we reused it: reconnect once, silently.
        staleRetried = true;
        releaseSocket(false);
        startAttempt(false);
        return;
    }
    const QString host = where();
    switch (err) {
    case QAbstractSocket::ConnectionRefusedError:
        transportFailure(HttpError::Kind::Network,
                         QStringLiteral("could not reach %1: connection refused").arg(host));
        return;
    case QAbstractSocket::HostNotFoundError:
        transportFailure(
            HttpError::Kind::Network,
            QStringLiteral("could not reach %1: host not found (check the address and DNS)")
                .arg(host));
        return;
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        transportFailure(HttpError::Kind::Tls,
                         QStringLiteral("the secure connection to %1 failed: %2").arg(host, text));
        return;
    case QAbstractSocket::ProxyAuthenticationRequiredError:
    case QAbstractSocket::ProxyConnectionRefusedError:
    case QAbstractSocket::ProxyConnectionClosedError:
    case QAbstractSocket::ProxyConnectionTimeoutError:
    case QAbstractSocket::ProxyNotFoundError:
    case QAbstractSocket::ProxyProtocolError:
        transportFailure(HttpError::Kind::Network,
                         QStringLiteral("could not reach %1 through the proxy %2: %3")
                             .arg(host, route.proxyName, text));
        return;
    default:
        break;
    }
    if (phase == Phase::Connecting) {
        transportFailure(HttpError::Kind::Network,
                         QStringLiteral("could not reach %1: %2").arg(host, text));
        return;
    }
    transportFailure(
        HttpError::Kind::Network,
        QStringLiteral("%1 closed the connection before the response was complete").arg(host));
}

void StreamConnection::Private::transportFailure(HttpError::Kind kind, const QString& message)
{
    // Connection errors and timeouts are retried as the SDKs do; TLS failures are not.
    if (kind != HttpError::Kind::Tls && canRetry()) {
        const double jitter = QRandomGenerator::global()->generateDouble();
        const qint64 delay = retry::backoffMs(attempts - 1, jitter);
        if (retryFits(delay)) {
            releaseSocket(false);
            scheduleRetry(delay);
            return;
        }
    }
    fail(kind, message);
}

void StreamConnection::Private::firstByteBudgetSpent()
{
    // One budget for the whole request: a stall is reported once, not once per retry.
    const QString within = formatSeconds(request.firstByteTimeoutMs);
    QString words = phase == Phase::Body && is2xx()
                        ? QStringLiteral("%1 answered HTTP %2 but sent no data within %3 s")
                              .arg(where())
                              .arg(reader.status)
                              .arg(within)
                        : QStringLiteral("%1 sent no answer within %2 s").arg(where(), within);
    if (attempts > 1)
        words += QStringLiteral(" (%1 attempts)").arg(attempts);
    fail(HttpError::Kind::Timeout, words);
}

void StreamConnection::Private::scheduleRetry(qint64 delayMs)
{
    releaseSocket(false);
    inactivity.stop();
    connectTimer.stop();
    phase = Phase::Waiting;
    ++generation;
    // Coarse timers may fire up to 5 % early; a retry must never come before the server asked.
    retryTimer.start(static_cast<int>(std::min<qint64>(delayMs + 1, 24 * 3600 * 1000)),
                     Qt::PreciseTimer, q);
}

void StreamConnection::Private::releaseSocket(bool reuse)
{
    if (!socket)
        return;
    QAbstractSocket* s = socket;
    socket = nullptr;
    ++generation;
    QObject::disconnect(s, nullptr, q, nullptr);
    if (!pool) {
        s->abort();
        return;
    }
    if (reuse)
        pool->release(s);
    else
        pool->discard(s);
}

void StreamConnection::Private::fail(HttpError::Kind kind, const QString& message)
{
    HttpResponse resp = answer();
    if (!is2xx())
        resp.body = errorBody;
    resp.error = {kind, message, 0};
    finish(resp);
}

void StreamConnection::Private::finish(HttpResponse resp)
{
    if (phase == Phase::Done)
        return;
    phase = Phase::Done;
    inactivity.stop();
    connectTimer.stop();
    retryTimer.stop();
    firstByteTimer.stop();
    releaseSocket(false);
    resp.attempts = attempts;
    if (!cb.onFinished)
        return;
    if (starting) {
        // Never inside start(): the caller has not even got its id yet.
        QMetaObject::invokeMethod(
            q, [done = cb.onFinished, resp] { done(resp); }, Qt::QueuedConnection);
        return;
    }
    cb.onFinished(resp);
}

StreamConnection::StreamConnection(StreamConnectionPool* pool, const HttpRequest& request,
                                   HttpClient::StreamCallbacks callbacks, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->pool = pool;
    d->request = request;
    d->cb = std::move(callbacks);
}

StreamConnection::~StreamConnection()
{
    d->releaseSocket(false);
}

void StreamConnection::start()
{
    if (d->phase != Private::Phase::Idle)
        return;
    d->starting = true;
    d->sinceStart.start();
    if (d->request.firstByteTimeoutMs > 0)
        d->firstByteTimer.start(d->request.firstByteTimeoutMs, Qt::PreciseTimer, this);
    d->startAttempt(true);
    d->starting = false;
}

void StreamConnection::cancel()
{
    if (d->phase == Private::Phase::Done)
        return;
    d->phase = Private::Phase::Done;
    d->inactivity.stop();
    d->connectTimer.stop();
    d->retryTimer.stop();
    d->firstByteTimer.stop();
    d->releaseSocket(false);
    ++d->generation;
}

bool StreamConnection::isDone() const
{
    return d->phase == Private::Phase::Done;
}

int StreamConnection::attempts() const
{
    return d->attempts;
}

bool StreamConnection::reusedConnection() const
{
    return d->reused;
}

void StreamConnection::timerEvent(QTimerEvent* event)
{
    const int id = event->timerId();
    if (id == d->retryTimer.timerId()) {
        d->retryTimer.stop();
        d->startAttempt(true);
    } else if (id == d->connectTimer.timerId()) {
        d->connectTimer.stop();
        if (d->phase == Private::Phase::Connecting)
            d->transportFailure(HttpError::Kind::Timeout,
                                QStringLiteral("could not connect to %1 within %2 s (timeout)")
                                    .arg(d->where(), formatSeconds(d->request.connectTimeoutMs)));
    } else if (id == d->firstByteTimer.timerId()) {
        d->firstByteTimer.stop();
        if (!d->bodyStarted && d->phase != Private::Phase::Done)
            d->firstByteBudgetSpent();
    } else if (id == d->inactivity.timerId()) {
        // One timer per attempt, re-armed only when it fires: no per-chunk timer churn.
        const qint64 idle = d->lastActivity.elapsed();
        if (idle < d->request.timeoutMs) {
            d->inactivity.start(static_cast<int>(d->request.timeoutMs - idle), this);
            return;
        }
        d->inactivity.stop();
        d->transportFailure(HttpError::Kind::Timeout,
                            QStringLiteral("%1 timed out after %2 s without data")
                                .arg(d->where(), formatSeconds(d->request.timeoutMs)));
    } else {
        QObject::timerEvent(event);
    }
}

} // namespace isc
