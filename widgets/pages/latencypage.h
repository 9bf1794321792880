#pragma once

#include "core/timerange.h"
#include "core/workspace.h"
#include "reports/latencyreport.h"

#include <QWidget>
#include <memory>

namespace isc {

class CostTableModel;
class HeatmapChart;
class SampleStore;
class TimeRangePicker;
class TimeSeriesChart;

/// The Latency page: per deployment and local model, over the range, time to first token, time
/// between tokens, time to last token and tokens per second (p50/p95/p99 where the source has a
/// distribution, Azure's average and maximum where it has not, and the charts say which), a
/// heatmap of one of them over time where bucket counts are stored, a table ranking every
/// deployment by TTFT with the change against the previous period, and the playground's runs.
class LatencyPage : public QWidget
{
    Q_OBJECT
public:
    LatencyPage(SampleStore* store, Workspace workspace, QWidget* parent = nullptr);
    ~LatencyPage() override;

    /// Follows an edited workspace (connection names); refreshes.
    void setWorkspace(const Workspace& workspace);

    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;
    /// Shows the charts and heatmap of `key` (LatencyTarget::key); ignored when unknown.
    void selectTarget(const QString& key);
    /// The metric of the heatmap: TTFT, TBT or TTLT.
    void setHeatmapMetric(LatencyMetric metric);

    bool isLoaded() const;
    const LatencyReport& report() const;

    // The parts, for tests and the screenshot command.
    TimeRangePicker* rangePicker() const;
    CostTableModel* rankingModel() const;
    CostTableModel* playgroundModel() const;
    /// TTFT, TBT, TTLT and tokens/s of the selected deployment.
    QVector<TimeSeriesChart*> charts() const;
    HeatmapChart* heatmap() const;
    QString rankingText() const;

public slots:
    /// Re-reads the store (coalesced); loaded() follows when the result landed.
    void refresh();

signals:
    void loaded();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
