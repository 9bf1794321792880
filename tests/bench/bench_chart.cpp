// Chart path benchmark: 30 days x 10 series of 1-minute data.
//   ours:  store query (M4, pixelWidth=1000) -> ChartModel -> TimeSeriesChart, first paint (grab)
//   naive: every raw point into a plain QtCharts chart with replace(), first paint (grab)
// The naive baseline uses QtCharts directly on purpose: it is what TimeSeriesChart replaces.
// Both run with the GUI's heap set up as the app sets it (app/heaptuning.h).
#include "chartbenchdata.h"
#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "heaptuning.h"
#include "itemmodels/chartmodel.h"
#include "store/samplestore.h"

#include <QApplication>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>

using namespace isc;

namespace {

constexpr int kSeries = 10;
constexpr qint64 kDays = 30;
constexpr int kRuns = 5;
constexpr int kPixelWidth = 1000;
qsizetype s_ourPoints = 0; // points our chart drew, for the report
// Where our path's time goes, per run (ms): set-up, until the snapshot, until drawn, paint.
QVector<double> s_setupMs, s_dataMs, s_applyMs, s_paintMs;

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

double timeMs(const std::function<void()>& f)
{
    QElapsedTimer t;
    t.start();
    f();
    return double(t.nsecsElapsed()) / 1e6;
}

SeriesQuery benchQuery(TimeRange range)
{
    SeriesQuery q;
    q.metric = QStringLiteral("BenchTokens");
    q.groupBy = QStringLiteral("Dep");
    q.range = range;
    return q;
}

double ourPath(SampleStore* store, TimeRange range)
{
    ChartSpec spec;
    spec.title = QStringLiteral("Bench");
    spec.unit = Unit::TokensPerMin;
    spec.queries = {{benchQuery(range)}};
    QElapsedTimer phase;
    double setup = 0, data = 0, drawn = 0;
    const double total = timeMs([&] {
        phase.start();
        ChartModel model(store, spec);
        model.setPixelWidth(kPixelWidth);
        model.setTimeRange(range);
        TimeSeriesChart chart(&model);
        chart.resize(kPixelWidth + 90, 600);
        chart.show(); // as in the app: laid out before the data lands
        QEventLoop loop;
        QObject::connect(&chart, &TimeSeriesChart::rendered, &loop, &QEventLoop::quit);
        // Connected after the chart's own slot: runs once the snapshot is drawn.
        QObject::connect(&model, &ChartModel::changed, &loop,
                         [&] { drawn = double(phase.nsecsElapsed()) / 1e6; });
        setup = double(phase.nsecsElapsed()) / 1e6;
        model.refreshNow();
        QObject::connect(&model, &ChartModel::loadingChanged, &loop, [&](bool loading) {
            if (!loading)
                data = double(phase.nsecsElapsed()) / 1e6;
        });
        loop.exec();
        if (chart.seriesCount() != kSeries)
            std::fprintf(stderr, "ours: %d series\n", chart.seriesCount());
        s_ourPoints = chart.pointCount();
        chart.grab();
    });
    s_setupMs.push_back(setup);
    s_dataMs.push_back(data - setup);
    s_applyMs.push_back(drawn - data);
    s_paintMs.push_back(total - drawn);
    return total;
}

double naivePath(const QVector<QVector<QPointF>>& raw, TimeRange range)
{
    return timeMs([&] {
        auto* chart = new QChart;
        chart->setAnimationOptions(QChart::NoAnimation);
        auto* x = new QDateTimeAxis;
        auto* y = new QValueAxis;
        chart->addAxis(x, Qt::AlignBottom);
        chart->addAxis(y, Qt::AlignLeft);
        x->setRange(QDateTime::fromSecsSinceEpoch(range.from),
                    QDateTime::fromSecsSinceEpoch(range.to));
        y->setRange(0, 12000);
        QChartView view(chart);
        view.setRenderHint(QPainter::Antialiasing, true);
        view.resize(kPixelWidth + 90, 600);
        view.show(); // the same head start as ours: laid out before the points arrive
        QVector<QLineSeries*> series;
        for (int i = 0; i < raw.size(); ++i) {
            auto* s = new QLineSeries;
            chart->addSeries(s);
            s->attachAxis(x);
            s->attachAxis(y);
            series.push_back(s);
        }
        QCoreApplication::processEvents();
        for (int i = 0; i < raw.size(); ++i)
            series[i]->replace(raw[i]);
        view.grab();
    });
}

} // namespace

int main(int argc, char** argv)
{
    isc::app::tuneGuiHeap(); // as the app's main() does
    QApplication app(argc, argv);
    QTemporaryDir dir;
    SampleStore store;
    if (!store.open(dir.filePath(QStringLiteral("bench.sqlite"))).result().usable()) {
        std::fprintf(stderr, "cannot open the bench store\n");
        return 1;
    }
    const qint64 to = floorTo(nowUtc(), 3600);
    const TimeRange range{to - kDays * 86400, to};

    // The dataset, built once.
    const double buildMs = timeMs([&] { bench::writeChartDataset(store, range, kSeries); });

    // The naive chart gets every raw point (read once, outside the timing: its best case).
    SeriesQuery rawQuery = benchQuery(range);
    rawQuery.step = 60;
    const QueryResult raw = store.query(rawQuery).result();
    QVector<QVector<QPointF>> rawPoints;
    qsizetype rawCount = 0;
    for (const auto& s : raw.series) {
        rawPoints.push_back(s.points);
        rawCount += s.points.size();
    }

    if (argc > 2 && qstrcmp(argv[1], "--query-only") == 0) {
        // Profiling aid (perf): only the store query, N times.
        SeriesQuery q = benchQuery(range);
        q.pixelWidth = kPixelWidth;
        QVector<double> times;
        for (int i = 0; i < QByteArray(argv[2]).toInt(); ++i)
            times.push_back(timeMs([&] { store.query(q).waitForFinished(); }));
        std::printf("query only: median %.2f ms of %d\n", median(times), int(times.size()));
        return 0;
    }
    if (argc > 2 && qstrcmp(argv[1], "--ours-only") == 0) {
        // Profiling aid (perf): only our chart path, N times.
        QVector<double> times;
        for (int i = 0; i < QByteArray(argv[2]).toInt(); ++i)
            times.push_back(ourPath(&store, range));
        std::printf("ours only: median %.2f ms of %d; set-up %.1f, query + snapshot %.1f, layout "
                    "%.1f, paint %.1f\n",
                    median(times), int(times.size()), median(s_setupMs), median(s_dataMs),
                    median(s_applyMs), median(s_paintMs));
        return 0;
    }
    QVector<double> queryOnly;
    for (int i = 0; i < kRuns; ++i) {
        SeriesQuery q = benchQuery(range);
        q.pixelWidth = kPixelWidth;
        queryOnly.push_back(timeMs([&] { store.query(q).waitForFinished(); }));
    }
    ourPath(&store, range); // warm-up: fonts, caches
    naivePath(rawPoints, range);
    for (auto* v : {&s_setupMs, &s_dataMs, &s_applyMs, &s_paintMs})
        v->clear();
    QVector<double> ours, naive;
    for (int i = 0; i < kRuns; ++i) {
        ours.push_back(ourPath(&store, range));
        naive.push_back(naivePath(rawPoints, range));
    }
    const double o = median(ours), n = median(naive);
    std::printf("bench_chart: %d series x %lld days of 1-minute data (%lld raw points), built in "
                "%.0f ms\n",
                kSeries, kDays, qlonglong(rawCount), buildMs);
    std::printf("  ours  (query M4 %d px -> ChartModel -> TimeSeriesChart, first paint): median "
                "%.1f ms (target <= 50 ms)\n",
                kPixelWidth, o);
    std::printf("    of which the store query alone: median %.1f ms; %lld points drawn\n",
                median(queryOnly), qlonglong(s_ourPoints));
    std::printf("    breakdown (medians): chart set-up %.1f ms, query + snapshot %.1f ms, layout "
                "%.1f ms, first paint %.1f ms\n",
                median(s_setupMs), median(s_dataMs), median(s_applyMs), median(s_paintMs));
    std::printf("  naive (all raw points -> QLineSeries::replace -> first paint):         median "
                "%.1f ms\n",
                n);
    std::printf("  ratio naive/ours: %.1fx (target >= 30x)\n", n / o);
    return 0;
}
