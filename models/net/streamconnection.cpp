#include "streamconnection.h"

#include "net/httpresponsereader.h"
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

constexpr int kMaxRedirects = 5;

QString formatSeconds(int ms)
{
    return QString::number(ms / 1000.0, 'g', 3);
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

} // namespace

struct StreamConnection::Private
{
    enum class Phase { Idle, Connecting, Head, Body, Waiting, Done };
    using BodyMode = HttpResponseReader::BodyMode;

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
    HttpResponseReader reader; // status, headers and body framing
    QByteArray errorBody;

    QBasicTimer inactivity;
    QBasicTimer connectTimer;
    QBasicTimer retryTimer;
    QBasicTimer firstByteTimer; // the whole budget to the first body byte, retries included
    QElapsedTimer lastActivity;
    QElapsedTimer sinceStart;

    QString where() const { return httpHostPort(request.url); }
    bool is2xx() const { return reader.status >= 200 && reader.status < 300; }
    bool canRetry() const { return attempts <= std::max(0, request.maxRetries) && !bodyStarted; }
    /// True when a retry starting in `delayMs` begins within the first-byte budget.
    bool retryFits(qint64 delayMs) const
    {
        return request.firstByteTimeoutMs <= 0 ||
               sinceStart.elapsed() + delayMs < request.firstByteTimeoutMs;
    }

    void startAttempt(bool counts);
    void attachSocket();
    void onConnected(quint64 gen);
    void sendRequest();
    void onReadyRead(quint64 gen);
    void onClosedOrError(quint64 gen);
    void process(quint64 gen);
    bool parseHead();
    bool deliver(const QByteArray& data, quint64 gen);
    void completeAttempt();
    void followRedirect();
    void transportFailure(HttpError::Kind kind, const QString& message);
    void firstByteBudgetSpent();
    void scheduleRetry(qint64 delayMs);
    void releaseSocket(bool reuse);
    void finish(HttpResponse resp);
    void fail(HttpError::Kind kind, const QString& message);
    HttpResponse answer() const;
};

HttpResponse StreamConnection::Private::answer() const
{
    HttpResponse r;
    r.status = reader.status;
    r.headers = reader.headers;
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
    const bool complete = reader.readBody(buf, &pos, &out, &error);
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
    QString error;
    switch (reader.readHead(buf, &pos, where(), &error)) {
    case HttpResponseReader::Head::NeedMore:
        return false;
    case HttpResponseReader::Head::Malformed:
        fail(HttpError::Kind::Network, error);
        return false;
    case HttpResponseReader::Head::Complete:
        break;
    }
    if (!reader.startBody(request.method, where(), &error)) {
        fail(HttpError::Kind::Network, error);
        return false;
    }
    if (reader.mode == BodyMode::Length && reader.remaining > request.maxBodyBytes) {
        fail(HttpError::Kind::TooLarge,
             QStringLiteral("the response from %1 is larger than %2 and was refused")
                 .arg(where(), formatByteSize(request.maxBodyBytes)));
        return false;
    }
    if (isRedirect(reader.status) && !reader.header("location").isEmpty()) {
        followRedirect();
        return false;
    }
    phase = Phase::Body;
    if (is2xx() && cb.onHeaders) {
        const quint64 gen = generation;
        cb.onHeaders(reader.status, reader.headers);
        if (gen != generation || phase != Phase::Body)
            return false; // cancelled from the callback
    }
    return true;
}

// Returns false when the attempt ended (cancelled from the callback, or too large).
bool StreamConnection::Private::deliver(const QByteArray& data, quint64 gen)
{
    if (!is2xx()) {
        errorBody += data;
        if (errorBody.size() > request.maxBodyBytes) {
            fail(HttpError::Kind::TooLarge,
                 QStringLiteral("the response from %1 is larger than %2 and was refused")
                     .arg(where(), formatByteSize(request.maxBodyBytes)));
            return false;
        }
        return true;
    }
    streamedBytes += data.size();
    if (streamedBytes > request.maxBodyBytes) {
        fail(HttpError::Kind::TooLarge,
             QStringLiteral("the response from %1 is larger than %2 and was refused")
                 .arg(where(), formatByteSize(request.maxBodyBytes)));
        return false;
    }
    bodyStarted = true;
    firstByteTimer.stop();
    if (cb.onData)
        cb.onData(data);
    return gen == generation && phase == Phase::Body;
}

void StreamConnection::Private::completeAttempt()
{
    inactivity.stop();
    releaseSocket(reader.keepAlive && reader.mode != BodyMode::Close && pos == buf.size());
    HttpResponse resp = answer();
    if (is2xx()) {
        resp.error = contentTypeError(request, resp);
        finish(resp);
        return;
    }
    resp.body = errorBody;
    HttpVerdict verdict = judgeHttpAnswer(request, resp, reader.reason, attempts);
    if (verdict.retry && !retryFits(verdict.retryDelayMs)) {
        // The retry would start past the first-byte budget: this answer is the last one.
        HttpRequest last = request;
        last.maxRetries = attempts - 1;
        verdict = judgeHttpAnswer(last, resp, reader.reason, attempts);
    }
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
    const int status = reader.status;
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
