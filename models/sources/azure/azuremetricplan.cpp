#include "azuremetricplan.h"

#include <algorithm>

namespace isc::azure {
namespace {

// The offered spelling of `name`, or empty when the resource does not offer it.
QString offeredName(const QString& name, const QVector<MetricDefinition>& offered,
                    const MetricDefinition** def = nullptr)
{
    for (const auto& d : offered) {
        if (d.name.compare(name, Qt::CaseInsensitive) == 0) {
            if (def)
                *def = &d;
            return d.name;
        }
    }
    return {};
}

// Azure's aggregation names as the metrics API takes them ("Average", "Total", ...).
QString aggregationFor(const MetricDefinition* def)
{
    if (!def || def->primaryAggregation.isEmpty() ||
        def->primaryAggregation.compare(QLatin1String("None"), Qt::CaseInsensitive) == 0)
        return QStringLiteral("Average");
    QString agg = def->primaryAggregation.toLower();
    agg[0] = agg[0].toUpper();
    return agg;
}

} // namespace

QVector<MetricGroup> planMetricCalls(const QVector<MetricGroup>& groups,
                                     const std::optional<QVector<MetricDefinition>>& offered,
                                     QStringList* skipped, int perCall)
{
    perCall = std::max(1, perCall);
    QVector<MetricGroup> calls;
    for (const MetricGroup& group : groups) {
        QStringList names;
        for (const QString& name : group.metrics) {
            if (!offered) {
                names << name;
                continue;
            }
            const QString spelled = offeredName(name, *offered);
            if (spelled.isEmpty()) {
                if (skipped && !skipped->contains(name))
                    skipped->append(name);
            } else if (!names.contains(spelled)) {
                names << spelled;
            }
        }
        for (qsizetype i = 0; i < names.size(); i += perCall) {
            MetricGroup part = group;
            part.metrics = names.mid(i, perCall);
            calls.append(part);
        }
    }
    return calls;
}

QVector<MetricGroup> monitorGroups(const QStringList& wanted,
                                   const std::optional<QVector<MetricDefinition>>& offered,
                                   QStringList* skipped)
{
    QVector<MetricGroup> groups;
    for (const QString& name : wanted) {
        const MetricDefinition* def = nullptr;
        QString spelled = name.trimmed();
        if (spelled.isEmpty())
            continue;
        if (offered) {
            spelled = offeredName(spelled, *offered, &def);
            if (spelled.isEmpty()) {
                if (skipped && !skipped->contains(name))
                    skipped->append(name);
                continue;
            }
        }
        const QString agg = aggregationFor(def);
        auto it = std::find_if(groups.begin(), groups.end(),
                               [&](const MetricGroup& g) { return g.aggregations == agg; });
        if (it == groups.end())
            groups.append({{spelled}, agg, {}});
        else if (!it->metrics.contains(spelled))
            it->metrics.append(spelled);
    }
    return groups;
}

QString skippedMetricMessage(const QString& metric, const QString& resource)
{
    return QStringLiteral("metric %1 is not offered by %2; skipped").arg(metric, resource);
}

} // namespace isc::azure
