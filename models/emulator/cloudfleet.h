#pragma once

#include <QString>
#include <QVector>
#include <QtGlobal>

namespace isc::emu {

/// One stream of the demo's OpenAI or Anthropic organisation: a model used by one project
/// (OpenAI) or workspace (Anthropic), interactive or batch, with its per-request token shape.
struct CloudStream
{
    QString model;                     ///< e.g. "gpt-4o-2024-11-20", "claude-sonnet-4-20250514"
    QString project;                   ///< OpenAI project_id / Anthropic workspace_id
    bool batch = false;                ///< OpenAI batch API (priced at the batch rate)
    QString serviceTier;               ///< "default" (OpenAI), "standard" or "batch" (Anthropic)
    double peakRequestsPerMin = 0;     ///< weekday-peak demand, scaled by demandEnvelope()
    double inputTokensPerRequest = 0;  ///< every input token (OpenAI: incl. cached)
    double cachedShare = 0;            ///< OpenAI: share of input read from the prompt cache
    double cacheWrite5mShare = 0;      ///< Anthropic: share of input written to the 5 m cache
    double cacheWrite1hShare = 0;      ///< Anthropic: share of input written to the 1 h cache
    double cacheReadShare = 0;         ///< Anthropic: share of input read from the cache
    double outputTokensPerRequest = 0; ///< incl. reasoning tokens (o3-mini)
};

/// What one stream did in one minute. Whole numbers; the parts of the input add up exactly.
struct CloudMinute
{
    qint64 requests = 0;
    qint64 inputTokens = 0;  ///< all input (OpenAI `input_tokens`, which includes cached)
    qint64 cachedTokens = 0; ///< OpenAI `input_cached_tokens` = Anthropic cache reads
    qint64 cacheWrite5m = 0; ///< Anthropic cache_creation.ephemeral_5m_input_tokens
    qint64 cacheWrite1h = 0; ///< Anthropic cache_creation.ephemeral_1h_input_tokens
    qint64 outputTokens = 0; ///< incl. reasoning tokens
    qint64 uncachedTokens() const
    {
        return inputTokens - cachedTokens - cacheWrite5m - cacheWrite1h;
    }

    CloudMinute& operator+=(const CloudMinute& o)
    {
        requests += o.requests;
        inputTokens += o.inputTokens;
        cachedTokens += o.cachedTokens;
        cacheWrite5m += o.cacheWrite5m;
        cacheWrite1h += o.cacheWrite1h;
        outputTokens += o.outputTokens;
        return *this;
    }
};

/// The demo's OpenAI and Anthropic organisations: the rest of the one consistent fleet whose
/// Azure part is the TrafficModel. A pure function of (seed, minute); load follows
/// TrafficModel::demandEnvelope().
class CloudFleet
{
public:
    enum class Provider { OpenAi, Anthropic };

    explicit CloudFleet(quint64 seed);

    /// The streams of `provider`'s organisation, in a fixed order.
    static QVector<CloudStream> streams(Provider provider);

    /// What stream `index` of `provider` did in the minute starting at `minuteTs` (s UTC).
    CloudMinute at(Provider provider, int index, qint64 minuteTs) const;

    /// Sum of at() over the minutes in [from, to) (s UTC, floored to minutes).
    CloudMinute sum(Provider provider, int index, qint64 from, qint64 to) const;

private:
    quint64 m_seed;
    QVector<CloudStream> m_openAi;
    QVector<CloudStream> m_anthropic;
};

} // namespace isc::emu
