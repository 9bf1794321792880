#include "httpclient.h"

#include "net/proxypolicy.h"
#include "net/retrypolicy.h"
#include "net/streamconnection.h"
#include "net/streamconnectionpool.h"
#include "net/throttlegate.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkProxyFactory>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QRandomGenerator>
#include <QTimer>
#include <map>

namespace isc {
namespace {

QString hostPort(const QUrl& url)
{
    return httpHostPort(url);
}

QString origin(const QUrl& url)
{
    return httpOrigin(url);
}

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

bool isTransportError(QNetworkReply::NetworkError e)
{
    return e != QNetworkReply::NoError && e < QNetworkReply::ContentAccessDenied;
}

} // namespace

struct HttpClient::Private
{
    struct Pending
    {
        quint64 id = 0;
        HttpRequest request;
        Callback done;
        bool hasContext = false;
        QPointer<QObject> context;
        QMetaObject::Connection contextConnection;
        QNetworkReply* reply = nullptr;
        QTimer* retryTimer = nullptr;
        QTimer* connectTimer = nullptr;  // runs while the TCP (and TLS) connection opens
        QTimer* deadlineTimer = nullptr; // the whole request (stream(): until the headers)
        int attempts = 0;
        bool tooLarge = false;
        bool connectTimedOut = false;
        QElapsedTimer elapsed;
        StreamConnection* stream = nullptr; // stream(): the request runs on our own connection
    };

    HttpClient* q = nullptr;
    QNetworkAccessManager* nam = nullptr;
    StreamConnectionPool* streamPool = nullptr;
    quint64 nextId = 1;
    std::map<quint64, std::unique_ptr<Pending>> pending;
    ThrottleGate gate;

    void startAttempt(Pending* p);
    void onFinished(Pending* p, QNetworkReply* reply);
    bool scheduleRetry(Pending* p, qint64 delayMs);
    bool fitsDeadline(const Pending* p, qint64 waitMs) const;
    void startDeadline(Pending* p);
    void stopDeadline(Pending* p);
    void expire(quint64 id);
    void whenAdmitted(Pending* p, std::function<void()> start);
    void complete(quint64 id, HttpResponse response);
    void detach(Pending* p);
    void checkSize(Pending* p, qint64 bytes);
    void stopConnectTimer(Pending* p);
    void watchConnect(Pending* p, QNetworkReply* reply);
    Pending* add(const HttpRequest& request, QObject* context, Callback done);
};

bool HttpClient::Private::fitsDeadline(const Pending* p, qint64 waitMs) const
{
    return p->request.deadlineMs <= 0 || p->elapsed.elapsed() + waitMs < p->request.deadlineMs;
}

// Qt's transfer timeout restarts with every byte: a server that trickles holds it forever.
void HttpClient::Private::startDeadline(Pending* p)
{
    if (p->request.deadlineMs <= 0)
        return;
    p->deadlineTimer = new QTimer(q);
    p->deadlineTimer->setSingleShot(true);
    QObject::connect(p->deadlineTimer, &QTimer::timeout, q, [this, id = p->id] { expire(id); });
    p->deadlineTimer->start(p->request.deadlineMs);
}

void HttpClient::Private::stopDeadline(Pending* p)
{
    if (!p->deadlineTimer)
        return;
    p->deadlineTimer->stop();
    p->deadlineTimer->deleteLater();
    p->deadlineTimer = nullptr;
}

void HttpClient::Private::expire(quint64 id)
{
    auto it = pending.find(id);
    if (it == pending.end())
        return;
    const Pending* p = it->second.get();
    HttpResponse resp;
    resp.attempts = p->stream ? p->stream->attempts() : p->attempts;
    resp.error = {HttpError::Kind::Timeout,
                  QStringLiteral("%1 did not answer completely within %2 s (it sent too slowly "
                                 "or stopped); the request was abandoned")
                      .arg(hostPort(p->request.url), formatSeconds(p->request.deadlineMs)),
                  0};
    complete(id, resp);
}

// Runs `start` when no throttle hold stands in the way: at once, after a short hold, or never
// (the request fails at once, unsent, saying until when).
void HttpClient::Private::whenAdmitted(Pending* p, std::function<void()> start)
{
    const qint64 until = gate.heldUntil(ThrottleGate::scopeOf(p->request));
    if (until == 0) {
        start();
        return;
    }
    const qint64 wait = until - gate.now();
    if (wait <= p->request.maxThrottleWaitMs && fitsDeadline(p, wait)) {
        p->retryTimer = new QTimer(q);
        p->retryTimer->setSingleShot(true);
        p->retryTimer->setTimerType(Qt::PreciseTimer); // never before the server asked
        QObject::connect(p->retryTimer, &QTimer::timeout, q, [p, start = std::move(start)] {
            p->retryTimer->deleteLater();
            p->retryTimer = nullptr;
            start();
        });
        p->retryTimer->start(static_cast<int>(wait + 1));
        return;
    }
    HttpResponse resp;
    resp.error = {HttpError::Kind::Throttled,
                  QStringLiteral("%1 (%2 asked to wait; nothing is sent to it before then)")
                      .arg(throttledUntilWords(until), hostPort(p->request.url)),
                  (until + 999) / 1000};
    // Answer later so `done` never runs inside send().
    QMetaObject::invokeMethod(
        q, [this, id = p->id, resp] { complete(id, resp); }, Qt::QueuedConnection);
}

void HttpClient::Private::stopConnectTimer(Pending* p)
{
    if (!p->connectTimer)
        return;
    p->connectTimer->stop();
    p->connectTimer->deleteLater();
    p->connectTimer = nullptr;
}

// Qt has no connect timeout of its own; the inactivity timeout is far longer on purpose.
void HttpClient::Private::watchConnect(Pending* p, QNetworkReply* reply)
{
    if (p->request.connectTimeoutMs <= 0)
        return;
    QObject::connect(reply, &QNetworkReply::socketStartedConnecting, q, [this, p, reply] {
        if (p->reply != reply || p->connectTimer)
            return;
        p->connectTimer = new QTimer(q);
        p->connectTimer->setSingleShot(true);
        QObject::connect(p->connectTimer, &QTimer::timeout, q, [this, p, reply] {
            stopConnectTimer(p);
            if (p->reply != reply)
                return;
            p->connectTimedOut = true;
            reply->abort();
        });
        p->connectTimer->start(p->request.connectTimeoutMs);
    });
    const auto connected = [this, p, reply] {
        if (p->reply == reply)
            stopConnectTimer(p);
    };
    QObject::connect(reply, &QNetworkReply::requestSent, q, connected);
    QObject::connect(reply, &QNetworkReply::metaDataChanged, q, connected);
}

void HttpClient::Private::detach(Pending* p)
{
    if (p->reply) {
        QNetworkReply* reply = p->reply;
        p->reply = nullptr;
        QObject::disconnect(reply, nullptr, q, nullptr);
        // Deleting stops the transfer; abort() would race an error already queued from Qt's
        // HTTP thread and warn "this method must only be called once".
        reply->deleteLater();
    }
    if (p->retryTimer) {
        p->retryTimer->stop();
        p->retryTimer->deleteLater();
        p->retryTimer = nullptr;
    }
    if (p->stream) {
        StreamConnection* stream = p->stream;
        p->stream = nullptr;
        stream->cancel();
        stream->deleteLater(); // we may be inside one of its callbacks
    }
    stopConnectTimer(p);
    stopDeadline(p);
    if (p->contextConnection)
        QObject::disconnect(p->contextConnection);
}

void HttpClient::Private::checkSize(Pending* p, qint64 bytes)
{
    if (p->tooLarge || bytes <= p->request.maxBodyBytes || !p->reply)
        return;
    p->tooLarge = true;
    // Abort later: aborting inside the reply's own signal re-enters finished().
    QPointer<QNetworkReply> reply = p->reply;
    QMetaObject::invokeMethod(
        q,
        [reply] {
            if (reply)
                reply->abort();
        },
        Qt::QueuedConnection);
}

void HttpClient::Private::startAttempt(Pending* p)
{
    ++p->attempts;
    p->connectTimedOut = false;
    QNetworkRequest r(p->request.url);
    for (const auto& [name, value] : p->request.headers)
        r.setRawHeader(name, value);
    r.setTransferTimeout(p->request.timeoutMs);
    // Qt's default follows redirects to other origins with the credential headers.
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                   QNetworkRequest::SameOriginRedirectPolicy);
    r.setMaximumRedirectsAllowed(5);

    QNetworkReply* reply = nullptr;
    if (p->request.method == "GET" && p->request.body.isEmpty())
        reply = nam->get(r);
    else
        reply = nam->sendCustomRequest(r, p->request.method, p->request.body);
    p->reply = reply;
    watchConnect(p, reply);

    QObject::connect(reply, &QNetworkReply::metaDataChanged, q, [this, p, reply] {
        if (p->reply != reply)
            return;
        const QVariant length = reply->header(QNetworkRequest::ContentLengthHeader);
        if (length.isValid())
            checkSize(p, length.toLongLong());
    });
    // Qt 6.4 emits downloadProgress for chunked bodies only at the end; the unread buffer
    // grows with every readyRead.
    QObject::connect(reply, &QNetworkReply::readyRead, q, [this, p, reply] {
        if (p->reply == reply)
            checkSize(p, reply->bytesAvailable());
    });
    QObject::connect(reply, &QNetworkReply::finished, q,
                     [this, p, reply] { onFinished(p, reply); });
}

bool HttpClient::Private::scheduleRetry(Pending* p, qint64 delayMs)
{
    // Another request may have been told to wait longer: no retry before that either.
    if (const qint64 until = gate.heldUntil(ThrottleGate::scopeOf(p->request)))
        delayMs = std::max(delayMs, until - gate.now());
    if (!fitsDeadline(p, delayMs))
        return false; // the caller ends the request with the answer it has
    p->retryTimer = new QTimer(q);
    p->retryTimer->setSingleShot(true);
    // Coarse timers may fire up to 5 % early; a retry must never come before the server asked.
    p->retryTimer->setTimerType(Qt::PreciseTimer);
    QObject::connect(p->retryTimer, &QTimer::timeout, q, [this, p] {
        p->retryTimer->deleteLater();
        p->retryTimer = nullptr;
        startAttempt(p);
    });
    p->retryTimer->start(static_cast<int>(std::min<qint64>(delayMs + 1, 24 * 3600 * 1000)));
    return true;
}

void HttpClient::Private::onFinished(Pending* p, QNetworkReply* reply)
{
    if (p->reply != reply)
        return;
    p->reply = nullptr;
    reply->deleteLater();
    stopConnectTimer(p);

    HttpResponse resp;
    resp.attempts = p->attempts;
    resp.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto& [name, value] : reply->rawHeaderPairs())
        resp.headers.append({name.toLower(), value});
    const QNetworkReply::NetworkError err = reply->error();
    const QUrl& url = p->request.url;
    gate.noteAnswer(p->request, resp); // a Retry-After outlives this request
    const bool canRetry = p->attempts <= std::max(0, p->request.maxRetries);

    if (p->tooLarge) {
        resp.error = {HttpError::Kind::TooLarge,
                      QStringLiteral("the response from %1 is larger than %2 and was refused")
                          .arg(hostPort(url), formatBytes(p->request.maxBodyBytes)),
                      0};
        complete(p->id, resp);
        return;
    }
    if (reply->isOpen())
        resp.body = reply->readAll();

    if (err == QNetworkReply::InsecureRedirectError ||
        err == QNetworkReply::TooManyRedirectsError) {
        QUrl target = reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl();
        if (target.isEmpty()) // Qt leaves it unset when the policy refused the hop
            target = QUrl::fromEncoded(reply->rawHeader("Location"));
        target = url.resolved(target);
        const QString what =
            err == QNetworkReply::TooManyRedirectsError
                ? QStringLiteral("%1 redirected too many times").arg(hostPort(url))
                : QStringLiteral("%1 redirected to another origin (%2); not followed so the "
                                 "credentials stay with %3")
                      .arg(hostPort(url),
                           target.isValid() ? origin(target) : QStringLiteral("unknown"),
                           origin(url));
        resp.error = {HttpError::Kind::HttpStatus, what, 0};
        complete(p->id, resp);
        return;
    }

    if (isTransportError(err)) {
        HttpError e;
        switch (err) {
        case QNetworkReply::OperationCanceledError: // transfer timeout (we track our own aborts)
        case QNetworkReply::TimeoutError:
            e.kind = HttpError::Kind::Timeout;
            e.message = p->connectTimedOut
                            ? QStringLiteral("could not connect to %1 within %2 s (timeout)")
                                  .arg(hostPort(url), formatSeconds(p->request.connectTimeoutMs))
                            : QStringLiteral("%1 timed out after %2 s without data")
                                  .arg(hostPort(url), formatSeconds(p->request.timeoutMs));
            break;
        case QNetworkReply::SslHandshakeFailedError:
            e.kind = HttpError::Kind::Tls;
            e.message = QStringLiteral("the secure connection to %1 failed: %2")
                            .arg(hostPort(url), reply->errorString());
            break;
        case QNetworkReply::ConnectionRefusedError:
            e.kind = HttpError::Kind::Network;
            e.message = QStringLiteral("could not reach %1: connection refused").arg(hostPort(url));
            break;
        case QNetworkReply::HostNotFoundError:
            e.kind = HttpError::Kind::Network;
            e.message =
                QStringLiteral("could not reach %1: host not found (check the address and DNS)")
                    .arg(hostPort(url));
            break;
        case QNetworkReply::RemoteHostClosedError:
            e.kind = HttpError::Kind::Network;
            e.message = QStringLiteral("%1 closed the connection before the response was complete")
                            .arg(hostPort(url));
            break;
        case QNetworkReply::TemporaryNetworkFailureError:
        case QNetworkReply::NetworkSessionFailedError:
            e.kind = HttpError::Kind::Network;
            e.message =
                QStringLiteral("could not reach %1: the network is unavailable").arg(hostPort(url));
            break;
        default:
            e.kind = HttpError::Kind::Network;
            e.message =
                QStringLiteral("could not reach %1: %2").arg(hostPort(url), reply->errorString());
            break;
        }
        resp.error = e;
        // Connection errors and timeouts are retried as the SDKs do; TLS failures are not.
        if (e.kind != HttpError::Kind::Tls && canRetry) {
            const double jitter = QRandomGenerator::global()->generateDouble();
            if (scheduleRetry(p, retry::backoffMs(p->attempts - 1, jitter)))
                return;
        }
        complete(p->id, resp);
        return;
    }

    const int status = resp.status;
    if (status >= 200 && status < 300 && err == QNetworkReply::NoError) {
        resp.error = contentTypeError(p->request, resp);
        complete(p->id, resp);
        return;
    }
    if (status == 0) {
        resp.error = {
            HttpError::Kind::Network,
            QStringLiteral("no HTTP response from %1: %2").arg(hostPort(url), reply->errorString()),
            0};
        complete(p->id, resp);
        return;
    }

    const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
    HttpVerdict verdict = judgeHttpAnswer(p->request, resp, reason, p->attempts);
    if (verdict.retry) {
        if (scheduleRetry(p, verdict.retryDelayMs))
            return;
        // No time left for a retry: this answer is the last one.
        verdict = judgeHttpAnswer(p->request, resp, reason,
                                  std::max(p->attempts, p->request.maxRetries + 1));
    }
    resp.error = verdict.error;
    complete(p->id, resp);
}

void HttpClient::Private::complete(quint64 id, HttpResponse response)
{
    auto it = pending.find(id);
    if (it == pending.end())
        return;
    std::unique_ptr<Pending> p = std::move(it->second);
    pending.erase(it);
    detach(p.get());
    response.elapsedMs = p->elapsed.elapsed();
    response.attempts = std::max(response.attempts, p->attempts);
    if (p->hasContext && !p->context)
        return;
    if (p->done)
        p->done(response);
}

HttpClient::HttpClient(QObject* parent) : QObject(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->nam = new QNetworkAccessManager(this);
    d->nam->setProxyFactory(new NetworkProxyFactory); // the manager takes ownership
}

HttpClient::~HttpClient()
{
    // Replies must not reach our handlers while the manager and `d` are torn down.
    for (auto& [id, p] : d->pending)
        d->detach(p.get());
    d->pending.clear();
    delete d->nam;
    d->nam = nullptr;
}

HttpClient::Private::Pending* HttpClient::Private::add(const HttpRequest& request, QObject* context,
                                                       Callback done)
{
    auto p = std::make_unique<Pending>();
    p->id = nextId++;
    p->request = request;
    p->done = std::move(done);
    p->elapsed.start();
    if (context) {
        p->hasContext = true;
        p->context = context;
        const quint64 id = p->id;
        // A dead context cannot take the answer: drop the request without a callback.
        p->contextConnection = QObject::connect(context, &QObject::destroyed, q, [this, id] {
            auto it = pending.find(id);
            if (it == pending.end())
                return;
            std::unique_ptr<Pending> dropped = std::move(it->second);
            pending.erase(it);
            detach(dropped.get());
        });
    }
    Pending* raw = p.get();
    pending.emplace(raw->id, std::move(p));
    if (const QString refused = credentialRefusal(request); !refused.isEmpty()) {
        // Answer later so `done` never runs inside send().
        HttpResponse resp;
        resp.error = {HttpError::Kind::Auth, refused, 0};
        QMetaObject::invokeMethod(
            q, [this, id = raw->id, resp] { complete(id, resp); }, Qt::QueuedConnection);
        return nullptr;
    }
    return raw;
}

quint64 HttpClient::send(const HttpRequest& request, QObject* context, Callback done)
{
    const quint64 id = d->nextId;
    if (Private::Pending* p = d->add(request, context, std::move(done))) {
        d->startDeadline(p);
        d->whenAdmitted(p, [this, p] { d->startAttempt(p); });
    }
    return id;
}

quint64 HttpClient::stream(const HttpRequest& request, QObject* context, StreamCallbacks callbacks)
{
    const quint64 id = d->nextId;
    Callback done = std::move(callbacks.onFinished);
    Private::Pending* p = d->add(request, context, std::move(done));
    if (!p)
        return id;
    callbacks.onFinished = [this, id, request](const HttpResponse& r) {
        d->gate.noteAnswer(request, r);
        d->complete(id, r);
    };
    // The deadline covers the wait for the headers; a long answer is the idle timeout's.
    auto onHeaders = std::move(callbacks.onHeaders);
    callbacks.onHeaders = [this, id, onHeaders](int status, const QList<HttpHeader>& headers) {
        if (auto it = d->pending.find(id); it != d->pending.end())
            d->stopDeadline(it->second.get());
        if (onHeaders)
            onHeaders(status, headers);
    };
    d->startDeadline(p);
    d->whenAdmitted(p, [this, p, request, callbacks = std::move(callbacks)]() mutable {
        p->stream = new StreamConnection(streamPool(), request, std::move(callbacks), this);
        p->stream->start();
    });
    return id;
}

void HttpClient::cancel(quint64 id)
{
    auto it = d->pending.find(id);
    if (it == d->pending.end())
        return;
    HttpResponse resp;
    resp.attempts = it->second->stream ? it->second->stream->attempts() : it->second->attempts;
    resp.error = {HttpError::Kind::Cancelled, QStringLiteral("cancelled"), 0};
    d->complete(id, resp);
}

void HttpClient::cancelAll()
{
    std::vector<quint64> ids;
    for (const auto& entry : d->pending)
        ids.push_back(entry.first);
    for (quint64 id : ids)
        cancel(id);
}

int HttpClient::pending() const
{
    return static_cast<int>(d->pending.size());
}

StreamConnectionPool* HttpClient::streamPool()
{
    if (!d->streamPool)
        d->streamPool = new StreamConnectionPool(this);
    return d->streamPool;
}

qint64 HttpClient::throttledUntilUtc(const QUrl& url) const
{
    const qint64 ms = d->gate.heldUntilForOrigin(url);
    return ms > 0 ? (ms + 999) / 1000 : 0;
}

void HttpClient::setClock(std::function<qint64()> nowMs)
{
    d->gate.setClock(std::move(nowMs));
}

} // namespace isc
