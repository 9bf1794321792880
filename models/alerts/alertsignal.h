#pragma once

#include "alerts/alertrule.h"
#include "core/labels.h"
#include "core/sample.h"

#include <QString>
#include <QVector>
#include <limits>
#include <optional>

namespace isc {

/// One minute of a rule's signal for one instance.
struct AlertPoint
{
    qint64 ts = 0;    ///< minute start, s UTC
    double value = 0; ///< the combined value; for a share rule the numerator's sum
    /// A share rule's denominator sum for the minute; NaN for every other rule.
    double denominator = std::numeric_limits<double>::quiet_NaN();
};

/// The per-minute signal of one instance of a rule (one connection × its `by` labels).
struct AlertSeries
{
    QString instance;           ///< canonical labels (labels::canonical), the instance's stable id
    QList<Label> labels;        ///< "connection" plus the rule's `by` labels
    QVector<AlertPoint> points; ///< ascending ts, at most one per minute
};

/// The label every instance carries: the connection id its series came from.
inline QString connectionLabel()
{
    return QStringLiteral("connection");
}

/// Reduces stored samples to a rule's per-instance signal: keeps the series of `rule.metric`
/// (and aggregation) passing the connection, deployment and label filters, groups them by
/// connection and `rule.by`, and combines the series of a group minute by minute: summed for
/// "total"/"count", the maximum otherwise (the worst series decides). A share rule pairs the
/// numerator with its denominator series; a minute with a denominator and no numerator has a
/// numerator of 0. Input rules give nothing here (see inputSeries()). Pure.
QVector<AlertSeries> composeAlertSeries(const AlertRule& rule,
                                        const QVector<SeriesSamples>& stored);

/// True when stored series `key` can feed `rule` (metric, aggregation and filters), as
/// numerator or denominator.
bool alertRuleReads(const AlertRule& rule, const SeriesKey& key);

/// What the evaluator asks for the values no stored series holds. The integrator implements it
/// from the cost engine (CostForecast + Workspace::budget), the collector's SourceHealth list
/// and the inventory with LifecycleCatalog::assess().
class AlertInputs
{
public:
    virtual ~AlertInputs() = default;

    struct Spend
    {
        double todayUsd = 0;         ///< the current UTC day so far
        double forecastUsd = 0;      ///< the month-end forecast (CostForecast::forecast)
        double monthlyBudgetUsd = 0; ///< Workspace::budget "monthlyUsd"
    };
    /// The spend as of `now` (s UTC); nullopt when the workspace has no budget.
    virtual std::optional<Spend> spend(qint64 now) const = 0;

    struct Source
    {
        QString connection;
        /// s UTC of the last good poll; a source that never succeeded passes the time polling
        /// began (so it turns stale after as many intervals).
        qint64 lastSuccess = 0;
        int pollIntervalSeconds = 60;
    };
    /// Every polled source as of `now`.
    virtual QVector<Source> sources(qint64 now) const = 0;

    struct Retirement
    {
        QString connection;
        QString deployment;   ///< the ModelDeploymentName
        qint64 retiresOn = 0; ///< start of the retirement UTC day, s UTC
    };
    /// The deployments whose model version has an announced retirement.
    virtual QVector<Retirement> retirements(qint64 now) const = 0;
};

/// An input rule's signal as of `now` (s UTC): one point per instance in the last complete
/// minute (floorTo(now, 60) − 60). spendTodayPercent / spendForecastPercent: 100 × spend /
/// budget (one instance, label budget="monthly"); pollsMissed: (now − lastSuccess) /
/// pollInterval, fractional, per connection; daysToRetirement: whole UTC days from today to the
/// retirement day, per connection and ModelDeploymentName (negative once past). Stored-metric
/// rules give nothing.
QVector<AlertSeries> inputSeries(const AlertRule& rule, const AlertInputs& inputs, qint64 now);

} // namespace isc
