#pragma once

#include "net/httptypes.h"

#include <QObject>
#include <functional>

class QNetworkAccessManager;

namespace isc {

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

    /// Cancels a request in flight; its callback runs with Kind::Cancelled.
    void cancel(quint64 id);

    /// Cancels everything in flight.
    void cancelAll();

    /// Number of requests in flight (including ones waiting to retry).
    int pending() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
