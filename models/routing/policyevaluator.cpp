#include "routing/policyevaluator.h"

#include <algorithm>

namespace isc {

namespace {

QString number(double v)
{
    return QString::number(v, 'g', 10);
}

bool anyOf(const QStringList& wanted, const QStringList& have)
{
    for (const QString& h : have) {
        if (wanted.contains(h, Qt::CaseInsensitive))
            return true;
    }
    return false;
}

} // namespace

PolicyEvaluator::PolicyEvaluator(RoutingPolicy policy) : m_policy(std::move(policy)) {}

bool PolicyEvaluator::inTimeWindow(int from, int to, int minute)
{
    from = qMax(0, from);
    to = to < 0 ? 1440 : to;
    if (from <= to)
        return minute >= from && minute < to;
    return minute >= from || minute < to; // wraps past midnight
}

bool PolicyEvaluator::matches(const RuleCondition& c, const RequestContext& ctx)
{
    if (c.hasPromptRange()) {
        if (ctx.promptTokens < 0)
            return false;
        if (c.minPromptTokens >= 0 && ctx.promptTokens < c.minPromptTokens)
            return false;
        if (c.maxPromptTokens >= 0 && ctx.promptTokens >= c.maxPromptTokens)
            return false;
    }
    if (!c.models.isEmpty() && !c.models.contains(ctx.model, Qt::CaseInsensitive))
        return false;
    if (!c.tags.isEmpty() && !anyOf(c.tags, ctx.tags))
        return false;
    if (c.hasTimeWindow() && !inTimeWindow(c.fromMinute, c.toMinute, ctx.minuteOfDay))
        return false;
    if (c.hasUtilization() &&
        !(ctx.utilizationPct.value(c.utilizationTarget, -1) > c.utilizationAbovePct))
        return false;
    if (c.hasHealth() && !(ctx.errorRatePct.value(c.healthTarget, -1) > c.errorRateAbovePct))
        return false;
    return true;
}

int PolicyEvaluator::matchRule(const RequestContext& ctx, int from) const
{
    for (int i = std::max(0, from); i < m_policy.rules.size(); ++i) {
        if (matches(m_policy.rules[i].when, ctx))
            return i;
    }
    return -1;
}

RoutingDecision PolicyEvaluator::evaluate(const RequestContext& ctx) const
{
    RoutingDecision d;
    d.ruleIndex = matchRule(ctx);
    const QString& target =
        d.ruleIndex >= 0 ? m_policy.rules[d.ruleIndex].target : m_policy.fallbackTarget;
    d.target = target == RoutingPolicy::kOrigin ? ctx.origin : target;
    if (d.ruleIndex >= 0) {
        const RoutingRule& r = m_policy.rules[d.ruleIndex];
        const QString name = r.name.isEmpty() ? QString() : QStringLiteral(" \"%1\"").arg(r.name);
        d.reason =
            r.when.isUnconditional()
                ? QStringLiteral("Rule %1%2 matches every request.").arg(d.ruleIndex + 1).arg(name)
                : QStringLiteral("Rule %1%2 matched: %3.")
                      .arg(d.ruleIndex + 1)
                      .arg(name, describe(r.when));
    } else {
        d.reason = m_policy.rules.isEmpty()
                       ? QStringLiteral("The policy has no rules: the fallback target applies.")
                       : QStringLiteral("No rule matched: the fallback target applies.");
    }
    return d;
}

QString PolicyEvaluator::describe(const RuleCondition& c)
{
    QStringList parts;
    if (c.hasPromptRange()) {
        if (c.minPromptTokens >= 0 && c.maxPromptTokens >= 0)
            parts << QStringLiteral("prompt %1 to %2 tokens")
                         .arg(number(c.minPromptTokens), number(c.maxPromptTokens));
        else if (c.minPromptTokens >= 0)
            parts << QStringLiteral("prompt at least %1 tokens").arg(number(c.minPromptTokens));
        else
            parts << QStringLiteral("prompt under %1 tokens").arg(number(c.maxPromptTokens));
    }
    if (!c.models.isEmpty())
        parts << QStringLiteral("model %1").arg(c.models.join(QStringLiteral(" or ")));
    if (!c.tags.isEmpty())
        parts << QStringLiteral("tag %1").arg(c.tags.join(QStringLiteral(" or ")));
    if (c.hasTimeWindow())
        parts << QStringLiteral("between %1 and %2 UTC")
                     .arg(formatMinuteOfDay(qMax(0, c.fromMinute)),
                          formatMinuteOfDay(c.toMinute < 0 ? 1440 : c.toMinute));
    if (c.hasUtilization())
        parts << QStringLiteral("%1 utilization above %2 %")
                     .arg(c.utilizationTarget, number(c.utilizationAbovePct));
    if (c.hasHealth())
        parts << QStringLiteral("%1 error rate (429/5xx) above %2 %")
                     .arg(c.healthTarget, number(c.errorRateAbovePct));
    return parts.isEmpty() ? QStringLiteral("always") : parts.join(QStringLiteral(", "));
}

} // namespace isc
