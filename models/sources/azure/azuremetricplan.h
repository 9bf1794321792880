#pragma once

#include "azuredefinitionsparser.h"

#include <QSet>
#include <QStringList>
#include <QVector>
#include <optional>

namespace isc::azure {

/// One metrics call: names that share the aggregations and the dimensions split in its $filter.
struct MetricGroup
{
    QStringList metrics;  ///< at most maxMetricsPerCall per call (longer groups are split)
    QString aggregations; ///< e.g. "Total" or "Average,Maximum"
    QStringList splitBy;  ///< dimensions filtered with eq '*'
};

/// Azure Monitor takes at most this many metric names in one call.
constexpr int maxMetricsPerCall = 20;

/// The calls that read `groups`: names the resource does not offer (not in `offered`, matched
/// case-insensitively; nullopt = not known, keep all) are dropped into `skipped`, the others
/// take the offered spelling, and each group is split into calls of at most `perCall` names.
QVector<MetricGroup> planMetricCalls(const QVector<MetricGroup>& groups,
                                     const std::optional<QVector<MetricDefinition>>& offered,
                                     QStringList* skipped, int perCall = maxMetricsPerCall);

/// Groups for a generic Azure Monitor resource: the `wanted` names, each read with its
/// definition's primary aggregation (Average when it has none), unsplit, in the order given;
/// names the resource does not offer go to `skipped`. Without definitions (nullopt) every
/// name is read as Average.
QVector<MetricGroup> monitorGroups(const QStringList& wanted,
                                   const std::optional<QVector<MetricDefinition>>& offered,
                                   QStringList* skipped);

/// The words shown for a metric the resource does not offer.
QString skippedMetricMessage(const QString& metric, const QString& resource);

} // namespace isc::azure
