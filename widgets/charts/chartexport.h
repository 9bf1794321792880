#pragma once

#include "reports/exporttable.h"

namespace isc {

class BarChart;
class TimeSeriesChart;

/// A time chart's series as drawn, one row per point: series, time (ISO 8601 UTC), value; the
/// unit and the visible range in the JSON's meta. Points outside the visible range are left out.
ExportTable exportChart(const TimeSeriesChart& chart);
/// A bar chart: one row per category, one column per set; the unit (and any threshold) in meta.
ExportTable exportChart(const BarChart& chart);

} // namespace isc
