#pragma once

#include "net/httptypes.h"

#include <QObject>
#include <functional>

class QNetworkAccessManager;

namespace isc {

/// "host:port" of `url` (port defaulted per scheme), as error messages name a server.
QString httpHostPort(const QUrl& url);

/// "scheme://host:port" of `url`.
QString httpOrigin(const QUrl& url);

/// The policy's reading of a complete answer that is not a 2xx, shared by send() and stream().
struct HttpVerdict
{
    bool retry = false;
    qint64 retryDelayMs = 0; ///< when `retry`: wait this long, ms
    HttpError error;         ///< when not `retry`: the classified error
};

/// Judges the non-2xx `response` (status, lower-cased headers, error body) to `request` after
/// attempt number `attempts` (1-based): SDK-style retries honouring retry-after-ms /
/// retry-after / x-should-retry, else an error in words. `reasonPhrase` is the server's.
HttpVerdict judgeHttpAnswer(const HttpRequest& request, const HttpResponse& response,
                            const QString& reasonPhrase, int attempts);

/// A Kind::Parse error when a 2xx `response` is not of `request.expectContentType`; else None.
HttpError contentTypeError(const HttpRequest& request, const HttpResponse& response);

/// Words when `request` would hand a credential to a host outside its connection; empty when fine.
QString credentialRefusal(const HttpRequest& request);

class StreamConnectionPool;

/// The one HTTP policy every source uses: inactivity timeout, SDK-style retries on
/// 408/409/429/5xx and connection errors honouring retry-after-ms / retry-after, same-origin
/// redirects only, a body-size cap before anything is parsed, and classified errors.
class HttpClient : public QObject
{
    Q_OBJECT
public:
    explicit HttpClient(QObject* parent = nullptr);
    ~HttpClient() override;

    using Callback = std::function<void(const HttpResponse&)>;

    /// Sends `request`; `done` runs once, in this object's thread, unless `context` died first.
    /// Returns an id for cancel().
    quint64 send(const HttpRequest& request, QObject* context, Callback done);

    /// What a streamed request reports, in this object's thread, never after `context` died.
    struct StreamCallbacks
    {
        /// A 2xx status and its headers (names lower-cased), before the first body byte. Runs
        /// again only if that attempt failed before any body byte and was retried.
        std::function<void(int status, const QList<HttpHeader>& headers)> onHeaders;
        /// Body bytes of a 2xx answer as they arrive (split anywhere).
        std::function<void(const QByteArray& chunk)> onData;
        /// Once, at the end: a 2xx stream has an empty `body` (it went to onData); errors carry
        /// the error body as send() does.
        Callback onFinished;
    };

    /// Sends `request` and hands a 2xx body to `callbacks.onData` as it arrives (SSE). Same
    /// policy as send(), except that nothing is retried once a body byte was delivered.
    /// Returns an id for cancel(); a callback may cancel().
    quint64 stream(const HttpRequest& request, QObject* context, StreamCallbacks callbacks);

    /// Cancels a request in flight; its callback runs with Kind::Cancelled.
    void cancel(quint64 id);

    /// Cancels everything in flight.
    void cancelAll();

    /// Number of requests in flight (including ones waiting to retry).
    int pending() const;

    /// The keep-alive connections stream() reuses (created on first use).
    StreamConnectionPool* streamPool();

    /// Until when a server asked to be left alone for requests to `url`'s origin (any
    /// credential), seconds UTC; 0 when nothing holds them back.
    qint64 throttledUntilUtc(const QUrl& url) const;

    /// Replaces the wall clock the throttle holds are kept by (ms UTC), for tests.
    void setClock(std::function<qint64()> nowMs);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
