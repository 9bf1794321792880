#pragma once

// Private to PrometheusSource: shared by prometheussource.cpp (live polling) and
// prometheusbackfill.cpp (the demo's backfill). Not part of the library's interface.

#include "core/timerange.h"
#include "localservermetrics.h"
#include "net/httpclient.h"
#include "prometheussource.h"
#include "scrapeaccumulator.h"

#include <QHash>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <optional>

Q_DECLARE_LOGGING_CATEGORY(lcPrometheus)

namespace isc::prometheus {

// Asks the demo emulator for its exposition as of an instant (s UTC); it echoes the header.
inline const QByteArray kAtHeader = QByteArrayLiteral("x-inferscope-at");

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

/// True when a sample of `r` carries a `model_name` label (vLLM).
bool hasModelLabel(const ExpositionParseResult& r);

struct PrometheusSource::Private
{
    explicit Private(PrometheusSource* owner)
        : q(owner), connection(owner->connection()), health(owner->mutableHealth())
    {}

    PrometheusSource* q = nullptr;
    const Connection& connection; // q's, as the lifecycle (PollingSource) keeps them
    SourceHealth& health;
    QPointer<HttpClient> http;
    SecretProvider secret;
    ScrapeAccumulator accumulator;

    quint64 generation = 0; // bumped by cancelWork(): answers of an old request do nothing
    quint64 request = 0;    // the scrape (or /v1/models call) in flight, 0 = none
    QString defaultModel;
    bool modelResolved = false;
    QStringList knownModels;
    ServerKind server = ServerKind::Unknown;

    // Demo backfill: the chunk in flight.
    struct ChunkScrape
    {
        TimeRange window;
        qint64 at = 0;                 // s UTC of the scrape asked for
        ScrapeAccumulator accumulator; // fresh per chunk: the live one is untouched
        ChunkSamples samples;
    };
    std::optional<ChunkScrape> chunk;
    qint64 chunkSeconds = defaultBackfillChunkSeconds;

    bool isDemo() const { return connection.credential.kind == SecretRef::Kind::Demo; }
    qint64 clock() const { return q->now(); }
    void emitHealth() { q->emitHealth(); }
    HttpRequest scrapeRequest() const;
    void poll();
    void onScrape(quint64 gen, const HttpResponse& r, qint64 atMs);
    void onParsed(quint64 gen, const ExpositionParseResult& parsed, qint64 atMs);
    void noteModels(const LocalScrape& scrape);
    void resolveModel(quint64 gen, std::function<void()> then);
    void finish(const QString& error, const PollBatch* batch);
    bool authorize(QList<HttpHeader>* headers, QString* error) const;
    QString describe(const HttpResponse& r) const;
    /// A worded failure for a 204 or an empty body, else empty.
    QString emptyAnswer(const HttpResponse& r) const;
    /// A worded failure for a body that did not parse (or decompress) or holds no sample.
    QString unreadable(const HttpResponse& r, const ExpositionParseResult& parsed) const;
    /// The server's own metrics plus what the connection's selectors pick.
    LocalScrape reduce(const ExpositionParseResult& parsed, qint64 atMs) const;
    /// A worded failure when `scrape` gives nothing to store, else empty.
    QString nothingToStore(const LocalScrape& scrape) const;
    /// Reports the scrape's notes and refusals as the source's standing warning, once.
    void noteStanding(const LocalScrape& scrape);
    QString lastWarning;

    void scrapeHistory();
    void onHistoryScrape(quint64 gen, const HttpResponse& r, qint64 at);
    void onHistoryParsed(quint64 gen, const ExpositionParseResult& parsed, qint64 at);
    void finishChunk(const QString& error);
};

} // namespace isc::prometheus
