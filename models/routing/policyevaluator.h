#pragma once

#include "routing/routingpolicy.h"

#include <QHash>
#include <QString>
#include <QStringList>

namespace isc {

/// What the router knows about one request when it decides.
struct RequestContext
{
    double promptTokens = -1; ///< estimated prompt tokens; -1 = unknown (prompt rules never match)
    QString model;            ///< the requested model or deployment name
    QStringList tags;         ///< request tags (e.g. the original deployment, the connection id)
    int minuteOfDay = 0;      ///< minutes since 00:00 UTC, 0..1439
    QString origin;           ///< the deployment the request was sent to (for $origin)
    QHash<QString, double> utilizationPct; ///< PTU utilization per target (percent)
    QHash<QString, double> errorRatePct;   ///< 429 + 5xx share of requests per target (percent)
};

/// The router's choice for one request.
struct RoutingDecision
{
    QString target;     ///< the chosen target ($origin already resolved to the origin)
    int ruleIndex = -1; ///< index of the matching rule; -1 = the fallback target
    QString reason;     ///< in words: which rule matched and why, or why none did
};

/// Pure evaluation of a RoutingPolicy: the first rule whose conditions all hold wins.
class PolicyEvaluator
{
public:
    explicit PolicyEvaluator(RoutingPolicy policy);

    const RoutingPolicy& policy() const { return m_policy; }

    /// The decision with its reason in words (the Playground's Auto target).
    RoutingDecision evaluate(const RequestContext& ctx) const;

    /// Index of the first matching rule from rule `from` on, -1 when none matches (the fast
    /// path of the replay; `from` > 0: where a capped target's overflow goes next).
    int matchRule(const RequestContext& ctx, int from = 0) const;

    /// True when every condition of `c` holds for `ctx`.
    static bool matches(const RuleCondition& c, const RequestContext& ctx);

    /// The conditions of `c` in words, e.g. "prompt 0-1000 tokens, model gpt-4o".
    static QString describe(const RuleCondition& c);

    /// True when `minute` (0..1439) lies in the window [from, to) (wrapping past midnight).
    static bool inTimeWindow(int from, int to, int minute);

private:
    RoutingPolicy m_policy;
};

} // namespace isc
