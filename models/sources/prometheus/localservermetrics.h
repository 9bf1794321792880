#pragma once

#include "histogramquantile.h"
#include "prometheusparser.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace isc::prometheus {

/// The inference server behind a scrape, recognised by its metric prefixes.
enum class ServerKind { Unknown, Vllm, LlamaCpp, Tgi };

/// "vLLM", "llama.cpp", "TGI" or "unknown".
QString serverKindName(ServerKind kind);

/// Where one normalised metric (common names: Requests, TtftMs, ...) is read from in a scrape.
struct FamilyBinding
{
    enum class Kind { Counter, Gauge, Histogram, HistogramCount, HistogramSum };
    /// Which series of the family count: all, those of served requests (a finished_reason
    /// other than "abort" or "error"), or those of failed ones (vLLM's request_success).
    enum class Filter { All, Served, Failed };
    QString metric; ///< normalised name, e.g. "InterTokenLatencyMs"
    Kind kind = Kind::Counter;
    QString family;   ///< base name, e.g. "vllm:inter_token_latency_seconds" (no _total/_bucket)
    double scale = 1; ///< to the normalised unit: s -> ms is 1000, ratio -> percent is 100
    Filter filter = Filter::All;
};

/// Every normalised metric this scrape can give, each from the first of its candidate families
/// present (so a server exposing an old and a new name, as vLLM does during a deprecation, is
/// read once). Candidates cover vLLM 0.5..0.11 (time_per_output_token -> inter_token_latency,
/// gpu_cache_usage_perc -> kv_cache_usage_perc), llama.cpp (with and without the removed
/// kv_cache_usage_ratio) and TGI. Prompt tokens whose cache split is unknown bind to
/// "InputTokens" (the whole prompt); extractLocalScrape() splits vLLM's into
/// InputTokensUncached and InputTokensCached when the scrape allows.
QVector<FamilyBinding> discoverFamilies(const ExpositionParseResult& scrape);

/// Which server the scrape came from.
ServerKind detectServer(const ExpositionParseResult& scrape);

/// One scrape reduced to what Inferscope stores, per model. Pure data.
struct LocalScrape
{
    struct Counter
    {
        QString metric; ///< normalised name
        QString model;
        QString series;     ///< the raw series (canonical labels), for per-series resets
        double value = 0;   ///< already scaled
        double created = 0; ///< _created (s UTC), 0 when not exposed
        QString labels{};   ///< stored labels (canonical) when model is empty (a selector's)
        QString unit{};     ///< stored unit; empty = from the metric's name
    };
    struct Gauge
    {
        QString metric;
        QString model;
        double value = 0; ///< already scaled; summed over series (averaged for percentages)
        QString labels{}; ///< as Counter::labels
        QString unit{};
    };
    struct Histogram
    {
        QString metric;
        QString model;
        QString series;
        double scale = 1;
        double created = 0;
        QVector<HistogramBucket> buckets; ///< cumulative, in the scrape's unit (seconds)
        QString labels{};                 ///< as Counter::labels
        QString unit{};
    };
    /// Samples not stored for one reason, e.g. "a value that is not a finite number".
    struct Refusal
    {
        QString reason;  ///< in words
        int count = 0;   ///< samples refused for it in this scrape
        QString example; ///< the first refused sample's name
    };

    qint64 atMs = 0; ///< when the scrape was taken, ms UTC
    ServerKind server = ServerKind::Unknown;
    QStringList models; ///< every model seen, sorted
    QVector<Counter> counters;
    QVector<Gauge> gauges;
    QVector<Histogram> histograms;
    /// What this server does not expose, in words for the user ("cache split unknown: ...",
    /// "KV cache: not exposed ..."); empty when it exposes all Inferscope reads.
    QStringList notes;
    QVector<Refusal> refused;

    /// Counts one refused sample named `name`.
    void refuse(const QString& reason, const QString& name);
    /// Number of refused samples.
    int refusedCount() const;
    /// The notes and refusals as one line of words, empty when there is nothing to say.
    QString summary() const;
};

/// A value larger in magnitude than this is refused: minute, hourly and daily sums of it
/// would overflow to infinity.
constexpr double maxPlausibleMagnitude = 1e300;
/// A sample timestamp further than this ahead of the scrape is refused (ms).
constexpr qint64 maxFutureSkewMs = 3600 * 1000;
/// At most this many models per scrape; the others are ignored, with a note.
constexpr int maxModelsPerScrape = 64;

/// Why sample `s` of a scrape taken at `atMs` (ms UTC) cannot be stored, in words, or an empty
/// string when it can: a value that is not finite or beyond maxPlausibleMagnitude, or a
/// timestamp more than maxFutureSkewMs ahead.
QString implausibility(const PromSample& s, qint64 atMs);

/// Reduces a parsed scrape taken at `atMs`. The model is the `model_name` label (vLLM) or
/// `defaultModel` for servers without one (llama.cpp, TGI). Implausible samples are refused
/// one by one (LocalScrape::refused); the others are kept. vLLM's prompt tokens are split by
/// prompt_tokens_by_source_total, else prompt_tokens_cached_total (uncached = prompt − cached),
/// else stored whole as "InputTokens" with the note "cache split unknown". Requests counts
/// served requests only; aborted (and errored) ones are "Errors".
LocalScrape extractLocalScrape(const ExpositionParseResult& scrape, qint64 atMs,
                               const QString& defaultModel);

} // namespace isc::prometheus
