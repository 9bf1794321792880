#pragma once

#include "emulator/emulatorservice.h"
#include "exposition/prometheusexposition.h"

#include <QString>
#include <QVector>

namespace isc::emu {

/// A local inference server of the demo (a vLLM, a llama.cpp) and the load it carries.
struct LocalServerProfile
{
    QString model;                 ///< served model, e.g. "meta-llama/Llama-3.1-8B-Instruct"
    double peakRequestsPerMin = 0; ///< at demandEnvelope() == 1
    double promptTokensPerRequest = 0;
    double completionTokensPerRequest = 0;
    double baseTtftSeconds = 0; ///< time to first token at low load
    double baseItlSeconds = 0;  ///< time between output tokens at low load
    quint64 salt = 0;           ///< separates the servers' noise
};

/// One finished request of a local server. Pure data.
struct LocalRequest
{
    qint64 finishedAt = 0; ///< s UTC
    int promptTokens = 0;
    int completionTokens = 0;
    bool hitLength = false; ///< finished_reason "length" (else "stop")
    bool aborted = false;   ///< finished_reason "abort": the client went away (wins over length)
    int cachedTokens = 0;   ///< prompt tokens served from the prefix cache (<= promptTokens)
    int preemptions = 0;    ///< times it was evicted from the batch for KV-cache room (vLLM)
    double queueSeconds = 0;
    double ttftSeconds = 0;
    double itlSeconds = 0; ///< mean time between output tokens
    double e2eSeconds = 0;
};

/// A cumulative classic histogram: counts per bucket (not cumulative), the last one +Inf.
struct LocalHistogram
{
    QVector<double> bounds; ///< upper bounds without +Inf
    QVector<qint64> counts; ///< bounds.size() + 1 entries
    double sum = 0;
    qint64 count = 0;

    void observe(double value, qint64 weight = 1);

    bool operator==(const LocalHistogram& o) const
    {
        return bounds == o.bounds && counts == o.counts && sum == o.sum && count == o.count;
    }
};

/// Everything a local server's counters say at one instant: sums over the requests finished
/// since the process started. Pure data.
struct LocalTotals
{
    qint64 processStart = 0; ///< s UTC
    qint64 requestsStop = 0;
    qint64 requestsLength = 0;
    qint64 requestsAbort = 0;
    qint64 promptTokens = 0;       ///< whole prompts, cache hits included (as vLLM counts them)
    qint64 cachedPromptTokens = 0; ///< of promptTokens, served from the prefix cache
    qint64 generationTokens = 0;
    qint64 preemptions = 0; ///< vllm:num_preemptions_total
    LocalHistogram ttft, e2e, itl, queue;
    double promptSeconds = 0;  ///< prompt processing time (TTFT minus queue time), s: llama.cpp
    double predictSeconds = 0; ///< generation time, s: llama.cpp

    bool operator==(const LocalTotals& o) const
    {
        return processStart == o.processStart && requestsStop == o.requestsStop &&
               requestsLength == o.requestsLength && requestsAbort == o.requestsAbort &&
               promptTokens == o.promptTokens && cachedPromptTokens == o.cachedPromptTokens &&
               generationTokens == o.generationTokens && preemptions == o.preemptions &&
               ttft == o.ttft && e2e == o.e2e && itl == o.itl && queue == o.queue &&
               promptSeconds == o.promptSeconds && predictSeconds == o.predictSeconds;
    }
};

/// A local server's traffic as a pure function of (seed, minute): requests per minute follow
/// TrafficModel::demandEnvelope(); each request is drawn from hashes. The process restarts
/// once in every 6 h block at a hashed minute, and every counter restarts from zero there.
class LocalServerModel
{
public:
    LocalServerModel(quint64 seed, LocalServerProfile profile);

    /// vLLM serving "meta-llama/Llama-3.1-8B-Instruct" at ~40 requests/min at peak.
    static LocalServerProfile vllmProfile();
    /// llama.cpp serving "qwen2.5-7b-instruct-q4_k_m" at ~8 requests/min at peak.
    static LocalServerProfile llamaCppProfile();

    const LocalServerProfile& profile() const { return m_profile; }

    static constexpr qint64 restartBlockSeconds = 6 * 3600;
    /// The restart of the 6 h block holding `t` (s UTC, a minute boundary).
    qint64 restartInBlock(qint64 t) const;
    /// When the process serving at `t` started (s UTC): the latest restart <= t.
    qint64 processStart(qint64 t) const;

    /// Requests finished in the minute starting at `minuteTs`, by finish time.
    QVector<LocalRequest> requestsIn(qint64 minuteTs) const;
    /// The counters at `t` (s UTC): requests finished in [processStart(t), t).
    LocalTotals totalsAt(qint64 t) const;
    /// Adds to `totals` the requests finished in [from, to) (s UTC), in the order totalsAt()
    /// adds them (so the sums are bit-identical). `from` must not precede totals->processStart,
    /// and the process must not restart in (from, to].
    void advance(LocalTotals* totals, qint64 from, qint64 to) const;
    /// Requests in flight at `t` (Little's law over the minute's load).
    int runningAt(qint64 t) const;
    /// Requests queued at `t`.
    int waitingAt(qint64 t) const;
    /// KV-cache use at `t`, 0..1.
    double kvCacheUsageAt(qint64 t) const;

    /// vLLM's bucket bounds (seconds) for time to first token, inter-token latency, and
    /// request latency (e2e and queue time).
    static QVector<double> ttftBuckets();
    static QVector<double> itlBuckets();
    static QVector<double> requestLatencyBuckets();

private:
    double load(qint64 minuteTs) const;
    double unit(qint64 t, quint64 salt) const;

    quint64 m_seed;
    LocalServerProfile m_profile;
};

/// LocalServerModel::totalsAt() for callers asking for instants mostly in increasing order (a
/// backfill scrapes every 5 minutes, the live poll every 15 s): keeps the last few answers and
/// advances the latest earlier one of the same process lifetime, so an ask costs the minutes
/// advanced instead of up to 6 h of minutes. Answers are identical to totalsAt(). Not
/// thread-safe (the emulator's services live on its thread).
class LocalTotalsCache
{
public:
    explicit LocalTotalsCache(LocalServerModel model, int capacity = 4);

    /// Equal to model().totalsAt(t) (s UTC).
    LocalTotals totalsAt(qint64 t);

    const LocalServerModel& model() const { return m_model; }
    /// Asks answered by advancing a kept answer.
    int hits() const { return m_hits; }
    /// Asks computed from the process start (nothing kept of the same lifetime at or before t).
    int misses() const { return m_misses; }

private:
    struct Entry
    {
        qint64 t = 0;
        LocalTotals totals;
        quint64 lastUse = 0;
    };
    LocalServerModel m_model;
    int m_capacity = 4;
    QVector<Entry> m_entries;
    quint64 m_uses = 0;
    int m_hits = 0;
    int m_misses = 0;
};

/// The demo's local servers: `/local/vllm/metrics` (current vLLM families, with the prompt's
/// cache split in prompt_tokens_cached_total and prompt_tokens_by_source_total, and aborted
/// requests under request_success_total{finished_reason="abort"}, preemptions at peak load in
/// num_preemptions_total), `/local/vllm/v1/models`,
/// `/local/llamacpp/metrics` (current llama-server --metrics: no KV-cache gauge),
/// `/local/llamacpp/v1/models`.
/// Demo backfill: a request carrying `x-inferscope-at: <unix seconds>` is answered as the
/// server would have answered at that instant (never later than the emulator's clock; a future
/// or malformed value gets 400), and the answer echoes the header. Real servers keep no history.
class LocalServerService : public EmulatorService
{
public:
    explicit LocalServerService(const TrafficModel& traffic);

    bool accepts(const HttpServerRequest& req) const override;
    void serve(const HttpServerRequest& req, HttpServerResponder& r,
               const ServiceContext& ctx) override;

    /// The vLLM exposition at `t` (s UTC).
    QByteArray vllmMetrics(qint64 t) const;
    /// The llama.cpp exposition at `t` (s UTC).
    QByteArray llamaCppMetrics(qint64 t) const;

    const LocalServerModel& vllm() const { return m_vllm; }
    const LocalServerModel& llamaCpp() const { return m_llamaCpp; }

    /// The request header naming the instant to answer for.
    static constexpr char atHeader[] = "x-inferscope-at";

private:
    QByteArray vllmExposition(qint64 t, const LocalTotals& tot) const;
    QByteArray llamaCppExposition(qint64 t, const LocalTotals& tot) const;

    LocalServerModel m_vllm;
    LocalServerModel m_llamaCpp;
    LocalTotalsCache m_vllmTotals;
    LocalTotalsCache m_llamaCppTotals;
};

} // namespace isc::emu
