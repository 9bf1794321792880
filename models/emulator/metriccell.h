#pragma once

#include "emulator/measure.h"
#include "emulator/metriccatalog.h"

// Internal: the slices of fleet traffic a metric reports, and what each measures per minute.
namespace isc::emu::detail {

/// One timeseries cell: a deployment and the dimension values of one slice of its traffic.
struct MetricCell
{
    int deployment = 0;
    QStringList values; ///< aligned with MetricDef::dims
    int status = 200;   ///< request cells: 200, 429 or 500
    bool spill = false; ///< request cells: IsSpillover
    int stream = -1;    ///< request cells: 1 streaming, 0 not, -1 n/a
    int group = -1;     ///< index of the output timeseries
};

/// Every cell of `def` over the fleet of `traffic`: one per deployment in scope, and for
/// requests one per status, spillover and stream type a deployment can produce.
QVector<MetricCell> metricCells(const MetricDef& def, const TrafficModel& traffic);

/// The value of `def` for `cell` in the minute starting at `minute` (s UTC), whose traffic
/// for the cell's deployment is `t`.
Measure measureCell(const MetricDef& def, const MetricCell& cell, const MinuteTraffic& t,
                    const TrafficModel& traffic, qint64 minute);

} // namespace isc::emu::detail
