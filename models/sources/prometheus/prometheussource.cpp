#include "prometheussource.h"

#include "core/timerange.h"
#include "core/whenready.h"
#include "localservermetrics.h"
#include "net/httpclient.h"
#include "prometheusparser.h"
#include "scrapeaccumulator.h"
#include "sources/credentialprovider.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <optional>

Q_LOGGING_CATEGORY(lcPrometheus, "inferscope.prometheus")

namespace isc::prometheus {
namespace {

// `/v1/models` beside the metrics path: http://host:8080/metrics -> http://host:8080/v1/models.
QUrl modelsUrlFor(QUrl metrics)
{
    QString path = metrics.path();
    if (path.endsWith(QLatin1String("/metrics")))
        path.chop(8);
    metrics.setPath(path + QLatin1String("/v1/models"));
    metrics.setQuery(QString());
    return metrics;
}

// Asks the demo emulator for its exposition as of an instant (s UTC); it echoes the header.
const QByteArray kAtHeader = QByteArrayLiteral("x-inferscope-at");

// The batches of one backfill chunk merged into one: the accumulator re-sends a minute with
// all it has so far, so a later value of a minute replaces the earlier one.
class ChunkSamples
{
public:
    void add(const PollBatch& batch, const TimeRange& window)
    {
        for (const SeriesSamples& s : batch.series) {
            int i = m_index.value(s.key, -1);
            if (i < 0) {
                i = static_cast<int>(m_series.size());
                m_index.insert(s.key, i);
                m_series.append(Series{s.key, s.unit, {}});
            }
            for (const Sample& p : s.samples) {
                if (window.contains(p.ts)) // the closing scrape's gauges belong to the next chunk
                    m_series[i].values.insert(p.ts, p.value);
            }
        }
    }
    QVector<SeriesSamples> take() const
    {
        QVector<SeriesSamples> out;
        for (const Series& s : m_series) {
            if (s.values.isEmpty())
                continue;
            SeriesSamples samples{s.key, s.unit, {}};
            for (auto it = s.values.cbegin(); it != s.values.cend(); ++it)
                samples.samples.append({it.key(), it.value()});
            out.append(samples);
        }
        return out;
    }

private:
    struct Series
    {
        SeriesKey key;
        QString unit;
        QMap<qint64, double> values; ///< minute (s UTC) -> value
    };
    QVector<Series> m_series;
    QHash<SeriesKey, int> m_index;
};

bool hasModelLabel(const ExpositionParseResult& r)
{
    for (const auto& f : r.families) {
        for (const auto& s : f.samples) {
            if (!s.label(QStringLiteral("model_name")).isEmpty())
                return true;
        }
    }
    return false;
}

} // namespace

struct PrometheusSource::Private
{
    PrometheusSource* q = nullptr;
    Connection connection;
    QPointer<HttpClient> http;
    SecretProvider secret;
    std::function<qint64()> clock = [] { return nowUtc(); };
    SourceHealth health;
    QTimer pollTimer;
    ScrapeAccumulator accumulator;

    bool running = false;
    quint64 generation = 0; // bumped by stop(): answers of an old run do nothing
    quint64 request = 0;    // the scrape (or /v1/models call) in flight, 0 = none
    bool busy = false;
    bool pollRequested = false;
    QString defaultModel;
    bool modelResolved = false;
    QStringList knownModels;
    ServerKind server = ServerKind::Unknown;

    // Demo backfill: the chunks to scrape (newest first) and the one in flight.
    struct Chunk
    {
        TimeRange window;
        qint64 at = 0;                 // s UTC of the scrape asked for
        ScrapeAccumulator accumulator; // fresh per chunk: the live one is untouched
        ChunkSamples samples;
    };
    bool backfilling = false;
    QVector<TimeRange> chunks;
    int chunkIndex = 0;
    std::optional<Chunk> chunk;
    qint64 chunkSeconds = defaultBackfillChunkSeconds;

    bool isDemo() const { return connection.credential.kind == SecretRef::Kind::Demo; }
    void emitHealth();
    HttpRequest scrapeRequest() const;
    void poll();
    void onScrape(quint64 gen, const HttpResponse& r, qint64 atMs);
    void onParsed(quint64 gen, const ExpositionParseResult& parsed, qint64 atMs);
    void noteModels(const LocalScrape& scrape);
    void resolveModel(quint64 gen, std::function<void()> then);
    void finish(const QString& error, const PollBatch* batch);
    bool authorize(QList<HttpHeader>* headers, QString* error) const;
    QString describe(const HttpResponse& r) const;

    void planBackfill(const QVector<TimeRange>& windows);
    void nextChunk();
    void scrapeHistory();
    void onHistoryScrape(quint64 gen, const HttpResponse& r, qint64 at);
    void onHistoryParsed(quint64 gen, const ExpositionParseResult& parsed, qint64 at);
    void finishChunk(const QString& error);
    void finishBackfill();
};

void PrometheusSource::Private::emitHealth()
{
    health.nextPoll =
        running && pollTimer.isActive() ? clock() + (pollTimer.remainingTime() + 999) / 1000 : 0;
    emit q->healthChanged(health);
}

bool PrometheusSource::Private::authorize(QList<HttpHeader>* headers, QString* error) const
{
    if (!secret || connection.credential.kind == SecretRef::Kind::None)
        return true;
    QString err;
    const QString token = secret(&err);
    if (token.isEmpty()) {
        if (err.isEmpty())
            return true;
        *error = err;
        return false;
    }
    headers->append({QByteArrayLiteral("Authorization"), "Bearer " + token.toUtf8()});
    return true;
}

QString PrometheusSource::Private::describe(const HttpResponse& r) const
{
    const QString url = connection.endpoint.toDisplayString();
    if (r.error.kind == HttpError::Kind::HttpStatus && r.status == 404)
        return QStringLiteral("%1 answered 404: check the metrics URL (vLLM and TGI serve "
                              "/metrics; llama-server needs --metrics)")
            .arg(url);
    if (r.error.kind == HttpError::Kind::Auth)
        return QStringLiteral("%1 refused the credential (%2): check the bearer token")
            .arg(url)
            .arg(r.status);
    return QStringLiteral("scraping %1 failed: %2").arg(url, r.error.message);
}

HttpRequest PrometheusSource::Private::scrapeRequest() const
{
    HttpRequest req;
    req.url = connection.endpoint;
    req.credentialHosts = credentialHosts(connection); // a key only goes to this connection
    req.timeoutMs = 10000;
    req.maxBodyBytes = 16 * 1024 * 1024;
    req.headers.append({QByteArrayLiteral("Accept"),
                        QByteArrayLiteral("application/openmetrics-text;version=1.0.0,text/"
                                          "plain;version=0.0.4;q=0.5,*/*;q=0.1")});
    return req;
}

void PrometheusSource::Private::poll()
{
    if (!running)
        return;
    if (busy || backfilling) {
        pollRequested = true; // never two requests in flight: run right after the current one
        return;
    }
    HttpRequest req = scrapeRequest();
    req.maxRetries = 0; // the next scrape is the retry; a late one would misplace the increase
    QString error;
    health.lastAttempt = clock();
    if (!http || !authorize(&req.headers, &error)) {
        finish(error.isEmpty() ? QStringLiteral("no HTTP client") : error, nullptr);
        return;
    }
    busy = true;
    const quint64 gen = generation;
    request = http->send(req, q, [this, gen](const HttpResponse& r) {
        if (gen != generation)
            return;
        request = 0;
        onScrape(gen, r, clock() * 1000);
    });
}

void PrometheusSource::Private::onScrape(quint64 gen, const HttpResponse& r, qint64 atMs)
{
    health.latencyMs = r.elapsedMs;
    if (r.error.kind == HttpError::Kind::Cancelled) {
        busy = false;
        return;
    }
    if (!r.ok()) {
        finish(describe(r), nullptr);
        return;
    }
    const bool om = r.header("content-type").startsWith("application/openmetrics-text");
    const QFuture<ExpositionParseResult> parsing = QtConcurrent::run([body = r.body, om] {
        return parseExposition(body, om ? ExpositionFormat::OpenMetrics : ExpositionFormat::Auto);
    });
    whenReady(q, parsing, [this, gen, atMs](const ExpositionParseResult& parsed) {
        if (gen == generation)
            onParsed(gen, parsed, atMs);
    });
}

void PrometheusSource::Private::onParsed(quint64 gen, const ExpositionParseResult& parsed,
                                         qint64 atMs)
{
    if (!parsed.ok) {
        finish(QStringLiteral("%1 sent metrics Inferscope cannot read (%2)")
                   .arg(connection.endpoint.toDisplayString(), parsed.error),
               nullptr);
        return;
    }
    if (!modelResolved && !hasModelLabel(parsed)) {
        resolveModel(gen, [this, gen, parsed, atMs] {
            if (gen == generation)
                onParsed(gen, parsed, atMs);
        });
        return;
    }
    const LocalScrape scrape = extractLocalScrape(parsed, atMs, defaultModel);
    if (scrape.server != server && server != ServerKind::Unknown)
        accumulator.clear(); // another server now answers on this URL
    server = scrape.server;
    if (scrape.counters.isEmpty() && scrape.gauges.isEmpty() && scrape.histograms.isEmpty()) {
        const QString message =
            QStringLiteral("%1: the scrape has no vLLM, llama.cpp or TGI metrics")
                .arg(connection.endpoint.toDisplayString());
        qCWarning(lcPrometheus, "%s", qPrintable(message));
        emit q->warning(message);
    }
    noteModels(scrape);
    const PollBatch batch = accumulator.add(scrape, connection.id);
    finish(QString(), &batch);
}

void PrometheusSource::Private::noteModels(const LocalScrape& scrape)
{
    if (scrape.models == knownModels)
        return;
    knownModels = scrape.models;
    Deployments inventory;
    for (const QString& m : knownModels) {
        Deployment dep;
        dep.source = connection.id;
        dep.name = m;
        dep.model = m;
        dep.sku = serverKindName(scrape.server);
        dep.state = QStringLiteral("Succeeded");
        inventory.append(dep);
    }
    emit q->inventoryReady(inventory);
}

void PrometheusSource::Private::resolveModel(quint64 gen, std::function<void()> then)
{
    auto fallback = [this] {
        defaultModel = connection.displayName.isEmpty() ? connection.id : connection.displayName;
    };
    HttpRequest req;
    req.url = modelsUrlFor(connection.endpoint);
    req.credentialHosts = credentialHosts(connection);
    req.maxRetries = 0;
    req.timeoutMs = 5000;
    req.maxBodyBytes = 1024 * 1024;
    QString error;
    if (!http || !authorize(&req.headers, &error)) {
        fallback();
        modelResolved = true;
        then();
        return;
    }
    request = http->send(req, q, [this, gen, then, fallback](const HttpResponse& r) {
        if (gen != generation)
            return;
        request = 0;
        if (r.error.kind == HttpError::Kind::Cancelled)
            return;
        const QJsonArray data =
            QJsonDocument::fromJson(r.body).object().value(QLatin1String("data")).toArray();
        const QString id = data.isEmpty()
                               ? QString()
                               : data.first().toObject().value(QLatin1String("id")).toString();
        if (r.ok() && !id.isEmpty())
            defaultModel = id;
        else
            fallback();
        modelResolved = true;
        then();
    });
}

void PrometheusSource::Private::finish(const QString& error, const PollBatch* batch)
{
    busy = false;
    const qint64 now = clock();
    if (error.isEmpty()) {
        health.lastSuccess = now;
        health.lastError.clear();
        health.state = SourceHealth::State::Polling;
        if (batch && !batch->series.isEmpty())
            emit q->batchReady(*batch);
    } else {
        qCWarning(lcPrometheus, "%s", qPrintable(error));
        health.lastError = error;
        health.state = SourceHealth::State::Failing;
        const qint64 minute = floorTo(now, 60);
        emit q->pollFailed(GapMarker{connection.id, {minute, minute + 60}, error, now});
    }
    emitHealth();
    if (pollRequested && running) {
        pollRequested = false;
        poll();
    }
}

void PrometheusSource::Private::planBackfill(const QVector<TimeRange>& windows)
{
    const qint64 end = floorTo(clock(), 60); // the emulator refuses instants in its future
    for (const TimeRange& w : windows) {
        const qint64 from = floorTo(w.from, 60);
        // Newest first: what the user looks at first (the last hours) arrives first.
        qint64 to = std::min(floorTo(w.to + 59, 60), end);
        while (to > from) {
            const qint64 f = std::max(from, to - chunkSeconds);
            chunks.append(TimeRange{f, to});
            to = f;
        }
    }
}

void PrometheusSource::Private::nextChunk()
{
    if (!running)
        return;
    if (chunkIndex >= chunks.size()) {
        finishBackfill();
        return;
    }
    chunk.emplace();
    chunk->window = chunks.at(chunkIndex++);
    chunk->at = chunk->window.from; // the baseline: increases start from there
    health.lastAttempt = clock();
    scrapeHistory();
}

void PrometheusSource::Private::scrapeHistory()
{
    HttpRequest req = scrapeRequest();
    req.maxRetries = 2; // history does not move: a late answer is still right
    req.headers.append({kAtHeader, QByteArray::number(chunk->at)});
    QString error;
    if (!http || !authorize(&req.headers, &error)) {
        finishChunk(error.isEmpty() ? QStringLiteral("no HTTP client") : error);
        return;
    }
    const quint64 gen = generation;
    const qint64 at = chunk->at;
    request = http->send(req, q, [this, gen, at](const HttpResponse& r) {
        if (gen != generation || !chunk)
            return;
        request = 0;
        onHistoryScrape(gen, r, at);
    });
}

void PrometheusSource::Private::onHistoryScrape(quint64 gen, const HttpResponse& r, qint64 at)
{
    if (r.status > 0)
        health.latencyMs = r.elapsedMs;
    if (r.error.kind == HttpError::Kind::Cancelled)
        return;
    if (!r.ok()) {
        finishChunk(describe(r));
        return;
    }
    if (r.header(kAtHeader).trimmed() != QByteArray::number(at)) {
        // A server that ignores the header sends its current counters: never store those as
        // history, and ask no further.
        chunkIndex = static_cast<int>(chunks.size());
        finishChunk(QStringLiteral("%1 did not answer as of %2 (no x-inferscope-at echo): only "
                                   "the built-in emulator keeps history, so the local history "
                                   "was not backfilled")
                        .arg(connection.endpoint.toDisplayString(), formatIsoUtc(at)));
        return;
    }
    // Parsed here: a scrape is a few kB (well under a millisecond), and a round trip through
    // the thread pool, busy with other sources' backfill, would cost more than the parse.
    const bool om = r.header("content-type").startsWith("application/openmetrics-text");
    onHistoryParsed(
        gen, parseExposition(r.body, om ? ExpositionFormat::OpenMetrics : ExpositionFormat::Auto),
        at);
}

void PrometheusSource::Private::onHistoryParsed(quint64 gen, const ExpositionParseResult& parsed,
                                                qint64 at)
{
    if (!parsed.ok) {
        finishChunk(QStringLiteral("%1 sent metrics Inferscope cannot read (%2)")
                        .arg(connection.endpoint.toDisplayString(), parsed.error));
        return;
    }
    if (!modelResolved && !hasModelLabel(parsed)) {
        resolveModel(gen, [this, gen, parsed, at] {
            if (gen == generation && chunk)
                onHistoryParsed(gen, parsed, at);
        });
        return;
    }
    const LocalScrape scrape = extractLocalScrape(parsed, at * 1000, defaultModel);
    noteModels(scrape);
    chunk->samples.add(chunk->accumulator.add(scrape, connection.id), chunk->window);
    if (at >= chunk->window.to) {
        finishChunk(QString());
        return;
    }
    chunk->at = std::min(at + backfillStepSeconds, chunk->window.to);
    scrapeHistory();
}

void PrometheusSource::Private::finishChunk(const QString& error)
{
    const TimeRange window = chunk->window;
    const qint64 now = clock();
    if (error.isEmpty()) {
        PollBatch batch;
        batch.source = connection.id;
        batch.window = window;
        batch.series = chunk->samples.take();
        chunk.reset();
        health.lastSuccess = now;
        health.lastError.clear();
        if (!batch.series.isEmpty())
            emit q->batchReady(batch);
    } else {
        chunk.reset();
        qCWarning(lcPrometheus, "%s", qPrintable(error));
        health.lastError = error;
        emit q->pollFailed(GapMarker{connection.id, window, error, now});
    }
    q->bookBackfillChunk(
        health, !error.isEmpty(), [this] { emitHealth(); },
        [this, gen = generation] {
            if (gen == generation)
                nextChunk();
        });
}

void PrometheusSource::Private::finishBackfill()
{
    backfilling = false;
    chunks.clear();
    chunkIndex = 0;
    chunk.reset();
    health.backfillDone = 0;
    health.backfillTotal = 0;
    emit q->backfillFinished();
    if (!running)
        return;
    pollRequested = false; // the first poll runs now
    health.state = SourceHealth::State::Polling;
    pollTimer.start(std::max(minimumPollSeconds, connection.pollIntervalSeconds) * 1000);
    emitHealth();
    poll();
}

PrometheusSource::PrometheusSource(Connection connection, HttpClient* http, SecretProvider secret,
                                   QObject* parent)
    : Source(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->connection = std::move(connection);
    d->http = http;
    d->secret = std::move(secret);
    d->health.source = d->connection.id;
    d->health.displayName = d->connection.displayName;
    d->pollTimer.setTimerType(Qt::CoarseTimer);
    connect(&d->pollTimer, &QTimer::timeout, this, [this] {
        if (!d->busy && !d->backfilling)
            d->poll();
    });
}

PrometheusSource::~PrometheusSource()
{
    ++d->generation;
    if (d->request && d->http)
        d->http->cancel(d->request);
}

const Connection& PrometheusSource::connection() const
{
    return d->connection;
}

void PrometheusSource::start(const QVector<TimeRange>& backfill)
{
    if (d->running)
        return;
    d->running = true;
    ++d->generation;
    d->chunks.clear();
    d->chunkIndex = 0;
    d->chunk.reset();
    // A real server answers every scrape with its current counters: only the demo's emulator
    // can answer "as of" an instant, so only a demo connection backfills.
    if (d->isDemo())
        d->planBackfill(backfill);
    if (d->chunks.isEmpty()) {
        d->finishBackfill();
        return;
    }
    d->backfilling = true;
    d->health.backfillDone = 0;
    d->health.backfillTotal = static_cast<int>(d->chunks.size());
    d->health.state = SourceHealth::State::Backfilling;
    d->emitHealth();
    emit backfillProgress(0, d->health.backfillTotal);
    d->nextChunk();
}

void PrometheusSource::stop()
{
    const bool wasRunning = d->running;
    d->running = false;
    ++d->generation;
    d->pollTimer.stop();
    d->busy = false;
    d->pollRequested = false;
    if (d->request && d->http)
        d->http->cancel(d->request);
    d->request = 0;
    d->accumulator.clear();
    d->backfilling = false;
    d->chunks.clear();
    d->chunkIndex = 0;
    d->chunk.reset();
    d->health.backfillDone = 0;
    d->health.backfillTotal = 0;
    if (wasRunning) {
        d->health.state = SourceHealth::State::Idle;
        d->emitHealth();
    }
}

void PrometheusSource::pollNow()
{
    d->poll();
}

void PrometheusSource::setClock(std::function<qint64()> nowUtc)
{
    d->clock = std::move(nowUtc);
}

SourceHealth PrometheusSource::health() const
{
    return d->health;
}

bool PrometheusSource::isBackfilling() const
{
    return d->backfilling;
}

void PrometheusSource::setBackfillChunkSeconds(qint64 seconds)
{
    d->chunkSeconds = std::max(backfillStepSeconds, seconds);
}

QString PrometheusSource::defaultModel() const
{
    return d->defaultModel;
}

} // namespace isc::prometheus
