#include "overviewpage.h"

#include "charts/chartpalette.h"
#include "charts/timeserieschart.h"
#include "itemmodels/chartmodel.h"
#include "itemmodels/deploymentfiltermodel.h"
#include "itemmodels/kpimodel.h"
#include "kit/kpitile.h"
#include "kit/pagerange.h"
#include "store/samplestore.h"
#include "theme/theme.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QDataStream>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QIODevice>
#include <QLabel>
#include <QPointer>
#include <QTimer>
#include <QVBoxLayout>

namespace isc {

namespace {

constexpr int kAdvanceMs = 30'000;       // "now" moves; presets slide and KPIs re-anchor
constexpr int kInventoryDelayMs = 2'000; // deployments change rarely: fold backfill bursts
constexpr int kFirstPaintWaitMs = 1'000; // the page's first paint waits for its data this long
constexpr quint32 kStateMagic = 0x15C0'0E01;
const QString kDeployment = QStringLiteral("ModelDeploymentName");

SeriesQuery metricQuery(const QString& metric, const QString& aggregation,
                        const QString& groupBy = kDeployment)
{
    SeriesQuery q;
    q.metric = metric;
    q.aggregation = aggregation;
    q.groupBy = groupBy;
    // Per-minute values: a point covering several minutes is their average, so the unit
    // stays "per minute" at every zoom level.
    q.reduce = Reduce::Avg;
    return q;
}

// Azure Monitor fills a minute's counts in over about three minutes after it ends: the newest
// minutes of the additive metrics are drawn as still arriving, not as a drop.
constexpr qint64 kAzureFillSeconds = 180;

ChartSpec tokensSpec()
{
    ChartSpec spec;
    spec.title = OverviewPage::tr("Tokens per deployment or model");
    spec.note = OverviewPage::tr("input + output, every provider");
    spec.unit = Unit::TokensPerMin;
    spec.kind = ChartSpec::Kind::StackedArea;
    spec.pendingSeconds = kAzureFillSeconds;
    // Azure's metric names, then the normalised ones every other source writes (same label).
    for (const char* metric :
         {"ProcessedPromptTokens", "GeneratedTokens", "InputTokensUncached", "InputTokensCached",
          "InputTokens", "CacheWrite5mTokens", "CacheWrite1hTokens", "OutputTokens"})
        spec.queries.append({metricQuery(QLatin1String(metric), QStringLiteral("total"))});
    return spec;
}

ChartSpec requestsSpec()
{
    ChartSpec spec;
    spec.title = OverviewPage::tr("Requests by status");
    // Short enough for a half-width card's title line.
    spec.note = OverviewPage::tr("errors: peak minute per step; spillover: overflow");
    spec.unit = Unit::RequestsPerMin;
    spec.kind = ChartSpec::Kind::StackedArea;
    spec.pendingSeconds = kAzureFillSeconds;
    SeriesQuery direct = metricQuery(QStringLiteral("AzureOpenAIRequests"), QStringLiteral("total"),
                                     QStringLiteral("StatusCode"));
    direct.groupTransform = GroupTransform::StatusClass;
    direct.labelEquals.insert(QStringLiteral("IsSpillover"), QStringLiteral("False"));
    // Errors are short bursts: averaged over a 30-day chart's steps they vanish, so their
    // bands show each step's busiest minute (the same at 1 h, where a step is a minute).
    SeriesQuery errors = direct;
    errors.reduce = Reduce::Max;
    SeriesQuery spill =
        metricQuery(QStringLiteral("AzureOpenAIRequests"), QStringLiteral("total"), QString());
    spill.labelEquals.insert(QStringLiteral("IsSpillover"), QStringLiteral("True"));
    // Other providers report served requests without a status split.
    SeriesQuery others =
        metricQuery(QStringLiteral("Requests"), QStringLiteral("total"), QString());
    ChartQuery served{direct};
    served.onlyNames = {QStringLiteral("2xx")};
    ChartQuery peaks{errors};
    peaks.onlyNames = {QStringLiteral("429"), QStringLiteral("4xx"), QStringLiteral("5xx")};
    spec.queries = {served,
                    peaks,
                    {spill, OverviewPage::tr("Spillover")},
                    {others, OverviewPage::tr("Other providers")}};
    return spec;
}

ChartSpec latencySpec()
{
    ChartSpec spec;
    spec.title = OverviewPage::tr("Latency per deployment");
    spec.note = OverviewPage::tr("solid: time to first token, dashed: to last token");
    spec.unit = Unit::Milliseconds;
    spec.kind = ChartSpec::Kind::Lines;
    // TTLT (~10 s) would flatten TTFT (~300 ms) against zero on a linear axis.
    spec.logScale = true;
    SeriesQuery ttft =
        metricQuery(QStringLiteral("AzureOpenAINormalizedTTFTInMS"), QStringLiteral("average"));
    SeriesQuery ttlt =
        metricQuery(QStringLiteral("AzureOpenAITTLTInMS"), QStringLiteral("average"));
    ttft.combine = Combine::Mean;
    ttlt.combine = Combine::Mean;
    // Local servers: the median from their Prometheus histograms.
    SeriesQuery localTtft = metricQuery(QStringLiteral("TtftMs"), QStringLiteral("p50"));
    localTtft.combine = Combine::Mean;
    spec.queries = {{ttft, OverviewPage::tr("%1 · TTFT")},
                    {ttlt, OverviewPage::tr("%1 · TTLT"), true},
                    {localTtft, OverviewPage::tr("%1 · TTFT p50")}};
    return spec;
}

ChartSpec utilizationSpec()
{
    ChartSpec spec;
    spec.title = OverviewPage::tr("PTU utilization");
    spec.note = OverviewPage::tr("provisioned deployments; 429s at 100 %");
    spec.unit = Unit::Percent;
    spec.kind = ChartSpec::Kind::Lines;
    SeriesQuery q = metricQuery(QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"),
                                QStringLiteral("average"));
    q.combine = Combine::Max;
    spec.queries = {{q}};
    spec.threshold = 100.0;
    spec.thresholdLabel = OverviewPage::tr("100 % reserved");
    return spec;
}

} // namespace

struct OverviewPage::Private
{
    OverviewPage* q = nullptr;
    QPointer<SampleStore> store;
    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QComboBox* deploymentBox = nullptr;
    DeploymentFilterModel* deployments = nullptr;
    KpiModel* kpis = nullptr;
    QVector<KpiTile*> tiles;
    QVector<ChartModel*> models;
    QVector<TimeSeriesChart*> charts;
    QVector<QLabel*> emptyNotes; ///< per chart: shown instead of its axes when it has no data
    QWidget* body = nullptr;     ///< the KPI tiles and the charts
    QTimer advanceTimer;
    QTimer inventoryTimer;
    bool loadedEmitted = false;

    void applyRange(TimeRange range)
    {
        rangeLabel->setText(rangeLabelText(range));
        // The KPIs first: their second stage waits for a probe, which must not queue behind
        // the charts' reads and then behind their painting on this thread.
        kpis->setTimeRange(range);
        for (ChartModel* m : std::as_const(models))
            m->setTimeRange(range);
        emit q->timeRangeChanged(range);
    }

    void applyFilter()
    {
        const auto filter = deployments->labelFilter();
        kpis->setLabelFilter(filter); // first, as in applyRange()
        for (ChartModel* m : std::as_const(models))
            m->setLabelFilter(filter);
    }

    void refreshAll()
    {
        kpis->refresh(); // first, as in applyRange()
        for (ChartModel* m : std::as_const(models))
            m->refresh();
    }

    // An empty chart gives its card to a sentence naming what was filtered: axes with
    // nothing on them (or still scaled for the previous deployment) read as data.
    void updateEmptyNote(int i)
    {
        TimeSeriesChart* chart = charts[i];
        const bool empty = chart->state() == TimeSeriesChart::State::Empty;
        QString what = deployments->selected();
        if (what.isEmpty())
            what = OverviewPage::tr("any deployment");
        QString text = OverviewPage::tr("No data for %1 in this range").arg(what);
        const QModelIndex row = deployments->index(deployments->selectedRow());
        if (row.data(DeploymentFilterModel::SkuRole).toString() == QLatin1String("Ollama"))
            text += OverviewPage::tr(": Ollama reports which models are loaded, not their "
                                     "traffic (see Local servers)");
        else if (i == 3 && !deployments->selected().isEmpty() &&
                 !row.data(DeploymentFilterModel::ProvisionedRole).toBool())
            text +=
                OverviewPage::tr(": only provisioned (PTU) Azure deployments report utilization");
        emptyNotes[i]->setText(
            QStringLiteral("<b>%1</b><br>%2")
                .arg(models[i]->spec().title.toHtmlEscaped(), text.toHtmlEscaped()));
        emptyNotes[i]->setVisible(empty);
        chart->setVisible(!empty);
    }

    void updateTiles()
    {
        for (int i = 0; i < tiles.size(); ++i)
            tiles[i]->setFromIndex(kpis->index(i));
    }

    void checkLoaded()
    {
        if (loadedEmitted || !q->isLoaded())
            return;
        loadedEmitted = true;
        body->setUpdatesEnabled(true);
        emit q->loaded();
    }
};

OverviewPage::OverviewPage(SampleStore* store, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    setObjectName(QStringLiteral("OverviewPage"));
    setAccessibleName(tr("Overview"));
    setPageBackground(this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(12);

    // Header: title and range on the left, filters on the right.
    auto* header = new QHBoxLayout;
    header->setSpacing(12);
    auto* titleBox = new QVBoxLayout;
    titleBox->setSpacing(0);
    auto* title = new QLabel(tr("Overview"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    title->setAccessibleName(tr("Overview"));
    d->rangeLabel = new QLabel(this);
    watchTheme(d->rangeLabel, [label = d->rangeLabel] {
        label->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::MutedText)));
    });
    titleBox->addWidget(title);
    titleBox->addWidget(d->rangeLabel);
    header->addLayout(titleBox);
    header->addStretch(1);

    d->deployments = new DeploymentFilterModel(store, this);
    auto* deploymentLabel = new QLabel(tr("&Deployment:"), this);
    d->deploymentBox = new QComboBox(this);
    d->deploymentBox->setModel(d->deployments);
    d->deploymentBox->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    d->deploymentBox->setMinimumContentsLength(16);
    d->deploymentBox->setAccessibleName(tr("Deployment filter"));
    deploymentLabel->setBuddy(d->deploymentBox);
    header->addWidget(deploymentLabel);
    header->addWidget(d->deploymentBox);
    header->addSpacing(8);
    d->picker = new TimeRangePicker(this);
    header->addWidget(d->picker);
    layout->addLayout(header);

    // KPI tiles.
    d->kpis = new KpiModel(store, this);
    auto* kpiRow = new QHBoxLayout;
    kpiRow->setSpacing(10);
    for (int i = 0; i < d->kpis->rowCount(); ++i) {
        auto* tile = new KpiTile(this);
        tile->setFromIndex(d->kpis->index(i));
        d->tiles.push_back(tile);
        kpiRow->addWidget(tile);
    }
    // Tiles and charts live in one body whose first paint can wait for the data.
    d->body = new QWidget(this);
    auto* bodyLayout = new QVBoxLayout(d->body);
    bodyLayout->setContentsMargins(0, 0, 0, 0);
    bodyLayout->setSpacing(layout->spacing());
    bodyLayout->addLayout(kpiRow);

    // Charts, 2 x 2.
    auto* grid = new QGridLayout;
    grid->setSpacing(10);
    const ChartSpec specs[] = {tokensSpec(), requestsSpec(), latencySpec(), utilizationSpec()};
    int n = 0;
    for (const ChartSpec& spec : specs) {
        auto* model = new ChartModel(store, spec, this);
        auto* card = new QFrame(this);
        card->setObjectName(QStringLiteral("ChartCard"));
        watchTheme(card, [card] {
            card->setStyleSheet(
                QStringLiteral("#ChartCard { background: %1; border: 1px solid "
                               "%2; border-radius: 4px; }")
                    .arg(themeCss(ThemeColor::CardBackground), themeCss(ThemeColor::CardBorder)));
        });
        auto* cardLayout = new QVBoxLayout(card);
        cardLayout->setContentsMargins(4, 4, 4, 4);
        auto* chart = new TimeSeriesChart(model, card);
        cardLayout->addWidget(chart);
        auto* emptyNote = new QLabel(card);
        emptyNote->setObjectName(QStringLiteral("EmptyChartNote"));
        emptyNote->setAlignment(Qt::AlignCenter);
        emptyNote->setWordWrap(true);
        emptyNote->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Expanding);
        emptyNote->hide();
        watchTheme(emptyNote, [emptyNote] {
            emptyNote->setStyleSheet(
                QStringLiteral("color: %1;").arg(themeCss(ThemeColor::MutedText)));
        });
        cardLayout->addWidget(emptyNote);
        d->emptyNotes.push_back(emptyNote);
        connect(chart, &TimeSeriesChart::rendered, this, [this, n] { d->updateEmptyNote(n); });
        grid->addWidget(card, n / 2, n % 2);
        d->models.push_back(model);
        d->charts.push_back(chart);
        connect(model, &ChartModel::loaded, this, [this] { d->checkLoaded(); });
        ++n;
    }
    // Ten or more deployments and models: a bottom row would cut every name to "gpt-...".
    d->charts[0]->setLegendAlignment(Qt::AlignRight);
    TimeSeriesChart* requests = d->charts[1];
    // Series hues, not theme colours: the same on light and dark.
    requests->setColorHint(QStringLiteral("2xx"), kSeriesPalette[2]); // green
    requests->setColorHint(QStringLiteral("429"), kSeriesPalette[1]); // orange
    requests->setColorHint(QStringLiteral("4xx"), kSeriesPalette[6]); // purple
    requests->setColorHint(QStringLiteral("5xx"), kSeriesPalette[3]); // red
    requests->setColorHint(tr("Spillover"), kSeriesPalette[4]);       // teal
    grid->setRowStretch(0, 1);
    grid->setRowStretch(1, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    bodyLayout->addLayout(grid, 1);
    layout->addWidget(d->body, 1);

    connect(d->kpis, &KpiModel::dataChanged, this, [this] { d->updateTiles(); });
    connect(d->kpis, &KpiModel::loaded, this, [this] { d->checkLoaded(); });
    connect(d->picker, &TimeRangePicker::rangeChanged, this,
            [this](TimeRange r) { d->applyRange(r); });
    connect(d->deploymentBox, &QComboBox::activated, this,
            [this](int row) { d->deployments->setSelectedRow(row); });
    connect(d->deployments, &DeploymentFilterModel::selectedChanged, this, [this] {
        d->deploymentBox->setCurrentIndex(d->deployments->selectedRow());
        d->applyFilter();
    });
    // A reload resets the combo: put the selection back.
    connect(d->deployments, &DeploymentFilterModel::reloaded, this,
            [this] { d->deploymentBox->setCurrentIndex(d->deployments->selectedRow()); });

    // Live: new data refreshes (coalesced in the models); the clock slides the presets.
    d->inventoryTimer.setSingleShot(true);
    d->inventoryTimer.setInterval(kInventoryDelayMs);
    connect(&d->inventoryTimer, &QTimer::timeout, d->deployments, &DeploymentFilterModel::reload);
    if (store) {
        connect(store, &SampleStore::dataChanged, this, [this](const QString&, TimeRange window) {
            const TimeRange r = d->picker->range();
            if (window.isValid() && (window.to <= r.from - 2 * 3600 || window.from >= r.to))
                return; // the KPIs' comparison window reaches 2 h before the range
            d->refreshAll();
            if (!d->inventoryTimer.isActive())
                d->inventoryTimer.start();
        });
    }
    d->advanceTimer.setInterval(kAdvanceMs);
    connect(&d->advanceTimer, &QTimer::timeout, this, [this] {
        d->picker->advance();
        d->kpis->refresh();
    });
    d->advanceTimer.start();

    d->deployments->reload();
    d->applyRange(d->picker->range());
    d->applyFilter();

    // The body's first paint waits for the first data (at most kFirstPaintWaitMs, then the
    // charts say "Loading…"); the header and the page's background paint at once. Four empty
    // charts painted only to be painted again a few tens of ms later cost start-up as much as
    // painting them with their data, and each chart's result arriving on its own would repaint
    // the body once per chart.
    d->body->setUpdatesEnabled(false);
    QTimer::singleShot(kFirstPaintWaitMs, d->body,
                       [body = d->body] { body->setUpdatesEnabled(true); });
}

OverviewPage::~OverviewPage() = default;

void OverviewPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange OverviewPage::timeRange() const
{
    return d->picker->range();
}

void OverviewPage::setDeployment(const QString& name)
{
    d->deployments->setSelected(name);
}

QString OverviewPage::deployment() const
{
    return d->deployments->selected();
}

bool OverviewPage::isLoaded() const
{
    for (ChartModel* m : d->models) {
        if (!m->isLoaded())
            return false;
    }
    return d->kpis->isLoaded();
}

void OverviewPage::refresh()
{
    d->refreshAll();
}

QByteArray OverviewPage::saveState() const
{
    QByteArray bytes;
    QDataStream out(&bytes, QIODevice::WriteOnly);
    out << kStateMagic << qint32(d->picker->preset()) << d->picker->range().from
        << d->picker->range().to << d->deployments->selected();
    return bytes;
}

bool OverviewPage::restoreState(const QByteArray& state)
{
    QDataStream in(state);
    quint32 magic = 0;
    qint32 preset = 0;
    TimeRange range;
    QString deployment;
    in >> magic >> preset >> range.from >> range.to >> deployment;
    if (in.status() != QDataStream::Ok || magic != kStateMagic || preset < 0 ||
        preset > int(TimeRangePicker::Preset::Custom))
        return false;
    if (TimeRangePicker::Preset(preset) == TimeRangePicker::Preset::Custom)
        d->picker->setCustomRange(range);
    else
        d->picker->setPreset(TimeRangePicker::Preset(preset));
    setDeployment(deployment);
    return true;
}

TimeRangePicker* OverviewPage::rangePicker() const
{
    return d->picker;
}

KpiModel* OverviewPage::kpiModel() const
{
    return d->kpis;
}

DeploymentFilterModel* OverviewPage::deploymentModel() const
{
    return d->deployments;
}

QVector<TimeSeriesChart*> OverviewPage::charts() const
{
    return d->charts;
}

QVector<ChartModel*> OverviewPage::chartModels() const
{
    return d->models;
}

QString OverviewPage::emptyChartText(int chart) const
{
    const QLabel* note = d->emptyNotes.value(chart);
    return note && !note->isHidden() ? note->text() : QString();
}

} // namespace isc
