#include "charts/chartexport.h"
#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "itemmodels/chartmodel.h"
#include "store/samplestore.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

constexpr qint64 kMinute = 60;

SeriesSamples minuteSeries(const QString& metric, const QString& dep, qint64 from, int count,
                           double value, qint64 skipFrom = 0, qint64 skipTo = 0)
{
    SeriesSamples s;
    s.key = {QStringLiteral("src"), metric, QStringLiteral("total"),
             labels::canonical({{QStringLiteral("Dep"), dep}})};
    s.unit = QStringLiteral("Count");
    for (int i = 0; i < count; ++i) {
        const qint64 ts = from + i * kMinute;
        if (ts >= skipFrom && ts < skipTo)
            continue;
        s.samples.push_back({ts, value});
    }
    return s;
}

ChartSpec specFor(ChartSpec::Kind kind, const QString& metric = QStringLiteral("M"))
{
    ChartSpec spec;
    spec.title = QStringLiteral("Test chart");
    spec.unit = Unit::TokensPerMin;
    spec.kind = kind;
    SeriesQuery q;
    q.metric = metric;
    q.groupBy = QStringLiteral("Dep");
    spec.queries = {{q}};
    return spec;
}

} // namespace

class tst_TimeSeriesChart : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore* m_store = nullptr;
    qint64 m_t0 = 0; // data spans [m_t0, m_t0 + 2 h), with a hole in series "a"
    // "Lat": "fast" ~300 ms and "slow" ~10 s over the same 2 h, "slow" at 0 at +60 min.
    // "Dense": one series of 1-minute data over the 3 days before m_t0 + 2 h.

    // Shows `spec` over `range` and waits for the first drawn snapshot.
    std::unique_ptr<TimeSeriesChart> show(ChartModel& model, TimeRange range)
    {
        auto chart = std::make_unique<TimeSeriesChart>(&model);
        chart->resize(640, 360);
        QSignalSpy rendered(chart.get(), &TimeSeriesChart::rendered);
        model.setTimeRange(range);
        if (!rendered.wait(5000))
            qWarning("chart not rendered");
        return chart;
    }

    // As show(), but on screen and laid out first, so positions and pixels are the real ones.
    std::unique_ptr<TimeSeriesChart> showOnScreen(ChartModel& model, TimeRange range)
    {
        auto chart = std::make_unique<TimeSeriesChart>(&model);
        chart->resize(640, 360);
        chart->show();
        if (!QTest::qWaitForWindowExposed(chart.get()))
            qWarning("chart not exposed");
        QSignalSpy rendered(chart.get(), &TimeSeriesChart::rendered);
        model.setTimeRange(range);
        if (!rendered.wait(5000))
            qWarning("chart not rendered");
        return chart;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_store = new SampleStore(this);
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("chart.sqlite"))).result().usable());
        m_t0 = floorTo(nowUtc(), 3600) - 4 * 3600;
        PollBatch b;
        b.source = QStringLiteral("src");
        b.window = {m_t0, m_t0 + 7200};
        // "a": 10 per minute with no data from +30 to +60 min; "b": 30 per minute throughout.
        b.series = {minuteSeries(QStringLiteral("M"), QStringLiteral("a"), m_t0, 120, 10,
                                 m_t0 + 30 * kMinute, m_t0 + 60 * kMinute),
                    minuteSeries(QStringLiteral("M"), QStringLiteral("b"), m_t0, 120, 30)};
        QVERIFY(m_store->write(b).result().ok);

        PollBatch lat;
        lat.source = QStringLiteral("src");
        lat.window = {m_t0, m_t0 + 7200};
        lat.series = {
            minuteSeries(QStringLiteral("Lat"), QStringLiteral("fast"), m_t0, 120, 300),
            minuteSeries(QStringLiteral("Lat"), QStringLiteral("slow"), m_t0, 120, 10000)};
        lat.series[1].samples[60].value = 0;
        QVERIFY(m_store->write(lat).result().ok);

        PollBatch dense;
        dense.source = QStringLiteral("src");
        dense.window = {m_t0 + 7200 - 3 * 86400, m_t0 + 7200};
        dense.series = {minuteSeries(QStringLiteral("Dense"), QStringLiteral("d"),
                                     dense.window.from, 3 * 1440, 100)};
        for (int i = 0; i < dense.series[0].samples.size(); ++i)
            dense.series[0].samples[i].value = 100 + 50 * std::sin(i / 97.0) + (i * 37 % 11);
        QVERIFY(m_store->write(dense).result().ok);
    }

    void lines()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::Lines));
        const TimeRange range{m_t0, m_t0 + 7200};
        auto chart = show(model, range);
        QCOMPARE(chart->state(), TimeSeriesChart::State::Data);
        QCOMPARE(chart->seriesCount(), 2);
        QCOMPARE(chart->seriesNames(), QStringList({QStringLiteral("a"), QStringLiteral("b")}));
        QCOMPARE(chart->pointCount(), qsizetype(90 + 120));
        // The 30-minute hole breaks "a" into two runs.
        QCOMPARE(chart->segmentCount(), 3);
        const auto axes = chart->axisRange();
        QCOMPARE(axes.xFromMs, range.from * 1000);
        QCOMPARE(axes.xToMs, range.to * 1000);
        QCOMPARE(axes.yMin, 0.0);
        QVERIFY2(axes.yMax >= 30 && axes.yMax <= 45, qPrintable(QString::number(axes.yMax)));
        QCOMPARE(chart->timeFormat(), QStringLiteral("HH:mm"));
        QCOMPARE(chart->valueAxisTitle(), QStringLiteral("tokens/min"));
        QVERIFY(!chart->hasThreshold());
        QVERIFY(chart->stateMessage().isEmpty());
    }

    // Save CSV / JSON of a chart: exactly the points drawn, in the range shown, with the unit.
    void exportIsWhatIsDrawn_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("rows");
        QTest::newRow("lines") << int(ChartSpec::Kind::Lines) << 90 + 120;
        QTest::newRow("stacked: each series' own values")
            << int(ChartSpec::Kind::StackedArea) << 2 * 120;
    }
    void exportIsWhatIsDrawn()
    {
        QFETCH(int, kind);
        QFETCH(int, rows);
        ChartModel model(m_store, specFor(ChartSpec::Kind(kind)));
        const TimeRange range{m_t0, m_t0 + 7200};
        auto chart = show(model, range);
        const ExportTable t = exportChart(*chart);
        QCOMPARE(t.rows.size(), rows);
        QCOMPARE(qsizetype(t.rows.size()), chart->pointCount());
        QCOMPARE(t.columns, (QStringList{"series", "time_utc", "value (tokens/min)"}));
        QCOMPARE(t.meta.value(QStringLiteral("unit")).toString(), QStringLiteral("tokens/min"));
        QCOMPARE(t.meta.value(QStringLiteral("from_utc")).toString(),
                 QDateTime::fromSecsSinceEpoch(range.from, Qt::UTC).toString(Qt::ISODate));
        int row = 0;
        for (const QString& name : chart->seriesNames()) {
            for (const QPointF& p : chart->seriesPoints(name)) {
                QCOMPARE(t.rows.at(row).at(0).toString(), name);
                QCOMPARE(
                    t.rows.at(row).at(1).toString(),
                    QDateTime::fromMSecsSinceEpoch(qint64(p.x()), Qt::UTC).toString(Qt::ISODate));
                QCOMPARE(t.rows.at(row).at(2).toDouble(), p.y());
                ++row;
            }
        }
        QCOMPARE(row, rows);
    }

    void stacked()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::StackedArea));
        auto chart = show(model, {m_t0, m_t0 + 7200});
        QCOMPARE(chart->seriesCount(), 2);
        // Stacks are aligned on every timestamp: "a" counts as zero inside its hole.
        QCOMPARE(chart->pointCount(), qsizetype(2 * 120));
        const auto axes = chart->axisRange();
        QCOMPARE(axes.yMin, 0.0);
        QVERIFY2(axes.yMax >= 40 && axes.yMax <= 60, qPrintable(QString::number(axes.yMax)));
    }

    void longRangeFormat()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::Lines));
        auto chart = show(model, {m_t0 + 7200 - 7 * 86400, m_t0 + 7200});
        QCOMPARE(chart->timeFormat(), QStringLiteral("MMM d"));
        QCOMPARE(chart->seriesCount(), 2);
    }

    void threshold()
    {
        ChartSpec spec = specFor(ChartSpec::Kind::Lines);
        spec.unit = Unit::Percent;
        spec.threshold = 100.0;
        spec.thresholdLabel = QStringLiteral("100 % reserved");
        ChartModel model(m_store, spec);
        auto chart = show(model, {m_t0, m_t0 + 7200});
        QVERIFY(chart->hasThreshold());
        QCOMPARE(chart->thresholdLabel(), QStringLiteral("100 % reserved"));
        QCOMPARE(chart->seriesCount(), 2); // the threshold is not a data series
        QVERIFY(chart->axisRange().yMax >= 100);
        QCOMPARE(chart->valueAxisTitle(), QStringLiteral("%"));
    }

    // Alert bands: drawn where they meet the time axis, placed on the plot, none outside.
    void alertBands()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::Lines));
        auto chart = showOnScreen(model, {m_t0, m_t0 + 7200});
        chart->setAlertBands({{m_t0 - 7200, m_t0 - 3600},   // before the range
                              {m_t0 + 600, m_t0 + 1800},    // inside
                              {m_t0 + 7000, m_t0 + 9000}}); // running past its end
        QCOMPARE(chart->alertBandCount(), 2);
        // The range moves on: the first band comes into view, the inside one stays.
        QSignalSpy rendered(chart.get(), &TimeSeriesChart::rendered);
        model.setTimeRange({m_t0 - 7200, m_t0 + 7200});
        QVERIFY(rendered.wait(5000));
        QCOMPARE(chart->alertBandCount(), 3);
        chart->setAlertBands({});
        QCOMPARE(chart->alertBandCount(), 0);
    }

    void emptyAndLoading()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::Lines));
        TimeSeriesChart chart(&model);
        QCOMPARE(chart.state(), TimeSeriesChart::State::Loading);
        QCOMPARE(chart.stateMessage(), QStringLiteral("Loading…"));
        QSignalSpy rendered(&chart, &TimeSeriesChart::rendered);
        model.setTimeRange({m_t0 - 86400, m_t0 - 3600}); // before any data
        QVERIFY(rendered.wait(5000));
        QCOMPARE(chart.state(), TimeSeriesChart::State::Empty);
        QCOMPARE(chart.stateMessage(), QStringLiteral("No data in this range yet"));
        QCOMPARE(chart.seriesCount(), 0);
    }

    void replacesInPlaceOnRefresh()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::Lines));
        auto chart = show(model, {m_t0, m_t0 + 7200});
        QSignalSpy rendered(chart.get(), &TimeSeriesChart::rendered);
        model.refresh();
        model.refresh(); // folded into one
        QVERIFY(rendered.wait(5000));
        QCOMPARE(chart->seriesCount(), 2);
        QCOMPARE(chart->segmentCount(), 3);
        QCOMPARE(rendered.count(), 1);
    }

    // Many points per pixel column: at most M4's 4 per column reach the chart, and they are drawn.
    void denseLines()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::Lines, QStringLiteral("Dense")));
        auto chart = showOnScreen(model, {m_t0 + 7200 - 3 * 86400, m_t0 + 7200});
        QCOMPARE(chart->seriesCount(), 1);
        QCOMPARE(chart->segmentCount(), 1);
        const int width = model.snapshot().pixelWidth;
        QVERIFY(width > 100);
        QVERIFY2(
            chart->pointCount() > width && chart->pointCount() <= 4 * width,
            qPrintable(QStringLiteral("%1 points for %2 px").arg(chart->pointCount()).arg(width)));
        // The series' colour covers at least one pixel per column of the plot.
        const QColor drawn = chart->seriesColor(chart->seriesNames().value(0));
        QVERIFY(drawn.isValid());
        const QImage image = chart->grab().toImage();
        const QPointF left = chart->positionOf({double(m_t0 + 7200 - 3 * 86400) * 1000, 100});
        const QPointF right = chart->positionOf({double(m_t0 + 7200) * 1000, 100});
        int covered = 0;
        for (int x = int(left.x()) + 2; x < int(right.x()) - 2; ++x) {
            for (int y = 0; y < image.height(); ++y) {
                const QColor c = image.pixelColor(x, y);
                if (std::abs(c.red() - drawn.red()) + std::abs(c.green() - drawn.green()) +
                        std::abs(c.blue() - drawn.blue()) <
                    60) {
                    ++covered;
                    break;
                }
            }
        }
        QVERIFY2(covered >= int(right.x() - left.x()) - 6, qPrintable(QString::number(covered)));
    }

    // Latencies decades apart on a log axis: both readable, ticks in units, gaps still break.
    void logScale()
    {
        ChartSpec spec = specFor(ChartSpec::Kind::Lines, QStringLiteral("Lat"));
        spec.unit = Unit::Milliseconds;
        spec.logScale = true;
        ChartModel model(m_store, spec);
        auto chart = showOnScreen(model, {m_t0, m_t0 + 7200});
        QVERIFY(chart->isLogScale());
        QCOMPARE(chart->seriesCount(), 2);
        QCOMPARE(chart->valueAxisTitle(), QStringLiteral("ms"));
        const QStringList labels = chart->valueAxisLabels();
        QVERIFY2(labels.contains(QStringLiteral("1 s")) && labels.contains(QStringLiteral("10 s")),
                 qPrintable(labels.join(QLatin1String(", "))));
        QCOMPARE(labels.front(), QStringLiteral("200 ms"));
        const auto axes = chart->axisRange();
        QVERIFY2(axes.yMin > 0 && axes.yMin <= 300, qPrintable(QString::number(axes.yMin)));
        QVERIFY2(axes.yMax >= 10000 && axes.yMax <= 20000, qPrintable(QString::number(axes.yMax)));
        // The zero bucket of "slow" has no place on a log axis: it breaks that line in two.
        QCOMPARE(chart->segmentCount(), 3);
        QCOMPARE(chart->pointCount(), qsizetype(120 + 119));
        // 300 ms sits well clear of the bottom (on a linear axis it would be 2 % of the height).
        const double x = double(m_t0 + 1800) * 1000;
        const double bottom = chart->positionOf({x, axes.yMin}).y();
        const double top = chart->positionOf({x, axes.yMax}).y();
        const double fast = chart->positionOf({x, 300}).y();
        QVERIFY2((bottom - fast) / (bottom - top) > 0.1, qPrintable(QString::number(fast)));
        QVERIFY((bottom - chart->positionOf({x, 10000}).y()) / (bottom - top) > 0.8);
    }

    void hoverText()
    {
        ChartSpec spec = specFor(ChartSpec::Kind::Lines, QStringLiteral("Lat"));
        spec.unit = Unit::Milliseconds;
        spec.logScale = true;
        ChartModel model(m_store, spec);
        auto chart = showOnScreen(model, {m_t0, m_t0 + 7200});
        const qint64 t = m_t0 + 1800;
        const QString slow =
            chart->toolTipAt(chart->positionOf({double(t) * 1000, 10000}).toPoint());
        QVERIFY2(slow.contains(QStringLiteral("slow")), qPrintable(slow));
        QVERIFY2(slow.contains(QStringLiteral("10.0 s")), qPrintable(slow));
        const QString hhmm =
            QLocale().toString(QDateTime::fromSecsSinceEpoch(t), QStringLiteral("HH:mm"));
        QVERIFY2(slow.contains(hhmm), qPrintable(slow));
        const QString fast = chart->toolTipAt(chart->positionOf({double(t) * 1000, 300}).toPoint());
        QVERIFY2(fast.contains(QStringLiteral("fast")) && fast.contains(QStringLiteral("300 ms")),
                 qPrintable(fast));
        // Halfway between the lines (in log space ~1.7 s) is far from both: no tooltip.
        QVERIFY(chart->toolTipAt(chart->positionOf({double(t) * 1000, 1700}).toPoint()).isEmpty());
    }

    // The newest minutes of a series still being polled: faint and dashed under a grey band.
    void pendingMinutesAreDrawnApart()
    {
        const qint64 lastMinute = floorTo(nowUtc(), 60) - 120;
        PollBatch live;
        live.source = QStringLiteral("src");
        live.window = {lastMinute - 3600, lastMinute + 60};
        live.series = {
            minuteSeries(QStringLiteral("Live"), QStringLiteral("l"), lastMinute - 3540, 60, 50)};
        QVERIFY(m_store->write(live).result().ok);
        ChartSpec spec = specFor(ChartSpec::Kind::Lines, QStringLiteral("Live"));
        spec.pendingSeconds = 180;
        ChartModel model(m_store, spec);
        const TimeRange range{lastMinute - 3600, lastMinute + 600};
        auto chart = show(model, range);
        QCOMPARE(chart->pendingFromMs(), double(lastMinute - 120) * 1000.0);
        // Still the same points: pending minutes are drawn, only differently.
        QCOMPARE(chart->pointCount(), qsizetype(60));
        // A stack is cut there: a faint piece after the final one, every point counted once.
        ChartSpec stackedSpec = spec;
        stackedSpec.kind = ChartSpec::Kind::StackedArea;
        ChartModel stackedModel(m_store, stackedSpec);
        auto stack = show(stackedModel, range);
        QCOMPARE(stack->pendingFromMs(), double(lastMinute - 120) * 1000.0);
        QCOMPARE(stack->pointCount(), qsizetype(60));
        QCOMPARE(stack->segmentCount(), 2);
        spec.pendingSeconds = 0;
        ChartModel settled(m_store, spec);
        QCOMPARE(show(settled, range)->pendingFromMs(), 0.0);
    }

    // The previous day over the last 6 hours: each series again, a day earlier, moved forward.
    void comparePreviousPeriod()
    {
        ChartModel model(m_store, specFor(ChartSpec::Kind::Lines, QStringLiteral("Dense")));
        model.setComparePrevious(true);
        const TimeRange range{m_t0 + 7200 - 6 * 3600, m_t0 + 7200};
        auto chart = show(model, range);
        QCOMPARE(chart->seriesNames(),
                 QStringList({QStringLiteral("d"), QStringLiteral("d · previous day")}));
        QCOMPARE(chart->seriesColor(QStringLiteral("d · previous day")),
                 chart->seriesColor(QStringLiteral("d")));
        const QVector<QPointF> before = chart->seriesPoints(QStringLiteral("d · previous day"));
        QVERIFY(!before.isEmpty());
        QVERIFY(before.front().x() >= double(range.from) * 1000.0);
        // Its value at x is what was stored a day before x.
        ChartSpec plain = specFor(ChartSpec::Kind::Lines, QStringLiteral("Dense"));
        ChartModel yesterday(m_store, plain);
        auto other = show(yesterday, {range.from - 86400, range.to - 86400});
        const QVector<QPointF> stored = other->seriesPoints(QStringLiteral("d"));
        QCOMPARE(stored.size(), before.size());
        QCOMPARE(stored.front().y(), before.front().y());
        QCOMPARE(stored.front().x() + 86400000.0, before.front().x());
        model.setComparePrevious(false);
        QSignalSpy rendered(chart.get(), &TimeSeriesChart::rendered);
        QVERIFY(rendered.wait(5000));
        QCOMPARE(chart->seriesNames(), QStringList({QStringLiteral("d")}));
    }

    void cleanupTestCase()
    {
        delete m_store;
        m_store = nullptr;
    }
};

QTEST_MAIN(tst_TimeSeriesChart)
#include "tst_timeserieschart.moc"
