#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "itemmodels/chartmodel.h"
#include "store/samplestore.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

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

ChartSpec specFor(ChartSpec::Kind kind)
{
    ChartSpec spec;
    spec.title = QStringLiteral("Test chart");
    spec.unit = Unit::TokensPerMin;
    spec.kind = kind;
    SeriesQuery q;
    q.metric = QStringLiteral("M");
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

    void cleanupTestCase()
    {
        delete m_store;
        m_store = nullptr;
    }
};

QTEST_MAIN(tst_TimeSeriesChart)
#include "tst_timeserieschart.moc"
