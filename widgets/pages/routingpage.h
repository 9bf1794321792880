#pragma once

#include "core/timerange.h"
#include "core/workspace.h"
#include "routing/replayengine.h"

#include <QWidget>
#include <memory>

class QComboBox;

namespace isc {

class KpiTile;
class RouteFlowDiagram;
class RouteStackChart;
class RoutingTableModel;
class SampleStore;
class TimeRangePicker;

/// Where requests run and what each route costs: requests or tokens per route class over time
/// (stacked, or each route's share in %) with the spillover overlaid, a flow picture from demand
/// to routes to deployments, cost avoided against a named baseline (by default each request on
/// its own model at pay-per-token prices), and a table per route (or per deployment). Follows
/// the time-range picker.
class RoutingPage : public QWidget
{
    Q_OBJECT
public:
    RoutingPage(SampleStore* store, QVector<Connection> connections, ReplayPricing pricing,
                QWidget* parent = nullptr);
    ~RoutingPage() override;

    /// The workspace changed: connection kinds, route-class overrides and prices.
    void setWorkspace(const QVector<Connection>& connections, const ReplayPricing& pricing);

    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;

    /// Shows tokens instead of requests per route.
    void setShowTokens(bool tokens);
    /// Shows each route's share in % instead of per-minute counts.
    void setShareMode(bool share);

    /// True once the current range's figures have landed.
    bool isLoaded() const;
    /// The recorded figures of the range (empty before the first load).
    const ReplaySummary& summary() const;
    /// The error of the last load in words, empty when it worked.
    QString errorText() const;

    TimeRangePicker* rangePicker() const;
    RouteStackChart* stackChart() const;
    RouteFlowDiagram* flowDiagram() const;
    RoutingTableModel* tableModel() const;
    /// The KPI tiles: cost, cost avoided, spillover rate, local share, 429s.
    QVector<KpiTile*> tiles() const;
    /// What cost avoided compares with: each request's own model (data "") or a deployment.
    QComboBox* baselineChoice() const;

public slots:
    /// Re-reads the range from the store (coalesced); loaded() follows.
    void refresh();

signals:
    /// A refresh landed (also after an error, see errorText()).
    void loaded();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
