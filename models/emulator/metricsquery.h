#pragma once

#include "emulator/metriccatalog.h"
#include "emulator/metricfilter.h"

#include <QMap>
#include <optional>

// Internal: the parameters of an Azure Monitor metrics query, read and checked.
namespace isc::emu::detail {

/// A valid metrics query.
struct MetricsQuery
{
    QVector<const MetricDef*> metrics;
    qint64 start = 0;    ///< s UTC
    qint64 end = 0;      ///< s UTC, after start
    qint64 interval = 0; ///< s, one of timeGrains()
    /// Lower-case aggregations asked for; nullopt = each metric's primary one.
    std::optional<QStringList> aggregations;
    int top = 0; ///< most split timeseries per metric
    ParsedFilter filter;
};

/// Reads the query parameters `q` (keys lower-case) at wall clock `now` (s UTC) into `out`;
/// returns why they are invalid, in Azure Monitor's words, or an empty string.
QString readMetricsQuery(const QMap<QString, QString>& q, qint64 now, MetricsQuery* out);

} // namespace isc::emu::detail
