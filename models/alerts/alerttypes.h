#pragma once

#include "core/labels.h"
#include "core/metricselector.h"

#include <QJsonObject>
#include <QString>
#include <QVector>
#include <limits>
#include <optional>

namespace isc {

/// Where an instance of a rule stands, as in Prometheus: inactive → pending → firing.
enum class AlertPhase { Inactive, Pending, Firing };

/// "inactive", "pending" or "firing".
QString alertPhaseName(AlertPhase phase);

/// One change of an instance's phase. Pending and Cancelled are history only; Firing and
/// Resolved are what delivery announces (when `notify`).
struct AlertTransition
{
    enum class Kind {
        Pending,   ///< the condition started to hold (inactive → pending)
        Firing,    ///< it held for the rule's `for` (pending → firing, or inactive → firing)
        Resolved,  ///< a firing alert's value cleared the threshold and its margin
        Cancelled, ///< a pending condition stopped holding before `for` elapsed
    };
    QString ruleId;
    QString instance;    ///< canonical instance labels
    QList<Label> labels; ///< "connection" and the rule's `by` labels
    Kind kind = Kind::Pending;
    /// Data time, s UTC: Pending = start of the first minute meeting the condition; Firing =
    /// that start + `for`; Resolved/Cancelled = start of the first minute that clears it.
    qint64 at = 0;
    qint64 episodeStart = 0; ///< start of the episode (its Pending, or Firing when `for` is 0)
    double value = std::numeric_limits<double>::quiet_NaN(); ///< the value that decided it
    double threshold = 0;
    qint64 emittedAt = 0; ///< the evaluation (s UTC) that produced it
    bool notify = false;  ///< a notification goes out for it
    QString suppressed;   ///< why a Firing/Resolved sends none, in words; empty otherwise

    /// The idempotence key: "rule|instance|kind|at". A history stores each key once.
    QString key() const;
    QJsonObject toJson() const;
    static std::optional<AlertTransition> fromJson(const QJsonObject& json, QString* error);
    bool operator==(const AlertTransition& o) const;
};

/// "pending", "firing", "resolved" or "cancelled".
QString alertTransitionName(AlertTransition::Kind kind);

/// Mutes the notifications of matching instances until `endsAt` (state and history go on).
struct AlertSilence
{
    QString id;
    QString ruleId;                 ///< empty = every rule
    QVector<LabelMatcher> matchers; ///< on the instance labels (connection, deployment, ...)
    qint64 startsAt = 0;            ///< s UTC
    qint64 endsAt = 0;              ///< s UTC, exclusive
    QString createdBy;
    QString comment;

    /// A silence of one instance (`labels`, matched exactly) of `ruleId` for `seconds` from
    /// `from` (s UTC).
    static AlertSilence forInstance(const QString& ruleId, const QList<Label>& labels, qint64 from,
                                    qint64 seconds, const QString& by, const QString& comment);

    /// True when it mutes rule `ruleId`'s instance with `labels` at `at` (s UTC).
    bool matches(const QString& ruleId, const QList<Label>& labels, qint64 at) const;
    QJsonObject toJson() const;
    /// Reads a silence; nullopt and one sentence naming the field (under `where`) on failure.
    static std::optional<AlertSilence> fromJson(const QJsonObject& json, const QString& where,
                                                QString* error);
};

/// One JSON document of the store's generic document mechanism (kind / key / scope).
/// Alerting keeps: kind "alert-state" (key = rule id, one per rule, AlertEvaluator::stateJson),
/// "alert-history" (key = AlertTransition::key(), one per transition, written once) and
/// "alert-silence" (key = silence id). All are scope "shared": in a team database every window
/// sees the same state, history and silences.
struct AlertDocument
{
    QString kind;
    QString key;
    QString scope = QStringLiteral("shared");
    QJsonObject body;

    static QString stateKind() { return QStringLiteral("alert-state"); }
    static QString historyKind() { return QStringLiteral("alert-history"); }
    static QString silenceKind() { return QStringLiteral("alert-silence"); }
};

} // namespace isc
