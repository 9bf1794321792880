#include "charts/heatmapchart.h"
#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "itemmodels/costtablemodel.h"
#include "pages/latencypage.h"
#include "sources/prometheus/scrapeaccumulator.h"
#include "store/samplestore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kFrom = 1767225600; // 2026-01-01T00:00:00Z
constexpr int kMinutes = 120;

SeriesSamples series(const QString& source, const QString& metric, const QString& aggregation,
                     QList<Label> labels, const QVector<Sample>& samples)
{
    SeriesSamples s;
    s.key = {source, metric, aggregation, labels::canonical(labels)};
    s.unit = QStringLiteral("Milliseconds");
    s.samples = samples;
    return s;
}

Workspace workspace()
{
    Workspace ws;
    Connection az, vllm;
    az.id = QStringLiteral("az");
    az.kind = QStringLiteral("azure-openai");
    az.displayName = QStringLiteral("Azure account");
    vllm.id = QStringLiteral("lab");
    vllm.kind = QStringLiteral("prometheus");
    vllm.displayName = QStringLiteral("Lab vLLM");
    ws.connections = {az, vllm};
    return ws;
}

bool settle(LatencyPage* page)
{
    QSignalSpy loaded(page, &LatencyPage::loaded);
    if (!loaded.wait(15000))
        return false;
    while (loaded.wait(300)) {
    }
    return true;
}

QStringList seriesNames(const TimeSeriesChart* chart)
{
    return chart ? chart->seriesNames() : QStringList{};
}

} // namespace

class tst_LatencyPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SampleStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("lat.sqlite"))).result().usable());
        // Azure: TTFT average 300 ms (max 900) per minute, 200 ms the two hours before; vLLM
        // TTFT buckets (100 ms / 500 ms / +Inf) and time between tokens, every minute.
        QVector<Sample> avg, max, before, b100, b500, bInf, t20, tInf;
        for (int m = 0; m < kMinutes; ++m) {
            const qint64 t = kFrom + 60LL * m;
            avg.append({t, 300});
            max.append({t, 900});
            before.append({t - kMinutes * 60, 200});
            b100.append({t, 2});
            b500.append({t, 9});
            bInf.append({t, 10});
            t20.append({t, 80});
            tInf.append({t, 100});
        }
        const Label gpt{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o")};
        PollBatch az;
        az.source = QStringLiteral("az");
        az.window = {kFrom - kMinutes * 60, kFrom + kMinutes * 60};
        az.series = {series("az", "AzureOpenAINormalizedTTFTInMS", "average", {gpt}, avg + before),
                     series("az", "AzureOpenAINormalizedTTFTInMS", "maximum", {gpt}, max)};
        QVERIFY(m_store->write(az).result().ok);
        const Label llama{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama")};
        const QString ttft = prometheus::ScrapeAccumulator::bucketMetric("TtftMs");
        const QString tbt = prometheus::ScrapeAccumulator::bucketMetric("InterTokenLatencyMs");
        PollBatch lab;
        lab.source = QStringLiteral("lab");
        lab.window = {kFrom, kFrom + kMinutes * 60};
        lab.series = {series("lab", ttft, "total", {llama, {"le", "100"}}, b100),
                      series("lab", ttft, "total", {llama, {"le", "500"}}, b500),
                      series("lab", ttft, "total", {llama, {"le", "+Inf"}}, bInf),
                      series("lab", tbt, "total", {llama, {"le", "20"}}, t20),
                      series("lab", tbt, "total", {llama, {"le", "+Inf"}}, tInf)};
        QVERIFY(m_store->write(lab).result().ok);
    }

    void showsRankingChartsAndHeatmap()
    {
        LatencyPage page(m_store.get(), workspace());
        page.resize(1440, 900);
        page.setTimeRange({kFrom, kFrom + kMinutes * 60});
        page.show();
        QVERIFY(settle(&page));
        QAbstractItemModelTester tester(page.rankingModel());

        const LatencyReport& r = page.report();
        QCOMPARE(r.targets.size(), 2);
        QCOMPARE(page.rankingModel()->rowCount(), 2);
        // gpt-4o's TTFT average (300 ms) against llama's p95 from its buckets.
        const double llamaP95 = LatencyReport::bucketQuantile({100, 500, qInf()}, {2, 9, 10}, 0.95);
        const int g = llamaP95 > 300 ? 1 : 0;
        QCOMPARE(page.rankingModel()->text(g, 0), QStringLiteral("gpt-4o"));
        QCOMPARE(page.rankingModel()->text(g, 2), QStringLiteral("average"));
        QCOMPARE(page.rankingModel()->text(g, 4), LatencyReport::changeText(200, 300));
        QCOMPARE(page.rankingModel()->text(1 - g, 1), QStringLiteral("Lab vLLM"));

        // The default: llama, which has buckets: its percentiles and its heatmap.
        QCOMPARE(r.targets[r.selected].deployment, QStringLiteral("llama"));
        const QVector<TimeSeriesChart*> charts = page.charts();
        QCOMPARE(charts.size(), 4);
        QTRY_COMPARE(seriesNames(charts[0]), (QStringList{"p50", "p95", "p99"}));
        const QVector<QPointF> p95 = charts[0]->seriesPoints(QStringLiteral("p95"));
        QVERIFY(!p95.isEmpty());
        for (const QPointF& p : p95)
            QCOMPARE(p.y(), llamaP95);
        QVERIFY(!charts[3]->seriesNames().isEmpty()); // tokens/s from the time between tokens
        HeatmapChart* heat = page.heatmap();
        QVERIFY(heat->stateMessage().isEmpty());
        QCOMPARE(heat->data().rowCount(), 3);
        QCOMPARE(heat->data().columns.size(), int(kMinutes * 60 / heat->data().step));
        QCOMPARE(heat->contextMenuPolicy(), Qt::CustomContextMenu);
        QVERIFY(!page.rankingText().isEmpty());
        QVERIFY(!page.playgroundModel()->rowCount());

        // A zoom (a new range on the picker) moves every chart's axes at once, before the
        // report for it is read.
        const TimeRange zoomed{kFrom + 600, kFrom + 1800};
        page.setTimeRange(zoomed);
        for (TimeSeriesChart* chart : page.charts())
            QCOMPARE(chart->axisRange().xFromMs, zoomed.from * 1000);
    }

    // Clicking gpt-4o charts Azure's average and maximum, and says so in the title; its heatmap
    // explains why there is none. The heatmap metric follows the choice.
    void selectingAzureAndHeatmapMetric()
    {
        LatencyPage page(m_store.get(), workspace());
        page.resize(1440, 900);
        page.setTimeRange({kFrom, kFrom + kMinutes * 60});
        page.show();
        QVERIFY(settle(&page));
        auto* view = page.findChild<QTableView*>();
        QVERIFY(view);
        int row = -1;
        for (int i = 0; i < page.rankingModel()->rowCount(); ++i) {
            if (page.rankingModel()->text(i, 0) == QLatin1String("gpt-4o"))
                row = i;
        }
        QVERIFY(row >= 0);
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {},
                          view->visualRect(page.rankingModel()->index(row, 0)).center());
        QCOMPARE(page.report().targets[page.report().selected].deployment,
                 QStringLiteral("gpt-4o"));
        TimeSeriesChart* ttft = page.charts()[0];
        QVERIFY(ttft->accessibleName().contains(QStringLiteral("average and maximum only")));
        QTRY_COMPARE(seriesNames(ttft), (QStringList{"average", "maximum"}));
        for (const QPointF& p : ttft->seriesPoints(QStringLiteral("maximum")))
            QCOMPARE(p.y(), 900.0);
        QVERIFY(page.heatmap()->stateMessage().contains(QStringLiteral("average and maximum")));

        page.selectTarget(QStringLiteral("lab/llama"));
        page.setHeatmapMetric(LatencyMetric::Tbt);
        QCOMPARE(page.heatmap()->data().valueAxisTitle, QStringLiteral("TBT (ms)"));
        QCOMPARE(page.heatmap()->data().countName, QStringLiteral("tokens"));
        QCOMPARE(page.heatmap()->data().rowCount(), 2);
    }

    void emptyRangeSaysSo()
    {
        LatencyPage page(m_store.get(), workspace());
        page.setTimeRange({kFrom + 30 * 86400, kFrom + 31 * 86400});
        QVERIFY(settle(&page));
        QVERIFY(page.report().targets.isEmpty());
        QVERIFY(page.rankingText().contains(QStringLiteral("No latency recorded")));
        QVERIFY(!page.heatmap()->stateMessage().isEmpty());
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SampleStore> m_store;
};

QTEST_MAIN(tst_LatencyPage)
#include "tst_latencypage.moc"
