#pragma once

#include "net/httptypes.h"
#include "sources/openai/usagepage.h"
#include "sources/pollingsource.h"

#include <QUrl>
#include <memory>

namespace isc {

class HttpClient;

/// The common engine of the OpenAI and Anthropic admin sources: a usage report and a cost
/// report, both paged with has_more / next_page cursors. Backfills newest chunk first: the last
/// minuteHistorySeconds() in 1-minute buckets (one page of 1,440 a day), older history in
/// 1-hour buckets (a week a page), each spread evenly over its 60 minutes; then polls the
/// last pollOverlapSeconds in 1-minute buckets every interval (the store upserts re-read
/// minutes). Daily costs come with every backfill chunk and every costRefreshSeconds of polls.
/// Every page of a chunk or poll lands together in one batch, or none of them does.
class PagedUsageSource : public PollingSource
{
    Q_OBJECT
public:
    enum class Report { Usage, Cost };
    /// A pure page parser (runs on the thread pool).
    using PageParser = UsagePage (*)(const QByteArray& body, const QString& source);

    ~PagedUsageSource() override;

    /// Buckets asked per page (0 = the API's maximum for the width); small values force paging.
    void setPageLimit(int buckets);
    /// History backfilled at 1-minute resolution, in seconds (default 1 day); older backfill
    /// uses 1-hour buckets.
    void setMinuteHistorySeconds(qint64 seconds);
    qint64 minuteHistorySeconds() const;

    /// The recent window a poll re-reads, in seconds.
    static constexpr qint64 pollOverlapSeconds = 600;
    /// How often polls re-read today's cost, in seconds.
    static constexpr qint64 costRefreshSeconds = 900;
    /// Most pages one report of one chunk may take before the source gives up.
    static constexpr int maxPagesPerReport = 1000;

protected:
    PagedUsageSource(Connection connection, HttpClient* http, SecretProvider secret,
                     QObject* parent);

    void planRun(const QVector<TimeRange>& windows) override;
    void runChunk(const Chunk& chunk) override;
    void runPoll() override;
    void cancelWork() override;

    /// The provider's name for messages ("OpenAI").
    virtual QString serviceName() const = 0;
    /// The URL of one page of `report` over `window` (s UTC) in buckets of `bucketSeconds`.
    virtual QUrl reportUrl(Report report, const TimeRange& window, qint64 bucketSeconds, int limit,
                           const QString& page) const = 0;
    /// Adds the admin key (and any version header) to `headers`.
    virtual void addAuthHeaders(QList<HttpHeader>* headers, const QString& key) const = 0;
    virtual PageParser parser(Report report) const = 0;
    /// The largest page the API allows for `report` in buckets of `bucketSeconds`.
    virtual int maxPageLimit(Report report, qint64 bucketSeconds) const = 0;
    /// The provider's words for an error body ("invalid_api_key: ..."), empty when none.
    virtual QString errorWords(const QByteArray& body, QString* type) const = 0;

    /// A base URL (the connection's endpoint) with `path` appended and `query` encoded.
    static QUrl buildUrl(const QUrl& base, const QString& path,
                         const QList<std::pair<QString, QString>>& query);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
