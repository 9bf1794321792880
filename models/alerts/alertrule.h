#pragma once

#include "core/metricselector.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace isc {

/// A value the evaluator asks the integrator for because it is not a stored series
/// (AlertInputs answers it). Stored-metric rules use None.
enum class AlertInput {
    None,                 ///< the rule reads a stored metric (`metric`)
    SpendTodayPercent,    ///< today's spend (UTC day) as a percent of the monthly budget
    SpendForecastPercent, ///< the month-end forecast as a percent of the monthly budget
    PollsMissed,          ///< poll intervals since a source's last good poll (down or stale)
    DaysToRetirement,     ///< UTC days until a deployment's model version retires
};

/// How the per-minute values inside a rule's window combine into the one value compared.
enum class AlertReduce { Avg, Min, Max, Sum, Last };

/// The comparison of a rule: the condition is `value <op> threshold`.
enum class AlertOp { Greater, GreaterEqual, Less, LessEqual };

/// How loud a rule is, for delivery and the Alerts page.
enum class AlertSeverity { Info, Warning, Critical };

/// One alerting rule, as written in the workspace file (docs/alerts-format.md).
struct AlertRule
{
    QString id;         ///< stable id: state, history and silences are keyed by it
    QString name;       ///< what the user reads, e.g. "PTU utilization ≥ 90 % for 5 min"
    QString templateId; ///< the built-in template it was made from; empty for a custom rule
    bool enabled = true;
    AlertSeverity severity = AlertSeverity::Warning;

    AlertInput input = AlertInput::None;
    QString metric;                                  ///< stored metric name (input None)
    QString aggregation = QStringLiteral("average"); ///< stored aggregation read
    QVector<LabelMatcher> labels;                    ///< matchers the measured series must pass
    QStringList connections;                         ///< connection ids; empty = every connection
    QStringList deployments;                         ///< ModelDeploymentName values; empty = all
    QStringList by{QStringLiteral("ModelDeploymentName")}; ///< labels that split instances
    /// A share rule: the value is 100 × Σ measured / Σ denominator over the window (percent).
    bool isShare = false;
    QString denominatorMetric;               ///< empty = `metric`
    QVector<LabelMatcher> denominatorLabels; ///< matchers of the denominator's series
    double minDenominator = 0; ///< a share over less than this is inconclusive (counts as clear)

    AlertReduce reduce = AlertReduce::Avg;
    qint64 windowSeconds = 60; ///< minutes the value is reduced over (a multiple of 60)
    AlertOp op = AlertOp::GreaterEqual;
    double threshold = 0;
    /// Hysteresis: a firing alert resolves only once the value is beyond threshold ∓ this.
    double clearMargin = 0;
    qint64 forSeconds = 0;  ///< how long the condition must hold before firing (whole minutes)
    int rateLimitCount = 0; ///< at most this many notifications per rateLimitSeconds; 0 = off
    qint64 rateLimitSeconds = 3600; ///< the rate limit's window
    QString unit; ///< unit of the compared value for labels and charts ("%", "ms", "days", ...)

    /// True when a value meets the firing condition.
    bool conditionMet(double value) const;
    /// True when a firing alert with this value stays firing (the condition widened by
    /// clearMargin).
    bool stillFiring(double value) const;
    /// The threshold the value must cross to resolve (threshold ∓ clearMargin).
    double clearThreshold() const;

    /// The rule as workspace JSON (parse() reads it back equal).
    QJsonObject toJson() const;
    /// Reads a rule; on failure returns nullopt and appends to `errors` one sentence per bad
    /// field, each starting with its path under `where`, e.g.
    /// `alerts.rules[2].for: "5x" is not a duration (use 30s, 5m, 1h)`. `base` supplies the
    /// fields not written (a template's defaults); a field of `json` always wins.
    static std::optional<AlertRule> parse(const QJsonObject& json, const QString& where,
                                          QStringList* errors, const AlertRule* base = nullptr);

    bool operator==(const AlertRule& o) const;
    bool operator!=(const AlertRule& o) const { return !(*this == o); }
};

/// The workspace name of an input ("spendTodayPercent", ...); empty for None.
QString alertInputName(AlertInput input);
/// "avg", "min", "max", "sum" or "last".
QString alertReduceName(AlertReduce reduce);
/// ">", ">=", "<" or "<=".
QString alertOpName(AlertOp op);
/// "info", "warning" or "critical".
QString alertSeverityName(AlertSeverity severity);

/// A duration as a rule writes it: parseDuration() plus "0"/"0s"/"0m" for none; nullopt when
/// malformed.
std::optional<qint64> parseAlertDuration(const QString& text);

} // namespace isc
