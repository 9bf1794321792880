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
    QString metric; ///< normalised name, e.g. "InterTokenLatencyMs"
    Kind kind = Kind::Counter;
    QString family;   ///< base name, e.g. "vllm:inter_token_latency_seconds" (no _total/_bucket)
    double scale = 1; ///< to the normalised unit: s -> ms is 1000, ratio -> percent is 100
};

/// Every normalised metric this scrape can give, each from the first of its candidate families
/// present (so a server exposing an old and a new name, as vLLM does during a deprecation, is
/// read once). Candidates cover vLLM 0.5..0.10 (time_per_output_token -> inter_token_latency,
/// gpu_cache_usage_perc -> kv_cache_usage_perc), llama.cpp and TGI.
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
    };
    struct Gauge
    {
        QString metric;
        QString model;
        double value = 0; ///< already scaled; summed over series (averaged for percentages)
    };
    struct Histogram
    {
        QString metric;
        QString model;
        QString series;
        double scale = 1;
        double created = 0;
        QVector<HistogramBucket> buckets; ///< cumulative, in the scrape's unit (seconds)
    };

    qint64 atMs = 0; ///< when the scrape was taken, ms UTC
    ServerKind server = ServerKind::Unknown;
    QStringList models; ///< every model seen, sorted
    QVector<Counter> counters;
    QVector<Gauge> gauges;
    QVector<Histogram> histograms;
};

/// Reduces a parsed scrape taken at `atMs`. The model is the `model_name` label (vLLM) or
/// `defaultModel` for servers without one (llama.cpp, TGI).
LocalScrape extractLocalScrape(const ExpositionParseResult& scrape, qint64 atMs,
                               const QString& defaultModel);

} // namespace isc::prometheus
