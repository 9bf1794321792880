#pragma once

#include "core/workspace.h"
#include "cost/lifecyclecatalog.h"
#include "cost/pricecatalog.h"
#include "cost/ptuadvisor.h"
#include "cost/ptucost.h"
#include "itemmodels/capacityquery.h"
#include "reports/barchartreport.h"
#include "reports/reporttable.h"

#include <QCoreApplication>

namespace isc {

/// What the Capacity report is computed from.
struct CapacityReportInput
{
    CapacityResult result;
    PriceCatalog catalog = PriceCatalog::builtin(); ///< the workspace's (overrides applied)
    LifecycleCatalog lifecycle = LifecycleCatalog::builtin();
    QVector<Connection> connections; ///< names and kinds of the sources
    double targetUtilization = 0.8;  ///< of the advisor, (0, 1]
    double percentile = 95;          ///< the minute the advisor sizes for
    PtuBilling billing = kDefaultPtuBilling;
    qint64 nowUtc = 0; ///< s UTC: "today" of the lifecycle warnings
};

/// Provisioned deployments: utilization, 429s, spillover and cache match.
struct CapacityLoadSection
{
    ReportTable table;
    BarChartReport chart; ///< p50/p95/max utilization per deployment with data
    QString note;
};

/// The PTU advisor at the chosen target and percentile.
struct CapacityAdviceSection
{
    ReportTable table;
    BarChartReport chart;      ///< monthly cost per option, one set per deployment
    QVector<PtuAdvice> advice; ///< per deployment with a PTU price, in table order
    QStringList verdicts;      ///< "<deployment>: <cheapest option …>", one per advice
    QStringList assumptions;   ///< how it sizes, each sentence once
};

/// Azure quota per region and SKU.
struct CapacityQuotaSection
{
    ReportTable table;
    int warnings = 0; ///< quotas at or over 80 %
    QString warning;  ///< the banner; shown only when warnings > 0
    QString note;
};

/// Deployments and the retirement of their model versions.
struct CapacityLifecycleSection
{
    ReportTable table;
    QStringList warned; ///< deployments within the warning window or past retirement
    QString warning;    ///< the banner; shown only when warned is not empty
    QString note;
};

/// Fine-tuned deployments: training and hosting hours, hosting cost.
struct CapacityFineTuneSection
{
    ReportTable table;
    QString note;
};

/// Everything the Capacity page shows, computed and worded; the page only displays it.
struct CapacityReport
{
    CapacityLoadSection load;
    CapacityAdviceSection advice;
    CapacityQuotaSection quota;
    CapacityLifecycleSection lifecycle;
    CapacityFineTuneSection fineTuning;

    /// The whole report.
    static CapacityReport build(const CapacityReportInput& in);
    static CapacityLoadSection buildLoad(const CapacityReportInput& in);
    /// Depends on the target and percentile too: the page rebuilds it alone when they change.
    static CapacityAdviceSection buildAdvice(const CapacityReportInput& in);
    static CapacityQuotaSection buildQuota(const CapacityReportInput& in);
    static CapacityLifecycleSection buildLifecycle(const CapacityReportInput& in);
    static CapacityFineTuneSection buildFineTuning(const CapacityReportInput& in);

    /// The pricing basis of PTUs in words, as the advisor states it (rich text).
    static QString billingNote(PtuBilling billing);
    /// properties.versionUpgradeOption in a few words; the tooltip says what it means.
    static TableCell upgradeCell(const QString& option);

    Q_DECLARE_TR_FUNCTIONS(CapacityReport)
};

} // namespace isc
