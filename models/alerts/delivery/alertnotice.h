#pragma once

#include "core/units.h"

#include <QDateTime>
#include <QMap>
#include <QMetaType>
#include <QString>
#include <QTimeZone>

namespace isc {

/// What alert delivery hands to a person or a webhook: one transition of one alert instance,
/// complete in itself (it knows nothing of the evaluator's internals). A plain value.
struct AlertNotice
{
    enum class Severity { Info, Warning, Critical };
    /// The state the alert instance entered: pending (not delivered by default), firing
    /// (pending -> firing) or resolved (firing -> resolved).
    enum class Transition { Pending, Firing, Resolved };
    /// How the value is compared with the threshold: >, >=, <, <=.
    enum class Comparison { Above, AtOrAbove, Below, AtOrBelow };
    /// What the value is over the rule's window: an average, a 95th percentile, or the last sample.
    enum class Aggregation { Latest, Average, P95 };

    QString ruleId;   ///< stable id of the rule
    QString ruleName; ///< the rule as the user named it, e.g. "PTU saturation"
    QString metric;   ///< what is measured, in words, e.g. "PTU utilization" (empty: ruleName)
    Severity severity = Severity::Warning;
    Transition transition = Transition::Firing;
    /// The alert instance's labels: "connection", "deployment", "model", ...
    QMap<QString, QString> labels;
    double value = 0;     ///< the value that caused the transition, in `unit`
    double threshold = 0; ///< the rule's threshold, in `unit`
    Comparison comparison = Comparison::AtOrAbove;
    Unit unit = Unit::Count;
    Aggregation aggregation = Aggregation::Latest;
    int windowSeconds = 0; ///< the span the value is aggregated over, s (0 = a single sample)
    QDateTime at;          ///< when the transition happened (UTC)
    QDateTime startsAt;    ///< when the alert instance started firing (pending: started pending)
    /// Stable across the instance's transitions (rule id + labels); see dedupKeyFor().
    QString dedupKey;

    /// The stable key of rule `ruleId` on `labels`: 16 hex digits of a SHA-256 over both.
    static QString dedupKeyFor(const QString& ruleId, const QMap<QString, QString>& labels);

    bool operator==(const AlertNotice& o) const;
    bool operator!=(const AlertNotice& o) const { return !(*this == o); }
};

/// The notice in words, as a notification bubble or a chat message shows it.
struct NoticeWording
{
    QString title; ///< "PTU utilization ≥ 90 % on gpt-4o-ptu (east)"
    QString body;  ///< "97.3 % on average for 5 min, threshold 90 %, since 14:05"
};

/// Words the notice; times are shown in `zone` (the user's by default).
NoticeWording wordNotice(const AlertNotice& notice,
                         const QTimeZone& zone = QTimeZone::systemTimeZone());

/// "firing", "resolved" or "pending" (also the webhook bodies' status).
QString transitionName(AlertNotice::Transition transition);
/// "info", "warning" or "critical".
QString severityName(AlertNotice::Severity severity);
/// "≥", ">", "≤" or "<".
QString comparisonSymbol(AlertNotice::Comparison comparison);
/// ">=", ">", "<=" or "<" (ASCII, for JSON).
QString comparisonOperator(AlertNotice::Comparison comparison);
/// "latest", "average" or "p95".
QString aggregationName(AlertNotice::Aggregation aggregation);
/// A span in words: "45 s", "5 min", "2 h 10 min", "3 d 4 h".
QString durationWords(qint64 seconds);
/// `value` in `unit` as formatQuantity() writes it, without a trailing ".0" ("90 %").
QString noticeQuantity(double value, Unit unit);
/// "gpt-4o-ptu (east)": the deployment (else model) and, in brackets, the connection; empty
/// when the notice has neither.
QString noticeTarget(const AlertNotice& notice);

} // namespace isc

Q_DECLARE_METATYPE(isc::AlertNotice)
