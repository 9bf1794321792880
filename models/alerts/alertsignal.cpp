#include "alertsignal.h"

#include "core/timerange.h"

#include <QHash>
#include <QMap>
#include <algorithm>
#include <cmath>

namespace isc {
namespace {

const QString kDeployment = QStringLiteral("ModelDeploymentName");

bool passes(const QVector<LabelMatcher>& matchers, const QString& canonical)
{
    for (const auto& m : matchers) {
        const QString v = labels::value(canonical, m.name);
        if (!m.matches(v.isNull() ? QString() : v))
            return false;
    }
    return true;
}

bool commonFilter(const AlertRule& rule, const SeriesKey& key)
{
    if (key.aggregation != rule.aggregation)
        return false;
    if (!rule.connections.isEmpty() && !rule.connections.contains(key.source))
        return false;
    if (!rule.deployments.isEmpty() &&
        !rule.deployments.contains(labels::value(key.labels, kDeployment)))
        return false;
    return true;
}

bool isNumerator(const AlertRule& rule, const SeriesKey& key)
{
    return key.metric == rule.metric && commonFilter(rule, key) && passes(rule.labels, key.labels);
}

bool isDenominator(const AlertRule& rule, const SeriesKey& key)
{
    const QString metric = rule.denominatorMetric.isEmpty() ? rule.metric : rule.denominatorMetric;
    return rule.isShare && key.metric == metric && commonFilter(rule, key) &&
           passes(rule.denominatorLabels, key.labels);
}

QList<Label> instanceLabels(const AlertRule& rule, const SeriesKey& key)
{
    QList<Label> out{{connectionLabel(), key.source}};
    for (const QString& name : rule.by) {
        const QString v = labels::value(key.labels, name);
        out.append({name, v.isNull() ? QString() : v});
    }
    return out;
}

AlertSeries single(QList<Label> labelSet, qint64 ts, double value)
{
    AlertSeries s;
    s.instance = labels::canonical(labelSet);
    s.labels = std::move(labelSet);
    s.points.append({ts, value});
    return s;
}

} // namespace

bool alertRuleReads(const AlertRule& rule, const SeriesKey& key)
{
    if (rule.input != AlertInput::None)
        return false;
    return isNumerator(rule, key) || isDenominator(rule, key);
}

QVector<AlertSeries> composeAlertSeries(const AlertRule& rule, const QVector<SeriesSamples>& stored)
{
    if (rule.input != AlertInput::None)
        return {};
    const bool additive =
        rule.aggregation == QLatin1String("total") || rule.aggregation == QLatin1String("count");
    struct Minute
    {
        double value = 0;
        bool hasValue = false;
        double denominator = 0;
        bool hasDenominator = false;
    };
    struct Group
    {
        QList<Label> labels;
        QMap<qint64, Minute> minutes;
    };
    QHash<QString, Group> groups;
    auto combine = [additive](double& acc, bool& has, double v) {
        acc = !has ? v : (additive ? acc + v : std::max(acc, v));
        has = true;
    };
    for (const SeriesSamples& s : stored) {
        const bool num = isNumerator(rule, s.key);
        const bool den = isDenominator(rule, s.key);
        if (!num && !den)
            continue;
        QList<Label> labelSet = instanceLabels(rule, s.key);
        const QString id = labels::canonical(labelSet);
        Group& g = groups[id];
        if (g.labels.isEmpty())
            g.labels = labelSet;
        for (const Sample& p : s.samples) {
            if (!std::isfinite(p.value))
                continue;
            Minute& m = g.minutes[floorTo(p.ts, 60)];
            if (num)
                combine(m.value, m.hasValue, p.value);
            if (den)
                combine(m.denominator, m.hasDenominator, p.value);
        }
    }
    QVector<AlertSeries> out;
    out.reserve(groups.size());
    for (auto it = groups.begin(); it != groups.end(); ++it) {
        AlertSeries series;
        series.instance = it.key();
        series.labels = it->labels;
        for (auto m = it->minutes.cbegin(); m != it->minutes.cend(); ++m) {
            if (rule.isShare) {
                if (m->hasDenominator)
                    series.points.append({m.key(), m->hasValue ? m->value : 0, m->denominator});
            } else if (m->hasValue) {
                series.points.append({m.key(), m->value});
            }
        }
        if (!series.points.isEmpty())
            out.append(series);
    }
    std::sort(out.begin(), out.end(),
              [](const AlertSeries& a, const AlertSeries& b) { return a.instance < b.instance; });
    return out;
}

QVector<AlertSeries> inputSeries(const AlertRule& rule, const AlertInputs& inputs, qint64 now)
{
    const qint64 minute = floorTo(now, 60) - 60;
    QVector<AlertSeries> out;
    switch (rule.input) {
    case AlertInput::None:
        break;
    case AlertInput::SpendTodayPercent:
    case AlertInput::SpendForecastPercent: {
        const auto spend = inputs.spend(now);
        if (!spend || spend->monthlyBudgetUsd <= 0)
            break;
        const double usd =
            rule.input == AlertInput::SpendTodayPercent ? spend->todayUsd : spend->forecastUsd;
        out.append(single({{QStringLiteral("budget"), QStringLiteral("monthly")}}, minute,
                          100.0 * usd / spend->monthlyBudgetUsd));
        break;
    }
    case AlertInput::PollsMissed:
        for (const auto& s : inputs.sources(now)) {
            if ((!rule.connections.isEmpty() && !rule.connections.contains(s.connection)) ||
                s.pollIntervalSeconds <= 0)
                continue;
            out.append(single({{connectionLabel(), s.connection}}, minute,
                              double(now - s.lastSuccess) / s.pollIntervalSeconds));
        }
        break;
    case AlertInput::DaysToRetirement: {
        const qint64 today = floorTo(now, kSecondsPerDay);
        for (const auto& r : inputs.retirements(now)) {
            if ((!rule.connections.isEmpty() && !rule.connections.contains(r.connection)) ||
                (!rule.deployments.isEmpty() && !rule.deployments.contains(r.deployment)))
                continue;
            out.append(
                single({{connectionLabel(), r.connection}, {kDeployment, r.deployment}}, minute,
                       double((floorTo(r.retiresOn, kSecondsPerDay) - today) / kSecondsPerDay)));
        }
        break;
    }
    }
    std::sort(out.begin(), out.end(),
              [](const AlertSeries& a, const AlertSeries& b) { return a.instance < b.instance; });
    return out;
}

} // namespace isc
