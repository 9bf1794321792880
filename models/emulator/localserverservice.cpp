#include "localserverservice.h"

#include "core/timerange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>
#include <optional>

namespace isc::emu {
namespace {

enum Salt : quint64 {
    SaltCount = 1,
    SaltFinish,
    SaltQueue,
    SaltTtft,
    SaltTail,
    SaltItl,
    SaltCompletion,
    SaltLength,
    SaltPrompt,
    SaltRestart,
    SaltWaiting,
    SaltKv,
    SaltAbort,
    SaltCached,
    SaltCachedShare,
    SaltPreempt,
};

const QString kVllmPrefix = QStringLiteral("/local/vllm/");
const QString kLlamaPrefix = QStringLiteral("/local/llamacpp/");

QByteArray modelsJson(const QString& model, const QString& owner, qint64 created)
{
    const QJsonObject m{{QStringLiteral("id"), model},
                        {QStringLiteral("object"), QStringLiteral("model")},
                        {QStringLiteral("created"), created},
                        {QStringLiteral("owned_by"), owner}};
    return QJsonDocument(QJsonObject{{QStringLiteral("object"), QStringLiteral("list")},
                                     {QStringLiteral("data"), QJsonArray{m}}})
        .toJson(QJsonDocument::Compact);
}

// The instant of `x-inferscope-at` (s UTC), or nullopt with `problem` in words.
std::optional<qint64> parseAt(const QByteArray& value, qint64 now, QString* problem)
{
    const QByteArray v = value.trimmed();
    bool ok = false;
    const qint64 at = v.toLongLong(&ok);
    if (!ok || at < 0) {
        *problem = QStringLiteral("x-inferscope-at must be whole seconds since the Unix epoch "
                                  "(e.g. %1), not '%2'")
                       .arg(now)
                       .arg(QString::fromLatin1(v.left(40)));
        return std::nullopt;
    }
    if (at > now) {
        *problem = QStringLiteral("x-inferscope-at %1 is %2 s in the future of the emulator's "
                                  "clock (%3): a server's counters only know the past")
                       .arg(at)
                       .arg(at - now)
                       .arg(now);
        return std::nullopt;
    }
    return at;
}

QByteArray detailJson(const QString& detail)
{
    return QJsonDocument(QJsonObject{{QStringLiteral("detail"), detail}})
        .toJson(QJsonDocument::Compact);
}

} // namespace

void LocalHistogram::observe(double value, qint64 weight)
{
    if (counts.size() != bounds.size() + 1)
        counts.fill(0, bounds.size() + 1);
    int i = 0;
    while (i < bounds.size() && value > bounds[i])
        ++i;
    counts[i] += weight;
    sum += value * static_cast<double>(weight);
    count += weight;
}

LocalServerModel::LocalServerModel(quint64 seed, LocalServerProfile profile)
    : m_seed(seed), m_profile(std::move(profile))
{}

LocalServerProfile LocalServerModel::vllmProfile()
{
    return {QStringLiteral("meta-llama/Llama-3.1-8B-Instruct"),
            40,
            1200,
            280,
            0.045,
            0.018,
            0x766c6c6dULL};
}

LocalServerProfile LocalServerModel::llamaCppProfile()
{
    return {QStringLiteral("qwen2.5-7b-instruct-q4_k_m"), 8, 700, 220, 0.35, 0.045, 0x6c6c616dULL};
}

double LocalServerModel::unit(qint64 t, quint64 salt) const
{
    return unitInterval(splitmix64(
        m_seed ^ splitmix64(m_profile.salt ^ splitmix64(static_cast<quint64>(t) * 31 + salt))));
}

qint64 LocalServerModel::restartInBlock(qint64 t) const
{
    const qint64 block = floorTo(t, restartBlockSeconds);
    const qint64 minutes = restartBlockSeconds / 60;
    return block + 60 * (1 + static_cast<qint64>(unit(block, SaltRestart) *
                                                 static_cast<double>(minutes - 2)));
}

qint64 LocalServerModel::processStart(qint64 t) const
{
    const qint64 r = restartInBlock(t);
    return t >= r ? r : restartInBlock(t - restartBlockSeconds);
}

double LocalServerModel::load(qint64 minuteTs) const
{
    return TrafficModel::demandEnvelope(minuteTs, false) * (0.85 + 0.3 * unit(minuteTs, SaltCount));
}

QVector<LocalRequest> LocalServerModel::requestsIn(qint64 m) const
{
    const double l = load(m);
    const int n = static_cast<int>(std::lround(m_profile.peakRequestsPerMin * l));
    QVector<LocalRequest> out;
    out.reserve(n);
    for (int i = 0; i < n; ++i) {
        const qint64 k = m * 1000 + i;
        LocalRequest r;
        r.finishedAt = m + static_cast<qint64>(unit(k, SaltFinish) * 60);
        r.queueSeconds = l > 0.75 ? (l - 0.75) * 3 * (0.2 + 1.6 * unit(k, SaltQueue))
                                  : 0.002 + 0.02 * unit(k, SaltQueue);
        r.ttftSeconds =
            m_profile.baseTtftSeconds * (1 + 1.5 * l * l) * (0.6 + 0.8 * unit(k, SaltTtft)) +
            (unit(k, SaltTail) < 0.03 ? 8 * m_profile.baseTtftSeconds : 0) + r.queueSeconds;
        r.itlSeconds = m_profile.baseItlSeconds * (1 + 0.6 * l) * (0.8 + 0.4 * unit(k, SaltItl));
        r.hitLength = unit(k, SaltLength) < 0.08;
        const double mean = m_profile.completionTokensPerRequest;
        r.completionTokens = r.hitLength
                                 ? static_cast<int>(std::lround(mean * 2))
                                 : std::max(1, static_cast<int>(std::lround(
                                                   mean * (0.3 + 1.4 * unit(k, SaltCompletion)))));
        r.promptTokens =
            std::max(1, static_cast<int>(std::lround(m_profile.promptTokensPerRequest *
                                                     (0.4 + 1.2 * unit(k, SaltPrompt)))));
        r.e2eSeconds = r.ttftSeconds + r.itlSeconds * (r.completionTokens - 1);
        r.aborted = unit(k, SaltAbort) < 0.03;
        // About half the prompts reuse a cached prefix (a system prompt, a conversation).
        if (unit(k, SaltCached) < 0.5)
            r.cachedTokens =
                static_cast<int>(r.promptTokens * (0.2 + 0.6 * unit(k, SaltCachedShare)));
        // A nearly full KV cache evicts running requests to make room; they are recomputed.
        if (l > 0.85 && unit(k, SaltPreempt) < (l - 0.85) * 0.5)
            r.preemptions = 1;
        out.append(r);
    }
    std::stable_sort(out.begin(), out.end(), [](const LocalRequest& a, const LocalRequest& b) {
        return a.finishedAt < b.finishedAt;
    });
    return out;
}

LocalTotals LocalServerModel::totalsAt(qint64 t) const
{
    LocalTotals tot;
    tot.processStart = processStart(t);
    tot.ttft.bounds = ttftBuckets();
    tot.itl.bounds = itlBuckets();
    tot.e2e.bounds = requestLatencyBuckets();
    tot.queue.bounds = requestLatencyBuckets();
    for (LocalHistogram* h : {&tot.ttft, &tot.itl, &tot.e2e, &tot.queue})
        h->counts.fill(0, h->bounds.size() + 1);
    advance(&tot, tot.processStart, t);
    return tot;
}

void LocalServerModel::advance(LocalTotals* tot, qint64 from, qint64 to) const
{
    // Requests are sorted within a minute and finish inside it, so minute by minute is the
    // global finishing order: advancing in steps adds the same terms in the same order.
    for (qint64 m = floorTo(from, 60); m < to; m += 60) {
        for (const LocalRequest& r : requestsIn(m)) {
            if (r.finishedAt < from)
                continue;
            if (r.finishedAt >= to)
                break;
            (r.aborted ? tot->requestsAbort
                       : (r.hitLength ? tot->requestsLength : tot->requestsStop)) += 1;
            tot->promptTokens += r.promptTokens;
            tot->cachedPromptTokens += r.cachedTokens;
            tot->generationTokens += r.completionTokens;
            tot->preemptions += r.preemptions;
            tot->ttft.observe(r.ttftSeconds);
            tot->e2e.observe(r.e2eSeconds);
            tot->queue.observe(r.queueSeconds);
            if (r.completionTokens > 1)
                tot->itl.observe(r.itlSeconds, r.completionTokens - 1);
            tot->promptSeconds += r.ttftSeconds - r.queueSeconds;
            tot->predictSeconds += r.itlSeconds * r.completionTokens;
        }
    }
}

LocalTotalsCache::LocalTotalsCache(LocalServerModel model, int capacity)
    : m_model(std::move(model)), m_capacity(std::max(1, capacity))
{}

LocalTotals LocalTotalsCache::totalsAt(qint64 t)
{
    const qint64 start = m_model.processStart(t);
    int best = -1;
    for (int i = 0; i < m_entries.size(); ++i) {
        const Entry& e = m_entries.at(i);
        if (e.totals.processStart == start && e.t <= t && (best < 0 || e.t > m_entries.at(best).t))
            best = i;
    }
    if (best >= 0) {
        ++m_hits;
        Entry& e = m_entries[best];
        m_model.advance(&e.totals, e.t, t);
        e.t = t;
        e.lastUse = ++m_uses;
        return e.totals;
    }
    ++m_misses;
    if (m_entries.size() < m_capacity) {
        m_entries.append(Entry{});
        best = static_cast<int>(m_entries.size()) - 1;
    } else {
        best = 0; // the least recently used one makes room
        for (int i = 1; i < m_entries.size(); ++i) {
            if (m_entries.at(i).lastUse < m_entries.at(best).lastUse)
                best = i;
        }
    }
    Entry& e = m_entries[best];
    e.t = t;
    e.totals = m_model.totalsAt(t);
    e.lastUse = ++m_uses;
    return e.totals;
}

int LocalServerModel::runningAt(qint64 t) const
{
    const qint64 m = floorTo(t, 60);
    const QVector<LocalRequest> reqs = requestsIn(m);
    double busySeconds = 0;
    for (const auto& r : reqs)
        busySeconds += r.e2eSeconds;
    return static_cast<int>(std::lround(busySeconds / 60.0));
}

int LocalServerModel::waitingAt(qint64 t) const
{
    const qint64 m = floorTo(t, 60);
    const double l = load(m);
    return l > 0.8 ? static_cast<int>(std::lround((l - 0.8) * 20 * unit(m, SaltWaiting))) : 0;
}

double LocalServerModel::kvCacheUsageAt(qint64 t) const
{
    const qint64 m = floorTo(t, 60);
    return std::clamp(0.03 + 0.8 * load(m) * (0.9 + 0.2 * unit(m, SaltKv)), 0.0, 0.97);
}

QVector<double> LocalServerModel::ttftBuckets()
{
    return {0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1,
            0.25,  0.5,   0.75, 1.0,  2.5,  5.0,  7.5,  10.0};
}

QVector<double> LocalServerModel::itlBuckets()
{
    return {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5};
}

QVector<double> LocalServerModel::requestLatencyBuckets()
{
    return {0.3, 0.5, 0.8, 1.0, 1.5, 2.0, 2.5, 5.0, 10.0, 15.0, 20.0, 30.0, 40.0, 50.0, 60.0};
}

LocalServerService::LocalServerService(const TrafficModel& traffic)
    : m_vllm(traffic.seed(), LocalServerModel::vllmProfile()),
      m_llamaCpp(traffic.seed(), LocalServerModel::llamaCppProfile()), m_vllmTotals(m_vllm),
      m_llamaCppTotals(m_llamaCpp)
{}

bool LocalServerService::accepts(const HttpServerRequest& req) const
{
    const QString path = req.path();
    return path.startsWith(kVllmPrefix) || path.startsWith(kLlamaPrefix);
}

void LocalServerService::serve(const HttpServerRequest& req, HttpServerResponder& r,
                               const ServiceContext& ctx)
{
    const QString path = req.path();
    QList<HttpServerHeader> text = {{"Content-Type", "text/plain; version=0.0.4; charset=utf-8"}};
    if (req.method != "GET") {
        r.respondJson(405, R"({"detail":"Method Not Allowed"})");
        return;
    }
    qint64 at = ctx.nowUtc;
    QList<HttpServerHeader> echo;
    if (req.hasHeader(atHeader)) {
        QString problem;
        const std::optional<qint64> asked = parseAt(req.header(atHeader), ctx.nowUtc, &problem);
        if (!asked) {
            r.respondJson(400, detailJson(problem));
            return;
        }
        at = *asked;
        echo.append({QByteArray(atHeader), QByteArray::number(at)});
    }
    text += echo;
    if (path == kVllmPrefix + QLatin1String("metrics")) {
        r.respond(200, text, vllmExposition(at, m_vllmTotals.totalsAt(at)));
    } else if (path == kLlamaPrefix + QLatin1String("metrics")) {
        r.respond(200, text, llamaCppExposition(at, m_llamaCppTotals.totalsAt(at)));
    } else if (path == kVllmPrefix + QLatin1String("v1/models")) {
        r.respondJson(
            200,
            modelsJson(m_vllm.profile().model, QStringLiteral("vllm"), m_vllm.processStart(at)),
            echo);
    } else if (path == kLlamaPrefix + QLatin1String("v1/models")) {
        r.respondJson(200,
                      modelsJson(m_llamaCpp.profile().model, QStringLiteral("llamacpp"),
                                 m_llamaCpp.processStart(at)),
                      echo);
    } else {
        r.respondJson(404, R"({"detail":"Not Found"})");
    }
}

QByteArray LocalServerService::vllmMetrics(qint64 t) const
{
    return vllmExposition(t, m_vllm.totalsAt(t));
}

QByteArray LocalServerService::llamaCppMetrics(qint64 t) const
{
    return llamaCppExposition(t, m_llamaCpp.totalsAt(t));
}

QByteArray LocalServerService::vllmExposition(qint64 t, const LocalTotals& tot) const
{
    const QString model = m_vllm.profile().model;
    const PrometheusExposition::Labels base = {{QStringLiteral("engine"), QStringLiteral("0")},
                                               {QStringLiteral("model_name"), model}};
    const double created = static_cast<double>(tot.processStart);
    PrometheusExposition e;
    auto gauge = [&](const char* name, const char* help, double v) {
        e.family(QLatin1String(name), QStringLiteral("gauge"), QLatin1String(help));
        e.sample(QLatin1String(name), base, v);
    };
    // prometheus_client: a counter "x_total" plus a gauge family "x_created".
    auto counter = [&](const char* name, const char* help,
                       const QVector<std::pair<PrometheusExposition::Labels, double>>& series) {
        const QString n = QLatin1String(name);
        e.family(n + QLatin1String("_total"), QStringLiteral("counter"), QLatin1String(help));
        for (const auto& [labels, v] : series)
            e.sample(n + QLatin1String("_total"), labels, v);
        e.family(n + QLatin1String("_created"), QStringLiteral("gauge"), QLatin1String(help));
        for (const auto& s : series)
            e.sample(n + QLatin1String("_created"), s.first, created);
    };
    auto histogram = [&](const char* name, const char* help, const LocalHistogram& h) {
        const QString n = QLatin1String(name);
        e.family(n, QStringLiteral("histogram"), QLatin1String(help));
        qint64 cumulative = 0;
        for (int i = 0; i <= h.bounds.size(); ++i) {
            cumulative += h.counts.value(i);
            PrometheusExposition::Labels l = {
                {QStringLiteral("le"),
                 i < h.bounds.size()
                     ? QString::fromLatin1(PrometheusExposition::formatValue(h.bounds[i]))
                     : QStringLiteral("+Inf")}};
            l += base;
            e.sample(n + QLatin1String("_bucket"), l, static_cast<double>(cumulative));
        }
        e.sample(n + QLatin1String("_count"), base, static_cast<double>(h.count));
        e.sample(n + QLatin1String("_sum"), base, h.sum);
        e.family(n + QLatin1String("_created"), QStringLiteral("gauge"), QLatin1String(help));
        e.sample(n + QLatin1String("_created"), base, created);
    };

    gauge("vllm:num_requests_running", "Number of requests in model execution batches.",
          m_vllm.runningAt(t));
    gauge("vllm:num_requests_waiting", "Number of requests waiting to be processed.",
          m_vllm.waitingAt(t));
    gauge("vllm:kv_cache_usage_perc", "KV-cache usage. 1 means 100 percent usage.",
          m_vllm.kvCacheUsageAt(t));
    counter("vllm:prefix_cache_queries",
            "Prefix cache queries, in terms of number of queried tokens.",
            {{base, static_cast<double>(tot.promptTokens)}});
    counter("vllm:prefix_cache_hits", "Prefix cache hits, in terms of number of cached tokens.",
            {{base, static_cast<double>(tot.cachedPromptTokens)}});
    counter("vllm:prompt_tokens", "Number of prefill tokens processed.",
            {{base, static_cast<double>(tot.promptTokens)}});
    // Current vLLM splits the prompt: computed here, or served from the prefix cache.
    counter("vllm:prompt_tokens_cached", "Number of cached prompt tokens (local + external).",
            {{base, static_cast<double>(tot.cachedPromptTokens)}});
    PrometheusExposition::Labels compute = base, cacheHit = base;
    compute.append({QStringLiteral("source"), QStringLiteral("local_compute")});
    cacheHit.append({QStringLiteral("source"), QStringLiteral("local_cache_hit")});
    counter("vllm:prompt_tokens_by_source", "Number of prompt tokens by source.",
            {{compute, static_cast<double>(tot.promptTokens - tot.cachedPromptTokens)},
             {cacheHit, static_cast<double>(tot.cachedPromptTokens)}});
    counter("vllm:generation_tokens", "Number of generation tokens processed.",
            {{base, static_cast<double>(tot.generationTokens)}});
    PrometheusExposition::Labels abort = base, length = base, stop = base;
    abort.append({QStringLiteral("finished_reason"), QStringLiteral("abort")});
    length.append({QStringLiteral("finished_reason"), QStringLiteral("length")});
    stop.append({QStringLiteral("finished_reason"), QStringLiteral("stop")});
    counter("vllm:request_success", "Count of successfully processed requests.",
            {{abort, static_cast<double>(tot.requestsAbort)},
             {length, static_cast<double>(tot.requestsLength)},
             {stop, static_cast<double>(tot.requestsStop)}});
    counter("vllm:num_preemptions", "Cumulative number of preemption from the engine.",
            {{base, static_cast<double>(tot.preemptions)}});
    histogram("vllm:time_to_first_token_seconds", "Histogram of time to first token in seconds.",
              tot.ttft);
    histogram("vllm:inter_token_latency_seconds", "Histogram of inter-token latency in seconds.",
              tot.itl);
    histogram("vllm:e2e_request_latency_seconds", "Histogram of e2e request latency in seconds.",
              tot.e2e);
    histogram("vllm:request_queue_time_seconds",
              "Histogram of time spent in WAITING phase for request.", tot.queue);
    e.family(QStringLiteral("process_start_time_seconds"), QStringLiteral("gauge"),
             QStringLiteral("Start time of the process since unix epoch in seconds."));
    e.sample(QStringLiteral("process_start_time_seconds"), {}, created);
    return e.text();
}

QByteArray LocalServerService::llamaCppExposition(qint64 t, const LocalTotals& tot) const
{
    const double promptSeconds = tot.promptSeconds;
    const double predictSeconds = tot.predictSeconds;
    const int running = m_llamaCpp.runningAt(t);
    PrometheusExposition e;
    auto one = [&](const char* name, const char* type, const char* help, double v) {
        e.family(QLatin1String(name), QLatin1String(type), QLatin1String(help));
        e.sample(QLatin1String(name), {}, v);
    };
    one("llamacpp:prompt_tokens_total", "counter", "Number of prompt tokens processed.",
        static_cast<double>(tot.promptTokens));
    one("llamacpp:prompt_seconds_total", "counter", "Prompt process time", promptSeconds);
    one("llamacpp:tokens_predicted_total", "counter", "Number of generation tokens processed.",
        static_cast<double>(tot.generationTokens));
    one("llamacpp:tokens_predicted_seconds_total", "counter", "Predict process time",
        predictSeconds);
    one("llamacpp:n_decode_total", "counter", "Total number of llama_decode() calls",
        static_cast<double>(tot.generationTokens + tot.requestsStop + tot.requestsLength));
    one("llamacpp:n_busy_slots_per_decode", "counter",
        "Average number of busy slots per llama_decode() call", running > 0 ? running : 1);
    one("llamacpp:prompt_tokens_seconds", "gauge", "Average prompt throughput in tokens/s.",
        promptSeconds > 0 ? static_cast<double>(tot.promptTokens) / promptSeconds : 0);
    one("llamacpp:predicted_tokens_seconds", "gauge", "Average generation throughput in tokens/s.",
        predictSeconds > 0 ? static_cast<double>(tot.generationTokens) / predictSeconds : 0);
    // Current llama-server exposes no KV-cache gauge (kv_cache_usage_ratio and kv_cache_tokens
    // were removed upstream).
    one("llamacpp:requests_processing", "gauge", "Number of requests processing.", running);
    one("llamacpp:requests_deferred", "gauge", "Number of requests deferred.",
        m_llamaCpp.waitingAt(t));
    return e.text();
}

} // namespace isc::emu
