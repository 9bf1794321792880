#pragma once

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>

namespace isc::azure {

/// One metric an Azure Monitor resource offers (an entry of metricDefinitions).
struct MetricDefinition
{
    QString name;               ///< e.g. "CpuUsage" (name.value)
    QString metricNamespace;    ///< e.g. "Microsoft.ContainerInstance/containerGroups"
    QString unit;               ///< e.g. "Count", "Bytes", "MilliSeconds"
    QString primaryAggregation; ///< e.g. "Average", "Total"
    QStringList dimensions;     ///< dimension names, as spelled by Azure
};

struct DefinitionsParseResult
{
    bool ok = false;
    QString error; ///< in words when !ok
    QVector<MetricDefinition> definitions;
    QString nextLink; ///< the next page of the list, empty on the last one
};

/// Parses `GET {resourceId}/providers/Microsoft.Insights/metricDefinitions` (value[] with
/// name, namespace, unit, primaryAggregationType, dimensions).
DefinitionsParseResult parseMetricDefinitionsResponse(const QByteArray& body);

} // namespace isc::azure
