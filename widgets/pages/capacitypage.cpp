#include "capacitypage.h"

#include "charts/barchart.h"
#include "core/refreshthrottle.h"
#include "cost/costengine.h"
#include "cost/workspacepricing.h"
#include "itemmodels/costtablemodel.h"
#include "kit/card.h"
#include "kit/fittableview.h"
#include "kit/pageheader.h"
#include "kit/pagerange.h"
#include "reports/capacityreport.h"
#include "store/samplestore.h"
#include "store/storejobs.h"
#include "theme/theme.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QLabel>
#include <QPointer>
#include <QVBoxLayout>
#include <algorithm>

namespace isc {

struct CapacityPage::Private
{
    CapacityPage* q = nullptr;
    QPointer<SampleStore> store;
    Workspace workspace;
    CostEngine engine{PriceCatalog::builtin()};
    LifecycleCatalog lifecycle = LifecycleCatalog::builtin();
    std::function<qint64()> clock;
    double target = 0.8;
    double percentile = 95;
    PtuBilling billing = kDefaultPtuBilling; ///< the workspace's, shared with the Cost page

    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QComboBox* targetBox = nullptr;
    QComboBox* percentileBox = nullptr;
    CostTableModel* load = nullptr;
    CostTableModel* adviceTable = nullptr;
    CostTableModel* quota = nullptr;
    CostTableModel* lifecycleTable = nullptr;
    CostTableModel* fineTune = nullptr;
    FitTableView *loadView = nullptr, *adviceView = nullptr, *quotaView = nullptr,
                 *lifecycleView = nullptr, *fineTuneView = nullptr;
    BarChart* utilization = nullptr;
    BarChart* adviceChart = nullptr;
    QLabel* loadNote = nullptr;
    QLabel* billingNote = nullptr;
    QLabel* assumptions = nullptr;
    QLabel* quotaBanner = nullptr;
    QLabel* quotaNote = nullptr;
    QLabel* lifecycleBanner = nullptr;
    QLabel* lifecycleNote = nullptr;
    QLabel* fineTuneNote = nullptr;
    RefreshThrottle* throttle = nullptr;

    CapacityResult result;
    QVector<PtuAdvice> advice;
    bool loaded = false;
    StoreJobs jobs; ///< last: cancelled first when the page goes

    qint64 now() const { return clock ? clock() : QDateTime::currentSecsSinceEpoch(); }

    /// What the report is built from: the stored result and the page's settings.
    CapacityReportInput input() const
    {
        CapacityReportInput in;
        in.result = result;
        in.catalog = engine.catalog();
        in.lifecycle = lifecycle;
        in.connections = workspace.connections;
        in.targetUtilization = target;
        in.percentile = percentile;
        in.billing = billing;
        in.nowUtc = now();
        return in;
    }

    void runNow()
    {
        CapacityRequest req;
        req.range = picker->range();
        req.connections = workspace.connections;
        jobs.run(
            store, QStringLiteral("capacity"),
            [req](StoreBackend& db, const JobToken& token) {
                return CapacityQuery::run(db, req, token);
            },
            [this](const CapacityResult& r) {
                result = r;
                show(CapacityReport::build(input()));
                loaded = true;
                emit q->loaded();
            });
    }

    void show(const CapacityReport& report)
    {
        showLoad(report.load);
        showAdvice(report.advice);
        showQuota(report.quota);
        showLifecycle(report.lifecycle);
        showFineTuning(report.fineTuning);
    }

    void showLoad(const CapacityLoadSection& s)
    {
        load->setTable(s.table.headers, s.table.rows);
        utilization->setData(BarChartData::fromReport(s.chart));
        loadView->fit();
        loadNote->setText(s.note);
    }

    void showAdvice(const CapacityAdviceSection& s)
    {
        advice = s.advice;
        adviceTable->setTable(s.table.headers, s.table.rows);
        adviceChart->setData(BarChartData::fromReport(s.chart));
        adviceView->fit();
        QString html;
        for (const QString& v : s.verdicts)
            html +=
                QStringLiteral("<p style='margin:0 0 4px 0'><b>%1</b></p>").arg(v.toHtmlEscaped());
        html += QStringLiteral("<ul style='margin:0'>");
        for (const QString& a : s.assumptions)
            html += QStringLiteral("<li>%1</li>").arg(a.toHtmlEscaped());
        assumptions->setText(html + QStringLiteral("</ul>"));
    }

    void showQuota(const CapacityQuotaSection& s)
    {
        quota->setTable(s.table.headers, s.table.rows);
        quotaView->setVisible(!s.table.isEmpty());
        quotaView->fit();
        Card::showBanner(quotaBanner, s.warning, s.warnings > 0);
        quotaNote->setText(s.note);
    }

    void showLifecycle(const CapacityLifecycleSection& s)
    {
        lifecycleTable->setTable(s.table.headers, s.table.rows);
        lifecycleView->fit();
        Card::showBanner(lifecycleBanner, s.warning, !s.warned.isEmpty());
        lifecycleNote->setText(s.note);
    }

    void showFineTuning(const CapacityFineTuneSection& s)
    {
        fineTune->setTable(s.table.headers, s.table.rows);
        fineTuneView->setVisible(!s.table.isEmpty());
        fineTuneView->fit();
        fineTuneNote->setText(s.note);
    }

    void updateAdvice() { showAdvice(CapacityReport::buildAdvice(input())); }
};

CapacityPage::CapacityPage(SampleStore* store, Workspace workspace, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    setObjectName(QStringLiteral("CapacityPage"));
    setAccessibleName(tr("Capacity"));
    setPageBackground(this);

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(16, 12, 16, 8);
    outer->setSpacing(8);
    auto* header = new PageHeader(tr("Capacity"), this);
    d->rangeLabel = header->addSubtitle();
    d->targetBox =
        header->addCombo(tr("&Target:"),
                         {QStringLiteral("60 %"), QStringLiteral("70 %"), QStringLiteral("80 %"),
                          QStringLiteral("90 %"), QStringLiteral("100 %")},
                         tr("Target utilization"));
    d->targetBox->setCurrentIndex(2);
    d->percentileBox = header->addCombo(tr("Si&ze for:"), {tr("p95 minute"), tr("p99 minute")},
                                        tr("Percentile sized for"));
    header->addSpacing(8);
    d->picker = header->addRangePicker();
    outer->addWidget(header);

    // One column of full-width cards: the wide tables keep all their columns in view at
    // 1440 px, and the page scrolls rather than squeezing a table or overlapping its notes.
    QVBoxLayout* column = addScrollingColumn(this, outer);
    QWidget* content = column->parentWidget(); // the cards' parent

    d->load = new CostTableModel(this);
    d->adviceTable = new CostTableModel(this);
    d->quota = new CostTableModel(this);
    d->lifecycleTable = new CostTableModel(this);
    d->fineTune = new CostTableModel(this);

    // Every card: margins 8/6/8/8, parts 4 px apart, headings at 13 px.
    auto card = [content] { return new Card(content, {8, 6, 8, 8}, 4); };
    constexpr int kHeadingPx = 13;
    Card* loadCard = card();
    loadCard->addHeading(tr("Provisioned deployments"), kHeadingPx);
    d->loadView = new FitTableView(d->load, 8, loadCard);
    d->loadView->setAccessibleName(tr("Provisioned deployments"));
    loadCard->body()->addWidget(d->loadView);
    d->loadNote = loadCard->addNote();
    column->addWidget(loadCard);

    // The two charts side by side, each under the table it draws.
    auto* charts = new QHBoxLayout;
    charts->setSpacing(10);
    Card* utilizationCard = card();
    d->utilization = new BarChart(utilizationCard);
    d->utilization->setFixedHeight(250);
    utilizationCard->body()->addWidget(d->utilization);
    charts->addWidget(utilizationCard, 1);
    Card* costCard = card();
    d->adviceChart = new BarChart(costCard);
    d->adviceChart->setFixedHeight(250);
    costCard->body()->addWidget(d->adviceChart);
    charts->addWidget(costCard, 1);
    column->addLayout(charts);

    Card* adviceCard = card();
    adviceCard->addHeading(tr("PTU advisor"), kHeadingPx);
    d->billingNote = adviceCard->addNote();
    d->billingNote->setAccessibleName(tr("PTU pricing basis"));
    d->adviceView = new FitTableView(d->adviceTable, 8, adviceCard);
    d->adviceView->setAccessibleName(tr("PTU advisor"));
    adviceCard->body()->addWidget(d->adviceView);
    adviceCard->body()->addSpacing(4);
    adviceCard->addHeading(tr("PTU advisor: how it sizes"), kHeadingPx);
    d->assumptions = adviceCard->addNote();
    d->assumptions->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    column->addWidget(adviceCard);

    Card* lifecycleCard = card();
    lifecycleCard->addHeading(tr("Deployments and lifecycle"), kHeadingPx);
    d->lifecycleBanner = lifecycleCard->addBanner();
    d->lifecycleView = new FitTableView(d->lifecycleTable, 12, lifecycleCard);
    d->lifecycleView->setAccessibleName(tr("Deployments and lifecycle"));
    lifecycleCard->body()->addWidget(d->lifecycleView);
    d->lifecycleNote = lifecycleCard->addNote();
    column->addWidget(lifecycleCard);

    Card* quotaCard = card();
    quotaCard->addHeading(tr("Quota per region and SKU"), kHeadingPx);
    d->quotaBanner = quotaCard->addBanner();
    d->quotaView = new FitTableView(d->quota, 10, quotaCard);
    d->quotaView->setAccessibleName(tr("Quota"));
    quotaCard->body()->addWidget(d->quotaView);
    d->quotaNote = quotaCard->addNote();
    column->addWidget(quotaCard);

    Card* ftCard = card();
    ftCard->addHeading(tr("Fine-tuning"), kHeadingPx);
    d->fineTuneView = new FitTableView(d->fineTune, 6, ftCard);
    d->fineTuneView->setAccessibleName(tr("Fine-tuning"));
    d->fineTuneView->hide();
    ftCard->body()->addWidget(d->fineTuneView);
    d->fineTuneNote = ftCard->addNote();
    column->addWidget(ftCard);
    column->addStretch(1);

    d->throttle = new RefreshThrottle([this] { d->runNow(); }, 2000, this);
    connect(d->picker, &TimeRangePicker::rangeChanged, this, [this](TimeRange r) {
        d->rangeLabel->setText(rangeLabelText(r));
        refresh();
    });
    connect(d->targetBox, &QComboBox::activated, this,
            [this](int i) { setTargetUtilization(0.6 + 0.1 * i); });
    connect(d->percentileBox, &QComboBox::activated, this,
            [this](int i) { setPercentile(i == 0 ? 95 : 99); });
    followRange(this, d->picker, store, RangeReach::Range, [this] { refresh(); });

    setWorkspace(workspace);
    emit d->picker->rangeChanged(d->picker->range());
}

CapacityPage::~CapacityPage() = default;

void CapacityPage::setWorkspace(const Workspace& workspace)
{
    d->workspace = workspace;
    d->engine = costEngineFor(workspace, nullptr);
    d->billing = workspacePtuBilling(workspace);
    d->billingNote->setText(CapacityReport::billingNote(d->billing));
    refresh();
}

void CapacityPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange CapacityPage::timeRange() const
{
    return d->picker->range();
}

void CapacityPage::setTargetUtilization(double target)
{
    d->target = std::clamp(target, 0.05, 1.0);
    d->targetBox->setCurrentIndex(std::clamp(int(std::lround((d->target - 0.6) * 10)), 0, 4));
    if (d->loaded)
        d->updateAdvice();
}

double CapacityPage::targetUtilization() const
{
    return d->target;
}

void CapacityPage::setPercentile(double percentile)
{
    d->percentile = percentile;
    d->percentileBox->setCurrentIndex(percentile >= 99 ? 1 : 0);
    if (d->loaded)
        d->updateAdvice();
}

double CapacityPage::percentile() const
{
    return d->percentile;
}

PtuBilling CapacityPage::billing() const
{
    return d->billing;
}

void CapacityPage::setClock(std::function<qint64()> nowUtc)
{
    d->clock = nowUtc;
    d->picker->setClock(std::move(nowUtc));
}

bool CapacityPage::isLoaded() const
{
    return d->loaded;
}

const CapacityResult& CapacityPage::result() const
{
    return d->result;
}

const QVector<PtuAdvice>& CapacityPage::advice() const
{
    return d->advice;
}

TimeRangePicker* CapacityPage::rangePicker() const
{
    return d->picker;
}

CostTableModel* CapacityPage::loadModel() const
{
    return d->load;
}

CostTableModel* CapacityPage::adviceModel() const
{
    return d->adviceTable;
}

CostTableModel* CapacityPage::quotaModel() const
{
    return d->quota;
}

CostTableModel* CapacityPage::lifecycleModel() const
{
    return d->lifecycleTable;
}

CostTableModel* CapacityPage::fineTuneModel() const
{
    return d->fineTune;
}

BarChart* CapacityPage::utilizationChart() const
{
    return d->utilization;
}

BarChart* CapacityPage::adviceChart() const
{
    return d->adviceChart;
}

QString CapacityPage::assumptionsText() const
{
    return d->assumptions->text();
}

QString CapacityPage::billingText() const
{
    return d->billingNote->text();
}

QString CapacityPage::quotaText() const
{
    return d->quotaBanner->isHidden()
               ? d->quotaNote->text()
               : d->quotaBanner->text() + QLatin1Char(' ') + d->quotaNote->text();
}

QString CapacityPage::lifecycleText() const
{
    return d->lifecycleBanner->isHidden()
               ? d->lifecycleNote->text()
               : d->lifecycleBanner->text() + QLatin1Char(' ') + d->lifecycleNote->text();
}

QString CapacityPage::fineTuneText() const
{
    return d->fineTuneNote->text();
}

void CapacityPage::refresh()
{
    d->throttle->request();
}

} // namespace isc
