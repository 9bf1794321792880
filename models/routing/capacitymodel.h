#pragma once

#include <QString>
#include <functional>

namespace isc {

/// How many tokens a PTU serves: from the price catalog when it has the model, else the
/// catalog's gpt-4o figures (Microsoft's published sizing, as the emulator uses them).
struct PtuSizing
{
    double inputTokensPerPtuPerMinute = 2500; ///< weighted input tokens one PTU serves a minute
    double outputTokenWeight = 3;             ///< one output token weighs this many input tokens
};

/// Looks up the sizing of a provisioned deployment's model, version and SKU (as in Deployment);
/// the cost catalog plugs in here (catalogSizing()).
using PtuSizingLookup =
    std::function<PtuSizing(const QString& model, const QString& version, const QString& sku)>;

/// A provisioned deployment's capacity from its reserved PTUs (or a local server's from its peak
/// throughput): the load of a minute becomes a utilization, and what is over 100 % becomes 429s
/// (and spillover where configured; a local server's overflow goes to the policy's next rule).
class CapacityModel
{
public:
    /// What a minute's load does to the deployment.
    struct Minute
    {
        double utilizationPct = 0; ///< uncapped: the load against capacity, percent
        double servedRequests = 0;
        double rejectedRequests = 0; ///< 429s (before spillover takes its share)
        double overShare = 0;        ///< share of the requests over capacity, 0..1
    };

    CapacityModel() = default;
    CapacityModel(int ptus, PtuSizing sizing = {});
    /// A local server's capacity: its measured peak of prompt + output tokens a minute (every
    /// token weighs the same), as one unit of that size.
    static CapacityModel fromPeakTokens(double tokensPerMinute)
    {
        return CapacityModel(1, PtuSizing{tokensPerMinute, 1.0});
    }

    int ptus() const { return m_ptus; }
    const PtuSizing& sizing() const { return m_sizing; }

    /// Weighted tokens a minute the deployment serves before it answers 429.
    double capacityPerMinute() const { return m_ptus * m_sizing.inputTokensPerPtuPerMinute; }

    /// Weighted tokens of a minute's load (input + output x weight).
    double weightedTokens(double promptTokens, double outputTokens) const
    {
        return promptTokens + m_sizing.outputTokenWeight * outputTokens;
    }

    /// Utilization (percent, uncapped) of a minute with these tokens requested.
    double utilizationPct(double promptTokens, double outputTokens) const;

    /// A minute of `requests` asking for these tokens: at and over 100 % the deployment serves
    /// its capacity and rejects the rest, requests in proportion.
    Minute apply(double requests, double promptTokens, double outputTokens) const;

    /// True when a minute with this outcome shows 429s (at least half a rejected request:
    /// counts are whole, so less rounds to none).
    static bool is429Minute(const Minute& m) { return m.rejectedRequests >= 0.5; }

private:
    int m_ptus = 0;
    PtuSizing m_sizing;
};

} // namespace isc
