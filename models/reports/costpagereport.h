#pragma once

#include "core/workspace.h"
#include "cost/costquery.h"
#include "cost/pricecatalog.h"
#include "cost/ptucost.h"
#include "reports/barchartreport.h"
#include "reports/kpifigure.h"
#include "reports/reporttable.h"

#include <QCoreApplication>
#include <QPair>
#include <optional>

namespace isc {

/// What the Cost page's report is computed from: the store's results and the workspace.
struct CostPageInput
{
    /// How the spend chart stacks.
    enum class GroupBy { Deployment, Model, Provider };

    CostQueryResult range;      ///< the selected range
    CostQueryResult month;      ///< the current UTC month, with the 7 days before
    CostQueryResult reconciled; ///< whole UTC days only: providers report per UTC day
    TimeRange reconciledDays;
    qint64 bucketSeconds = 86400; ///< of range.buckets
    qint64 queriedAt = 0;         ///< s UTC: "now" of the forecast and the burn-down
    PriceCatalog catalog = PriceCatalog::builtin(); ///< the workspace's (overrides applied)
    QString overrideWarning; ///< why the workspace's overrides were ignored; empty when not
    PtuBilling billing = kDefaultPtuBilling;
    std::optional<Money> budget; ///< monthly, nullopt when none is set
    QString workspaceName;
    QVector<Connection> connections;
    GroupBy groupBy = GroupBy::Deployment;
};

/// Everything the Cost page shows, computed and worded; the page only displays it.
struct CostPageReport
{
    QVector<KpiFigure> tiles; ///< spend, today, month to date, forecast, per 1k, savings
    BarChartReport spend;     ///< stacked by the input's grouping
    BarChartReport burnDown;
    ReportTable spenders; ///< every item, largest cost first
    QString notes;        ///< how the numbers are computed (rich text)
    QString notesWarning; ///< under the notes, as a warning: overrides ignored (plain text)
    QString reported;     ///< provider-reported beside computed costs (rich text)

    static CostPageReport build(const CostPageInput& in);
    /// The spend chart alone: the page rebuilds it when the grouping changes.
    static BarChartReport buildSpend(const CostPageInput& in);
    /// Per group, per bucket cost; groups ordered by total, largest first, the smallest
    /// folded into "Other" beyond kMaxGroups.
    static QVector<QPair<QString, QVector<Money>>> spendByGroup(const CostPageInput& in);
    /// The spend by group per bucket, then every item of the range, as CSV (RFC 4180).
    static QString csv(const CostPageInput& in);

    /// The titles of the tiles, in order.
    static QStringList tileTitles();
    /// The line under the title naming the PTU pricing basis.
    static QString billingText(PtuBilling billing);
    /// The line under the title naming the range shown (local time).
    static QString rangeText(TimeRange range);

    static constexpr int kMaxGroups = 7; ///< more stack as "Other": 20 colours say nothing

    Q_DECLARE_TR_FUNCTIONS(CostPageReport)
};

} // namespace isc
