#pragma once

#include "net/httptypes.h"

#include <QPointer>
#include <QSet>
#include <QString>
#include <QUrl>
#include <functional>
#include <memory>

namespace isc {
class HttpClient;
}

namespace isc::azure {

/// Reads one ARM list to its end: page after page through `nextLink` (same host only, at most
/// kMaxListPages, never the same page twice), each request prepared afresh (a new token). Every
/// page goes to `page` as it arrives; `done` runs once at the end, with the error in words when
/// the list could not be read whole. Nothing runs after cancel() or once the reader is gone.
class ArmListReader : public std::enable_shared_from_this<ArmListReader>
{
public:
    /// Builds the request for `url` (credential included); false with `error` set when it can't.
    using Prepare = std::function<bool(HttpRequest* req, const QUrl& url, QString* error)>;
    /// Takes one page's body; returns false with `error` set when the page is unusable, else
    /// sets `nextLink` (empty on the last page).
    using Page = std::function<bool(const QByteArray& body, QString* nextLink, QString* error)>;
    /// The list was read whole (`error` empty) or not (`error` in words); `last` is the last
    /// answer received (for its latency), empty when nothing was sent.
    using Done = std::function<void(const QString& error, const HttpResponse& last)>;

    /// Starts reading `first` through `http`, callbacks on `context`'s thread. `service` and
    /// `listName` word the errors, e.g. "Azure Resource Manager", "the deployments of x".
    static std::shared_ptr<ArmListReader> start(HttpClient* http, QObject* context,
                                                const QString& service, const QString& listName,
                                                const QUrl& first, Prepare prepare, Page page,
                                                Done done);
    ~ArmListReader();

    /// Stops reading; `done` never runs.
    void cancel();
    /// True until `done` ran or cancel().
    bool isActive() const { return m_active; }
    /// Pages read so far.
    int pagesRead() const { return m_pages; }

private:
    ArmListReader() = default;
    void request(const QUrl& url);
    void onPage(const QUrl& url, const HttpResponse& r);
    void finish(const QString& error, const HttpResponse& last);

    QPointer<HttpClient> m_http;
    QPointer<QObject> m_context;
    QString m_service, m_listName;
    Prepare m_prepare;
    Page m_page;
    Done m_done;
    QSet<QString> m_seen;
    int m_pages = 0;
    quint64 m_requestId = 0;
    bool m_active = false;
};

} // namespace isc::azure
