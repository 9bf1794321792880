#include "costpage.h"

#include "charts/barchart.h"
#include "core/refreshthrottle.h"
#include "cost/ptucost.h"
#include "dialogs/priceeditordialog.h"
#include "itemmodels/costtablemodel.h"
#include "kit/card.h"
#include "kit/costtabledelegate.h"
#include "kit/kpitile.h"
#include "kit/pageheader.h"
#include "reports/costpagereport.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"
#include "theme/theme.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace isc {
namespace {

constexpr qint64 kDay = 86400;
constexpr int kAdvanceMs = 60'000;

const QString kAzure = QStringLiteral("azure-openai");

bool isPriced(const QString& kind)
{
    return kind == kAzure || kind == QLatin1String("openai") || kind == QLatin1String("anthropic");
}

} // namespace

struct CostPage::Private
{
    CostPage* q = nullptr;
    QPointer<SampleStore> store;
    Workspace workspace;
    CostEngine engine{PriceCatalog::builtin()};
    QString overrideWarning;
    PtuBilling billing = kDefaultPtuBilling; ///< the workspace's, shared with the Capacity page
    QString billingWarning;
    std::function<qint64()> clock;
    GroupBy groupBy = GroupBy::Deployment;

    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QLabel* basisLabel = nullptr;
    QComboBox* groupBox = nullptr;
    QVector<KpiTile*> tiles;
    BarChart* spend = nullptr;
    BarChart* burn = nullptr;
    CostTableModel* spenders = nullptr;
    QTableView* spendersView = nullptr;
    QLabel* notes = nullptr;
    QLabel* reported = nullptr;
    QLabel* warning = nullptr;
    RefreshThrottle* throttle = nullptr;
    QTimer advanceTimer;

    CostQueryResult range, month;
    CostQueryResult reconciled; ///< whole UTC days only: providers report per UTC day
    TimeRange reconciledDays;
    qint64 bucketSeconds = kDay;
    qint64 queriedAt = 0;
    bool loaded = false;
    StoreJobs jobs; ///< last: cancelled first when the page goes

    qint64 now() const { return clock ? clock() : QDateTime::currentSecsSinceEpoch(); }

    QHash<QString, QString> kinds() const
    {
        QHash<QString, QString> out;
        for (const Connection& c : workspace.connections) {
            if (isPriced(c.kind))
                out.insert(c.id, c.kind);
        }
        return out;
    }

    /// What the report is built from: the newest results and the workspace.
    CostPageInput input() const
    {
        CostPageInput in;
        in.range = range;
        in.month = month;
        in.reconciled = reconciled;
        in.reconciledDays = reconciledDays;
        in.bucketSeconds = bucketSeconds;
        in.queriedAt = queriedAt;
        in.catalog = engine.catalog();
        in.overrideWarning = overrideWarning;
        in.billing = billing;
        in.budget = workspaceBudget(workspace);
        in.workspaceName = workspace.name;
        in.connections = workspace.connections;
        in.groupBy = CostPageInput::GroupBy(int(groupBy)); // the same three, in the same order
        return in;
    }

    void runNow();
    void show(const CostPageReport& report);
};

void CostPage::Private::runNow()
{
    const TimeRange r = picker->range();
    bucketSeconds = r.duration() <= 2 * kDay ? 3600 : kDay;
    queriedAt = now();
    const qint64 t = queriedAt;
    CostQueryRequest req;
    req.range = r;
    req.kindBySource = kinds();
    req.billing = billing;
    req.bucketSeconds = bucketSeconds;
    // The month (and the 7 days before today, for the forecast's daily rate), UTC days.
    CostQueryRequest m = req;
    m.range = CostForecast::inputRange(t);
    m.bucketSeconds = kDay;
    // Reported costs come per UTC day: compare whole days of the range (or yesterday).
    CostQueryRequest rec;
    for (auto it = req.kindBySource.cbegin(); it != req.kindBySource.cend(); ++it) {
        if (it.value() != kAzure)
            rec.kindBySource.insert(it.key(), it.value());
    }
    // Only days wholly inside the range: the store may lack tokens before its start.
    const TimeRange days{floorTo(r.from + kDay - 1, kDay), floorTo(std::min(r.to, t), kDay)};
    if (!days.isValid())
        rec.kindBySource.clear();
    rec.range = days;
    rec.bucketSeconds = kDay;
    struct Priced
    {
        CostQueryResult range, month, reconciled;
    };
    // One job: the inventory decides the pricing of all three, read on the store's thread.
    jobs.run(
        store, QStringLiteral("cost"),
        [engine = engine, req, m, rec](StoreBackend& db, const JobToken& token) {
            const Deployments inventory = db.deployments(QString());
            Priced out;
            if (!rec.kindBySource.isEmpty())
                out.reconciled = CostQuery::run(db, engine, rec, token); // no inventory: no PTUs
            CostQueryRequest withInventory = req;
            withInventory.inventory = inventory;
            out.range = CostQuery::run(db, engine, withInventory, token);
            withInventory = m;
            withInventory.inventory = inventory;
            out.month = CostQuery::run(db, engine, withInventory, token);
            return out;
        },
        [this, days](const Priced& p) {
            range = p.range;
            month = p.month;
            reconciled = p.reconciled;
            reconciledDays = days;
            show(CostPageReport::build(input()));
            loaded = true;
            emit q->loaded();
        });
}

void CostPage::Private::show(const CostPageReport& report)
{
    for (int i = 0; i < tiles.size() && i < report.tiles.size(); ++i)
        tiles[i]->setFigure(report.tiles[i]);
    spend->setData(BarChartData::fromReport(report.spend));
    burn->setData(BarChartData::fromReport(report.burnDown));
    spenders->setTable(report.spenders.headers, report.spenders.rows);
    spendersView->resizeColumnsToContents();
    QString text = report.notes;
    if (!report.notesWarning.isEmpty())
        text += QStringLiteral("<br><span style='color:%1'>%2</span>")
                    .arg(themeCss(ThemeColor::Bad), report.notesWarning.toHtmlEscaped());
    notes->setText(text);
    reported->setText(report.reported);
}

CostPage::CostPage(SampleStore* store, Workspace workspace, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    setObjectName(QStringLiteral("CostPage"));
    setAccessibleName(tr("Cost"));
    setPageBackground(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);

    auto* header = new PageHeader(tr("Cost"), this);
    d->rangeLabel = header->addSubtitle();
    d->basisLabel = header->addSubtitle();
    d->basisLabel->setAccessibleName(tr("PTU pricing basis"));
    d->basisLabel->setWordWrap(true); // wraps rather than widening the page past the window
    d->groupBox = header->addCombo(
        tr("&Stack by:"), {tr("Deployment"), tr("Model"), tr("Provider")}, tr("Stack spend by"));
    auto* prices = new QPushButton(tr("&Prices and budget…"), header);
    auto* exportButton = new QPushButton(tr("&Export CSV…"), header);
    header->addControl(prices);
    header->addControl(exportButton);
    header->addSpacing(8);
    d->picker = header->addRangePicker();
    layout->addWidget(header);

    d->warning = new QLabel(this);
    d->warning->setWordWrap(true);
    watchTheme(d->warning, [warning = d->warning] {
        warning->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::Bad)));
    });
    d->warning->hide();
    layout->addWidget(d->warning);

    auto* kpiRow = new QHBoxLayout;
    kpiRow->setSpacing(10);
    for (const QString& t : CostPageReport::tileTitles()) {
        auto* tile = new KpiTile(this);
        tile->setTitle(t);
        tile->setValueText(QStringLiteral("…"));
        d->tiles << tile;
        kpiRow->addWidget(tile);
    }
    layout->addLayout(kpiRow);

    auto* charts = new QHBoxLayout;
    charts->setSpacing(10);
    auto* spendCard = new Card(this, {4, 4, 4, 4});
    d->spend = new BarChart(spendCard);
    spendCard->body()->addWidget(d->spend);
    auto* burnCard = new Card(this, {4, 4, 4, 4});
    d->burn = new BarChart(burnCard);
    burnCard->body()->addWidget(d->burn);
    charts->addWidget(spendCard, 3);
    charts->addWidget(burnCard, 2);
    layout->addLayout(charts, 5);

    auto* bottom = new QHBoxLayout;
    bottom->setSpacing(10);
    auto* tableCard = new Card(this);
    tableCard->addHeading(tr("Top spenders"));
    d->spenders = new CostTableModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(d->spenders);
    proxy->setSortRole(CostTableModel::SortRole);
    d->spendersView = new QTableView(tableCard);
    d->spendersView->setModel(proxy);
    d->spendersView->setItemDelegate(new CostTableDelegate(d->spendersView));
    d->spendersView->setSortingEnabled(true);
    d->spendersView->sortByColumn(8, Qt::DescendingOrder);
    d->spendersView->setSelectionBehavior(QAbstractItemView::SelectRows);
    d->spendersView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->spendersView->verticalHeader()->hide();
    d->spendersView->verticalHeader()->setDefaultSectionSize(22);
    d->spendersView->horizontalHeader()->setStretchLastSection(true);
    d->spendersView->setAlternatingRowColors(true);
    d->spendersView->setAccessibleName(tr("Top spenders"));
    tableCard->body()->addWidget(d->spendersView);
    bottom->addWidget(tableCard, 3);

    auto* noteCard = new Card(this);
    auto* noteScroll = new QScrollArea(this);
    noteScroll->setWidgetResizable(true);
    noteScroll->setFrameShape(QFrame::NoFrame);
    noteScroll->setWidget(noteCard);
    noteCard->addHeading(tr("Reported by the provider vs computed"));
    d->reported = new QLabel(noteCard);
    d->reported->setWordWrap(true);
    d->reported->setTextFormat(Qt::RichText);
    d->reported->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    noteCard->body()->addWidget(d->reported);
    noteCard->body()->addSpacing(6);
    noteCard->addHeading(tr("How these numbers are computed"));
    d->notes = noteCard->addNote();
    d->notes->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    noteCard->body()->addStretch(1);
    bottom->addWidget(noteScroll, 2);
    layout->addLayout(bottom, 4);

    d->throttle = new RefreshThrottle([this] { d->runNow(); }, 2000, this);

    connect(d->picker, &TimeRangePicker::rangeChanged, this, [this](TimeRange r) {
        d->rangeLabel->setText(CostPageReport::rangeText(r));
        refresh();
    });
    connect(d->groupBox, &QComboBox::activated, this, [this](int i) { setGroupBy(GroupBy(i)); });
    connect(prices, &QPushButton::clicked, this, &CostPage::editPrices);
    connect(exportButton, &QPushButton::clicked, this, &CostPage::exportCsvInteractive);
    if (store) {
        connect(store, &SampleStore::dataChanged, this, [this](const QString&, TimeRange window) {
            const TimeRange r = d->picker->range();
            if (window.isValid() && window.to <= std::min(r.from, utcMonthOf(d->now()).from))
                return;
            refresh();
        });
    }
    d->advanceTimer.setInterval(kAdvanceMs);
    connect(&d->advanceTimer, &QTimer::timeout, d->picker, &TimeRangePicker::advance);
    d->advanceTimer.start();

    setWorkspace(workspace);
    emit d->picker->rangeChanged(d->picker->range());
}

CostPage::~CostPage() = default;

void CostPage::setWorkspace(const Workspace& workspace)
{
    d->workspace = workspace;
    d->overrideWarning.clear();
    d->engine = costEngineFor(workspace, &d->overrideWarning);
    d->billingWarning.clear();
    d->billing = workspacePtuBilling(workspace, &d->billingWarning);
    d->basisLabel->setText(CostPageReport::billingText(d->billing));
    QStringList warnings;
    for (const QString& w : {d->overrideWarning, d->billingWarning}) {
        if (!w.isEmpty())
            warnings << w;
    }
    d->warning->setText(warnings.join(QLatin1Char('\n')));
    d->warning->setVisible(!warnings.isEmpty());
    refresh();
}

const Workspace& CostPage::workspace() const
{
    return d->workspace;
}

void CostPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange CostPage::timeRange() const
{
    return d->picker->range();
}

void CostPage::setGroupBy(GroupBy groupBy)
{
    d->groupBy = groupBy;
    d->groupBox->setCurrentIndex(int(groupBy));
    if (d->loaded)
        d->spend->setData(BarChartData::fromReport(CostPageReport::buildSpend(d->input())));
}

CostPage::GroupBy CostPage::groupBy() const
{
    return d->groupBy;
}

void CostPage::setClock(std::function<qint64()> nowUtc)
{
    d->clock = nowUtc;
    d->picker->setClock(std::move(nowUtc));
}

bool CostPage::isLoaded() const
{
    return d->loaded;
}

const CostQueryResult& CostPage::rangeResult() const
{
    return d->range;
}

const CostQueryResult& CostPage::monthResult() const
{
    return d->month;
}

TimeRangePicker* CostPage::rangePicker() const
{
    return d->picker;
}

BarChart* CostPage::spendChart() const
{
    return d->spend;
}

BarChart* CostPage::burnDownChart() const
{
    return d->burn;
}

CostTableModel* CostPage::spendersModel() const
{
    return d->spenders;
}

QVector<KpiTile*> CostPage::tiles() const
{
    return d->tiles;
}

QString CostPage::notesText() const
{
    return d->reported->text() + QLatin1Char('\n') + d->notes->text();
}

PtuBilling CostPage::billing() const
{
    return d->billing;
}

QString CostPage::billingText() const
{
    return d->basisLabel->text();
}

void CostPage::refresh()
{
    d->throttle->request();
}

QString CostPage::csv() const
{
    return CostPageReport::csv(d->input());
}

bool CostPage::exportCsv(const QString& path, QString* error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(csv().toUtf8());
    if (!file.commit()) {
        *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void CostPage::exportCsvInteractive()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Costs"), QStringLiteral("inferscope-costs.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error)) {
        d->warning->setText(error);
        d->warning->show();
    }
}

void CostPage::editPrices()
{
    PriceEditorDialog dlg(PriceCatalog::builtin(), d->workspace.priceOverrides, d->workspace.budget,
                          this);
    if (dlg.exec() != QDialog::Accepted)
        return;
    Workspace next = d->workspace;
    next.priceOverrides = dlg.overrides();
    next.budget = dlg.budget();
    setWorkspace(next);
    emit priceSettingsChanged(next.priceOverrides, next.budget);
}

} // namespace isc
