#include "routing/policyvalidator.h"

#include "routing/policyevaluator.h"

#include <bitset>
#include <limits>

namespace isc {

namespace {

using DayMinutes = std::bitset<1440>;

DayMinutes minutesOf(const RuleCondition& c)
{
    DayMinutes set;
    if (!c.hasTimeWindow()) {
        set.set();
        return set;
    }
    for (int m = 0; m < 1440; ++m) {
        if (PolicyEvaluator::inTimeWindow(c.fromMinute, c.toMinute, m))
            set.set(static_cast<size_t>(m));
    }
    return set;
}

double lowerBound(const RuleCondition& c)
{
    return c.minPromptTokens >= 0 ? c.minPromptTokens : 0;
}

double upperBound(const RuleCondition& c)
{
    return c.maxPromptTokens >= 0 ? c.maxPromptTokens : std::numeric_limits<double>::infinity();
}

// Every name in `inner` is in `outer` (case-insensitively).
bool containsAll(const QStringList& outer, const QStringList& inner)
{
    for (const QString& s : inner) {
        if (!outer.contains(s, Qt::CaseInsensitive))
            return false;
    }
    return true;
}

QString ruleLabel(const RoutingPolicy& p, int i)
{
    const QString& name = p.rules[i].name;
    return name.isEmpty() ? QStringLiteral("Rule %1").arg(i + 1)
                          : QStringLiteral("Rule %1 (\"%2\")").arg(i + 1).arg(name);
}

} // namespace

PolicyValidator::PolicyValidator(QStringList knownTargets) : m_known(std::move(knownTargets)) {}

bool PolicyValidator::isEmpty(const RuleCondition& c)
{
    if (c.hasPromptRange() && upperBound(c) <= lowerBound(c))
        return true;
    if (c.hasTimeWindow() && minutesOf(c).none())
        return true;
    return false;
}

bool PolicyValidator::subsumes(const RuleCondition& earlier, const RuleCondition& later)
{
    // Each condition the earlier rule has must be present in the later one, and wider.
    if (earlier.hasPromptRange()) {
        if (!later.hasPromptRange() || lowerBound(later) < lowerBound(earlier) ||
            upperBound(later) > upperBound(earlier))
            return false;
    }
    if (!earlier.models.isEmpty() &&
        (later.models.isEmpty() || !containsAll(earlier.models, later.models)))
        return false;
    if (!earlier.tags.isEmpty() && (later.tags.isEmpty() || !containsAll(earlier.tags, later.tags)))
        return false;
    if (earlier.hasTimeWindow()) {
        const DayMinutes e = minutesOf(earlier), l = minutesOf(later);
        if ((l & ~e).any())
            return false;
    }
    if (earlier.hasUtilization()) {
        if (!later.hasUtilization() || later.utilizationTarget != earlier.utilizationTarget ||
            later.utilizationAbovePct < earlier.utilizationAbovePct)
            return false;
    }
    if (earlier.hasHealth()) {
        if (!later.hasHealth() || later.healthTarget != earlier.healthTarget ||
            later.errorRateAbovePct < earlier.errorRateAbovePct)
            return false;
    }
    return true;
}

QVector<PolicyIssue> PolicyValidator::validate(const RoutingPolicy& policy) const
{
    QVector<PolicyIssue> issues;
    auto known = [&](const QString& t) {
        return t == RoutingPolicy::kOrigin || m_known.contains(t);
    };
    auto unknown = [&](int i, const QString& what, const QString& t) {
        issues.append(
            {PolicyIssue::Kind::UnknownTarget, i,
             QStringLiteral("%1 names %2 \"%3\", which is not a known deployment: pick "
                            "one from the inventory.")
                 .arg(i >= 0 ? ruleLabel(policy, i) : QStringLiteral("The fallback"), what, t)});
    };
    for (int i = 0; i < policy.rules.size(); ++i) {
        const RoutingRule& r = policy.rules[i];
        if (!known(r.target))
            unknown(i, QStringLiteral("the target"), r.target);
        if (r.when.hasUtilization() && !m_known.contains(r.when.utilizationTarget))
            unknown(i, QStringLiteral("the utilization target"), r.when.utilizationTarget);
        if (r.when.hasHealth() && !m_known.contains(r.when.healthTarget))
            unknown(i, QStringLiteral("the health target"), r.when.healthTarget);
        if (isEmpty(r.when)) {
            issues.append(
                {PolicyIssue::Kind::EmptyCondition, i,
                 QStringLiteral("%1 can never match: its %2 is empty.")
                     .arg(ruleLabel(policy, i),
                          r.when.hasPromptRange() && upperBound(r.when) <= lowerBound(r.when)
                              ? QStringLiteral("prompt-token range")
                              : QStringLiteral("time window"))});
            continue; // an empty rule is not also reported as unreachable
        }
        for (int j = 0; j < i; ++j) {
            if (isEmpty(policy.rules[j].when) || !subsumes(policy.rules[j].when, r.when))
                continue;
            issues.append({PolicyIssue::Kind::UnreachableRule, i,
                           policy.rules[j].when.isUnconditional()
                               ? QStringLiteral("%1 is unreachable: %2 before it matches every "
                                                "request.")
                                     .arg(ruleLabel(policy, i), ruleLabel(policy, j))
                               : QStringLiteral("%1 is unreachable: %2 before it already matches "
                                                "every request it would (%3).")
                                     .arg(ruleLabel(policy, i), ruleLabel(policy, j),
                                          PolicyEvaluator::describe(policy.rules[j].when))});
            break;
        }
    }
    if (policy.fallbackTarget.isEmpty())
        issues.append({PolicyIssue::Kind::NoFallback, -1,
                       QStringLiteral("The policy has no fallback target: requests no rule "
                                      "matches would have nowhere to go.")});
    else if (!known(policy.fallbackTarget))
        unknown(-1, QStringLiteral("the target"), policy.fallbackTarget);
    return issues;
}

} // namespace isc
