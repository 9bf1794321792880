#include "localserverspage.h"

#include "charts/timeserieschart.h"
#include "core/refreshthrottle.h"
#include "itemmodels/chartmodel.h"
#include "itemmodels/costtablemodel.h"
#include "kit/card.h"
#include "kit/exportmenu.h"
#include "kit/fittableview.h"
#include "kit/kpitile.h"
#include "kit/pageheader.h"
#include "kit/pagerange.h"
#include "reports/localserversreport.h"
#include "store/samplestore.h"
#include "store/storejobs.h"
#include "theme/theme.h"
#include "timerangepicker.h"

#include <QDateTime>
#include <QHBoxLayout>
#include <QHash>
#include <QLabel>
#include <QPointer>
#include <QVBoxLayout>
#include <algorithm>

namespace isc {
namespace {

const QString kModelKey = QStringLiteral("ModelDeploymentName");

SeriesQuery perModel(const QString& metric, const QString& aggregation)
{
    SeriesQuery q;
    q.metric = metric;
    q.aggregation = aggregation;
    q.groupBy = kModelKey;
    q.reduce = Reduce::Avg; // per-minute values at every zoom level
    return q;
}

// Gauges in steps of at least 5 minutes: a gauge has a value only in the minutes a scrape
// landed (every 10 minutes in a backfilled demo history), which per minute draws as dots.
SeriesQuery gauge(const QString& metric)
{
    SeriesQuery q = perModel(metric, QStringLiteral("average"));
    q.step = 300;
    return q;
}

// `query` once per local source: other sources (OpenAI, Anthropic) write OutputTokens too.
QVector<ChartQuery> perSource(const ChartQuery& query, const QStringList& sources)
{
    QVector<ChartQuery> out;
    for (const QString& source : sources) {
        ChartQuery q = query;
        q.query.source = source;
        out.append(q);
    }
    return out;
}

ChartSpec requestsSpec(const QStringList& sources)
{
    ChartSpec spec;
    spec.title = LocalServersPage::tr("Running and waiting requests");
    spec.note = LocalServersPage::tr("dashed: waiting");
    spec.unit = Unit::Requests;
    spec.queries =
        perSource({gauge(QStringLiteral("RequestsRunning")), LocalServersPage::tr("%1 · running")},
                  sources) +
        perSource(
            {gauge(QStringLiteral("RequestsWaiting")), LocalServersPage::tr("%1 · waiting"), true},
            sources);
    return spec;
}

ChartSpec kvCacheSpec(const QStringList& sources)
{
    ChartSpec spec;
    spec.title = LocalServersPage::tr("KV-cache use");
    spec.note = LocalServersPage::tr("vLLM");
    spec.unit = Unit::Percent;
    SeriesQuery q = gauge(QStringLiteral("KvCacheUsagePercent"));
    q.combine = Combine::Mean;
    spec.queries = perSource({q}, sources);
    spec.threshold = 100.0;
    spec.thresholdLabel = LocalServersPage::tr("full");
    return spec;
}

ChartSpec tokensSpec(const QStringList& sources)
{
    ChartSpec spec;
    spec.title = LocalServersPage::tr("Output tokens per second");
    spec.note = LocalServersPage::tr("per model");
    spec.unit = Unit::TokensPerSecond;
    ChartQuery q{perModel(QStringLiteral("OutputTokens"), QStringLiteral("total"))};
    q.scale = 1.0 / 60; // stored per minute
    spec.queries = perSource(q, sources);
    return spec;
}

QStringList localSources(const Workspace& ws)
{
    QStringList out;
    for (const Connection& c : ws.connections) {
        if (LocalServersQuery::isLocal(c))
            out << c.id;
    }
    return out;
}

} // namespace

struct LocalServersPage::Private
{
    LocalServersPage* q = nullptr;
    QPointer<SampleStore> store;
    Workspace workspace;
    QHash<QString, SourceHealth> health;
    std::function<qint64()> clock;

    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QLabel* banner = nullptr;
    QVector<KpiTile*> tiles;
    CostTableModel* servers = nullptr;
    CostTableModel* models = nullptr;
    FitTableView* serversView = nullptr;
    FitTableView* modelsView = nullptr;
    QLabel* serversNote = nullptr;
    QLabel* modelsNote = nullptr;
    QVector<ChartModel*> chartModels;
    QVector<TimeSeriesChart*> charts;
    QWidget* content = nullptr;
    QHBoxLayout* chartRow = nullptr;
    QStringList chartSources; ///< the local connections the charts read
    bool chartsBuilt = false;
    RefreshThrottle* throttle = nullptr;

    LocalServersResult result;
    LocalServersReport report;
    bool loaded = false;
    bool announce = false; ///< a report landed; loaded() waits for the charts' reads too
    StoreJobs jobs;        ///< last: cancelled first when the page goes

    qint64 now() const { return clock ? clock() : QDateTime::currentSecsSinceEpoch(); }

    void runNow()
    {
        LocalServersRequest req;
        req.range = picker->range();
        req.connections = workspace.connections;
        jobs.run(
            store, QStringLiteral("local-servers"),
            [req](StoreBackend& db, const JobToken& token) {
                return LocalServersQuery::run(db, req, token);
            },
            [this](const LocalServersResult& r) {
                result = r;
                show();
                loaded = true;
                announce = true;
                checkLoaded();
            });
        for (ChartModel* m : std::as_const(chartModels))
            m->refreshNow(); // already coalesced by the page's throttle
    }

    // The charts read each local connection by id: rebuilt when they change.
    void buildCharts()
    {
        const QStringList sources = localSources(workspace);
        if (chartsBuilt && sources == chartSources)
            return;
        chartSources = sources;
        while (QLayoutItem* item = chartRow->takeAt(0)) {
            delete item->widget();
            delete item;
        }
        qDeleteAll(chartModels);
        chartModels.clear();
        charts.clear();
        for (const ChartSpec& spec :
             {requestsSpec(sources), kvCacheSpec(sources), tokensSpec(sources)}) {
            auto* model = new ChartModel(store, spec, q);
            model->setTimeRange(picker->range());
            Card* card = new Card(content, {4, 4, 4, 4}, 0);
            auto* chart = new TimeSeriesChart(model, card);
            chart->setMinimumHeight(260);
            card->body()->addWidget(chart);
            chartRow->addWidget(card, 1);
            chartModels.append(model);
            charts.append(chart);
            QObject::connect(model, &ChartModel::loadingChanged, q, [this] { checkLoaded(); });
            if (chartsBuilt)
                installExportMenus(card); // the window installed those of the first ones
        }
        chartsBuilt = true;
    }

    void checkLoaded()
    {
        for (ChartModel* m : std::as_const(chartModels)) {
            // Without a local connection a chart has no query, and nothing to wait for.
            if (!m->spec().queries.isEmpty() && (m->isLoading() || !m->isLoaded()))
                return;
        }
        if (!announce)
            return;
        announce = false;
        emit q->loaded();
    }

    // Words again from the last result: health changes between two reads show at once.
    void show()
    {
        LocalServersReportInput in;
        in.result = result;
        in.connections = workspace.connections;
        in.health = health;
        in.nowUtc = now();
        report = LocalServersReport::build(in);
        for (int i = 0; i < tiles.size() && i < report.tiles.size(); ++i)
            tiles[i]->setFigure(report.tiles[i]);
        servers->setTable(report.table.headers, report.table.rows);
        serversView->fit();
        models->setTable(report.models.headers, report.models.rows);
        modelsView->setVisible(!report.models.isEmpty());
        modelsView->fit();
        serversNote->setText((report.error.isEmpty() ? report.note : report.error)
                                 .toHtmlEscaped()
                                 .replace(QLatin1Char('\n'), QLatin1String("<br>")));
        modelsNote->setText(
            report.models.isEmpty()
                ? LocalServersPage::tr("No model seen in this range.")
                : LocalServersPage::tr("VRAM comes from Ollama's /api/ps; vLLM, llama.cpp and "
                                       "TGI say nothing of memory in their metrics."));
        QStringList down;
        for (const LocalServerStatus& s : std::as_const(report.servers)) {
            if (!s.up && !s.lastError.isEmpty())
                down << LocalServersPage::tr("%1: %2 — %3").arg(s.name, s.status, s.lastError);
        }
        Card::showBanner(banner, down.join(QLatin1Char('\n')), !down.isEmpty());
    }
};

LocalServersPage::LocalServersPage(SampleStore* store, Workspace workspace, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    setObjectName(QStringLiteral("LocalServersPage"));
    setAccessibleName(tr("Local servers"));
    setPageBackground(this);

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(16, 12, 16, 8);
    outer->setSpacing(8);
    auto* header = new PageHeader(tr("Local servers"), this);
    d->rangeLabel = header->addSubtitle();
    d->picker = header->addRangePicker();
    outer->addWidget(header);

    QVBoxLayout* column = addScrollingColumn(this, outer);
    QWidget* content = column->parentWidget(); // the cards' parent

    auto* tileRow = new QHBoxLayout;
    tileRow->setSpacing(10);
    for (int i = 0; i < 6; ++i) {
        auto* tile = new KpiTile(content);
        d->tiles.append(tile);
        tileRow->addWidget(tile);
    }
    column->addLayout(tileRow);

    auto card = [content] { return new Card(content, {8, 6, 8, 8}, 4); };
    constexpr int kHeadingPx = 13;
    Card* serversCard = card();
    serversCard->addHeading(tr("Servers"), kHeadingPx);
    d->banner = serversCard->addBanner();
    d->servers = new CostTableModel(this);
    d->serversView = new FitTableView(d->servers, 10, serversCard);
    d->serversView->setAccessibleName(tr("Local servers"));
    serversCard->body()->addWidget(d->serversView);
    d->serversNote = serversCard->addNote();
    column->addWidget(serversCard);

    // The three charts side by side: one glance at load, memory pressure and throughput.
    d->content = content;
    d->chartRow = new QHBoxLayout;
    d->chartRow->setSpacing(10);
    column->addLayout(d->chartRow);

    Card* modelsCard = card();
    modelsCard->addHeading(tr("Models served and loaded"), kHeadingPx);
    d->models = new CostTableModel(this);
    d->modelsView = new FitTableView(d->models, 10, modelsCard);
    d->modelsView->setAccessibleName(tr("Models served and loaded"));
    modelsCard->body()->addWidget(d->modelsView);
    d->modelsNote = modelsCard->addNote();
    column->addWidget(modelsCard);
    column->addStretch(1);

    d->throttle = new RefreshThrottle([this] { d->runNow(); }, 2000, this);
    connect(d->picker, &TimeRangePicker::rangeChanged, this, [this](TimeRange r) {
        d->rangeLabel->setText(rangeLabelText(r));
        for (ChartModel* m : std::as_const(d->chartModels))
            m->setTimeRange(r);
        refresh();
    });
    followRange(this, d->picker, store, RangeReach::Range, [this] { refresh(); });

    setWorkspace(workspace);
    emit d->picker->rangeChanged(d->picker->range());
}

LocalServersPage::~LocalServersPage() = default;

void LocalServersPage::setWorkspace(const Workspace& workspace)
{
    d->workspace = workspace;
    d->buildCharts();
    refresh();
}

void LocalServersPage::setHealth(const SourceHealth& health)
{
    const bool local =
        std::any_of(d->workspace.connections.cbegin(), d->workspace.connections.cend(),
                    [&](const Connection& c) {
                        return c.id == health.source && LocalServersQuery::isLocal(c);
                    });
    if (!local)
        return;
    d->health.insert(health.source, health);
    if (d->loaded)
        d->show();
}

void LocalServersPage::clearHealth()
{
    d->health.clear();
    if (d->loaded)
        d->show();
}

void LocalServersPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange LocalServersPage::timeRange() const
{
    return d->picker->range();
}

void LocalServersPage::setClock(std::function<qint64()> nowUtc)
{
    d->clock = nowUtc;
    d->picker->setClock(std::move(nowUtc));
}

bool LocalServersPage::isLoaded() const
{
    return d->loaded;
}

const LocalServersReport& LocalServersPage::report() const
{
    return d->report;
}

TimeRangePicker* LocalServersPage::rangePicker() const
{
    return d->picker;
}

CostTableModel* LocalServersPage::serversModel() const
{
    return d->servers;
}

CostTableModel* LocalServersPage::modelsModel() const
{
    return d->models;
}

QVector<KpiTile*> LocalServersPage::tiles() const
{
    return d->tiles;
}

QVector<TimeSeriesChart*> LocalServersPage::charts() const
{
    return d->charts;
}

QVector<ChartModel*> LocalServersPage::chartModels() const
{
    return d->chartModels;
}

QString LocalServersPage::bannerText() const
{
    return d->banner->isHidden() ? QString() : d->banner->text();
}

QString LocalServersPage::noteText() const
{
    return d->serversNote->text();
}

void LocalServersPage::refresh()
{
    d->throttle->request();
}

} // namespace isc
