#pragma once

#include "core/timerange.h"

#include <QByteArray>
#include <QVector>
#include <QWidget>
#include <memory>

namespace isc {

class ChartModel;
class DeploymentFilterModel;
class KpiModel;
class SampleStore;
class TimeRangePicker;
class TimeSeriesChart;

/// The first page: headline KPIs and four charts (tokens, requests by status, latency, PTU
/// utilization) over a time range, optionally for one deployment. Refreshes itself when the
/// store gets data and as "now" advances.
class OverviewPage : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewPage(SampleStore* store, QWidget* parent = nullptr);
    ~OverviewPage() override;

    /// Shows a custom range (s UTC).
    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;

    /// Filters everything to one deployment; empty = all deployments.
    void setDeployment(const QString& name);
    QString deployment() const;

    /// True once every chart and the KPIs have their first result (see loaded()).
    bool isLoaded() const;

    /// Re-queries everything now (coalesced).
    void refresh();

    /// The range preset/custom range and the deployment filter, for QSettings.
    QByteArray saveState() const;
    /// Restores what saveState() gave; false when the bytes are not a saved state.
    bool restoreState(const QByteArray& state);

    // The parts, for the screenshot command and tests.
    TimeRangePicker* rangePicker() const;
    KpiModel* kpiModel() const;
    DeploymentFilterModel* deploymentModel() const;
    QVector<TimeSeriesChart*> charts() const;
    QVector<ChartModel*> chartModels() const;
    /// What the card of chart `chart` says instead of empty axes ("No data for X in this
    /// range", rich text), empty while it shows data.
    QString emptyChartText(int chart) const;

signals:
    /// Every chart and the KPIs have their first result.
    void loaded();
    void timeRangeChanged(isc::TimeRange range);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
