#include "latencypage.h"

#include "charts/heatmapchart.h"
#include "charts/timeserieschart.h"
#include "core/refreshthrottle.h"
#include "itemmodels/chartmodel.h"
#include "itemmodels/costtablemodel.h"
#include "kit/card.h"
#include "kit/exportmenu.h"
#include "kit/fittableview.h"
#include "kit/pageheader.h"
#include "kit/pagerange.h"
#include "store/samplestore.h"
#include "store/storejobs.h"
#include "theme/theme.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QGridLayout>
#include <QLabel>
#include <QPointer>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>

namespace isc {

namespace {

constexpr LatencyMetric kHeatmapMetrics[] = {LatencyMetric::Ttft, LatencyMetric::Tbt,
                                             LatencyMetric::Ttlt};
constexpr int kTopHeight = 250;   // TTFT and the heatmap
constexpr int kChartHeight = 220; // TBT, TTLT, tokens/s

} // namespace

struct LatencyPage::Private
{
    /// One chart of the selected deployment: rebuilt when its spec (title, unit) changes.
    struct Slot
    {
        Card* card = nullptr;
        ChartModel* model = nullptr;
        TimeSeriesChart* chart = nullptr;
    };

    LatencyPage* q = nullptr;
    QPointer<SampleStore> store;
    Workspace workspace;
    QString selected; ///< the user's choice of deployment; empty = the report's default
    LatencyMetric heatmapMetric = LatencyMetric::Ttft;

    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QLabel* stepLabel = nullptr;
    QComboBox* targetBox = nullptr;
    QComboBox* heatmapBox = nullptr;
    CostTableModel* ranking = nullptr;
    CostTableModel* playground = nullptr;
    FitTableView *rankingView = nullptr, *playgroundView = nullptr;
    QLabel* rankingNote = nullptr;
    QLabel* emptyBanner = nullptr;
    QLabel* playgroundNote = nullptr;
    QVector<Slot> chartSlots;
    HeatmapChart* heatmap = nullptr;
    RefreshThrottle* throttle = nullptr;

    LatencyData data;
    LatencyReport report;
    bool loaded = false;
    StoreJobs jobs; ///< last: cancelled first when the page goes

    LatencyReportInput input() const
    {
        LatencyReportInput in;
        in.data = data;
        in.connections = workspace.connections;
        in.selected = selected;
        in.heatmapMetric = heatmapMetric;
        in.comparePrevious = ChartComparison::instance()->isOn();
        return in;
    }

    void runNow()
    {
        const TimeRange range = picker->range();
        jobs.run(
            store, QStringLiteral("latency"),
            [range](StoreBackend& db, const JobToken& token) {
                return LatencyData::read(db, range, 0, token);
            },
            [this](const LatencyData& result) {
                data = result;
                show(LatencyReport::build(input()));
                loaded = true;
                emit q->loaded();
            });
    }

    void rebuild() { show(LatencyReport::build(input())); }

    void show(const LatencyReport& r)
    {
        report = r;
        stepLabel->setText(r.stepNote);
        ranking->setTable(r.ranking.headers, r.ranking.rows);
        rankingView->setVisible(!r.ranking.isEmpty());
        rankingView->fit();
        rankingNote->setText(r.rankingNote);
        Card::showBanner(emptyBanner, r.emptyMessage, !r.emptyMessage.isEmpty());
        if (!data.error.isEmpty())
            Card::showBanner(emptyBanner, data.error, true);

        targetBox->blockSignals(true);
        targetBox->clear();
        for (const LatencyTarget& t : r.targets)
            targetBox->addItem(t.label, t.key);
        targetBox->setCurrentIndex(r.selected);
        targetBox->setEnabled(!r.targets.isEmpty());
        targetBox->blockSignals(false);

        for (int i = 0; i < chartSlots.size(); ++i) {
            LatencyChart c;
            if (i < r.charts.size()) {
                c = r.charts[i];
            } else {
                c.spec.title = LatencyReport::metricName(LatencyMetric(i), true);
                c.snapshot.range = data.range;
            }
            showChart(chartSlots[i], c);
        }
        heatmap->setData(r.heatmap);
        playground->setTable(r.playground.headers, r.playground.rows);
        playgroundView->setVisible(!r.playground.isEmpty());
        playgroundView->fit();
        playgroundNote->setText(r.playgroundNote);
    }

    void showChart(Slot& s, const LatencyChart& c)
    {
        const ChartSpec& old = s.model ? s.model->spec() : ChartSpec{};
        if (!s.model || old.title != c.spec.title || old.note != c.spec.note ||
            old.unit != c.spec.unit) {
            // The chart reads its title from the spec once: a new spec is a new chart.
            delete s.chart;
            delete s.model;
            s.model = new ChartModel(nullptr, c.spec, q);
            s.model->setSnapshot(c.snapshot);
            s.chart = new TimeSeriesChart(s.model, s.card);
            s.chart->setFixedHeight(&s == &chartSlots[0] ? kTopHeight : kChartHeight);
            s.card->body()->addWidget(s.chart);
            installExportMenus(s.card);
            return;
        }
        s.model->setSnapshot(c.snapshot);
    }
};

LatencyPage::LatencyPage(SampleStore* store, Workspace workspace, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    setObjectName(QStringLiteral("LatencyPage"));
    setAccessibleName(tr("Latency"));
    setPageBackground(this);

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(16, 12, 16, 8);
    outer->setSpacing(8);
    auto* header = new PageHeader(tr("Latency"), this);
    d->rangeLabel = header->addSubtitle();
    d->stepLabel = header->addSubtitle();
    d->targetBox = header->addCombo(tr("&Deployment:"), {}, tr("Deployment shown in the charts"));
    d->targetBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    QStringList heatmapItems;
    for (LatencyMetric m : kHeatmapMetrics)
        heatmapItems << LatencyReport::metricName(m);
    d->heatmapBox = header->addCombo(tr("&Heatmap:"), heatmapItems, tr("Metric of the heatmap"));
    header->addSpacing(8);
    d->picker = header->addRangePicker();
    outer->addWidget(header);

    QVBoxLayout* column = addScrollingColumn(this, outer);
    QWidget* content = column->parentWidget(); // the cards' parent

    d->ranking = new CostTableModel(this);
    d->playground = new CostTableModel(this);
    auto card = [content] { return new Card(content, {8, 6, 8, 8}, 4); };
    constexpr int kHeadingPx = 13;

    Card* rankingCard = card();
    rankingCard->addHeading(tr("Deployments by time to first token"), kHeadingPx);
    d->emptyBanner = rankingCard->addBanner();
    d->rankingView = new FitTableView(d->ranking, 10, rankingCard);
    d->rankingView->setAccessibleName(tr("Deployments by time to first token"));
    d->rankingView->setToolTip(tr("Click a deployment to chart it"));
    rankingCard->body()->addWidget(d->rankingView);
    d->rankingNote = rankingCard->addNote();
    column->addWidget(rankingCard);

    // The selected deployment: TTFT beside the heatmap (TTFT's by default), then TBT, TTLT and
    // tokens/s in a row, so the window's first screen holds the table and all five.
    auto* grid = new QGridLayout;
    grid->setSpacing(10);
    for (int i = 0; i < 4; ++i) {
        Private::Slot s;
        s.card = card();
        s.card->setMinimumHeight((i == 0 ? kTopHeight : kChartHeight) + 14);
        if (i == 0)
            grid->addWidget(s.card, 0, 0, 1, 3);
        else
            grid->addWidget(s.card, 1, 2 * (i - 1), 1, 2);
        d->chartSlots << s;
    }
    Card* heatmapCard = card();
    d->heatmap = new HeatmapChart(heatmapCard);
    d->heatmap->setFixedHeight(kTopHeight);
    heatmapCard->body()->addWidget(d->heatmap);
    installExportMenu(d->heatmap, [h = d->heatmap] { return h->exportTable(); });
    grid->addWidget(heatmapCard, 0, 3, 1, 3);
    for (int c = 0; c < 6; ++c)
        grid->setColumnStretch(c, 1);
    column->addLayout(grid);

    Card* playgroundCard = card();
    playgroundCard->addHeading(tr("Playground runs"), kHeadingPx);
    d->playgroundView = new FitTableView(d->playground, 8, playgroundCard);
    d->playgroundView->setAccessibleName(tr("Playground runs"));
    d->playgroundView->hide();
    playgroundCard->body()->addWidget(d->playgroundView);
    d->playgroundNote = playgroundCard->addNote();
    column->addWidget(playgroundCard);
    column->addStretch(1);

    d->throttle = new RefreshThrottle([this] { d->runNow(); }, 2000, this);
    connect(d->picker, &TimeRangePicker::rangeChanged, this, [this](TimeRange r) {
        d->rangeLabel->setText(rangeLabelText(r));
        d->stepLabel->clear(); // until the new range's report says it
        // A zoom or pan moves the axes at once; the report for the range follows.
        for (auto& slot : d->chartSlots) {
            if (slot.model)
                slot.model->setTimeRange(r);
        }
        refresh();
    });
    connect(d->targetBox, &QComboBox::activated, this,
            [this](int i) { selectTarget(d->targetBox->itemData(i).toString()); });
    connect(d->heatmapBox, &QComboBox::activated, this,
            [this](int i) { setHeatmapMetric(kHeatmapMetrics[std::clamp(i, 0, 2)]); });
    connect(d->rankingView, &QAbstractItemView::clicked, this, [this](const QModelIndex& index) {
        if (index.row() < d->report.targets.size())
            selectTarget(d->report.targets[index.row()].key);
    });
    followRange(this, d->picker, store, RangeReach::RangeAndPrevious, [this] { refresh(); });
    // The window's "compare with previous period": the period before is read already.
    connect(ChartComparison::instance(), &ChartComparison::changed, this, [this] {
        if (d->loaded)
            d->rebuild();
    });

    setWorkspace(workspace);
    emit d->picker->rangeChanged(d->picker->range());
}

LatencyPage::~LatencyPage() = default;

void LatencyPage::setWorkspace(const Workspace& workspace)
{
    d->workspace = workspace;
    refresh();
}

void LatencyPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange LatencyPage::timeRange() const
{
    return d->picker->range();
}

void LatencyPage::selectTarget(const QString& key)
{
    bool known = false;
    for (const LatencyTarget& t : d->report.targets)
        known = known || t.key == key;
    if (!known || key == d->report.targets.value(d->report.selected).key)
        return;
    d->selected = key;
    d->rebuild();
}

void LatencyPage::setHeatmapMetric(LatencyMetric metric)
{
    d->heatmapMetric = metric;
    for (int i = 0; i < int(std::size(kHeatmapMetrics)); ++i) {
        if (kHeatmapMetrics[i] == metric)
            d->heatmapBox->setCurrentIndex(i);
    }
    if (d->loaded)
        d->rebuild();
}

bool LatencyPage::isLoaded() const
{
    return d->loaded;
}

const LatencyReport& LatencyPage::report() const
{
    return d->report;
}

TimeRangePicker* LatencyPage::rangePicker() const
{
    return d->picker;
}

CostTableModel* LatencyPage::rankingModel() const
{
    return d->ranking;
}

CostTableModel* LatencyPage::playgroundModel() const
{
    return d->playground;
}

QVector<TimeSeriesChart*> LatencyPage::charts() const
{
    QVector<TimeSeriesChart*> out;
    for (const Private::Slot& s : d->chartSlots)
        out << s.chart;
    return out;
}

HeatmapChart* LatencyPage::heatmap() const
{
    return d->heatmap;
}

QString LatencyPage::rankingText() const
{
    return d->emptyBanner->isHidden()
               ? d->rankingNote->text()
               : d->emptyBanner->text() + QLatin1Char(' ') + d->rankingNote->text();
}

void LatencyPage::refresh()
{
    d->throttle->request();
}

} // namespace isc
