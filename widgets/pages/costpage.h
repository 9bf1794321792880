#pragma once

#include "core/timerange.h"
#include "core/workspace.h"
#include "cost/costquery.h"
#include "cost/ptucost.h"
#include "cost/workspacepricing.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QWidget>
#include <functional>
#include <memory>

namespace isc {

class BarChart;
class CostTableModel;
class KpiTile;
class SampleStore;
class TimeRangePicker;

/// The Cost page: spend over time stacked by deployment, model or provider; today, month to
/// date and a month-end forecast (method stated); the budget burn-down; cost per request;
/// savings from cached tokens and batch; top spenders; provider-reported beside computed
/// costs; CSV export. Prices: the catalog plus the workspace's overrides (price editor).
class CostPage : public QWidget
{
    Q_OBJECT
public:
    /// How the spend chart stacks.
    enum class GroupBy { Deployment, Model, Provider };
    Q_ENUM(GroupBy)

    CostPage(SampleStore* store, Workspace workspace, QWidget* parent = nullptr);
    ~CostPage() override;

    /// Follows an edited workspace (connections, price overrides, budget); refreshes.
    void setWorkspace(const Workspace& workspace);
    const Workspace& workspace() const;

    void setTimeRange(TimeRange range);
    TimeRange timeRange() const;
    void setGroupBy(GroupBy groupBy);
    GroupBy groupBy() const;
    /// Replaces the clock (s UTC) for "today" and the month, for tests.
    void setClock(std::function<qint64()> nowUtc);

    /// True once a refresh has landed.
    bool isLoaded() const;
    /// The newest results: the selected range, and the current UTC month (with 7 days before).
    const CostQueryResult& rangeResult() const;
    const CostQueryResult& monthResult() const;

    // The parts, for tests and the screenshot command.
    TimeRangePicker* rangePicker() const;
    BarChart* spendChart() const;
    BarChart* burnDownChart() const;
    CostTableModel* spendersModel() const;
    QVector<KpiTile*> tiles() const;
    /// The text under the tables (method, reported vs computed, UTC note).
    QString notesText() const;
    /// How provisioned deployments are priced (the workspace's setting).
    PtuBilling billing() const;
    /// The pricing basis of PTUs in words, as the page states it beside its figures.
    QString billingText() const;

    /// Writes what the page shows as CSV: the spend chart's buckets by group, then every item
    /// of the top-spenders table. False with `error` in words when the file cannot be written.
    bool exportCsv(const QString& path, QString* error) const;
    /// The CSV exportCsv() writes.
    QString csv() const;

public slots:
    /// Re-reads the store now (coalesced); loaded() follows when the result landed.
    void refresh();
    /// Opens the price editor; on OK applies and emits priceSettingsChanged().
    void editPrices();
    /// Asks for a file and exports (QFileDialog).
    void exportCsvInteractive();

signals:
    /// A refresh landed.
    void loaded();
    /// The user changed prices or the budget: store these in the workspace and save it.
    void priceSettingsChanged(const QJsonArray& priceOverrides, const QJsonObject& budget);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
