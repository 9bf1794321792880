#include "routingpage.h"

#include "core/refreshthrottle.h"
#include "core/units.h"
#include "itemmodels/routingtablemodel.h"
#include "kit/card.h"
#include "kit/kpitile.h"
#include "kit/pageheader.h"
#include "reports/routingreport.h"
#include "routeflowdiagram.h"
#include "routestackchart.h"
#include "store/samplestore.h"
#include "store/storejobs.h"
#include "theme/theme.h"
#include "timerangepicker.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QDateTime>
#include <QFrame>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QScrollArea>
#include <QSettings>
#include <QSignalBlocker>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

namespace isc {

namespace {

constexpr int kStoreRefreshMs = 3000; // reading a window is heavy: fold backfill bursts

struct Loaded
{
    ReplaySummary summary;
    QString error;
};

QToolButton* toggle(const QString& text, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setCheckable(true);
    b->setAutoRaise(false);
    markCheckedButtons(b);
    return b;
}

} // namespace

struct RoutingPage::Private
{
    RoutingPage* q = nullptr;
    QPointer<SampleStore> store;
    QVector<Connection> connections;
    ReplayPricing pricing;
    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QLabel* baseline = nullptr;
    QLabel* status = nullptr;
    QToolButton *requestsButton = nullptr, *tokensButton = nullptr;
    QToolButton *countButton = nullptr, *shareButton = nullptr;
    QComboBox* level = nullptr;
    QComboBox* baselineChoice = nullptr; ///< what cost avoided compares with
    /// The chosen baseline's deployment key, empty for each request's own model; read from
    /// the settings once, written when the user picks another.
    QString baselineTarget = QSettings().value(QStringLiteral("routing/baseline")).toString();
    QVector<KpiTile*> tiles;
    RouteStackChart* chart = nullptr;
    RouteFlowDiagram* flow = nullptr;
    RoutingTableModel* table = nullptr;
    QTableView* tableView = nullptr;
    RefreshThrottle* storeThrottle = nullptr;
    RefreshThrottle* throttle = nullptr;
    ReplaySummary summary;
    QString error;
    bool loaded = false;
    StoreJobs jobs; ///< last: cancelled first when the page goes

    void load()
    {
        if (!store)
            return;
        const TimeRange range = picker->range();
        status->setText(RoutingPage::tr("Reading the range…"));
        // A newer range supersedes the one on its way.
        jobs.run(
            store, QStringLiteral("window"),
            [range, conns = connections, pricing = pricedWithBaseline()](StoreBackend& db,
                                                                         const JobToken& token) {
                Loaded out;
                TrafficWindow w;
                if (TrafficWindow::load(db, range, conns, &w, &out.error, token))
                    out.summary = ReplayEngine::actual(w, pricing);
                return out;
            },
            [this](const Loaded& r) { apply(r); });
    }

    /// The workspace's prices with the baseline the user chose.
    ReplayPricing pricedWithBaseline() const
    {
        ReplayPricing p = pricing;
        p.baselineTarget = baselineTarget;
        return p;
    }

    /// The baseline box: each request's own model, or one of the range's pay-per-token
    /// deployments (the remembered one stays listed while the range lacks it).
    void fillBaselineChoice()
    {
        const QString& chosen = baselineTarget;
        QSignalBlocker block(baselineChoice);
        baselineChoice->clear();
        baselineChoice->addItem(RoutingPage::tr("Each request on its own model, pay-per-token"),
                                QString());
        for (const TargetFigures& t : std::as_const(summary.targets)) {
            if (t.routeClass == RouteClass::PayPerToken ||
                t.routeClass == RouteClass::OtherProvider)
                baselineChoice->addItem(
                    RoutingPage::tr("Everything on %1 (%2)").arg(t.model, t.key), t.key);
        }
        if (!chosen.isEmpty() && baselineChoice->findData(chosen) < 0)
            baselineChoice->addItem(
                RoutingPage::tr("Everything on %1 (not in this range)").arg(chosen), chosen);
        baselineChoice->setCurrentIndex(std::max(0, baselineChoice->findData(chosen)));
    }

    void apply(const Loaded& r)
    {
        summary = r.summary;
        error = r.error;
        loaded = true;
        status->setText(error.isEmpty() ? QString() : error);
        showChart();
        flow->setSummary(summary);
        if (!error.isEmpty())
            flow->clear(error);
        table->setSummary(summary);
        fillBaselineChoice();
        updateTiles();
        emit q->loaded();
    }

    void showChart()
    {
        if (!error.isEmpty()) {
            chart->clear(error);
            return;
        }
        const bool tokens = tokensButton->isChecked();
        chart->setTitle(RoutingReport::chartTitle(tokens));
        chart->setData(summary.range, tokens ? summary.tokensPerMinute : summary.requestsPerMinute,
                       tokens ? QVector<float>() : summary.spilloverPerMinute,
                       RoutingReport::chartUnit(tokens), RoutingPage::tr("Spillover"));
        chart->setShareMode(shareButton->isChecked());
    }

    void updateTiles()
    {
        const RoutingReport report = RoutingReport::build(summary, error);
        for (int i = 0; i < tiles.size() && i < report.tiles.size(); ++i)
            tiles[i]->setFigure(report.tiles[i]);
        QString note = report.baselineNote;
        if (!report.pricesNote.isEmpty())
            note += QStringLiteral(" <span style='color:%1'>%2</span>")
                        .arg(themeCss(ThemeColor::MutedText), report.pricesNote.toHtmlEscaped());
        baseline->setText(note);
    }
};

RoutingPage::RoutingPage(SampleStore* store, QVector<Connection> connections, ReplayPricing pricing,
                         QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    d->connections = std::move(connections);
    d->pricing = std::move(pricing);
    setObjectName(QStringLiteral("RoutingPage"));
    setAccessibleName(tr("Routing"));
    setPageBackground(this);

    auto* content = new QWidget;
    content->setAutoFillBackground(false);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);

    auto* header = new PageHeader(tr("Routing"), content);
    d->rangeLabel = header->addSubtitle();
    d->status = new QLabel(header);
    watchTheme(d->status, [status = d->status] {
        status->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::MutedText)));
    });
    header->addControl(d->status);
    d->requestsButton = toggle(tr("Requests"), header);
    d->tokensButton = toggle(tr("Tokens"), header);
    d->countButton = toggle(tr("Per minute"), header);
    d->shareButton = toggle(tr("Share %"), header);
    auto* metric = new QButtonGroup(this);
    metric->addButton(d->requestsButton);
    metric->addButton(d->tokensButton);
    auto* mode = new QButtonGroup(this);
    mode->addButton(d->countButton);
    mode->addButton(d->shareButton);
    d->requestsButton->setChecked(true);
    d->countButton->setChecked(true);
    for (QToolButton* b : {d->requestsButton, d->tokensButton})
        header->addControl(b);
    header->addSpacing(6);
    for (QToolButton* b : {d->countButton, d->shareButton})
        header->addControl(b);
    header->addSpacing(8);
    d->picker = header->addRangePicker();
    layout->addWidget(header);

    auto* kpiRow = new QHBoxLayout;
    kpiRow->setSpacing(10);
    for (const QString& t : RoutingReport::tileTitles()) {
        auto* tile = new KpiTile(content);
        tile->setTitle(t);
        tile->setValueText(tr("…"));
        d->tiles << tile;
        kpiRow->addWidget(tile);
    }
    layout->addLayout(kpiRow);
    auto* baselineRow = new QHBoxLayout;
    auto* baselineLabel = new QLabel(tr("Cost avoided &against:"), content);
    d->baselineChoice = new QComboBox(content);
    d->baselineChoice->setAccessibleName(tr("Cost avoided baseline"));
    d->baselineChoice->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    baselineLabel->setBuddy(d->baselineChoice);
    baselineRow->addWidget(baselineLabel);
    baselineRow->addWidget(d->baselineChoice);
    baselineRow->addStretch(1);
    layout->addLayout(baselineRow);
    d->baseline = new QLabel(content);
    d->baseline->setWordWrap(true);
    d->baseline->setTextFormat(Qt::RichText);
    layout->addWidget(d->baseline);

    auto* charts = new QHBoxLayout;
    charts->setSpacing(10);
    d->chart = new RouteStackChart(content);
    d->chart->setMinimumHeight(280);
    d->flow = new RouteFlowDiagram(content);
    d->flow->setMinimumHeight(280);
    for (QWidget* part : {static_cast<QWidget*>(d->chart), static_cast<QWidget*>(d->flow)}) {
        auto* c = new Card(content, {6, 6, 6, 6});
        c->body()->addWidget(part);
        charts->addWidget(c, 1);
    }
    layout->addLayout(charts, 1);

    auto* tableHeader = new QHBoxLayout;
    auto* tableTitle = new QLabel(tr("<b>Per route</b>"), content);
    d->level = new QComboBox(content);
    d->level->addItems({tr("Per route class"), tr("Per deployment")});
    d->level->setAccessibleName(tr("Table rows"));
    tableHeader->addWidget(tableTitle);
    tableHeader->addStretch(1);
    tableHeader->addWidget(d->level);
    layout->addLayout(tableHeader);
    d->table = new RoutingTableModel(this);
    d->tableView = new QTableView(content);
    d->tableView->setModel(d->table);
    d->tableView->verticalHeader()->hide();
    d->tableView->setSelectionMode(QAbstractItemView::NoSelection);
    d->tableView->setAlternatingRowColors(true);
    d->tableView->horizontalHeader()->setSectionResizeMode(QHeaderView::Stretch);
    d->tableView->horizontalHeader()->setSectionResizeMode(RoutingTableModel::Name,
                                                           QHeaderView::ResizeToContents);
    d->tableView->setMinimumHeight(170);
    d->tableView->setAccessibleName(tr("Routes"));
    layout->addWidget(d->tableView);

    auto* scroll = new QScrollArea(this);
    scroll->setWidget(content);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->addWidget(scroll);

    d->throttle = new RefreshThrottle([this] { d->load(); }, 40, this);
    d->storeThrottle =
        new RefreshThrottle([this] { d->throttle->request(); }, kStoreRefreshMs, this);
    connect(d->picker, &TimeRangePicker::rangeChanged, this, [this](TimeRange r) {
        d->rangeLabel->setText(rangeLabelText(r));
        refresh();
    });
    connect(d->tokensButton, &QToolButton::toggled, this, [this] { d->showChart(); });
    connect(d->baselineChoice, &QComboBox::activated, this, [this](int i) {
        d->baselineTarget = d->baselineChoice->itemData(i).toString();
        QSettings().setValue(QStringLiteral("routing/baseline"), d->baselineTarget);
        refresh();
    });
    connect(d->shareButton, &QToolButton::toggled, this,
            [this](bool on) { d->chart->setShareMode(on); });
    connect(d->level, &QComboBox::currentIndexChanged, this, [this](int i) {
        d->table->setLevel(i == 0 ? RoutingTableModel::Level::Routes
                                  : RoutingTableModel::Level::Targets);
        // Per route class the class column would repeat the name.
        d->tableView->setColumnHidden(RoutingTableModel::Route, i == 0);
    });
    d->tableView->setColumnHidden(RoutingTableModel::Route, true);
    if (store) {
        connect(store, &SampleStore::dataChanged, this, [this](const QString&, TimeRange window) {
            const TimeRange r = d->picker->range();
            if (window.isValid() && (window.to <= r.from || window.from >= r.to))
                return;
            d->storeThrottle->request();
        });
    }
    d->rangeLabel->setText(rangeLabelText(d->picker->range()));
    refresh();
}

RoutingPage::~RoutingPage() = default;

void RoutingPage::setWorkspace(const QVector<Connection>& connections, const ReplayPricing& pricing)
{
    d->connections = connections;
    d->pricing = pricing;
    refresh();
}

void RoutingPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange RoutingPage::timeRange() const
{
    return d->picker->range();
}

void RoutingPage::setShowTokens(bool tokens)
{
    (tokens ? d->tokensButton : d->requestsButton)->setChecked(true);
}

void RoutingPage::setShareMode(bool share)
{
    (share ? d->shareButton : d->countButton)->setChecked(true);
}

bool RoutingPage::isLoaded() const
{
    return d->loaded;
}

const ReplaySummary& RoutingPage::summary() const
{
    return d->summary;
}

QString RoutingPage::errorText() const
{
    return d->error;
}

TimeRangePicker* RoutingPage::rangePicker() const
{
    return d->picker;
}

RouteStackChart* RoutingPage::stackChart() const
{
    return d->chart;
}

RouteFlowDiagram* RoutingPage::flowDiagram() const
{
    return d->flow;
}

RoutingTableModel* RoutingPage::tableModel() const
{
    return d->table;
}

QComboBox* RoutingPage::baselineChoice() const
{
    return d->baselineChoice;
}

QVector<KpiTile*> RoutingPage::tiles() const
{
    return d->tiles;
}

void RoutingPage::refresh()
{
    d->throttle->request();
}

} // namespace isc
