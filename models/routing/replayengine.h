#pragma once

#include "cost/money.h"
#include "routing/capacitymodel.h"
#include "routing/replaypricing.h"
#include "routing/routeclass.h"
#include "routing/routingpolicy.h"
#include "routing/trafficwindow.h"

#include <QFuture>
#include <QJsonObject>
#include <QMetaType>
#include <QVector>
#include <array>
#include <functional>
#include <memory>

namespace isc {

/// What a route (or one target) did over the window. Counts are requests, tokens are tokens.
struct RouteFigures
{
    double requests = 0;       ///< requests sent here (demand, not spillover in)
    double servedRequests = 0; ///< answered with 2xx, incl. spillover in
    double requests429 = 0;    ///< 429 answers (incl. those that then spilled over)
    /// Local servers: requests over the measured peak, not sent to it (spilled over or not served)
    double capped = 0;
    double spilloverOut = 0; ///< 429s (and capped requests) served by another target instead
    double spilloverIn = 0;  ///< requests served here as spillover
    double requests5xx = 0;
    double promptTokens = 0; ///< served
    double outputTokens = 0; ///< served
    double minutes429 = 0;   ///< minutes with at least one 429 (targets only; routes: summed)
    double ttftMs = 0;       ///< request-weighted average, 0 = unknown
    double ttltMs = 0;       ///< request-weighted average, 0 = unknown
    Money cost;

    /// USD per 1,000 requests sent here, 0 when none.
    double costPer1kRequests() const
    {
        return requests > 0 ? cost.toUnits() * 1000.0 / requests : 0;
    }
};

/// A local server in a replay: capped at its measured peak throughput, and where the requests
/// over it went (the policy's next matching rule, else its fallback, else not served).
struct LocalCap
{
    QString key;  ///< "source/name"
    QString name; ///< deployment name
    /// Where some of the capped requests were served instead.
    struct Spill
    {
        QString key;  ///< "source/name"
        QString name; ///< deployment name
        double requests = 0;
    };

    double tokensPerMinute = 0; ///< the cap: its busiest recorded minute; 0 = unknown, not capped
    qint64 peakAt = 0;          ///< start of that minute (s UTC), 0 = unknown
    double requests = 0;        ///< requests the policy sent it (incl. capped)
    double cappedRequests = 0;  ///< requests over the cap (spilled over or not served)
    double droppedRequests = 0; ///< of those, no other rule could take: not served
    double minutesCapped = 0;   ///< minutes with at least half a request over the cap
    QVector<Spill> spilledTo;   ///< most first

    /// In words: "vllm capped at 41,230 tokens/min (its busiest recorded minute): 154,210 requests
    /// spilled to gpt-4o-mini (in 512 minutes)".
    QString describe() const;
    QJsonObject toJson() const;
};

/// One deployment's figures.
struct TargetFigures
{
    QString key;  ///< "source/name"
    QString name; ///< deployment name
    QString model;
    RouteClass routeClass = RouteClass::Unknown;
    RouteFigures figures;
};

/// The outcome of a window, as recorded (ReplayEngine::actual) or replayed through a policy.
struct ReplaySummary
{
    TimeRange range;
    QString policyName; ///< empty for the recorded figures
    bool cancelled = false;

    RouteFigures total;
    std::array<RouteFigures, kRouteClassCount> routes; ///< indexed by RouteClass
    QVector<TargetFigures> targets;                    ///< in TrafficWindow order

    // Conservation: every demanded token is routed, and ends served, rejected or failed.
    double demandPromptTokens = 0, demandOutputTokens = 0;     ///< the recorded demand
    double routedPromptTokens = 0, routedOutputTokens = 0;     ///< what the policy sent somewhere
    double rejectedPromptTokens = 0, rejectedOutputTokens = 0; ///< 429 and not spilled
    double failedPromptTokens = 0, failedOutputTokens = 0;     ///< 5xx

    double spilloverRate = 0; ///< spilled-over requests / requests, 0..1
    double localShare = 0;    ///< served requests on local routes / all served, 0..1
    double cloudShare = 0;    ///< served requests on cloud routes / all served, 0..1

    /// Requests per rule (policy order) and, last, for the fallback; empty for the recorded.
    QVector<double> requestsPerRule;
    /// Each local server the policy sends other deployments' traffic to, in TrafficWindow order;
    /// empty for the recorded.
    QVector<LocalCap> localCaps;

    /// Cost of the demand priced as ReplayPricing::baselineTarget says (by default each
    /// request on its own model at pay-per-token list prices).
    Money baselineCost;
    QString baseline;     ///< the baseline in words; empty when nothing could be priced
    QString baselineName; ///< the baseline in a few words, for a tile ("own models, pay-per-token")
    double baselineUnpricedRequests = 0; ///< requests left out: no pay-per-token price (local)
    QString pricingNote;

    /// Per minute (index = minute of the window), for charts: requests sent to and tokens
    /// served by each route class, spilled-over requests, 429s (and requests over a local
    /// server's cap that no other rule took).
    std::array<QVector<float>, kRouteClassCount> requestsPerMinute;
    std::array<QVector<float>, kRouteClassCount> tokensPerMinute;
    QVector<float> spilloverPerMinute;
    QVector<float> rejectedPerMinute;

    /// Cost avoided against the baseline (negative when dearer).
    Money costAvoided() const { return baselineCost - total.cost; }

    /// Totals, per route and per target (no per-minute series): the CLI's JSON.
    QJsonObject toJson() const;
};

/// The recorded figures beside the replayed ones.
struct ReplayResult
{
    ReplaySummary actual;
    ReplaySummary replayed;
};

/// What to replay with.
struct ReplayOptions
{
    RoutingPolicy policy = RoutingPolicy::identity();
    ReplayPricing pricing =
        ReplayPricing::builtin(); ///< the Cost page's catalog, see fromCatalog()
    PtuSizingLookup sizing; ///< empty = the gpt-4o sizing for every model (see catalogSizing())
};

/// Runs recorded traffic through a routing policy minute by minute: routes each deployment's
/// demand (by prompt-size bucket where known, else the minute's mean), applies each PTU
/// deployment's CapacityModel (429s and spillover), each local server's peak throughput (what
/// is over it spills to the next matching rule, else the fallback, else is not served; spillover
/// is served where it lands, as a PTU's is), the TPM limit of pay-per-token ones, and
/// the observed 5xx share and latencies; prices what each target served. Where a target gets
/// exactly its recorded load in a minute, the recorded outcome is used, so the identity policy
/// reproduces the recorded figures. Pure; thread-safe.
class ReplayEngine
{
public:
    /// Called with progress in permille; return false to cancel.
    using Progress = std::function<bool(int permille)>;

    /// The recorded figures of the window, priced with `pricing`.
    static ReplaySummary actual(const TrafficWindow& window, const ReplayPricing& pricing);

    /// The window replayed through `options.policy`. Unknown targets fall back to the origin
    /// (validate the policy first: PolicyValidator).
    static ReplaySummary replay(const TrafficWindow& window, const ReplayOptions& options,
                                const Progress& progress = {});

    /// Both, on the thread pool; progress 0..1000 on the future, cancel with future.cancel()
    /// (a cancelled future carries no result).
    static QFuture<ReplayResult> start(std::shared_ptr<const TrafficWindow> window,
                                       ReplayOptions options);
};

} // namespace isc

Q_DECLARE_METATYPE(isc::ReplayResult)
