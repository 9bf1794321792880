#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "emulator/trafficmodel.h"
#include "itemmodels/chartmodel.h"
#include "itemmodels/deploymentfiltermodel.h"
#include "itemmodels/kpimodel.h"
#include "kit/kpitile.h"
#include "pages/overviewpage.h"
#include "store/samplestore.h"
#include "timerangepicker.h"

#include <QDir>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

constexpr qint64 kHour = 3600;
const QString kSource = QStringLiteral("demo");

SeriesSamples series(const QString& metric, const QString& aggregation, const QList<Label>& labels,
                     qint64 from, qint64 to, const std::function<double(qint64)>& value)
{
    SeriesSamples s;
    s.key = {kSource, metric, aggregation, labels::canonical(labels)};
    for (qint64 ts = from; ts < to; ts += 60) {
        const double v = value(ts);
        if (!std::isnan(v))
            s.samples.push_back({ts, v});
    }
    return s;
}

QList<Label> requestLabels(const QString& dep, const QString& status, bool spill)
{
    return {
        {QStringLiteral("ModelDeploymentName"), dep},
        {QStringLiteral("StatusCode"), status},
        {QStringLiteral("IsSpillover"), spill ? QStringLiteral("True") : QStringLiteral("False")}};
}

QList<Label> dep(const QString& name)
{
    return {{QStringLiteral("ModelDeploymentName"), name}};
}

/// Three hours of hand-made data ending at t0 (see the KPI expectations below): the newest
/// hour [t0-1h, t0) is "current", the one before it "previous".
PollBatch knownData(qint64 t0)
{
    const qint64 from = t0 - 3 * kHour;
    const qint64 cur = t0 - kHour;
    const double nan = std::nan("");
    const QString ptu = QStringLiteral("gpt-4o-ptu");
    const QString mini = QStringLiteral("gpt-4o-mini");
    auto inCur = [cur](qint64 ts) { return ts >= cur; };
    PollBatch b;
    b.source = kSource;
    b.window = {from, t0};
    const QString req = QStringLiteral("AzureOpenAIRequests");
    const QString total = QStringLiteral("total");
    const QString avg = QStringLiteral("average");
    b.series = {
        series(req, total, requestLabels(ptu, "200", false), from, t0,
               [&](qint64 ts) { return inCur(ts) ? 100.0 : 80.0; }),
        series(req, total, requestLabels(ptu, "429", false), from, t0,
               [&](qint64 ts) { return inCur(ts) ? 5.0 : nan; }),
        series(req, total, requestLabels(mini, "200", false), from, t0,
               [&](qint64) { return 50.0; }),
        series(req, total, requestLabels(mini, "200", true), from, t0,
               [&](qint64 ts) { return inCur(ts) ? 5.0 : nan; }),
        series(QStringLiteral("ProcessedPromptTokens"), total, dep(ptu), from, t0,
               [](qint64) { return 1000.0; }),
        series(QStringLiteral("ProcessedPromptTokens"), total, dep(mini), from, t0,
               [](qint64) { return 500.0; }),
        series(QStringLiteral("GeneratedTokens"), total, dep(ptu), from, t0,
               [](qint64) { return 200.0; }),
        series(QStringLiteral("GeneratedTokens"), total, dep(mini), from, t0,
               [](qint64) { return 100.0; }),
        series(QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"), avg, dep(ptu), from,
               t0, [&](qint64 ts) { return ts == t0 - 60 ? 97.0
                                           : inCur(ts)   ? 90.0
                                                         : 70.0; }),
        series(QStringLiteral("AzureOpenAINormalizedTTFTInMS"), avg, dep(ptu), from, t0,
               [&](qint64 ts) { return inCur(ts) ? 200.0 : 100.0; }),
        series(QStringLiteral("AzureOpenAINormalizedTTFTInMS"), avg, dep(mini), from, t0,
               [](qint64) { return 100.0; }),
        series(QStringLiteral("AzureOpenAITTLTInMS"), avg, dep(ptu), from, t0,
               [](qint64) { return 1000.0; }),
        series(QStringLiteral("AzureOpenAITTLTInMS"), avg, dep(mini), from, t0,
               [](qint64) { return 800.0; }),
    };
    return b;
}

Deployments knownDeployments()
{
    Deployment ptu{kSource,
                   QStringLiteral("gpt-4o-ptu"),
                   QStringLiteral("gpt-4o"),
                   QStringLiteral("2024-11-20"),
                   QStringLiteral("ProvisionedManaged"),
                   100,
                   QStringLiteral("gpt-4o-mini"),
                   QStringLiteral("Succeeded"),
                   QStringLiteral("NoAutoUpgrade")};
    Deployment mini{kSource,
                    QStringLiteral("gpt-4o-mini"),
                    QStringLiteral("gpt-4o-mini"),
                    QStringLiteral("2024-07-18"),
                    QStringLiteral("GlobalStandard"),
                    500,
                    {},
                    QStringLiteral("Succeeded"),
                    QStringLiteral("OnceNewDefaultVersionAvailable")};
    return {ptu, mini};
}

/// The demo fleet's traffic over [from, to), as the Azure source would store it.
PollBatch fleetData(qint64 from, qint64 to)
{
    const emu::TrafficModel traffic(42);
    PollBatch b;
    b.source = kSource;
    b.window = {from, to};
    const QString req = QStringLiteral("AzureOpenAIRequests");
    const QString total = QStringLiteral("total");
    const QString avg = QStringLiteral("average");
    for (const auto& f : traffic.fleet()) {
        auto at = [&](qint64 ts) { return traffic.at(f.name, ts); };
        auto add = [&](const QString& metric, const QString& aggregation, QList<Label> labels,
                       std::function<double(const emu::MinuteTraffic&)> v) {
            b.series.push_back(series(metric, aggregation, labels, from, to, [&](qint64 ts) {
                const double x = v(at(ts));
                return x < 0 ? std::nan("") : x;
            }));
        };
        add(req, total, requestLabels(f.name, "200", false), [](auto& t) { return t.requests2xx; });
        add(req, total, requestLabels(f.name, "429", false), [](auto& t) { return t.requests429; });
        add(req, total, requestLabels(f.name, "500", false), [](auto& t) { return t.requests5xx; });
        add(req, total, requestLabels(f.name, "200", true),
            [](auto& t) { return t.spilloverRequests; });
        add(QStringLiteral("ProcessedPromptTokens"), total, dep(f.name),
            [](auto& t) { return t.promptTokens; });
        add(QStringLiteral("GeneratedTokens"), total, dep(f.name),
            [](auto& t) { return t.generatedTokens; });
        add(QStringLiteral("AzureOpenAINormalizedTTFTInMS"), avg, dep(f.name),
            [](auto& t) { return t.ttftMsAvg; });
        add(QStringLiteral("AzureOpenAITTLTInMS"), avg, dep(f.name),
            [](auto& t) { return t.ttltMsAvg; });
        add(QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"), avg, dep(f.name),
            [](auto& t) { return t.utilizationPct; });
    }
    return b;
}

const QString kLocalModel = QStringLiteral("meta-llama/Llama-3.1-8B-Instruct");
const QString kOllamaModel = QStringLiteral("llama3.2:3b");

/// A vLLM and an Ollama over [from, to), stored as their sources store them: normalised
/// metric names (Requests, InputTokensUncached, OutputTokens, TtftMs p50; Ollama only
/// ModelLoaded and its memory) under the same ModelDeploymentName label as Azure's.
PollBatch localData(const QString& source, qint64 from, qint64 to)
{
    PollBatch b;
    b.source = source;
    b.window = {from, to};
    auto add = [&](const QString& metric, const QString& aggregation, const QString& model,
                   double value) {
        SeriesSamples s =
            series(metric, aggregation, dep(model), from, to, [value](qint64) { return value; });
        s.key.source = source;
        b.series.push_back(s);
    };
    add(QStringLiteral("Requests"), QStringLiteral("total"), kLocalModel, 30);
    add(QStringLiteral("InputTokensUncached"), QStringLiteral("total"), kLocalModel, 600);
    add(QStringLiteral("InputTokensCached"), QStringLiteral("total"), kLocalModel, 400);
    add(QStringLiteral("OutputTokens"), QStringLiteral("total"), kLocalModel, 250);
    add(QStringLiteral("TtftMs"), QStringLiteral("p50"), kLocalModel, 80);
    add(QStringLiteral("RequestsRunning"), QStringLiteral("average"), kLocalModel, 7);
    add(QStringLiteral("ModelLoaded"), QStringLiteral("average"), kOllamaModel, 1);
    add(QStringLiteral("ModelVramBytes"), QStringLiteral("average"), kOllamaModel, 3e9);
    return b;
}

QStringList seriesCounts(const OverviewPage& page)
{
    QStringList out;
    for (auto* chart : page.charts())
        out << QString::number(chart->seriesCount());
    return out;
}

} // namespace

class tst_OverviewPage : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore* m_store = nullptr;
    qint64 m_t0 = 0;

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_store = new SampleStore(this);
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("overview.sqlite"))).result().usable());
        m_t0 = floorTo(nowUtc(), kHour) - kHour;
        QVERIFY(m_store->write(knownData(m_t0)).result().ok);
        m_store->saveDeployments(kSource, knownDeployments()).waitForFinished();
    }

    void loadsWithKnownData()
    {
        OverviewPage page(m_store);
        page.resize(1440, 900);
        QSignalSpy loaded(&page, &OverviewPage::loaded);
        page.setTimeRange({m_t0 - 6 * kHour, m_t0});
        QVERIFY(loaded.wait(10000));
        QVERIFY(page.isLoaded());
        QCOMPARE(loaded.count(), 1);

        QCOMPARE(page.charts().size(), 4);
        QCOMPARE(seriesCounts(page), QStringList({"2", "3", "4", "1"}));
        QCOMPARE(page.charts()[1]->seriesNames(), QStringList({"2xx", "429", "Spillover"}));
        QVERIFY(page.charts()[3]->hasThreshold());
        QCOMPARE(page.charts()[0]->valueAxisTitle(), QStringLiteral("tokens/min"));
        QCOMPARE(page.charts()[1]->valueAxisTitle(), QStringLiteral("requests/min"));
        QCOMPARE(page.charts()[2]->valueAxisTitle(), QStringLiteral("ms"));
        QCOMPARE(page.charts()[3]->valueAxisTitle(), QStringLiteral("%"));
        // Stacked tokens: 1000 + 500 prompt + 200 + 100 generated per minute.
        QVERIFY(page.charts()[0]->axisRange().yMax >= 1800);
        // A deployment has one colour on every chart (tokens, latency, PTU).
        const QString ptu = page.charts()[3]->seriesNames().value(0);
        QVERIFY(page.charts()[0]->seriesNames().contains(ptu));
        QCOMPARE(page.charts()[0]->seriesColor(ptu), page.charts()[3]->seriesColor(ptu));
        QVERIFY(page.charts()[0]->seriesColor(ptu).isValid());

        // KPIs by hand: current hour vs previous hour, "now" = t0 - 1 min.
        const KpiModel* k = page.kpiModel();
        QCOMPARE(k->nowMinute(), m_t0 - 60);
        QCOMPARE(k->value(KpiModel::RequestsPerMin), 160.0);
        QCOMPARE(k->value(KpiModel::TokensPerMin), 1800.0);
        QCOMPARE(k->value(KpiModel::PtuUtilization), 97.0);
        QCOMPARE(k->value(KpiModel::ThrottledShare), 5.0 / 160.0 * 100.0);
        QCOMPARE(k->value(KpiModel::TtftAvg), 150.0);
        const QModelIndex req = k->index(KpiModel::RequestsPerMin);
        QCOMPARE(req.data(KpiModel::TextRole).toString(), QStringLiteral("160 requests/min"));
        QCOMPARE(req.data(KpiModel::TrendTextRole).toString(),
                 QStringLiteral("+23 % vs previous hour"));
        QCOMPARE(k->index(KpiModel::PtuUtilization).data(KpiModel::TrendTextRole).toString(),
                 QStringLiteral("+27.0 pts vs 1 h earlier"));
        QCOMPARE(k->index(KpiModel::TtftAvg).data(KpiModel::TrendSentimentRole).toInt(), -1);
    }

    // The tiles and charts are not painted before their first data (one paint instead of an
    // empty one and one per arriving chart); the header is.
    void bodyPaintsOnceLoaded()
    {
        OverviewPage page(m_store);
        page.resize(1440, 900);
        const QList<KpiTile*> tiles = page.findChildren<KpiTile*>();
        QVERIFY(!tiles.isEmpty());
        QWidget* body = tiles.first()->parentWidget();
        QVERIFY(body && body != &page);
        QVERIFY(body->isAncestorOf(page.charts().first()));
        QSignalSpy loaded(&page, &OverviewPage::loaded);
        page.setTimeRange({m_t0 - 6 * kHour, m_t0});
        QVERIFY(page.updatesEnabled());
        QVERIFY(!body->updatesEnabled());
        QVERIFY(loaded.wait(10000));
        QVERIFY(body->updatesEnabled());

        // Without a store nothing ever loads: the body paints after the wait ("Loading...").
        OverviewPage empty(nullptr);
        QWidget* emptyBody = empty.findChildren<KpiTile*>().first()->parentWidget();
        QVERIFY(!emptyBody->updatesEnabled());
        QTRY_VERIFY_WITH_TIMEOUT(emptyBody->updatesEnabled(), 5000);
        QVERIFY(!empty.isLoaded());
    }

    void deploymentFilter()
    {
        OverviewPage page(m_store);
        page.resize(1440, 900);
        QSignalSpy loaded(&page, &OverviewPage::loaded);
        page.setTimeRange({m_t0 - 6 * kHour, m_t0});
        page.setDeployment(QStringLiteral("gpt-4o-mini"));
        QVERIFY(loaded.wait(10000));
        QTRY_COMPARE(page.deploymentModel()->rowCount(), 3); // "All" + two deployments
        QCOMPARE(page.deployment(), QStringLiteral("gpt-4o-mini"));
        QCOMPARE(seriesCounts(page), QStringList({"1", "2", "2", "0"}));
        QCOMPARE(page.charts()[3]->state(), TimeSeriesChart::State::Empty);
        QCOMPARE(page.kpiModel()->value(KpiModel::RequestsPerMin), 55.0);
        QVERIFY(std::isnan(page.kpiModel()->value(KpiModel::PtuUtilization)));
    }

    // Filtered to a local model, the Overview shows what its server stored (under the
    // normalised names), and a chart with nothing for it says so instead of showing axes.
    void localModelFilter()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("local.sqlite"))).result().usable());
        QVERIFY(store.write(knownData(m_t0)).result().ok);
        store.saveDeployments(kSource, knownDeployments()).waitForFinished();
        const QString local = QStringLiteral("local-vllm");
        QVERIFY(store.write(localData(local, m_t0 - 3 * kHour, m_t0)).result().ok);
        Deployment vllm, ollama;
        vllm.source = ollama.source = local;
        vllm.name = vllm.model = kLocalModel;
        vllm.sku = QStringLiteral("vLLM");
        ollama.name = kOllamaModel;
        ollama.model = QStringLiteral("llama");
        ollama.sku = QStringLiteral("Ollama");
        store.saveDeployments(local, {vllm, ollama}).waitForFinished();

        OverviewPage page(&store);
        page.resize(1440, 900);
        QSignalSpy loaded(&page, &OverviewPage::loaded);
        page.setTimeRange({m_t0 - 6 * kHour, m_t0});
        QVERIFY(loaded.wait(10000));
        // Unfiltered, the PTU chart has the provisioned deployment's utilization.
        QCOMPARE(page.charts()[3]->seriesCount(), 1);
        QVERIFY(page.charts()[3]->axisRange().yMax >= 97);

        auto settle = [&page] {
            for (int i = 0; i < page.charts().size(); ++i) {
                if (page.chartModels()[i]->isLoading() || page.kpiModel()->isLoading())
                    return false;
            }
            return true;
        };
        QSignalSpy rendered(page.charts()[3], &TimeSeriesChart::rendered);
        page.setDeployment(kLocalModel);
        QTRY_VERIFY(rendered.count() > 0 && settle());
        QTRY_COMPARE(page.chartModels()[0]->labelFilter().value("ModelDeploymentName"),
                     kLocalModel);
        QCOMPARE(page.charts()[0]->seriesNames(), QStringList{kLocalModel});
        QCOMPARE(page.charts()[1]->seriesNames(), QStringList{QStringLiteral("Other providers")});
        QCOMPARE(page.charts()[2]->seriesNames(), QStringList{kLocalModel + " · TTFT p50"});
        // Tokens stack uncached, cached and output per minute (the chart's step may be coarser:
        // averaged per minute, so the same).
        const QVector<QPointF> tokens = page.charts()[0]->seriesPoints(kLocalModel);
        QVERIFY(!tokens.isEmpty());
        QCOMPARE(tokens.last().y(), 600.0 + 400.0 + 250.0);
        QCOMPARE(page.charts()[2]->seriesPoints(kLocalModel + " · TTFT p50").last().y(), 80.0);
        // The PTU chart has nothing for it: no axes scaled for the PTU deployment, a sentence.
        QCOMPARE(page.charts()[3]->state(), TimeSeriesChart::State::Empty);
        QVERIFY(page.charts()[3]->isHidden());
        QVERIFY2(page.emptyChartText(3).contains("No data for " + kLocalModel + " in this range"),
                 qPrintable(page.emptyChartText(3)));
        QVERIFY(page.emptyChartText(3).contains(QLatin1String("provisioned")));
        QVERIFY(page.emptyChartText(0).isEmpty());
        QVERIFY(!page.charts()[0]->isHidden());
        // The KPIs read the local server too.
        const KpiModel* k = page.kpiModel();
        QCOMPARE(k->value(KpiModel::RequestsPerMin), 30.0);
        QCOMPARE(k->value(KpiModel::TokensPerMin), 600.0 + 400.0 + 250.0);
        QCOMPARE(k->value(KpiModel::TtftAvg), 80.0);
        QVERIFY(std::isnan(k->value(KpiModel::PtuUtilization)));
        const QString shots = qEnvironmentVariable("INFERSCOPE_SCREENSHOT_DIR");
        if (!shots.isEmpty())
            QVERIFY(page.grab().save(QDir(shots).filePath(QStringLiteral("overview-vllm.png"))));

        // An Ollama model has no traffic figures: every chart says so, none keeps its axes.
        page.setDeployment(kOllamaModel);
        QTRY_COMPARE(page.chartModels()[0]->labelFilter().value("ModelDeploymentName"),
                     kOllamaModel);
        QTRY_VERIFY(settle() && page.charts()[0]->state() == TimeSeriesChart::State::Empty);
        for (int i = 0; i < page.charts().size(); ++i) {
            QTRY_COMPARE(page.charts()[i]->state(), TimeSeriesChart::State::Empty);
            QTRY_VERIFY(page.charts()[i]->isHidden());
            QVERIFY(page.emptyChartText(i).contains("No data for " + kOllamaModel));
            QVERIFY(page.emptyChartText(i).contains(QLatin1String("Local servers")));
            QCOMPARE(page.charts()[i]->seriesCount(), 0);
        }
        // Not scaled for the vLLM model's 1,250 tokens/min any more.
        QVERIFY2(page.charts()[0]->axisRange().yMax < 100,
                 qPrintable(QString::number(page.charts()[0]->axisRange().yMax)));
        QVERIFY(std::isnan(k->value(KpiModel::RequestsPerMin)));
        if (!shots.isEmpty())
            QVERIFY(page.grab().save(QDir(shots).filePath(QStringLiteral("overview-ollama.png"))));

        // Back to all: the charts come back with their data.
        page.setDeployment(QString());
        QTRY_VERIFY(settle() && !page.charts()[3]->isHidden());
        QTRY_COMPARE(page.charts()[3]->seriesCount(), 1);
        QVERIFY(page.emptyChartText(3).isEmpty());
    }

    void saveAndRestoreState()
    {
        OverviewPage page(m_store);
        page.setTimeRange({m_t0 - 6 * kHour, m_t0});
        page.setDeployment(QStringLiteral("gpt-4o-ptu"));
        const QByteArray state = page.saveState();
        OverviewPage other(m_store);
        QVERIFY(other.restoreState(state));
        QCOMPARE(other.timeRange(), page.timeRange());
        QCOMPARE(other.deployment(), QStringLiteral("gpt-4o-ptu"));
        QCOMPARE(other.rangePicker()->preset(), TimeRangePicker::Preset::Custom);
        QVERIFY(!other.restoreState(QByteArray("nonsense")));
    }

    void refreshesOnNewData()
    {
        OverviewPage page(m_store);
        QSignalSpy loaded(&page, &OverviewPage::loaded);
        page.setTimeRange({m_t0 - 6 * kHour, m_t0 + kHour});
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.charts()[0]->seriesCount(), 2);
        QSignalSpy changed(page.chartModels()[0], &ChartModel::changed);
        PollBatch more;
        more.source = kSource;
        more.window = {m_t0, m_t0 + 600};
        more.series = {series(QStringLiteral("GeneratedTokens"), QStringLiteral("total"),
                              dep(QStringLiteral("gpt-4o-new")), m_t0, m_t0 + 600,
                              [](qint64) { return 10.0; })};
        QVERIFY(m_store->write(more).result().ok);
        QTRY_COMPARE(page.charts()[0]->seriesCount(), 3);
    }

    // The demo fleet over 24 h: what users see first. Set INFERSCOPE_SCREENSHOT_DIR to keep a PNG.
    void demoFleet()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("fleet.sqlite"))).result().usable());
        const qint64 to = floorTo(nowUtc(), 300);
        QVERIFY(store.write(fleetData(to - 26 * kHour, to - 2 * 60)).result().ok);
        OverviewPage page(&store);
        page.resize(1440, 900);
        QSignalSpy loaded(&page, &OverviewPage::loaded);
        page.rangePicker()->setPreset(TimeRangePicker::Preset::Day);
        QVERIFY(loaded.wait(20000));
        for (auto* chart : page.charts())
            QVERIFY2(chart->seriesCount() > 0, qPrintable(chart->accessibleName()));
        QVERIFY(page.kpiModel()->value(KpiModel::RequestsPerMin) > 0);
        const QString shots = qEnvironmentVariable("INFERSCOPE_SCREENSHOT_DIR");
        if (shots.isEmpty())
            return;
        QVERIFY(page.grab().save(QDir(shots).filePath(QStringLiteral("overview-24h.png"))));
        QVERIFY(store.write(fleetData(to - 8 * 86400, to - 26 * kHour)).result().ok);
        const std::pair<TimeRangePicker::Preset, const char*> more[] = {
            {TimeRangePicker::Preset::Hour, "overview-1h.png"},
            {TimeRangePicker::Preset::Week, "overview-7d.png"}};
        for (const auto& [preset, file] : more) {
            QSignalSpy rendered(page.charts()[0], &TimeSeriesChart::rendered);
            page.rangePicker()->setPreset(preset);
            QTRY_VERIFY(rendered.count() > 0 && !page.chartModels()[3]->isLoading());
            QVERIFY(page.grab().save(QDir(shots).filePath(QLatin1String(file))));
        }
    }

    void cleanupTestCase()
    {
        delete m_store;
        m_store = nullptr;
    }
};

QTEST_MAIN(tst_OverviewPage)
#include "tst_overviewpage.moc"
