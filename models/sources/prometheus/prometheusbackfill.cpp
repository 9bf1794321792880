#include "prometheussource_p.h"

#include "sources/credentialprovider.h"

#include <algorithm>

// The demo's backfill: only the built-in emulator answers a scrape "as of" an instant.
namespace isc::prometheus {

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
    const LocalScrape scrape = reduce(parsed, at * 1000);
    noteStanding(scrape);
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

} // namespace isc::prometheus
