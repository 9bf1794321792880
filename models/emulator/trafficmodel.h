#pragma once

#include <QString>
#include <QVector>
#include <QtGlobal>

namespace isc::emu {

/// splitmix64's finaliser: a fast, well-mixed 64-bit hash step (no global state).
constexpr quint64 splitmix64(quint64 x)
{
    x += 0x9E3779B97F4A7C15ULL;
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

/// Maps a hash to a double in [0, 1).
constexpr double unitInterval(quint64 h)
{
    return static_cast<double>(h >> 11) * (1.0 / 9007199254740992.0);
}

/// One deployment of the demo fleet and the shape of the demand it sees.
struct FleetDeployment
{
    QString name;                  ///< deployment name
    QString model;                 ///< e.g. "gpt-4o"
    QString version;               ///< e.g. "2024-11-20"
    QString sku;                   ///< Azure SKU name
    int capacity = 0;              ///< PTUs (provisioned) or thousands of TPM (standard)
    QString spilloverTo;           ///< standard deployment that takes the PTU overflow
    double peakRequestsPerMin = 0; ///< weekday-peak demand
    double promptTokensPerRequest = 0;
    double completionTokensPerRequest = 0;
    double baseTtftMs = 0; ///< time to first token at low load
    double baseTbtMs = 0;  ///< time between tokens at low load
};

/// What one deployment did in one minute, after capacity and spillover. Pure data.
struct MinuteTraffic
{
    double demandRequests = 0;    ///< requests clients sent to this deployment
    double requests2xx = 0;       ///< served directly (not spillover)
    double requests429 = 0;       ///< rejected for capacity (PTU >= 100 %, or TPM limit)
    double requests5xx = 0;       ///< server errors
    double spilloverRequests = 0; ///< requests served here as spillover from a PTU deployment
    double promptTokens = 0;      ///< ProcessedPromptTokens (served requests incl. spillover)
    double generatedTokens = 0;   ///< GeneratedTokens
    double utilizationPct = -1;   ///< AzureOpenAIProvisionedManagedUtilizationV2; -1 if not PTU
    double ttftMsAvg = 0, ttftMsMin = 0, ttftMsMax = 0; ///< AzureOpenAINormalizedTTFTInMS
    double ttltMsAvg = 0, ttltMsMin = 0, ttltMsMax = 0; ///< AzureOpenAITTLTInMS
    double tbtMsAvg = 0;                                ///< AzureOpenAINormalizedTBTInMS
    double timeToResponseMsAvg = 0;                     ///< AzureOpenAITimeToResponse
    double tokensPerSecondAvg = 0;                      ///< AzureOpenAITokenPerSecond
    double cacheMatchRatePct = -1; ///< AzureOpenAIContextTokensCacheMatchRate; -1 if not PTU

    double servedRequests() const { return requests2xx + spilloverRequests; }
    double totalRequests() const
    {
        return requests2xx + requests429 + requests5xx + spilloverRequests;
    }
};

/// The demo fleet's traffic: a pure function of (seed, minute). Daily and weekly cycles,
/// deterministic bursts, PTU utilization from demand against capacity, 429s and spillover at
/// and over 100 %. Counts are whole numbers so totals reproduce exactly.
class TrafficModel
{
public:
    explicit TrafficModel(quint64 seed, QVector<FleetDeployment> fleet = demoFleet());

    /// The built-in demo fleet of account "contoso-aoai": gpt-4o on ProvisionedManaged (100 PTU,
    /// spills to gpt-4o-std), gpt-4o on Standard, gpt-4o-mini on GlobalStandard, gpt-4.1 on
    /// DataZoneStandard, gpt-4o-mini on GlobalBatch.
    static QVector<FleetDeployment> demoFleet();

    quint64 seed() const { return m_seed; }
    const QVector<FleetDeployment>& fleet() const { return m_fleet; }

    /// The traffic of `deployment` in the minute starting at `minuteTs` (s UTC, floored to 60).
    MinuteTraffic at(const QString& deployment, qint64 minuteTs) const;

    /// The traffic of every deployment in the minute starting at `minuteTs`, in fleet() order
    /// (one pass: spillover is computed once).
    QVector<MinuteTraffic> atAll(qint64 minuteTs) const;

    /// Index of `deployment` in fleet(), -1 when unknown.
    int indexOf(const QString& deployment) const;

    /// A deterministic 64-bit hash of (seed, deployment index, time, salt), for derived splits.
    quint64 hash(int deploymentIndex, qint64 t, quint64 salt) const;

    /// The fleet-wide demand shape at `minuteTs` (s UTC): the daily cycle (interactive peak at
    /// 14:30 UTC, or the 00:00-06:00 batch window) times the weekly one, about 0.06..1.15. Other
    /// providers of the demo (OpenAI, Anthropic, local servers) scale their load by it too, so
    /// the whole demo is one consistent fleet.
    static double demandEnvelope(qint64 minuteTs, bool batch);

    /// Share of a deployment's requests that stream (StreamType "Streaming"), 0..1.
    double streamingShare(int deploymentIndex) const;

    /// True for a fine-tuned deployment: its model is named "<base>-<version>.ft-<id>", as Azure
    /// names fine-tunes (the Capacity page's fine-tuning card lists exactly these).
    static bool isFineTuned(const FleetDeployment& d);
    /// FineTunedTrainingHours of deployment `deploymentIndex` in the minute starting at
    /// `minuteTs` (s UTC), in hours: a fine-tune's nightly retraining job runs from
    /// kTrainingFromSecond to kTrainingToSecond of each UTC day, 1/60 h a minute. 0 for every
    /// other minute and for deployments that are not fine-tunes (the demo fleet has none).
    double trainingHours(int deploymentIndex, qint64 minuteTs) const;
    /// The nightly retraining window of fine-tunes, seconds after 00:00 UTC: [01:00, 03:00).
    static constexpr qint64 kTrainingFromSecond = 3600;
    static constexpr qint64 kTrainingToSecond = 3 * 3600;

    /// Gpt-4o PTU sizing: weighted input tokens per minute one PTU serves.
    static constexpr double kTokensPerPtuPerMinute = 2500;
    /// Gpt-4o PTU sizing: one output token weighs as this many input tokens (the price
    /// catalog's documented gpt-4o figure, resources/pricing/prices.json).
    static constexpr double kOutputTokenWeight = 3;
    /// Share of a PTU deployment's 429s that spill over (the rest disabled spillover).
    static constexpr double kSpilloverShare = 0.85;

private:
    struct Base;
    struct Spill;
    Base base(int index, qint64 minuteTs) const;
    MinuteTraffic compute(int index, qint64 minuteTs, const Base& b, const Spill& in,
                          double* spilledOut = nullptr) const;
    Spill spillInto(int index, qint64 minuteTs) const;

    quint64 m_seed;
    QVector<FleetDeployment> m_fleet;
    QVector<quint64> m_keys; ///< per-deployment hash keys (from seed and name)
};

} // namespace isc::emu
