#include "routing/replayengine.h"

#include <QJsonArray>

// What a replay's summary says in words and JSON (the Replay page, `inferscope replay --json`).

namespace isc {

namespace {

QJsonObject figuresJson(const RouteFigures& f)
{
    return QJsonObject{
        {QStringLiteral("requests"), f.requests},
        {QStringLiteral("servedRequests"), f.servedRequests},
        {QStringLiteral("requests429"), f.requests429},
        {QStringLiteral("minutes429"), f.minutes429},
        {QStringLiteral("cappedRequests"), f.capped},
        {QStringLiteral("spilloverOut"), f.spilloverOut},
        {QStringLiteral("spilloverIn"), f.spilloverIn},
        {QStringLiteral("requests5xx"), f.requests5xx},
        {QStringLiteral("promptTokens"), f.promptTokens},
        {QStringLiteral("outputTokens"), f.outputTokens},
        {QStringLiteral("ttftMs"), f.ttftMs},
        {QStringLiteral("ttltMs"), f.ttltMs},
        {QStringLiteral("costUsd"), f.cost.toUnits()},
        {QStringLiteral("costPer1kRequestsUsd"), f.costPer1kRequests()},
    };
}

QString count(double v)
{
    return QStringLiteral("%L1").arg(qRound64(v));
}

} // namespace

QString LocalCap::describe() const
{
    if (tokensPerMinute <= 0)
        return QStringLiteral("%1 is not capped: it recorded no tokens to measure its peak "
                              "throughput by (%2 requests sent to it)")
            .arg(name, count(requests));
    QString text = QStringLiteral("%1 capped at %L2 tokens/min (its busiest recorded minute)")
                       .arg(name)
                       .arg(tokensPerMinute, 0, 'f', 0);
    if (cappedRequests < 0.5)
        return text + QStringLiteral(": never reached");
    QStringList parts;
    for (const Spill& to : spilledTo) {
        if (to.requests >= 0.5)
            parts << QStringLiteral("%1 requests spilled to %2").arg(count(to.requests), to.name);
    }
    if (droppedRequests >= 0.5)
        parts << QStringLiteral("%1 requests not served (no later rule takes them)")
                     .arg(count(droppedRequests));
    return text + QStringLiteral(": ") + parts.join(QStringLiteral("; ")) +
           QStringLiteral(" (over the cap in %1 minutes)").arg(count(minutesCapped));
}

QJsonObject LocalCap::toJson() const
{
    QJsonArray spills;
    for (const Spill& to : spilledTo)
        spills.append(QJsonObject{{QStringLiteral("target"), to.key},
                                  {QStringLiteral("requests"), to.requests}});
    QJsonObject o{
        {QStringLiteral("target"), key},
        {QStringLiteral("capTokensPerMinute"), tokensPerMinute},
        {QStringLiteral("requests"), requests},
        {QStringLiteral("cappedRequests"), cappedRequests},
        {QStringLiteral("notServedRequests"), droppedRequests},
        {QStringLiteral("minutesCapped"), minutesCapped},
        {QStringLiteral("spilledTo"), spills},
        {QStringLiteral("text"), describe()},
    };
    if (peakAt > 0)
        o.insert(QStringLiteral("peakMinute"), formatIsoUtc(peakAt));
    return o;
}

QJsonObject ReplaySummary::toJson() const
{
    QJsonObject routesJson;
    for (int c = 0; c < kRouteClassCount; ++c) {
        if (routes[c].requests > 0 || routes[c].servedRequests > 0 || routes[c].cost.micros != 0)
            routesJson.insert(routeClassName(static_cast<RouteClass>(c)), figuresJson(routes[c]));
    }
    QJsonArray targetsJson;
    for (const TargetFigures& t : targets) {
        QJsonObject o = figuresJson(t.figures);
        o.insert(QStringLiteral("target"), t.key);
        o.insert(QStringLiteral("model"), t.model);
        o.insert(QStringLiteral("route"), routeClassName(t.routeClass));
        targetsJson.append(o);
    }
    QJsonObject o{
        {QStringLiteral("from"), formatIsoUtc(range.from)},
        {QStringLiteral("to"), formatIsoUtc(range.to)},
        {QStringLiteral("total"), figuresJson(total)},
        {QStringLiteral("routes"), routesJson},
        {QStringLiteral("targets"), targetsJson},
        {QStringLiteral("spilloverRate"), spilloverRate},
        {QStringLiteral("localShare"), localShare},
        {QStringLiteral("cloudShare"), cloudShare},
        {QStringLiteral("demandPromptTokens"), demandPromptTokens},
        {QStringLiteral("demandOutputTokens"), demandOutputTokens},
        {QStringLiteral("rejectedPromptTokens"), rejectedPromptTokens},
        {QStringLiteral("failedPromptTokens"), failedPromptTokens},
        {QStringLiteral("pricing"), pricingNote},
    };
    if (!policyName.isNull())
        o.insert(QStringLiteral("policy"), policyName);
    if (!baseline.isEmpty()) {
        o.insert(QStringLiteral("baseline"), baseline);
        o.insert(QStringLiteral("baselineCostUsd"), baselineCost.toUnits());
        o.insert(QStringLiteral("costAvoidedUsd"), costAvoided().toUnits());
    }
    if (!requestsPerRule.isEmpty()) {
        QJsonArray rules;
        for (double r : requestsPerRule)
            rules.append(r);
        o.insert(QStringLiteral("requestsPerRule"), rules);
    }
    if (!localCaps.isEmpty()) {
        QJsonArray caps;
        for (const LocalCap& c : localCaps)
            caps.append(c.toJson());
        o.insert(QStringLiteral("localCaps"), caps);
    }
    if (cancelled)
        o.insert(QStringLiteral("cancelled"), true);
    return o;
}

} // namespace isc
