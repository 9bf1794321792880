#pragma once

#include "core/workspace.h"
#include "itemmodels/chartmodel.h"
#include "reports/heatmapreport.h"
#include "reports/latencydata.h"
#include "reports/reporttable.h"

#include <QCoreApplication>
#include <optional>

namespace isc {

/// What the Latency report is computed from.
struct LatencyReportInput
{
    LatencyData data;
    QVector<Connection> connections; ///< names and kinds of the sources
    QString selected;                ///< LatencyTarget::key of the charts; empty = the default
    LatencyMetric heatmapMetric = LatencyMetric::Ttft;
    /// Overlay the period before the range on the charts (View ▸ Compare with Previous Period).
    bool comparePrevious = false;
};

/// One deployment (or local model) with latency data in the range.
struct LatencyTarget
{
    QString key; ///< "source/deployment"
    QString source;
    QString deployment;
    QString label;        ///< "gpt-4o-ptu · Demo Azure"
    bool distribution{};  ///< bucket counts or stored percentiles (local servers)
    bool buckets{};       ///< bucket counts: a heatmap and exact percentiles per step
    double rankValue = 0; ///< TTFT p95 or average over the range (ms); NaN: none
};

/// One chart of the selected deployment: its spec (title with the unit, note) and its points.
struct LatencyChart
{
    LatencyMetric metric = LatencyMetric::Ttft;
    ChartSpec spec;
    ChartSnapshot snapshot;
};

/// Everything the Latency page shows, computed and worded; the page only displays it.
struct LatencyReport
{
    QVector<LatencyTarget> targets; ///< ranking order: slowest TTFT first
    int selected = -1;              ///< index into targets of the charts, -1 when none
    ReportTable ranking;            ///< one row per target, in targets' order
    QString rankingNote;
    QString stepNote;             ///< what one point of the charts and one heatmap column spans
    QVector<LatencyChart> charts; ///< TTFT, TBT, TTLT, tokens/s of the selected target
    HeatmapReport heatmap;        ///< of input.heatmapMetric for the selected target
    ReportTable playground;       ///< playground runs per target: percentiles
    QString playgroundNote;
    QString emptyMessage; ///< the page's message when no deployment has latency data

    static LatencyReport build(const LatencyReportInput& in);

    /// The q-quantile (0..1) of `values` with linear interpolation between closest ranks
    /// (NaN when empty).
    static double quantile(QVector<double> values, double q);
    /// The q-quantile of cumulative bucket counts over `bounds` (ms), as PromQL's
    /// histogram_quantile (NaN without observations).
    static double bucketQuantile(const QVector<double>& bounds, const QVector<double>& cumulative,
                                 double q);
    /// "+12 %" or "−4.5 %" from `before` to `now`; empty when either is missing or before is 0.
    static QString changeText(double before, double now);
    /// "TTFT", "TBT", "TTLT", "Tokens/s"; long: "Time to first token", ….
    static QString metricName(LatencyMetric metric, bool longName = false);

    Q_DECLARE_TR_FUNCTIONS(LatencyReport)
};

} // namespace isc
