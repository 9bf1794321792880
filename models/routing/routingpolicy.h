#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace isc {

/// The conditions of one routing rule; all present conditions must hold (AND). A rule without
/// conditions always matches.
struct RuleCondition
{
    /// Estimated prompt tokens in [minPromptTokens, maxPromptTokens); -1 = no bound.
    double minPromptTokens = -1;
    double maxPromptTokens = -1;
    QStringList models; ///< the requested model (or deployment) is one of these; empty = any
    QStringList tags;   ///< the request carries one of these tags; empty = any
    /// Minute of the day (UTC) in [fromMinute, toMinute), wrapping past midnight when
    /// fromMinute > toMinute; -1 = any time.
    int fromMinute = -1;
    int toMinute = -1;
    /// Spill over: `utilizationTarget`'s PTU utilization is above this (percent); -1 = unused.
    QString utilizationTarget;
    double utilizationAbovePct = -1;
    /// Fall back: `healthTarget`'s 429/5xx share of requests is above this (percent); -1 = unused.
    QString healthTarget;
    double errorRateAbovePct = -1;

    bool hasPromptRange() const { return minPromptTokens >= 0 || maxPromptTokens >= 0; }
    bool hasTimeWindow() const { return fromMinute >= 0 || toMinute >= 0; }
    bool hasUtilization() const { return utilizationAbovePct >= 0; }
    bool hasHealth() const { return errorRateAbovePct >= 0; }
    /// True when no condition is set: the rule matches every request.
    bool isUnconditional() const
    {
        return !hasPromptRange() && models.isEmpty() && tags.isEmpty() && !hasTimeWindow() &&
               !hasUtilization() && !hasHealth();
    }

    bool operator==(const RuleCondition& o) const;
};

/// One ordered rule: when the conditions hold, send the request to `target`.
struct RoutingRule
{
    QString name; ///< shown in the editor and in "which rule matched"
    RuleCondition when;
    QString target; ///< a deployment name, "connection/deployment", or RoutingPolicy::kOrigin

    bool operator==(const RoutingRule& o) const
    {
        return name == o.name && when == o.when && target == o.target;
    }
};

/// An ordered list of rules; the first that matches wins, else the fallback target.
struct RoutingPolicy
{
    /// The target that means "where the request was sent originally" (the identity).
    static inline const QString kOrigin = QStringLiteral("$origin");

    QString name;
    QVector<RoutingRule> rules;
    QString fallbackTarget = kOrigin; ///< when no rule matches

    /// The identity policy: every request stays where it ran.
    static RoutingPolicy identity();
    /// The demo workspace's policy: small gpt-4o-mini prompts to the local vLLM, gpt-4o to the
    /// PTU deployment unless it is over 95 % (then the standard one), the rest where it ran.
    static RoutingPolicy demoDefault();

    /// Parses the JSON form (see toJson()); on failure returns nullopt and sets `error` to a
    /// sentence naming the offending rule and field.
    static std::optional<RoutingPolicy> fromJson(const QByteArray& json, QString* error);
    static std::optional<RoutingPolicy> fromJsonObject(const QJsonObject& o, QString* error);
    /// {"name", "fallback", "rules": [{"name", "target", "when": {"promptTokens": {"min","max"},
    /// "models": [], "tags": [], "timeOfDay": {"from": "HH:MM", "to": "HH:MM"},
    /// "utilizationAbove": {"target", "percent"}, "errorRateAbove": {"target", "percent"}}}]}
    QJsonObject toJsonObject() const;
    QByteArray toJson() const;

    /// Reads a policy file; on failure nullopt and `error` in words.
    static std::optional<RoutingPolicy> load(const QString& path, QString* error);
    /// Writes atomically; false and `error` on failure.
    bool save(const QString& path, QString* error) const;

    /// Every target the policy names (rules and fallback), without duplicates, in order.
    QStringList targets() const;

    bool operator==(const RoutingPolicy& o) const
    {
        return name == o.name && rules == o.rules && fallbackTarget == o.fallbackTarget;
    }
};

/// "HH:MM" for a minute of the day.
QString formatMinuteOfDay(int minute);
/// Parses "HH:MM" (00:00 .. 24:00) into minutes; nullopt when malformed.
std::optional<int> parseMinuteOfDay(const QString& text);

} // namespace isc
