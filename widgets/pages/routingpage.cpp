#include "routingpage.h"

#include "core/refreshthrottle.h"
#include "core/units.h"
#include "itemmodels/routingtablemodel.h"
#include "kit/kpitile.h"
#include "routeflowdiagram.h"
#include "routestackchart.h"
#include "store/samplestore.h"
#include "store/storejobs.h"
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

QFrame* card(QWidget* content, QWidget* parent)
{
    auto* frame = new QFrame(parent);
    frame->setObjectName(QStringLiteral("RoutingCard"));
    frame->setStyleSheet(QStringLiteral("#RoutingCard { background: white; border: 1px solid "
                                        "#dcdfe3; border-radius: 4px; }"));
    auto* l = new QVBoxLayout(frame);
    l->setContentsMargins(6, 6, 6, 6);
    l->addWidget(content);
    return frame;
}

QToolButton* toggle(const QString& text, QWidget* parent)
{
    auto* b = new QToolButton(parent);
    b->setText(text);
    b->setCheckable(true);
    b->setAutoRaise(false);
    return b;
}

QString rangeText(TimeRange r)
{
    const QLocale locale;
    const QString fmt = QStringLiteral("ddd d MMM, HH:mm");
    return RoutingPage::tr("%1 – %2 (local time)")
        .arg(locale.toString(QDateTime::fromSecsSinceEpoch(r.from), fmt),
             locale.toString(QDateTime::fromSecsSinceEpoch(r.to), fmt));
}

QString percent(double share)
{
    return QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', 1);
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
            [range, conns = connections, pricing = pricing](StoreBackend& db,
                                                            const JobToken& token) {
                Loaded out;
                TrafficWindow w;
                if (TrafficWindow::load(db, range, conns, &w, &out.error, token))
                    out.summary = ReplayEngine::actual(w, pricing);
                return out;
            },
            [this](const Loaded& r) { apply(r); });
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
        chart->setTitle(tokens ? RoutingPage::tr("Tokens served per route")
                               : RoutingPage::tr("Requests per route"));
        chart->setData(summary.range, tokens ? summary.tokensPerMinute : summary.requestsPerMinute,
                       tokens ? QVector<float>() : summary.spilloverPerMinute,
                       tokens ? RoutingPage::tr("tokens/min") : RoutingPage::tr("requests/min"),
                       RoutingPage::tr("Spillover"));
        chart->setShareMode(shareButton->isChecked());
    }

    void updateTiles()
    {
        const RouteFigures& t = summary.total;
        const bool any = error.isEmpty() && t.requests > 0;
        auto set = [&](int i, const QString& value, const QString& trend, int sentiment,
                       const QString& detail) {
            tiles[i]->setValueText(any ? value : RoutingPage::tr("No data"));
            tiles[i]->setTrend(any ? trend : QString(), sentiment);
            tiles[i]->setDetail(detail);
            tiles[i]->setStatus(any ? KpiTile::Status::Normal : KpiTile::Status::NoData);
        };
        set(0, t.cost.format(2),
            RoutingPage::tr("%1 per 1k requests")
                .arg(Money::fromUnits(t.costPer1kRequests()).format(3)),
            0, summary.pricingNote);
        if (!summary.baseline.isEmpty()) {
            const Money avoided = summary.costAvoided();
            const double pct =
                summary.baselineCost.micros > 0
                    ? 100.0 * double(avoided.micros) / double(summary.baselineCost.micros)
                    : 0;
            set(1, avoided.format(2),
                RoutingPage::tr("%1 % below the baseline (%2)")
                    .arg(pct, 0, 'f', 0)
                    .arg(summary.baselineCost.format(0)),
                avoided.micros >= 0 ? 1 : -1, summary.baseline);
            baseline->setText(
                RoutingPage::tr("<b>Cost avoided</b> is the actual cost against a baseline: %1 "
                                "That would have cost %2 for this range's %3 prompt and %4 output "
                                "tokens. <span style='color:#606060'>Prices: %5</span>")
                    .arg(summary.baseline.toHtmlEscaped(), summary.baselineCost.format(2),
                         formatCompact(summary.demandPromptTokens),
                         formatCompact(summary.demandOutputTokens),
                         summary.pricingNote.toHtmlEscaped()));
        } else {
            set(1, RoutingPage::tr("–"), RoutingPage::tr("no pay-per-token model to compare with"),
                0, QString());
            baseline->setText(RoutingPage::tr(
                "<b>Cost avoided</b> needs a pay-per-token model in the range to price the "
                "baseline (everything on the dearest one)."));
        }
        set(2, percent(summary.spilloverRate),
            RoutingPage::tr("%1 requests served elsewhere").arg(formatCompact(t.spilloverOut)), 0,
            RoutingPage::tr("Requests a provisioned deployment answered 429 and its spillover "
                            "deployment served, over all requests."));
        set(3, percent(summary.localShare),
            RoutingPage::tr("cloud %1").arg(percent(summary.cloudShare)), 0,
            RoutingPage::tr("Share of the served requests that ran on local models."));
        set(4, formatCompact(t.requests429),
            RoutingPage::tr("%1 of requests")
                .arg(percent(t.requests > 0 ? t.requests429 / t.requests : 0)),
            t.requests429 > 0 ? -1 : 0,
            RoutingPage::tr("429 answers, including those then served by spillover."));
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
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0xF3F4F6));
    setPalette(pal);

    auto* content = new QWidget;
    content->setAutoFillBackground(false);
    auto* layout = new QVBoxLayout(content);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);

    auto* header = new QHBoxLayout;
    auto* titleBox = new QVBoxLayout;
    titleBox->setSpacing(0);
    auto* title = new QLabel(tr("Routing"), content);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    d->rangeLabel = new QLabel(content);
    d->rangeLabel->setStyleSheet(QStringLiteral("color: #606060;"));
    titleBox->addWidget(title);
    titleBox->addWidget(d->rangeLabel);
    header->addLayout(titleBox);
    header->addStretch(1);
    d->status = new QLabel(content);
    d->status->setStyleSheet(QStringLiteral("color: #606060;"));
    header->addWidget(d->status);
    d->requestsButton = toggle(tr("Requests"), content);
    d->tokensButton = toggle(tr("Tokens"), content);
    d->countButton = toggle(tr("Per minute"), content);
    d->shareButton = toggle(tr("Share %"), content);
    auto* metric = new QButtonGroup(this);
    metric->addButton(d->requestsButton);
    metric->addButton(d->tokensButton);
    auto* mode = new QButtonGroup(this);
    mode->addButton(d->countButton);
    mode->addButton(d->shareButton);
    d->requestsButton->setChecked(true);
    d->countButton->setChecked(true);
    for (QToolButton* b : {d->requestsButton, d->tokensButton})
        header->addWidget(b);
    header->addSpacing(6);
    for (QToolButton* b : {d->countButton, d->shareButton})
        header->addWidget(b);
    header->addSpacing(8);
    d->picker = new TimeRangePicker(content);
    header->addWidget(d->picker);
    layout->addLayout(header);

    auto* kpiRow = new QHBoxLayout;
    kpiRow->setSpacing(10);
    const QString titles[] = {tr("Cost"), tr("Cost avoided"), tr("Spillover rate"),
                              tr("Local share"), tr("429 answers")};
    for (const QString& t : titles) {
        auto* tile = new KpiTile(content);
        tile->setTitle(t);
        tile->setValueText(tr("…"));
        d->tiles << tile;
        kpiRow->addWidget(tile);
    }
    layout->addLayout(kpiRow);
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
    charts->addWidget(card(d->chart, content), 1);
    charts->addWidget(card(d->flow, content), 1);
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
        d->rangeLabel->setText(rangeText(r));
        refresh();
    });
    connect(d->tokensButton, &QToolButton::toggled, this, [this] { d->showChart(); });
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
    d->rangeLabel->setText(rangeText(d->picker->range()));
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

QVector<KpiTile*> RoutingPage::tiles() const
{
    return d->tiles;
}

void RoutingPage::refresh()
{
    d->throttle->request();
}

} // namespace isc
