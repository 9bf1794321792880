#include "armlistreader.h"

#include "azurerequests.h"
#include "net/httpclient.h"

namespace isc::azure {

std::shared_ptr<ArmListReader> ArmListReader::start(HttpClient* http, QObject* context,
                                                    const QString& service, const QString& listName,
                                                    const QUrl& first, Prepare prepare, Page page,
                                                    Done done)
{
    std::shared_ptr<ArmListReader> reader(new ArmListReader);
    reader->m_http = http;
    reader->m_context = context;
    reader->m_service = service;
    reader->m_listName = listName;
    reader->m_prepare = std::move(prepare);
    reader->m_page = std::move(page);
    reader->m_done = std::move(done);
    reader->m_active = true;
    reader->request(first);
    return reader;
}

ArmListReader::~ArmListReader()
{
    cancel();
}

void ArmListReader::cancel()
{
    m_active = false;
    const quint64 id = std::exchange(m_requestId, 0);
    if (id && m_http)
        m_http->cancel(id);
}

void ArmListReader::request(const QUrl& url)
{
    HttpRequest req;
    QString error;
    if (!m_http || !m_prepare(&req, url, &error)) {
        finish(error.isEmpty() ? m_service + QLatin1String(": the request could not be made")
                               : error,
               {});
        return;
    }
    m_seen.insert(url.toString(QUrl::FullyEncoded));
    std::weak_ptr<ArmListReader> self = weak_from_this();
    m_requestId = m_http->send(req, m_context, [self, url](const HttpResponse& r) {
        if (const auto reader = self.lock())
            reader->onPage(url, r);
    });
}

void ArmListReader::onPage(const QUrl& url, const HttpResponse& r)
{
    m_requestId = 0;
    if (!m_active || r.error.kind == HttpError::Kind::Cancelled)
        return;
    const auto keepAlive = shared_from_this(); // `done` may drop the owner's reference
    const QString where = m_pages == 0
                              ? QString()
                              : QStringLiteral("page %1 of %2: ").arg(m_pages + 1).arg(m_listName);
    if (!r.ok()) {
        finish(where + describeFailure(r, m_service), r);
        return;
    }
    QString nextLink, error;
    if (!m_page(r.body, &nextLink, &error)) {
        finish(where + error, r);
        return;
    }
    ++m_pages;
    const QUrl next = nextPageUrl(nextLink, url, m_seen, m_pages, m_service, m_listName, &error);
    if (!error.isEmpty() || next.isEmpty()) {
        finish(error, r);
        return;
    }
    request(next);
}

void ArmListReader::finish(const QString& error, const HttpResponse& last)
{
    if (!m_active)
        return;
    m_active = false;
    const Done done = std::move(m_done);
    m_done = {};
    if (done)
        done(error, last);
}

} // namespace isc::azure
