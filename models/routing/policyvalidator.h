#pragma once

#include "routing/routingpolicy.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace isc {

/// One problem the editor flags.
struct PolicyIssue
{
    enum class Kind {
        UnknownTarget,   ///< a rule, condition or the fallback names no known target
        UnreachableRule, ///< an earlier rule already catches every request this one would
        EmptyCondition,  ///< a range that no request can satisfy
        NoFallback,      ///< the policy has no fallback target
    };
    Kind kind = Kind::UnknownTarget;
    int ruleIndex = -1; ///< -1 = the fallback / the policy as a whole
    QString message;    ///< a sentence the user can act on

    bool operator==(const PolicyIssue& o) const
    {
        return kind == o.kind && ruleIndex == o.ruleIndex && message == o.message;
    }
};

/// Checks a policy for the editor. Pure.
class PolicyValidator
{
public:
    /// `knownTargets`: deployment names and "connection/deployment" forms; RoutingPolicy::kOrigin
    /// is always known. Matching is case-sensitive, as deployment names are.
    explicit PolicyValidator(QStringList knownTargets);

    /// Every issue, in rule order (the fallback's last).
    QVector<PolicyIssue> validate(const RoutingPolicy& policy) const;

    /// True when every request that satisfies `later` also satisfies `earlier` (so a rule with
    /// `later` after one with `earlier` can never match). Conservative: false when unsure.
    static bool subsumes(const RuleCondition& earlier, const RuleCondition& later);

    /// True when no request can satisfy `c` (an empty prompt range or time window).
    static bool isEmpty(const RuleCondition& c);

private:
    QStringList m_known;
};

} // namespace isc
