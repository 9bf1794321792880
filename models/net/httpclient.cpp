#include "httpclient.h"

#include "net/retrypolicy.h"

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

bool isLoopbackHost(const QString& host)
{
    if (host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0 ||
        host.endsWith(QLatin1String(".localhost"), Qt::CaseInsensitive))
        return true;
    QHostAddress address;
    return address.setAddress(host) && address.isLoopback();
}

// Qt applies http_proxy (and the application proxy) to loopback too; the emulator and local
// servers must never be reached through a proxy.
class LoopbackBypassProxyFactory : public QNetworkProxyFactory
{
public:
    QList<QNetworkProxy> queryProxy(const QNetworkProxyQuery& query) override
    {
        if (isLoopbackHost(query.peerHostName()))
            return {QNetworkProxy(QNetworkProxy::NoProxy)};
        return QNetworkProxyFactory::proxyForQuery(query);
    }
};

QString hostPort(const QUrl& url)
{
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    return url.host() + QLatin1Char(':') + QString::number(port);
}

QString origin(const QUrl& url)
{
    return url.scheme() + QLatin1String("://") + hostPort(url);
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

QString withDetail(const QString& head, const QString& detail)
{
    return detail.isEmpty() ? head : head + QLatin1String(": ") + detail;
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
        int attempts = 0;
        bool tooLarge = false;
        QElapsedTimer elapsed;
    };

    HttpClient* q = nullptr;
    QNetworkAccessManager* nam = nullptr;
    quint64 nextId = 1;
    std::map<quint64, std::unique_ptr<Pending>> pending;

    void startAttempt(Pending* p);
    void onFinished(Pending* p, QNetworkReply* reply);
    void scheduleRetry(Pending* p, qint64 delayMs);
    void complete(quint64 id, HttpResponse response);
    void detach(Pending* p);
    void checkSize(Pending* p, qint64 bytes);
};

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

void HttpClient::Private::scheduleRetry(Pending* p, qint64 delayMs)
{
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
}

void HttpClient::Private::onFinished(Pending* p, QNetworkReply* reply)
{
    if (p->reply != reply)
        return;
    p->reply = nullptr;
    reply->deleteLater();

    HttpResponse resp;
    resp.attempts = p->attempts;
    resp.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    for (const auto& [name, value] : reply->rawHeaderPairs())
        resp.headers.append({name.toLower(), value});
    const QNetworkReply::NetworkError err = reply->error();
    const QUrl& url = p->request.url;
    const int maxRetries = std::max(0, p->request.maxRetries);
    const bool canRetry = p->attempts <= maxRetries;

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
        const QUrl target =
            url.resolved(reply->attribute(QNetworkRequest::RedirectionTargetAttribute).toUrl());
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
            e.message = QStringLiteral("%1 timed out after %2 s without data")
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
            scheduleRetry(p, retry::backoffMs(p->attempts - 1, jitter));
            return;
        }
        complete(p->id, resp);
        return;
    }

    const int status = resp.status;
    if (status >= 200 && status < 300 && err == QNetworkReply::NoError) {
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

    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const std::optional<qint64> serverDelay = retry::serverRetryDelayMs(resp.headers, nowMs);
    const QString message = retry::providerMessage(resp.body);
    const auto throttledUntil = [&](qint64 delayMs) {
        const qint64 until = (nowMs + delayMs + 999) / 1000;
        resp.error = {HttpError::Kind::Throttled,
                      QStringLiteral("rate-limited until %1 UTC")
                          .arg(QDateTime::fromSecsSinceEpoch(until, Qt::UTC)
                                   .toString(QStringLiteral("HH:mm:ss"))),
                      until};
    };

    bool retryable = false;
    if (!retry::isNeverRetriedStatus(status)) {
        const std::optional<bool> should = retry::shouldRetryHeader(resp.headers);
        retryable = should.value_or(retry::isRetryableStatus(status));
    }
    if (retryable && serverDelay && *serverDelay > p->request.maxRetryAfterMs) {
        throttledUntil(*serverDelay); // waiting that long is the caller's decision, not ours
        complete(p->id, resp);
        return;
    }
    if (retryable && canRetry) {
        const double jitter = QRandomGenerator::global()->generateDouble();
        scheduleRetry(p, serverDelay ? *serverDelay : retry::backoffMs(p->attempts - 1, jitter));
        return;
    }

    if (status == 401 || status == 403) {
        resp.error = {HttpError::Kind::Auth,
                      withDetail(QStringLiteral("authentication failed (%1)").arg(status), message),
                      0};
    } else if (status == 429) {
        if (serverDelay) {
            throttledUntil(*serverDelay);
        } else {
            resp.error = {HttpError::Kind::Throttled,
                          withDetail(QStringLiteral("rate-limited (429)"), message), 0};
        }
    } else {
        const QString reason =
            reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString().trimmed();
        QString head = QStringLiteral("%1 answered HTTP %2").arg(hostPort(url)).arg(status);
        if (!reason.isEmpty())
            head += QLatin1Char(' ') + reason;
        resp.error = {HttpError::Kind::HttpStatus, withDetail(head, message), 0};
    }
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
    d->nam->setProxyFactory(new LoopbackBypassProxyFactory); // the manager takes ownership
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

quint64 HttpClient::send(const HttpRequest& request, QObject* context, Callback done)
{
    auto p = std::make_unique<Private::Pending>();
    p->id = d->nextId++;
    p->request = request;
    p->done = std::move(done);
    p->elapsed.start();
    if (context) {
        p->hasContext = true;
        p->context = context;
        const quint64 id = p->id;
        // A dead context cannot take the answer: drop the request without a callback.
        p->contextConnection = connect(context, &QObject::destroyed, this, [this, id] {
            auto it = d->pending.find(id);
            if (it == d->pending.end())
                return;
            std::unique_ptr<Private::Pending> dropped = std::move(it->second);
            d->pending.erase(it);
            d->detach(dropped.get());
        });
    }
    Private::Pending* raw = p.get();
    d->pending.emplace(raw->id, std::move(p));
    d->startAttempt(raw);
    return raw->id;
}

void HttpClient::cancel(quint64 id)
{
    auto it = d->pending.find(id);
    if (it == d->pending.end())
        return;
    HttpResponse resp;
    resp.attempts = it->second->attempts;
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

} // namespace isc
