#include "pagedusagesource.h"

#include "core/whenready.h"
#include "net/httpclient.h"
#include "sources/credentialprovider.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <optional>

Q_LOGGING_CATEGORY(lcUsage, "inferscope.usage")

namespace isc {

namespace {

constexpr qint64 kMinuteChunkSeconds = kSecondsPerDay;   // 1,440 one-minute buckets: one full page
constexpr qint64 kHourChunkSeconds = 7 * kSecondsPerDay; // 168 one-hour buckets: one full page

} // namespace

// Named (not anonymous): PagedUsageSource::Private holds these, and a member of a type with
// internal linkage is only accepted in the file that defines it (not in a unity batch).
namespace pagedusage {

// One report over one window, read page by page.
struct Fetch
{
    PagedUsageSource::Report report = PagedUsageSource::Report::Usage;
    TimeRange window;
    qint64 bucketSeconds = 60;
};

} // namespace pagedusage

using pagedusage::Fetch;

struct PagedUsageSource::Private
{
    explicit Private(PagedUsageSource* owner)
        : q(owner), connection(owner->connection()), health(owner->mutableHealth())
    {}

    PagedUsageSource* q = nullptr;
    const Connection& connection; // q's, as the lifecycle (PollingSource) keeps them
    SourceHealth& health;
    QPointer<HttpClient> http;
    SecretProvider secret;
    int pageLimit = 0;
    qint64 minuteHistory = kSecondsPerDay;

    qint64 costsAt = 0; // s UTC of the last good cost read by a poll, 0 = never

    // The chunk or poll in flight: all of its pages land together or not at all.
    struct Cycle
    {
        quint64 generation = 0;
        bool backfill = false;
        bool withCosts = false;
        TimeRange window;
        QVector<Fetch> fetches;
        int fetchIndex = 0;
        QString page;  // cursor of the page to ask next, empty = first
        int pages = 0; // pages read of the current fetch
        std::unique_ptr<SeriesAccumulator> samples;
        QString error;
        quint64 request = 0;
    };
    std::optional<Cycle> cycle;
    quint64 generation = 0;

    qint64 clock() const { return q->now(); }
    void emitHealth() { q->emitHealth(); }
    bool authorize(QList<HttpHeader>* headers, QString* error) const;
    QString describeFailure(const HttpResponse& r) const;
    void startCycle(const TimeRange& window, qint64 bucketSeconds, bool backfill, bool withCosts);
    void sendPage();
    void onPage(quint64 gen, const UsagePage& page);
    void finishCycle();
};

bool PagedUsageSource::Private::authorize(QList<HttpHeader>* headers, QString* error) const
{
    QString err;
    const QString key = secret ? secret(&err) : QString();
    if (key.isEmpty()) {
        *error = err.isEmpty() ? QStringLiteral("no admin key is available for %1")
                                     .arg(connection.displayName.isEmpty() ? connection.id
                                                                           : connection.displayName)
                               : err;
        return false;
    }
    q->addAuthHeaders(headers, key);
    return true;
}

QString PagedUsageSource::Private::describeFailure(const HttpResponse& r) const
{
    const QString service = q->serviceName();
    QString type;
    const QString words = q->errorWords(r.body, &type);
    // The provider's words as a sentence, so ours can follow it.
    QString sentence = words;
    if (!sentence.isEmpty() && !sentence.endsWith(QLatin1Char('.')))
        sentence += QLatin1Char('.');
    switch (r.error.kind) {
    case HttpError::Kind::Auth:
        return QStringLiteral("%1 refused the admin key (%2)%3 Check that the connection uses an "
                              "admin key with access to usage and costs.")
            .arg(service)
            .arg(r.status)
            .arg(sentence.isEmpty() ? QStringLiteral(".") : QLatin1String(": ") + sentence);
    case HttpError::Kind::Throttled:
        if (type == QLatin1String("enforced_spend_limit_reached") ||
            r.body.contains("enforced_spend_limit_reached"))
            return QStringLiteral("%1 stopped answering because the organisation reached its "
                                  "spend limit: %2 This is not retried until the limit is raised.")
                .arg(service, sentence);
        return QStringLiteral("%1 is rate-limiting the usage API: %2")
            .arg(service, words.isEmpty() ? r.error.message : words);
    case HttpError::Kind::HttpStatus:
        if (!words.isEmpty())
            return QStringLiteral("%1 rejected the request (HTTP %2): %3")
                .arg(service)
                .arg(r.status)
                .arg(words);
        return service + QLatin1String(": ") + r.error.message;
    default:
        return r.error.message.isEmpty() ? service + QLatin1String(": the request failed")
                                         : r.error.message;
    }
}

void PagedUsageSource::Private::startCycle(const TimeRange& window, qint64 bucketSeconds,
                                           bool backfill, bool withCosts)
{
    Cycle c;
    c.generation = ++generation;
    c.backfill = backfill;
    c.withCosts = withCosts;
    c.window = window;
    c.samples = std::make_unique<SeriesAccumulator>(connection.id);
    c.fetches.append({Report::Usage, window, bucketSeconds});
    if (withCosts) {
        // Whole UTC days (today: up to now), or an older chunk would store a part of a day.
        const qint64 dayFrom = floorTo(window.from, kSecondsPerDay);
        const qint64 dayTo =
            std::min(floorTo(window.to - 1, kSecondsPerDay) + kSecondsPerDay, floorTo(clock(), 60));
        c.fetches.append({Report::Cost, {dayFrom, std::max(dayTo, dayFrom + 60)}, kSecondsPerDay});
    }
    cycle = std::move(c);
    health.lastAttempt = clock();
    emitHealth();
    sendPage();
}

void PagedUsageSource::Private::sendPage()
{
    const Fetch& f = cycle->fetches.at(cycle->fetchIndex);
    HttpRequest req;
    QString error;
    if (!http || !authorize(&req.headers, &error)) {
        cycle->error = error.isEmpty() ? QStringLiteral("no HTTP client") : error;
        finishCycle();
        return;
    }
    const int maxLimit = q->maxPageLimit(f.report, f.bucketSeconds);
    const int limit = pageLimit > 0 ? std::min(pageLimit, maxLimit) : maxLimit;
    req.url = q->reportUrl(f.report, f.window, f.bucketSeconds, limit, cycle->page);
    req.credentialHosts = credentialHosts(connection); // a key only goes to this connection
    const quint64 gen = cycle->generation;
    const PageParser parse = q->parser(f.report);
    cycle->request = http->send(req, q, [this, gen, parse](const HttpResponse& r) {
        if (!cycle || cycle->generation != gen)
            return; // an answer to a cycle already decided (or cancelled)
        cycle->request = 0;
        if (r.status > 0)
            health.latencyMs = r.elapsedMs; // answered, even with an error: the server's time
        if (!r.ok()) {
            cycle->error = describeFailure(r);
            finishCycle();
            return;
        }
        // Pages of 1,440 buckets are large: parse on the pool, continue on our thread.
        const QFuture<UsagePage> parsing = QtConcurrent::run(
            [parse, body = r.body, source = connection.id] { return parse(body, source); });
        whenReady(q, parsing, [this, gen](const UsagePage& page) { onPage(gen, page); });
    });
}

void PagedUsageSource::Private::onPage(quint64 gen, const UsagePage& page)
{
    if (!cycle || cycle->generation != gen)
        return;
    if (!page.ok) {
        cycle->error = page.error;
        finishCycle();
        return;
    }
    // Usage buckets are totals (an hour of history is one bucket); daily costs stay at their
    // day's start, where the reconciliation reads them.
    const Fetch& fetch = cycle->fetches.at(cycle->fetchIndex);
    cycle->samples->add(page.series, fetch.report == Report::Usage ? fetch.bucketSeconds : 60);
    ++cycle->pages;
    if (page.hasMore) {
        if (page.nextPage == cycle->page || cycle->pages >= maxPagesPerReport) {
            cycle->error = QStringLiteral("%1 kept answering has_more after %2 pages; the window "
                                          "was not stored")
                               .arg(q->serviceName())
                               .arg(cycle->pages);
            finishCycle();
            return;
        }
        cycle->page = page.nextPage;
        sendPage();
        return;
    }
    cycle->page.clear();
    cycle->pages = 0;
    if (++cycle->fetchIndex < cycle->fetches.size()) {
        sendPage();
        return;
    }
    finishCycle();
}

void PagedUsageSource::Private::finishCycle()
{
    Cycle c = std::move(*cycle);
    cycle.reset();
    if (c.request && http)
        http->cancel(c.request);
    const qint64 now = clock();
    if (c.error.isEmpty()) {
        PollBatch batch;
        batch.source = connection.id;
        batch.window = c.window;
        batch.series = c.samples->take();
        health.lastSuccess = now;
        health.lastError.clear();
        if (c.withCosts && !c.backfill)
            costsAt = now;
        emit q->batchReady(batch);
    } else {
        qCWarning(lcUsage, "%s: %s", qPrintable(connection.id), qPrintable(c.error));
        health.lastError = c.error;
        emit q->pollFailed(GapMarker{connection.id, c.window, c.error, now});
    }
    q->cycleEnded(!c.error.isEmpty());
}

void PagedUsageSource::runChunk(const Chunk& chunk)
{
    d->startCycle(chunk.window, chunk.bucketSeconds, true, true);
}

void PagedUsageSource::runPoll()
{
    const qint64 end = floorTo(now(), 60);
    const bool costs = d->costsAt == 0 || now() - d->costsAt >= costRefreshSeconds;
    d->startCycle({end - pollOverlapSeconds, end}, 60, false, costs);
}

void PagedUsageSource::cancelWork()
{
    if (d->cycle) {
        const quint64 id = d->cycle->request;
        d->cycle.reset();
        if (id && d->http)
            d->http->cancel(id);
    }
}

PagedUsageSource::PagedUsageSource(Connection connection, HttpClient* http, SecretProvider secret,
                                   QObject* parent)
    : PollingSource(std::move(connection), 1, parent), d(std::make_unique<Private>(this))
{
    d->http = http;
    d->secret = std::move(secret);
}

PagedUsageSource::~PagedUsageSource()
{
    halt(false);
}

void PagedUsageSource::planRun(const QVector<TimeRange>& windows)
{
    QVector<Chunk> chunks;
    const qint64 end = floorTo(now(), 60);
    // Minutes for the recent history, hours before it (aligned so the two never overlap).
    const qint64 boundary = floorTo(end - d->minuteHistory, 3600);
    for (const TimeRange& w : windows) {
        const qint64 from = floorTo(w.from, 60);
        // Newest first: what the user looks at first (the last hours) arrives first.
        qint64 to = std::min(floorTo(w.to + 59, 60), end);
        while (to > from) {
            if (to > boundary) {
                const qint64 f = std::max({from, boundary, to - kMinuteChunkSeconds});
                chunks.append({{f, to}, 60});
                to = f;
            } else {
                const qint64 f = std::max(floorTo(from, 3600), to - kHourChunkSeconds);
                chunks.append({{f, to}, 3600});
                to = f;
            }
        }
    }
    beginBackfill(std::move(chunks));
}

void PagedUsageSource::setPageLimit(int buckets)
{
    d->pageLimit = std::max(0, buckets);
}

void PagedUsageSource::setMinuteHistorySeconds(qint64 seconds)
{
    d->minuteHistory = std::max<qint64>(0, seconds);
}

qint64 PagedUsageSource::minuteHistorySeconds() const
{
    return d->minuteHistory;
}

QUrl PagedUsageSource::buildUrl(const QUrl& base, const QString& path,
                                const QList<std::pair<QString, QString>>& query)
{
    QUrl url = base;
    QString p = url.path();
    while (p.endsWith(QLatin1Char('/')))
        p.chop(1);
    url.setPath(p + path);
    QByteArray raw;
    for (const auto& [key, value] : query) {
        if (!raw.isEmpty())
            raw += '&';
        // Keys keep their brackets (group_by[]); values encode everything but unreserved.
        raw += QUrl::toPercentEncoding(key, "[]") + '=' + QUrl::toPercentEncoding(value, ":");
    }
    url.setQuery(QString::fromLatin1(raw), QUrl::StrictMode);
    return url;
}

} // namespace isc
