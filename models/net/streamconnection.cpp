#include "streamconnection.h"

#include "net/retrypolicy.h"
#include "net/streamconnectionpool.h"

#include <QBasicTimer>
#include <QElapsedTimer>
#include <QPointer>
#include <QRandomGenerator>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimerEvent>

#ifdef Q_OS_UNIX
#include <sys/socket.h>
#endif

namespace isc {
namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024; // status line and headers
constexpr int kMaxRedirects = 5;

QString formatSeconds(int ms)
{
    return QString::number(ms / 1000.0, 'g', 3);
}

QString formatBytes(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QString::number(bytes / (1024.0 * 1024.0), 'g', 3) + QLatin1String(" MiB");
    if (bytes >= 1024)
        return QString::number(bytes / 1024.0, 'g', 3) + QLatin1String(" KiB");
    return QString::number(bytes) + QLatin1String(" bytes");
}

bool sameOrigin(const QUrl& a, const QUrl& b)
{
    return a.scheme().compare(b.scheme(), Qt::CaseInsensitive) == 0 &&
           a.host().compare(b.host(), Qt::CaseInsensitive) == 0 &&
           httpHostPort(a) == httpHostPort(b);
}

bool isRedirect(int status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

// The bytes of one line ending at `lf` (exclusive), without a trailing CR.
QByteArrayView lineAt(const QByteArray& buf, qsizetype from, qsizetype lf)
{
    qsizetype end = lf;
    if (end > from && buf.at(end - 1) == '\r')
        --end;
    return QByteArrayView(buf.constData() + from, end - from);
}

} // namespace

struct StreamConnection::Private
{
    enum class Phase { Idle, Connecting, Head, Body, Waiting, Done };
    enum class BodyMode { None, Length, Chunked, Close };
    enum class Chunk { Size, Data, DataEnd, Trailer };

    StreamConnection* q = nullptr;
    QPointer<StreamConnectionPool> pool;
    HttpRequest request;
    HttpClient::StreamCallbacks cb;
    StreamRoute route;

    QAbstractSocket* socket = nullptr;
    bool reused = false;
    bool staleRetried = false; // one silent reconnect when a reused connection was already dead
    Phase phase = Phase::Idle;
    quint64 generation = 0; // bumps with every attempt and socket hand-back
    int attempts = 0;
    int redirects = 0;
    bool starting = false;
    bool bodyStarted = false; // a body byte reached onData: no retry after that
    qint64 streamedBytes = 0;
    bool attemptGotBytes = false;

    // The answer of the current attempt.
    QByteArray buf;
    qsizetype pos = 0;
    int status = 0;
    QString reason;
    QList<HttpHeader> headers;
    bool http10 = false;
    bool keepAlive = true;
    BodyMode mode = BodyMode::None;
    qint64 remaining = 0;
    Chunk chunk = Chunk::Size;
    QByteArray errorBody;

    QBasicTimer inactivity;
    QBasicTimer connectTimer;
    QBasicTimer retryTimer;
    QElapsedTimer lastActivity;

    QString where() const { return httpHostPort(request.url); }
    bool is2xx() const { return status >= 200 && status < 300; }
    bool canRetry() const { return attempts <= std::max(0, request.maxRetries) && !bodyStarted; }

    void startAttempt(bool counts);
    void attachSocket();
    void onConnected(quint64 gen);
    void sendRequest();
    void onReadyRead(quint64 gen);
    void onClosedOrError(quint64 gen);
    void process(quint64 gen);
    bool parseHead();
    bool decodeBody(QByteArray* out, QString* error);
    bool deliver(const QByteArray& data, quint64 gen);
    void completeAttempt();
    void followRedirect();
    void transportFailure(HttpError::Kind kind, const QString& message);
    void scheduleRetry(qint64 delayMs);
    void releaseSocket(bool reuse);
    void finish(HttpResponse resp);
    void fail(HttpError::Kind kind, const QString& message);
    HttpResponse answer() const;
};

HttpResponse StreamConnection::Private::answer() const
{
    HttpResponse r;
    r.status = status;
    r.headers = headers;
    r.attempts = attempts;
    return r;
}

void StreamConnection::Private::startAttempt(bool counts)
{
    if (counts)
        ++attempts;
    ++generation;
    phase = Phase::Connecting;
    buf.clear();
    pos = 0;
    status = 0;
    reason.clear();
    headers.clear();
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
    const QUrl& url = request.url;
    QByteArray target;
    if (route.absoluteForm) {
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
    if (!route.proxyAuthorization.isEmpty())
        out += "Proxy-Authorization: " + route.proxyAuthorization + "\r\n";
    out += "\r\n";
    out += request.body;
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

void StreamConnection::Private::onReadyRead(quint64 gen)
{
    if (gen != generation || (phase != Phase::Head && phase != Phase::Body))
        return;
    if (buf.size() == pos) {
        buf = socket->readAll();
        pos = 0;
    } else {
        buf += socket->readAll();
    }
    attemptGotBytes = true;
    if (request.timeoutMs > 0)
        lastActivity.start();
    process(gen);
}

void StreamConnection::Private::process(quint64 gen)
{
    if (phase == Phase::Head && !parseHead())
        return;
    if (gen != generation || phase != Phase::Body)
        return;
    QByteArray out;
    QString error;
    const bool complete = decodeBody(&out, &error);
    if (pos == buf.size()) {
        buf.clear();
        pos = 0;
    }
    if (!error.isEmpty()) {
        fail(HttpError::Kind::Network,
             QStringLiteral("%1 sent a malformed HTTP answer (%2)").arg(where(), error));
        return;
    }
    if (!out.isEmpty() && !deliver(out, gen))
        return;
    if (complete)
        completeAttempt();
}

// Returns true when the head is complete and the body phase has begun.
bool StreamConnection::Private::parseHead()
{
    while (true) {
        // Find the blank line that ends the head.
        qsizetype from = pos;
        qsizetype headEnd = -1;
        while (true) {
            const qsizetype lf = buf.indexOf('\n', from);
            if (lf < 0)
                break;
            if (lineAt(buf, from, lf).isEmpty() && from > pos) {
                headEnd = lf + 1;
                break;
            }
            from = lf + 1;
        }
        if (headEnd < 0) {
            if (buf.size() - pos > kMaxHeadBytes)
                fail(HttpError::Kind::Network,
                     QStringLiteral("%1 sent a malformed HTTP answer (headers over %2)")
                         .arg(where(), formatBytes(kMaxHeadBytes)));
            return false;
        }
        qsizetype at = pos;
        qsizetype lf = buf.indexOf('\n', at);
        const QByteArrayView statusLine = lineAt(buf, at, lf);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12) {
            fail(HttpError::Kind::Network,
                 QStringLiteral("%1 did not answer in HTTP/1.1 (%2)")
                     .arg(where(), QString::fromLatin1(statusLine.first(
                                       std::min<qsizetype>(statusLine.size(), 40)))));
            return false;
        }
        bool ok = false;
        status = statusLine.sliced(9, 3).toInt(&ok);
        if (!ok) {
            fail(HttpError::Kind::Network,
                 QStringLiteral("%1 sent a malformed HTTP answer (status line)").arg(where()));
            return false;
        }
        http10 = statusLine.startsWith("HTTP/1.0");
        reason = statusLine.size() > 13 ? QString::fromLatin1(statusLine.sliced(13)) : QString();
        headers.clear();
        at = lf + 1;
        while (at < headEnd) {
            lf = buf.indexOf('\n', at);
            const QByteArrayView line = lineAt(buf, at, lf);
            at = lf + 1;
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            headers.append({line.first(colon).toByteArray().toLower(),
                            line.sliced(colon + 1).trimmed().toByteArray()});
        }
        pos = headEnd;
        if (status >= 100 && status < 200 && status != 101)
            continue; // interim answer (100 Continue): the real one follows
        break;
    }

    HttpResponse head = answer();
    const QByteArray connection = head.header("connection").toLower();
    keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
    const QByteArray encoding = head.header("transfer-encoding").toLower();
    const QByteArray length = head.header("content-length");
    if (request.method == "HEAD" || status == 204 || status == 304) {
        mode = BodyMode::None;
    } else if (encoding.contains("chunked")) {
        mode = BodyMode::Chunked;
        chunk = Chunk::Size;
    } else if (!length.isEmpty()) {
        bool ok = false;
        remaining = length.trimmed().toLongLong(&ok);
        if (!ok || remaining < 0) {
            fail(HttpError::Kind::Network,
                 QStringLiteral("%1 sent a malformed HTTP answer (Content-Length)").arg(where()));
            return false;
        }
        mode = BodyMode::Length;
        if (remaining > request.maxBodyBytes) {
            fail(HttpError::Kind::TooLarge,
                 QStringLiteral("the response from %1 is larger than %2 and was refused")
                     .arg(where(), formatBytes(request.maxBodyBytes)));
            return false;
        }
    } else {
        mode = BodyMode::Close;
        keepAlive = false;
    }

    if (isRedirect(status) && !head.header("location").isEmpty()) {
        followRedirect();
        return false;
    }
    phase = Phase::Body;
    if (is2xx() && cb.onHeaders) {
        const quint64 gen = generation;
        cb.onHeaders(status, headers);
        if (gen != generation || phase != Phase::Body)
            return false; // cancelled from the callback
    }
    return true;
}

// Moves the decoded body bytes available in `buf` to `out`; true when the body is complete.
bool StreamConnection::Private::decodeBody(QByteArray* out, QString* error)
{
    switch (mode) {
    case BodyMode::None:
        return true;
    case BodyMode::Close: {
        if (pos == 0)
            *out = buf;
        else
            *out = buf.mid(pos);
        pos = buf.size();
        return false; // ends when the server closes
    }
    case BodyMode::Length: {
        const qint64 take = std::min<qint64>(remaining, buf.size() - pos);
        if (pos == 0 && take == buf.size())
            *out = buf; // shared, not copied
        else
            *out = buf.mid(pos, take);
        pos += take;
        remaining -= take;
        return remaining == 0;
    }
    case BodyMode::Chunked:
        break;
    }
    while (pos < buf.size()) {
        switch (chunk) {
        case Chunk::Size: {
            const qsizetype lf = buf.indexOf('\n', pos);
            if (lf < 0) {
                if (buf.size() - pos > 1024)
                    *error = QStringLiteral("chunk size line too long");
                return false;
            }
            QByteArrayView line = lineAt(buf, pos, lf);
            const qsizetype ext = line.indexOf(';');
            if (ext >= 0)
                line = line.first(ext);
            bool ok = false;
            const qint64 size = line.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                *error = QStringLiteral("chunk size");
                return false;
            }
            pos = lf + 1;
            remaining = size;
            chunk = size == 0 ? Chunk::Trailer : Chunk::Data;
            break;
        }
        case Chunk::Data: {
            const qint64 take = std::min<qint64>(remaining, buf.size() - pos);
            if (out->isEmpty() && pos == 0 && take == buf.size())
                *out = buf;
            else
                out->append(buf.constData() + pos, take);
            pos += take;
            remaining -= take;
            if (remaining == 0)
                chunk = Chunk::DataEnd;
            break;
        }
        case Chunk::DataEnd: {
            const qsizetype lf = buf.indexOf('\n', pos);
            if (lf < 0)
                return false;
            pos = lf + 1;
            chunk = Chunk::Size;
            break;
        }
        case Chunk::Trailer: {
            const qsizetype lf = buf.indexOf('\n', pos);
            if (lf < 0)
                return false;
            const bool last = lineAt(buf, pos, lf).isEmpty();
            pos = lf + 1;
            if (last)
                return true;
            break;
        }
        }
    }
    return false;
}

// Returns false when the attempt ended (cancelled from the callback, or too large).
bool StreamConnection::Private::deliver(const QByteArray& data, quint64 gen)
{
    if (!is2xx()) {
        errorBody += data;
        if (errorBody.size() > request.maxBodyBytes) {
            fail(HttpError::Kind::TooLarge,
                 QStringLiteral("the response from %1 is larger than %2 and was refused")
                     .arg(where(), formatBytes(request.maxBodyBytes)));
            return false;
        }
        return true;
    }
    streamedBytes += data.size();
    if (streamedBytes > request.maxBodyBytes) {
        fail(HttpError::Kind::TooLarge,
             QStringLiteral("the response from %1 is larger than %2 and was refused")
                 .arg(where(), formatBytes(request.maxBodyBytes)));
        return false;
    }
    bodyStarted = true;
    if (cb.onData)
        cb.onData(data);
    return gen == generation && phase == Phase::Body;
}

void StreamConnection::Private::completeAttempt()
{
    inactivity.stop();
    releaseSocket(keepAlive && mode != BodyMode::Close && pos == buf.size());
    HttpResponse resp = answer();
    if (is2xx()) {
        resp.error = contentTypeError(request, resp);
        finish(resp);
        return;
    }
    resp.body = errorBody;
    const HttpVerdict verdict = judgeHttpAnswer(request, resp, reason, attempts);
    if (verdict.retry) {
        scheduleRetry(verdict.retryDelayMs);
        return;
    }
    resp.error = verdict.error;
    finish(resp);
}

void StreamConnection::Private::followRedirect()
{
    HttpResponse resp = answer();
    const QUrl target = request.url.resolved(QUrl::fromEncoded(resp.header("location")));
    releaseSocket(false); // its body is of no interest
    if (!target.isValid() || !sameOrigin(target, request.url)) {
        // Credentials travel in the headers: another origin never gets them.
        resp.error = {HttpError::Kind::HttpStatus,
                      QStringLiteral("%1 redirected to another origin (%2); not followed so the "
                                     "credentials stay with %3")
                          .arg(where(),
                               target.isValid() ? httpOrigin(target) : QStringLiteral("unknown"),
                               httpOrigin(request.url)),
                      0};
        finish(resp);
        return;
    }
    if (redirects >= kMaxRedirects) {
        resp.error = {HttpError::Kind::HttpStatus,
                      QStringLiteral("%1 redirected too many times").arg(where()), 0};
        finish(resp);
        return;
    }
    ++redirects;
    if (status == 303 ||
        ((status == 301 || status == 302) && request.method != "GET" && request.method != "HEAD")) {
        request.method = "GET"; // as browsers and QNAM do
        request.body.clear();
    }
    request.url = target;
    startAttempt(false);
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
    if (phase == Phase::Body && mode == BodyMode::Close) {
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
        releaseSocket(false);
        const double jitter = QRandomGenerator::global()->generateDouble();
        scheduleRetry(retry::backoffMs(attempts - 1, jitter));
        return;
    }
    fail(kind, message);
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
