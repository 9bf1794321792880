// Zoom and pan benchmark: 30 days x 10 series of 1-minute data on one time chart.
//   ours:  a gesture (wheel notch or drag step) -> the axes move at once on the data already
//          drawn -> repaint (the frame); then the re-queried data for the new range lands ->
//          apply -> repaint (the arrival).
//   naive: every raw point in a plain QtCharts chart; the same ranges by QDateTimeAxis::setRange
//          -> repaint. The naive chart uses QtCharts directly on purpose: it is what
//          TimeSeriesChart replaces.
#include "chartbenchdata.h"
#include "charts/chartzoom.h"
#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "heaptuning.h"
#include "itemmodels/chartmodel.h"
#include "store/samplestore.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QGraphicsView>
#include <QMouseEvent>
#include <QTemporaryDir>
#include <QWheelEvent>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QDateTimeAxis>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>
#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace isc;

namespace {

constexpr int kSeries = 10;
constexpr qint64 kDays = 30;
constexpr int kWidth = 1000;
constexpr int kZoomNotches = 12; // 30 d x 0.8^12: about 2 days
constexpr int kPanSteps = 24;
constexpr int kPanStepPx = 20;

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[v.size() / 2];
}

double percentile(QVector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v[std::min(v.size() - 1, qsizetype(p * double(v.size())))];
}

// What one gesture sends: a wheel notch at x, or a drag step of dx pixels.
struct Gesture
{
    bool wheel = true;
    int x = 0;
    int delta = 0;
};

QVector<Gesture> gestures(int plotLeft, int plotWidth)
{
    QVector<Gesture> out;
    for (int i = 0; i < kZoomNotches; ++i)
        out.push_back({true, plotLeft + plotWidth * 6 / 10, 120});
    for (int i = 0; i < kPanSteps; ++i)
        out.push_back({false, 0, i < kPanSteps / 2 ? kPanStepPx : -kPanStepPx});
    for (int i = 0; i < kZoomNotches / 2; ++i)
        out.push_back({true, plotLeft + plotWidth / 3, -120});
    return out;
}

struct Ours
{
    QVector<double> frames, arrivals;
    QVector<TimeRange> ranges; // the ranges the gestures reached, for the naive chart
};

Ours ourZoom(SampleStore* store, TimeRange range)
{
    Ours out;
    ChartSpec spec;
    spec.title = QStringLiteral("Bench");
    spec.unit = Unit::TokensPerMin;
    SeriesQuery q;
    q.metric = QStringLiteral("BenchTokens");
    q.groupBy = QStringLiteral("Dep");
    spec.queries = {{q}};
    ChartModel model(store, spec);
    QElapsedTimer arrival;
    // Connected before the chart's own slot: starts the clock as the new data lands.
    QObject::connect(&model, &ChartModel::changed, [&] { arrival.start(); });
    TimeSeriesChart chart(&model);
    chart.resize(kWidth + 90, 600);
    chart.show();
    QEventLoop loop;
    QObject::connect(&chart, &TimeSeriesChart::rendered, &loop, &QEventLoop::quit);
    model.setTimeRange(range);
    loop.exec();
    auto* view = chart.findChild<QGraphicsView*>();
    QWidget* viewport = view->viewport();
    viewport->repaint();
    const QPointF left = chart.positionOf({double(range.from) * 1000, 0});
    const QPointF right = chart.positionOf({double(range.to) * 1000, 0});
    const int y = int(left.y()) - 100;
    int dragX = int((left.x() + right.x()) / 2);
    bool pressed = false;
    for (const Gesture& g : gestures(int(left.x()), int(right.x() - left.x()))) {
        QElapsedTimer frame;
        frame.start();
        if (g.wheel) {
            const QPointF at(g.x, y);
            QWheelEvent e(at, viewport->mapToGlobal(at), QPoint(), QPoint(0, g.delta), Qt::NoButton,
                          Qt::NoModifier, Qt::NoScrollPhase, false);
            QApplication::sendEvent(viewport, &e);
        } else {
            if (!pressed) {
                QMouseEvent press(QEvent::MouseButtonPress, QPointF(dragX, y),
                                  viewport->mapToGlobal(QPointF(dragX, y)), Qt::LeftButton,
                                  Qt::LeftButton, Qt::NoModifier);
                QApplication::sendEvent(viewport, &press);
                pressed = true;
            }
            dragX += g.delta;
            QMouseEvent move(QEvent::MouseMove, QPointF(dragX, y),
                             viewport->mapToGlobal(QPointF(dragX, y)), Qt::NoButton, Qt::LeftButton,
                             Qt::NoModifier);
            QApplication::sendEvent(viewport, &move);
        }
        viewport->repaint();
        out.frames.push_back(double(frame.nsecsElapsed()) / 1e6);
        out.ranges.push_back(model.timeRange());
        // The re-query the gesture scheduled lands as it would between frames.
        loop.exec();
        viewport->repaint();
        out.arrivals.push_back(double(arrival.nsecsElapsed()) / 1e6);
    }
    if (pressed) {
        QMouseEvent release(QEvent::MouseButtonRelease, QPointF(dragX, y),
                            viewport->mapToGlobal(QPointF(dragX, y)), Qt::LeftButton, Qt::NoButton,
                            Qt::NoModifier);
        QApplication::sendEvent(viewport, &release);
    }
    return out;
}

QVector<double> naiveZoom(const QVector<QVector<QPointF>>& raw, TimeRange range,
                          const QVector<TimeRange>& ranges)
{
    auto* chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation);
    auto* x = new QDateTimeAxis;
    auto* y = new QValueAxis;
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    x->setRange(QDateTime::fromSecsSinceEpoch(range.from), QDateTime::fromSecsSinceEpoch(range.to));
    y->setRange(0, 12000);
    QChartView view(chart);
    view.setRenderHint(QPainter::Antialiasing, true);
    view.resize(kWidth + 90, 600);
    view.show();
    for (const auto& points : raw) {
        auto* s = new QLineSeries;
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
        s->replace(points);
    }
    view.viewport()->repaint();
    QVector<double> frames;
    for (const TimeRange& r : ranges) {
        QElapsedTimer frame;
        frame.start();
        x->setRange(QDateTime::fromSecsSinceEpoch(r.from), QDateTime::fromSecsSinceEpoch(r.to));
        view.viewport()->repaint();
        frames.push_back(double(frame.nsecsElapsed()) / 1e6);
    }
    return frames;
}

} // namespace

int main(int argc, char** argv)
{
    isc::app::tuneGuiHeap();
    QApplication app(argc, argv);
    QTemporaryDir dir;
    SampleStore store;
    if (!store.open(dir.filePath(QStringLiteral("bench.sqlite"))).result().usable()) {
        std::fprintf(stderr, "cannot open the bench store\n");
        return 1;
    }
    // Ends an hour ago: every gesture's range lies in the past, none is clamped at "now".
    const qint64 to = floorTo(nowUtc(), 3600) - 3600;
    const TimeRange range{to - kDays * 86400, to};
    bench::writeChartDataset(store, range, kSeries);
    SeriesQuery rawQuery;
    rawQuery.metric = QStringLiteral("BenchTokens");
    rawQuery.groupBy = QStringLiteral("Dep");
    rawQuery.range = range;
    rawQuery.step = 60;
    QVector<QVector<QPointF>> raw;
    for (const auto& s : store.query(rawQuery).result().series)
        raw.push_back(s.points);

    ourZoom(&store, range); // warm-up: fonts, caches, the store's pages
    QVector<double> frames, arrivals, naive;
    constexpr int kRuns = 3;
    for (int run = 0; run < kRuns; ++run) {
        const Ours o = ourZoom(&store, range);
        frames += o.frames;
        arrivals += o.arrivals;
        naive += naiveZoom(raw, range, o.ranges);
    }
    const double f = median(frames), n = median(naive);
    std::printf("bench_zoom: %d series x %lld days of 1-minute data; %d runs of %d zoom notches, "
                "%d drag steps of %d px, %d notches out (%lld frames)\n",
                kSeries, kDays, kRuns, kZoomNotches, kPanSteps, kPanStepPx, kZoomNotches / 2,
                qlonglong(frames.size()));
    std::printf("  ours, gesture frame (axes move on the data drawn, repaint): median %.2f ms, "
                "p95 %.2f ms (target median <= 16 ms)\n",
                f, percentile(frames, 0.95));
    std::printf("  ours, data arrival (re-queried range applied, repaint):     median %.2f ms, "
                "p95 %.2f ms\n",
                median(arrivals), percentile(arrivals, 0.95));
    std::printf("  naive (all raw points, QDateTimeAxis::setRange, repaint):   median %.2f ms\n",
                n);
    std::printf("  ratio naive/ours (gesture frame): %.1fx\n", n / f);
    return 0;
}
