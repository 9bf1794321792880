#include "localservermetrics.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace isc::prometheus {
namespace {

using Kind = FamilyBinding::Kind;

struct Candidate
{
    const char* metric;
    Kind kind;
    const char* family;
    double scale;
};

// In order of preference per metric: the newest name first.
const Candidate kCandidates[] = {
    {"Requests", Kind::Counter, "vllm:request_success", 1},
    {"Requests", Kind::Counter, "tgi_request_success", 1},
    {"Requests", Kind::HistogramCount, "tgi_request_duration", 1},
    {"InputTokensUncached", Kind::Counter, "vllm:prompt_tokens", 1},
    {"InputTokensUncached", Kind::Counter, "llamacpp:prompt_tokens", 1},
    {"InputTokensUncached", Kind::HistogramSum, "tgi_request_input_length", 1},
    {"OutputTokens", Kind::Counter, "vllm:generation_tokens", 1},
    {"OutputTokens", Kind::Counter, "llamacpp:tokens_predicted", 1},
    {"OutputTokens", Kind::HistogramSum, "tgi_request_generated_tokens", 1},
    {"RequestsRunning", Kind::Gauge, "vllm:num_requests_running", 1},
    {"RequestsRunning", Kind::Gauge, "llamacpp:requests_processing", 1},
    {"RequestsRunning", Kind::Gauge, "tgi_batch_current_size", 1},
    {"RequestsWaiting", Kind::Gauge, "vllm:num_requests_waiting", 1},
    {"RequestsWaiting", Kind::Gauge, "llamacpp:requests_deferred", 1},
    {"RequestsWaiting", Kind::Gauge, "tgi_queue_size", 1},
    {"KvCacheUsagePercent", Kind::Gauge, "vllm:kv_cache_usage_perc", 100},
    {"KvCacheUsagePercent", Kind::Gauge, "vllm:gpu_cache_usage_perc", 100},
    {"KvCacheUsagePercent", Kind::Gauge, "llamacpp:kv_cache_usage_ratio", 100},
    {"TtftMs", Kind::Histogram, "vllm:time_to_first_token_seconds", 1000},
    {"E2eLatencyMs", Kind::Histogram, "vllm:e2e_request_latency_seconds", 1000},
    {"E2eLatencyMs", Kind::Histogram, "tgi_request_duration", 1000},
    {"InterTokenLatencyMs", Kind::Histogram, "vllm:inter_token_latency_seconds", 1000},
    {"InterTokenLatencyMs", Kind::Histogram, "vllm:time_per_output_token_seconds", 1000},
    {"InterTokenLatencyMs", Kind::Histogram, "tgi_request_mean_time_per_token_duration", 1000},
    {"QueueTimeMs", Kind::Histogram, "vllm:request_queue_time_seconds", 1000},
    {"QueueTimeMs", Kind::Histogram, "tgi_request_queue_duration", 1000},
};

// The sample names a binding reads.
QStringList sampleNamesOf(Kind kind, const QString& family)
{
    switch (kind) {
    case Kind::Counter:
        return {family + QLatin1String("_total"), family};
    case Kind::Gauge:
        return {family};
    case Kind::Histogram:
        return {family + QLatin1String("_bucket")};
    case Kind::HistogramCount:
        return {family + QLatin1String("_count")};
    case Kind::HistogramSum:
        return {family + QLatin1String("_sum")};
    }
    return {};
}

QSet<QString> sampleNames(const ExpositionParseResult& scrape)
{
    QSet<QString> names;
    for (const auto& f : scrape.families) {
        for (const auto& s : f.samples)
            names.insert(s.name);
    }
    return names;
}

// The canonical labels of a sample, without `le` (and without `model_name` kept separately).
QString seriesOf(const PromSample& s)
{
    QList<Label> rest;
    for (const auto& l : s.labels) {
        if (l.first != QLatin1String("le"))
            rest.append(l);
    }
    return labels::canonical(rest);
}

} // namespace

QString serverKindName(ServerKind kind)
{
    switch (kind) {
    case ServerKind::Vllm:
        return QStringLiteral("vLLM");
    case ServerKind::LlamaCpp:
        return QStringLiteral("llama.cpp");
    case ServerKind::Tgi:
        return QStringLiteral("TGI");
    case ServerKind::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

ServerKind detectServer(const ExpositionParseResult& scrape)
{
    for (const auto& f : scrape.families) {
        if (f.name.startsWith(QLatin1String("vllm:")))
            return ServerKind::Vllm;
        if (f.name.startsWith(QLatin1String("llamacpp:")))
            return ServerKind::LlamaCpp;
        if (f.name.startsWith(QLatin1String("tgi_")))
            return ServerKind::Tgi;
    }
    return ServerKind::Unknown;
}

QVector<FamilyBinding> discoverFamilies(const ExpositionParseResult& scrape)
{
    const QSet<QString> names = sampleNames(scrape);
    QVector<FamilyBinding> out;
    QSet<QString> bound;
    for (const Candidate& c : kCandidates) {
        const QString metric = QLatin1String(c.metric);
        if (bound.contains(metric))
            continue;
        const QString family = QLatin1String(c.family);
        for (const QString& name : sampleNamesOf(c.kind, family)) {
            if (names.contains(name)) {
                out.append({metric, c.kind, family, c.scale});
                bound.insert(metric);
                break;
            }
        }
    }
    return out;
}

LocalScrape extractLocalScrape(const ExpositionParseResult& scrape, qint64 atMs,
                               const QString& defaultModel)
{
    LocalScrape out;
    out.atMs = atMs;
    out.server = detectServer(scrape);

    // Samples by name, and _created values by (name, series) for reset detection.
    QHash<QString, QVector<const PromSample*>> byName;
    for (const auto& f : scrape.families) {
        for (const auto& s : f.samples)
            byName[s.name].append(&s);
    }
    auto createdOf = [&](const QString& family, const QString& series) {
        for (const PromSample* s : byName.value(family + QLatin1String("_created"))) {
            if (seriesOf(*s) == series)
                return s->value;
        }
        return 0.0;
    };
    auto modelOf = [&](const PromSample& s) {
        const QString m = s.label(QStringLiteral("model_name"));
        return m.isEmpty() ? defaultModel : m;
    };

    QSet<QString> models;
    for (const FamilyBinding& b : discoverFamilies(scrape)) {
        QString name;
        for (const QString& candidate : sampleNamesOf(b.kind, b.family)) {
            if (byName.contains(candidate)) {
                name = candidate;
                break;
            }
        }
        const QVector<const PromSample*> samples = byName.value(name);
        switch (b.kind) {
        case Kind::Counter:
        case Kind::HistogramCount:
        case Kind::HistogramSum:
            for (const PromSample* s : samples) {
                const QString series = seriesOf(*s);
                out.counters.append({b.metric, modelOf(*s), series, s->value * b.scale,
                                     createdOf(b.family, series)});
                models.insert(modelOf(*s));
            }
            break;
        case Kind::Gauge: {
            QHash<QString, std::pair<double, int>> perModel;
            for (const PromSample* s : samples) {
                if (std::isnan(s->value))
                    continue;
                auto& acc = perModel[modelOf(*s)];
                acc.first += s->value * b.scale;
                ++acc.second;
                models.insert(modelOf(*s));
            }
            const bool average = b.metric == QLatin1String("KvCacheUsagePercent");
            for (auto it = perModel.cbegin(); it != perModel.cend(); ++it)
                out.gauges.append(
                    {b.metric, it.key(),
                     average ? it.value().first / it.value().second : it.value().first});
            break;
        }
        case Kind::Histogram: {
            QHash<QString, int> index; // series -> position in out.histograms
            for (const PromSample* s : samples) {
                double le = 0;
                if (!parseSampleValue(s->label(QStringLiteral("le")).toUtf8(), &le))
                    continue;
                const QString series = seriesOf(*s);
                auto it = index.constFind(series);
                if (it == index.cend()) {
                    LocalScrape::Histogram h;
                    h.metric = b.metric;
                    h.model = modelOf(*s);
                    h.series = series;
                    h.scale = b.scale;
                    h.created = createdOf(b.family, series);
                    out.histograms.append(h);
                    it = index.insert(series, static_cast<int>(out.histograms.size() - 1));
                    models.insert(h.model);
                }
                out.histograms[it.value()].buckets.append({le, s->value});
            }
            break;
        }
        }
    }
    out.models = QStringList(models.cbegin(), models.cend());
    std::sort(out.models.begin(), out.models.end());
    return out;
}

} // namespace isc::prometheus
