#include "prometheussource_p.h"

#include "sources/credentialprovider.h"

#include <algorithm>

// The demo's backfill: only the built-in emulator answers a scrape "as of" an instant.
namespace isc::prometheus {

void PrometheusSource::planRun(const QVector<TimeRange>& windows)
{
    // A real server answers every scrape with its current counters: only the demo's emulator
    // can answer "as of" an instant, so only a demo connection backfills. The emulator refuses
    // instants in its future.
    beginBackfill(d->isDemo() ? newestFirst(windows, floorTo(now(), 60), d->chunkSeconds)
                              : QVector<Chunk>{});
}

void PrometheusSource::runChunk(const Chunk& c)
{
    d->chunk.emplace();
    d->chunk->window = c.window;
    d->chunk->at = c.window.from; // the baseline: increases start from there
    d->health.lastAttempt = now();
    d->scrapeHistory();
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
        q->abandonBackfill();
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
    q->cycleEnded(!error.isEmpty());
}

} // namespace isc::prometheus
