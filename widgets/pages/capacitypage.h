#pragma once

#include "core/timerange.h"
#include "core/workspace.h"
#include "cost/ptuadvisor.h"
#include "itemmodels/capacityquery.h"

#include <QWidget>
#include <functional>
#include <memory>

namespace isc {

class BarChart;
class CostTableModel;
class SampleStore;
class TimeRangePicker;

/// The Capacity page: per provisioned deployment its utilization (p50/p95/max against the
/// reserved 100 %), 429s, spillover and cache match; the PTU advisor (table, chart and its
/// assumptions) at a chosen target utilization and percentile; Azure quota per region and SKU
/// (warned at 80 %); the deployments with their model lifecycle (warned 60 days before
/// retirement); fine-tuning hours and hosting cost.
class CapacityPage : public QWidget
{
    Q_OBJECT
public:
    CapacityPage(SampleStore* store, Workspace workspace, QWidget* parent = nullptr);
    ~CapacityPage() override;

    /// Follows an edited workspace (connections, price overrides, the PTU pricing basis);
    /// refreshes.
    void setWorkspace(const Workspace& workspace);

    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;
    /// Target utilization of the advisor, (0, 1]; recomputes the advice.
    void setTargetUtilization(double target);
    double targetUtilization() const;
    /// The minute the advisor sizes for: 95 or 99; recomputes the advice.
    void setPercentile(double percentile);
    double percentile() const;
    /// How PTUs are priced: the workspace's setting (workspacePtuBilling()), the same as on the
    /// Cost page; changed in the price editor, not here.
    PtuBilling billing() const;
    /// Replaces the clock (s UTC) for the lifecycle warnings, for tests.
    void setClock(std::function<qint64()> nowUtc);

    bool isLoaded() const;
    const CapacityResult& result() const;
    /// The advice per row of the advisor table (provisioned deployments with a PTU price).
    const QVector<PtuAdvice>& advice() const;

    // The parts, for tests and the screenshot command.
    TimeRangePicker* rangePicker() const;
    CostTableModel* loadModel() const;
    CostTableModel* adviceModel() const;
    CostTableModel* quotaModel() const;
    CostTableModel* lifecycleModel() const;
    CostTableModel* fineTuneModel() const;
    BarChart* utilizationChart() const;
    BarChart* adviceChart() const;
    QString assumptionsText() const;
    /// The pricing basis of PTUs in words, as the advisor states it beside its figures.
    QString billingText() const;
    QString quotaText() const;
    QString lifecycleText() const;
    QString fineTuneText() const;

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
