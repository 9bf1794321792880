#include "localservermetrics.h"

#include <QHash>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace isc::prometheus {
namespace {

using Kind = FamilyBinding::Kind;
using Filter = FamilyBinding::Filter;

struct Candidate
{
    const char* metric;
    Kind kind;
    const char* family;
    double scale;
    Filter filter = Filter::All;
};

// In order of preference per metric: the newest name first.
const Candidate kCandidates[] = {
    {"Requests", Kind::Counter, "vllm:request_success", 1, Filter::Served},
    {"Requests", Kind::Counter, "tgi_request_success", 1},
    {"Requests", Kind::HistogramCount, "tgi_request_duration", 1},
    // vLLM counts aborted requests under request_success: they were not served.
    {"Errors", Kind::Counter, "vllm:request_success", 1, Filter::Failed},
    {"Errors", Kind::Counter, "tgi_request_failure", 1},
    // llama.cpp counts the prompt tokens it evaluated, so cache reuse is already left out.
    {"InputTokensUncached", Kind::Counter, "llamacpp:prompt_tokens", 1},
    // The whole prompt, cache hits included: split later when the scrape allows.
    {"InputTokens", Kind::Counter, "vllm:prompt_tokens", 1},
    {"InputTokens", Kind::HistogramSum, "tgi_request_input_length", 1},
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
    {"KvCacheUsagePercent", Kind::Gauge, "llamacpp:kv_cache_usage_ratio", 100}, // removed upstream
    // Requests evicted from the batch to free KV-cache blocks (recomputed later): vLLM only.
    {"Preemptions", Kind::Counter, "vllm:num_preemptions", 1},
    // Declared a counter by llama-server, but an average over the decode calls: a gauge.
    {"BusySlotsPerDecode", Kind::Gauge, "llamacpp:n_busy_slots_per_decode", 1},
    {"TtftMs", Kind::Histogram, "vllm:time_to_first_token_seconds", 1000},
    {"E2eLatencyMs", Kind::Histogram, "vllm:e2e_request_latency_seconds", 1000},
    {"E2eLatencyMs", Kind::Histogram, "tgi_request_duration", 1000},
    {"InterTokenLatencyMs", Kind::Histogram, "vllm:inter_token_latency_seconds", 1000},
    {"InterTokenLatencyMs", Kind::Histogram, "vllm:time_per_output_token_seconds", 1000},
    {"InterTokenLatencyMs", Kind::Histogram, "tgi_request_mean_time_per_token_duration", 1000},
    {"QueueTimeMs", Kind::Histogram, "vllm:request_queue_time_seconds", 1000},
    {"QueueTimeMs", Kind::Histogram, "tgi_request_queue_duration", 1000},
};

bool passes(Filter filter, const PromSample& s)
{
    if (filter == Filter::All)
        return true;
    const QString reason = s.label(QStringLiteral("finished_reason"));
    const bool failed = reason == QLatin1String("abort") || reason == QLatin1String("error");
    return filter == Filter::Failed ? failed : !failed;
}

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
                out.append({metric, c.kind, family, c.scale, c.filter});
                bound.insert(metric);
                break;
            }
        }
    }
    return out;
}

QString implausibility(const PromSample& s, qint64 atMs)
{
    if (!std::isfinite(s.value))
        return QStringLiteral("a value that is not a finite number (NaN or ±Inf)");
    if (std::abs(s.value) > maxPlausibleMagnitude)
        return QStringLiteral("a value beyond ±1e300, which would overflow the hourly sums");
    if (s.hasTimestamp && s.timestampMs > atMs + maxFutureSkewMs)
        return QStringLiteral("a timestamp more than an hour in the future");
    return QString();
}

void LocalScrape::refuse(const QString& reason, const QString& name)
{
    for (Refusal& r : refused) {
        if (r.reason == reason) {
            ++r.count;
            return;
        }
    }
    refused.append({reason, 1, name});
}

int LocalScrape::refusedCount() const
{
    int n = 0;
    for (const Refusal& r : refused)
        n += r.count;
    return n;
}

QString LocalScrape::summary() const
{
    QStringList parts = notes;
    if (!refused.isEmpty()) {
        QStringList why;
        for (const Refusal& r : refused)
            why << QStringLiteral("%1 with %2 (e.g. %3)").arg(r.count).arg(r.reason, r.example);
        parts << QStringLiteral("%1 implausible sample(s) of the last scrape refused, the rest "
                                "stored: %2")
                     .arg(refusedCount())
                     .arg(why.join(QStringLiteral("; ")));
    }
    return parts.join(QStringLiteral(". "));
}

namespace {

// The samples of a scrape by name, and _created values by (family, series), built once.
class ScrapeIndex
{
public:
    explicit ScrapeIndex(const ExpositionParseResult& scrape)
    {
        for (const auto& f : scrape.families) {
            for (const auto& s : f.samples) {
                m_byName[s.name].append(&s);
                if (s.name.endsWith(QLatin1String("_created")))
                    m_created[s.name].insert(seriesOf(s), s.value);
            }
        }
    }
    QVector<const PromSample*> samples(const QString& name) const { return m_byName.value(name); }
    bool contains(const QString& name) const { return m_byName.contains(name); }
    double created(const QString& family, const QString& series) const
    {
        return m_created.value(family + QLatin1String("_created")).value(series, 0.0);
    }

private:
    QHash<QString, QVector<const PromSample*>> m_byName;
    QHash<QString, QHash<QString, double>> m_created;
};

// Series of `name` whose labels (all but `drop`) equal, mapped to their values.
QHash<QString, double> valuesBySeries(const ScrapeIndex& index, const QString& name,
                                      LocalScrape* out, qint64 atMs)
{
    QHash<QString, double> values;
    for (const PromSample* s : index.samples(name)) {
        const QString why = implausibility(*s, atMs);
        if (!why.isEmpty()) {
            out->refuse(why, s->name);
            continue;
        }
        values.insert(seriesOf(*s), s->value);
    }
    return values;
}

// vLLM's prompt split: prompt_tokens_by_source_total (local_compute is uncached, any other
// source cached), else prompt_tokens_cached_total (uncached = whole − cached, per series), else
// the whole prompt stays "InputTokens" with a note. Never both the whole and a part.
void splitVllmPrompt(LocalScrape& out, const ScrapeIndex& index, const QString& defaultModel,
                     qint64 atMs)
{
    auto modelOf = [&](const PromSample& s) {
        const QString m = s.label(QStringLiteral("model_name"));
        return m.isEmpty() ? defaultModel : m;
    };
    const QString bySource = QStringLiteral("vllm:prompt_tokens_by_source_total");
    const QString cachedName = QStringLiteral("vllm:prompt_tokens_cached_total");
    const QString whole = QStringLiteral("InputTokens");
    auto dropWhole = [&] {
        out.counters.erase(
            std::remove_if(out.counters.begin(), out.counters.end(),
                           [&](const LocalScrape::Counter& c) { return c.metric == whole; }),
            out.counters.end());
    };
    if (index.contains(bySource)) {
        dropWhole();
        for (const PromSample* s : index.samples(bySource)) {
            const QString why = implausibility(*s, atMs);
            if (!why.isEmpty()) {
                out.refuse(why, s->name);
                continue;
            }
            const bool computed =
                s->label(QStringLiteral("source")) == QLatin1String("local_compute");
            const QString series = seriesOf(*s);
            out.counters.append(
                {computed ? QStringLiteral("InputTokensUncached")
                          : QStringLiteral("InputTokensCached"),
                 modelOf(*s), series, s->value,
                 index.created(QStringLiteral("vllm:prompt_tokens_by_source"), series)});
        }
        return;
    }
    bool unknown = false;
    if (index.contains(cachedName)) {
        const QHash<QString, double> cached = valuesBySeries(index, cachedName, &out, atMs);
        QVector<LocalScrape::Counter> split;
        for (LocalScrape::Counter& c : out.counters) {
            if (c.metric != whole)
                continue;
            const auto it = cached.constFind(c.series);
            if (it == cached.cend()) {
                unknown = true; // this series stays whole
                continue;
            }
            LocalScrape::Counter hit = c;
            hit.metric = QStringLiteral("InputTokensCached");
            hit.value = std::min(it.value(), c.value);
            c.metric = QStringLiteral("InputTokensUncached");
            c.value -= hit.value;
            split.append(hit);
        }
        out.counters += split;
    } else {
        for (const auto& c : std::as_const(out.counters))
            unknown = unknown || c.metric == whole;
    }
    if (unknown)
        out.notes << QStringLiteral(
            "cache split unknown: this vLLM exposes neither vllm:prompt_tokens_cached_total nor "
            "vllm:prompt_tokens_by_source_total, so its prompt tokens are stored whole as "
            "InputTokens (cached and uncached together); upgrade vLLM to see the split");
}

// Keeps the first maxModelsPerScrape models (sorted); the others' entries go, with a note.
void capModels(LocalScrape& out)
{
    if (out.models.size() <= maxModelsPerScrape)
        return;
    const int dropped = static_cast<int>(out.models.size()) - maxModelsPerScrape;
    out.models = out.models.mid(0, maxModelsPerScrape);
    const QSet<QString> kept(out.models.cbegin(), out.models.cend());
    auto drop = [&](auto& entries) {
        entries.erase(std::remove_if(entries.begin(), entries.end(),
                                     [&](const auto& e) { return !kept.contains(e.model); }),
                      entries.end());
    };
    drop(out.counters);
    drop(out.gauges);
    drop(out.histograms);
    out.notes << QStringLiteral("%1 more models ignored: Inferscope reads at most %2 models per "
                                "server")
                     .arg(dropped)
                     .arg(maxModelsPerScrape);
}

} // namespace

LocalScrape extractLocalScrape(const ExpositionParseResult& scrape, qint64 atMs,
                               const QString& defaultModel)
{
    LocalScrape out;
    out.atMs = atMs;
    out.server = detectServer(scrape);
    const ScrapeIndex index(scrape);
    auto modelOf = [&](const PromSample& s) {
        const QString m = s.label(QStringLiteral("model_name"));
        return m.isEmpty() ? defaultModel : m;
    };
    auto plausible = [&](const PromSample& s) {
        const QString why = implausibility(s, atMs);
        if (why.isEmpty())
            return true;
        out.refuse(why, s.name);
        return false;
    };

    QSet<QString> models;
    const QVector<FamilyBinding> bindings = discoverFamilies(scrape);
    bool kvCache = false;
    for (const FamilyBinding& b : bindings) {
        kvCache = kvCache || b.metric == QLatin1String("KvCacheUsagePercent");
        QString name;
        for (const QString& candidate : sampleNamesOf(b.kind, b.family)) {
            if (index.contains(candidate)) {
                name = candidate;
                break;
            }
        }
        QVector<const PromSample*> samples;
        for (const PromSample* s : index.samples(name)) {
            if (passes(b.filter, *s))
                samples.append(s);
        }
        switch (b.kind) {
        case Kind::Counter:
        case Kind::HistogramCount:
        case Kind::HistogramSum:
            for (const PromSample* s : samples) {
                if (!plausible(*s))
                    continue;
                const QString series = seriesOf(*s);
                out.counters.append({b.metric, modelOf(*s), series, s->value * b.scale,
                                     index.created(b.family, series)});
                models.insert(modelOf(*s));
            }
            break;
        case Kind::Gauge: {
            QHash<QString, std::pair<double, int>> perModel;
            for (const PromSample* s : samples) {
                if (!plausible(*s))
                    continue;
                auto& acc = perModel[modelOf(*s)];
                acc.first += s->value * b.scale;
                ++acc.second;
                models.insert(modelOf(*s));
            }
            const bool average = b.metric == QLatin1String("KvCacheUsagePercent") ||
                                 b.metric == QLatin1String("BusySlotsPerDecode");
            for (auto it = perModel.cbegin(); it != perModel.cend(); ++it)
                out.gauges.append(
                    {b.metric, it.key(),
                     average ? it.value().first / it.value().second : it.value().first});
            break;
        }
        case Kind::Histogram: {
            QHash<QString, int> index2; // series -> position in out.histograms
            QSet<QString> bad;          // series with an implausible bucket: refused whole
            for (const PromSample* s : samples) {
                double le = 0;
                if (!parseSampleValue(s->label(QStringLiteral("le")).toUtf8(), &le))
                    continue;
                const QString series = seriesOf(*s);
                if (!plausible(*s)) {
                    bad.insert(series);
                    continue;
                }
                auto it = index2.constFind(series);
                if (it == index2.cend()) {
                    LocalScrape::Histogram h;
                    h.metric = b.metric;
                    h.model = modelOf(*s);
                    h.series = series;
                    h.scale = b.scale;
                    h.created = index.created(b.family, series);
                    out.histograms.append(h);
                    it = index2.insert(series, static_cast<int>(out.histograms.size() - 1));
                    models.insert(h.model);
                }
                out.histograms[it.value()].buckets.append({le, s->value});
            }
            if (!bad.isEmpty())
                out.histograms.erase(std::remove_if(out.histograms.begin(), out.histograms.end(),
                                                    [&](const LocalScrape::Histogram& h) {
                                                        return h.metric == b.metric &&
                                                               bad.contains(h.series);
                                                    }),
                                     out.histograms.end());
            break;
        }
        }
    }
    if (out.server == ServerKind::Vllm)
        splitVllmPrompt(out, index, defaultModel, atMs);
    else if (out.server == ServerKind::Tgi)
        out.notes << QStringLiteral("cache split unknown: TGI reports whole prompts, so its "
                                    "prompt tokens are stored as InputTokens");
    if (out.server == ServerKind::LlamaCpp && !kvCache)
        out.notes << QStringLiteral("KV cache: not exposed (current llama-server has no KV-cache "
                                    "metric; busy slots and deferred requests are shown instead)");
    out.models = QStringList(models.cbegin(), models.cend());
    std::sort(out.models.begin(), out.models.end());
    capModels(out);
    return out;
}

} // namespace isc::prometheus
