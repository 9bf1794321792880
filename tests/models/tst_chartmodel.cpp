#include "core/labels.h"
#include "itemmodels/chartmodel.h"
#include "store/samplestore.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

QueriedSeries qs(const QString& name, QVector<QPointF> pts)
{
    QueriedSeries s;
    s.name = name;
    s.points = std::move(pts);
    return s;
}

QueryResult result(QVector<QueriedSeries> series)
{
    QueryResult r;
    r.series = std::move(series);
    return r;
}

ChartSpec twoQuerySpec()
{
    ChartSpec spec;
    spec.kind = ChartSpec::Kind::StackedArea;
    SeriesQuery a;
    a.metric = QStringLiteral("A");
    a.groupBy = QStringLiteral("Dep");
    SeriesQuery b = a;
    b.metric = QStringLiteral("B");
    spec.queries = {{a}, {b}};
    return spec;
}

} // namespace

class tst_ChartModel : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A model without a store shows what its owner computed; a refresh keeps it.
    void setSnapshotWithoutStore()
    {
        ChartModel model(nullptr, twoQuerySpec());
        QSignalSpy changed(&model, &ChartModel::changed);
        QSignalSpy loaded(&model, &ChartModel::loaded);
        QSignalSpy moved(&model, &ChartModel::timeRangeChanged);
        ChartSnapshot s;
        s.range = {600, 1200};
        s.step = 60;
        s.series = {{QStringLiteral("p95"), QStringLiteral("p95"), false, {{600000, 3}}}};
        model.setSnapshot(s);
        QCOMPARE(changed.size(), 1);
        QCOMPARE(loaded.size(), 1);
        QVERIFY(model.isLoaded());
        QCOMPARE(model.timeRange(), (TimeRange{600, 1200}));
        model.setSnapshot(s);
        QCOMPARE(loaded.size(), 1); // once
        QCOMPARE(moved.size(), 1);  // the range moved once
        model.setPixelWidth(800);
        model.refreshNow();
        QCOMPARE(model.snapshot().series.size(), 1);
        QCOMPARE(model.snapshot().series[0].points, QVector<QPointF>({{600000, 3}}));
    }

    void combineSumsEqualNames()
    {
        QueryResult ra, rb;
        ra.series = {qs("x", {{0, 1}, {60000, 2}}), qs("y", {{0, 5}})};
        rb.series = {qs("x", {{0, 10}, {60000, 20}})};
        rb.gaps = {{100, 200}};
        const ChartSnapshot s = ChartModel::combine(twoQuerySpec(), {0, 120}, {ra, rb});
        QCOMPARE(s.series.size(), 2);
        QCOMPARE(s.series[0].name, QStringLiteral("x"));
        QCOMPARE(s.series[0].points, QVector<QPointF>({{0, 11}, {60000, 22}}));
        QCOMPARE(s.series[1].points, QVector<QPointF>({{0, 5}}));
        QCOMPARE(s.gaps.size(), 1);
        QCOMPARE(s.pointCount(), qsizetype(3));
    }

    void combineNamesAndColorKeys()
    {
        ChartSpec spec = twoQuerySpec();
        spec.queries[0].nameFormat = QStringLiteral("%1 · TTFT");
        spec.queries[1].nameFormat = QStringLiteral("Spillover");
        spec.queries[1].dashed = true;
        QueryResult ra, rb;
        ra.series = {qs("gpt", {{0, 1}})};
        rb.series = {qs("B", {{0, 2}})};
        const ChartSnapshot s = ChartModel::combine(spec, {0, 60}, {ra, rb});
        QCOMPARE(s.series[0].name, QStringLiteral("gpt · TTFT"));
        QCOMPARE(s.series[0].colorKey, QStringLiteral("gpt"));
        QCOMPARE(s.series[1].name, QStringLiteral("Spillover"));
        QCOMPARE(s.series[1].colorKey, QStringLiteral("Spillover"));
        QVERIFY(s.series[1].dashed);
    }

    // One metric read twice: 2xx from the averaging query, 429 from the peak one.
    void onlyNamesSplitsOneMetric()
    {
        ChartSpec spec = twoQuerySpec();
        spec.queries[0].onlyNames = {QStringLiteral("2xx")};
        spec.queries[1].onlyNames = {QStringLiteral("429"), QStringLiteral("5xx")};
        QueryResult avg, peak;
        avg.series = {qs("2xx", {{0, 100}}), qs("429", {{0, 1}})};
        peak.series = {qs("2xx", {{0, 300}}), qs("429", {{0, 40}})};
        const ChartSnapshot s = ChartModel::combine(spec, {0, 60}, {avg, peak});
        QCOMPARE(s.series.size(), 2);
        QCOMPARE(s.series[0].name, QStringLiteral("2xx"));
        QCOMPARE(s.series[0].points, QVector<QPointF>({{0, 100}}));
        QCOMPARE(s.series[1].name, QStringLiteral("429"));
        QCOMPARE(s.series[1].points, QVector<QPointF>({{0, 40}}));
    }

    // The previous period: the same reads a period earlier, moved forward, named and dashed.
    void comparePreviousLines()
    {
        ChartSpec spec;
        SeriesQuery q;
        q.metric = QStringLiteral("A");
        q.groupBy = QStringLiteral("Dep");
        spec.queries = {{q}};
        const TimeRange range{86400 * 10, 86400 * 10 + 3600};
        QueryResult now, before;
        now.series = {qs("x", {{864000000.0, 5}})};
        before.series = {qs("x", {{864000000.0 - 86400000.0, 3}})};
        const ChartSnapshot s = ChartModel::combine(spec, range, {now, before}, 86400);
        QCOMPARE(s.previousShift, 86400);
        QCOMPARE(s.series.size(), 2);
        QCOMPARE(s.series[1].name, QStringLiteral("x · previous day"));
        QCOMPARE(s.series[1].colorKey, QStringLiteral("x")); // the same colour as "x"
        QVERIFY(s.series[1].previous && s.series[1].dashed && !s.series[0].previous);
        QCOMPARE(s.series[1].points, QVector<QPointF>({{864000000.0, 3}}));
        // Without the shift the extra results are not read as a previous period.
        QCOMPARE(ChartModel::combine(spec, range, {now, before}).series.size(), 1);
    }

    void comparePreviousOverAStackIsOneTotal()
    {
        const ChartSnapshot s = ChartModel::combine(
            twoQuerySpec(), {0, 7 * 86400},
            {result({qs("x", {{0, 1}})}), result({qs("y", {{0, 2}})}),
             result({qs("x", {{-604800000.0, 4}})}), result({qs("y", {{-604800000.0, 6}})})},
            7 * 86400);
        QCOMPARE(s.series.size(), 3);
        QCOMPARE(s.series[2].name, QStringLiteral("Total, previous week"));
        QCOMPARE(s.series[2].points, QVector<QPointF>({{0, 10}}));
    }

    void previousPeriod_data()
    {
        QTest::addColumn<qint64>("length");
        QTest::addColumn<qint64>("shift");
        QTest::addColumn<QString>("name");
        QTest::newRow("1 h: the same hour yesterday")
            << qint64(3600) << qint64(86400) << QStringLiteral("previous day");
        QTest::newRow("24 h") << qint64(86400) << qint64(86400) << QStringLiteral("previous day");
        QTest::newRow("7 d") << qint64(7 * 86400) << qint64(7 * 86400)
                             << QStringLiteral("previous week");
        QTest::newRow("30 d") << qint64(30 * 86400) << qint64(30 * 86400)
                              << QStringLiteral("previous 30 d");
    }
    void previousPeriod()
    {
        QFETCH(qint64, length);
        QFETCH(qint64, shift);
        QFETCH(QString, name);
        QCOMPARE(previousPeriodShift({1000000, 1000000 + length}), shift);
        QCOMPARE(previousPeriodName(shift), name);
    }

    // The newest minutes of a series still being polled may fill in; an old series is final.
    void pendingMinutes()
    {
        ChartSpec spec;
        spec.queries = {{SeriesQuery()}};
        spec.pendingSeconds = 180;
        const qint64 now = 1'000'000'020;
        const double last = double(now / 60 * 60 - 120) * 1000.0;
        QueryResult r;
        r.series = {qs("live", {{last - 240000, 1},
                                {last - 180000, 1},
                                {last - 120000, 1},
                                {last - 60000, 1},
                                {last, 1}}),
                    qs("ended", {{last - 7200000, 1}})};
        const ChartSnapshot s = ChartModel::combine(spec, {0, now}, {r}, 0, now);
        QCOMPARE(s.series[0].pendingFromMs, last - 120000); // the newest three minutes
        QCOMPARE(s.series[1].pendingFromMs, 0.0);
        spec.pendingSeconds = 0;
        QCOMPARE(ChartModel::combine(spec, {0, now}, {r}, 0, now).series[0].pendingFromMs, 0.0);
    }

    // A per-minute total shown per second: scaled before equal names are summed.
    void scaleAppliesPerQuery()
    {
        ChartSpec spec = twoQuerySpec();
        spec.queries[0].scale = 1.0 / 60;
        QueryResult ra, rb;
        ra.series = {qs("x", {{0, 600}, {60000, 120}})};
        rb.series = {qs("x", {{0, 1}, {60000, 2}})};
        const ChartSnapshot s = ChartModel::combine(spec, {0, 120}, {ra, rb});
        QCOMPARE(s.series.size(), 1);
        QCOMPARE(s.series[0].points,
                 QVector<QPointF>({{0, 600.0 / 60 + 1}, {60000, 120.0 / 60 + 2}}));
    }

    void buildQueries()
    {
        ChartSpec spec = twoQuerySpec();
        ChartModel stacked(nullptr, spec);
        stacked.setTimeRange({0, 86400});
        stacked.setPixelWidth(600);
        stacked.setLabelFilter({{QStringLiteral("ModelDeploymentName"), QStringLiteral("d")}});
        auto qs = stacked.buildQueries();
        QCOMPARE(qs.size(), 2);
        QCOMPARE(qs[0].pixelWidth, 0); // stacks get aligned steps, not M4
        QCOMPARE(qs[0].step, qint64(900));
        QCOMPARE(qs[0].labelEquals.value(QStringLiteral("ModelDeploymentName")),
                 QStringLiteral("d"));
        QCOMPARE(qs[0].range, TimeRange({0, 86400}));

        spec.kind = ChartSpec::Kind::Lines;
        ChartModel lines(nullptr, spec);
        lines.setTimeRange({0, 86400});
        lines.setPixelWidth(800);
        QCOMPARE(lines.buildQueries()[1].pixelWidth, 800);
        QCOMPARE(lines.buildQueries()[1].step, qint64(0));
        // Comparing with the previous period reads every query again, a day earlier.
        lines.setComparePrevious(true);
        const auto withPrevious = lines.buildQueries();
        QCOMPARE(withPrevious.size(), 4);
        QCOMPARE(withPrevious[2].metric, QStringLiteral("A"));
        QCOMPARE(withPrevious[3].range, TimeRange({-86400, 0}));
    }

    void widthNeedsNewData_data()
    {
        QTest::addColumn<bool>("stacked");
        QTest::addColumn<qint64>("duration");
        QTest::addColumn<int>("queried");
        QTest::addColumn<int>("now");
        QTest::addColumn<bool>("needed");
        // 24 h: 600 px and 350 px both give 15-minute steps; 120 px gives hours.
        QTest::newRow("stack, legend narrows it") << true << qint64(86400) << 600 << 350 << false;
        QTest::newRow("stack, new step") << true << qint64(86400) << 600 << 120 << true;
        QTest::newRow("stack, wider, same step") << true << qint64(86400) << 600 << 640 << false;
        QTest::newRow("lines, 5 %") << false << qint64(86400) << 600 << 630 << false;
        QTest::newRow("lines, 40 % narrower") << false << qint64(86400) << 600 << 350 << true;
        QTest::newRow("lines, near the default") << false << qint64(86400) << 0 << 630 << false;
    }
    void widthNeedsNewData()
    {
        QFETCH(bool, stacked);
        QFETCH(qint64, duration);
        QFETCH(int, queried);
        QFETCH(int, now);
        QFETCH(bool, needed);
        const auto kind = stacked ? ChartSpec::Kind::StackedArea : ChartSpec::Kind::Lines;
        QCOMPARE(ChartModel::widthNeedsNewData(kind, {0, duration}, queried, now), needed);
    }

    void niceStep_data()
    {
        QTest::addColumn<qint64>("duration");
        QTest::addColumn<int>("points");
        QTest::addColumn<qint64>("step");
        QTest::newRow("1 h") << qint64(3600) << 200 << qint64(60);
        QTest::newRow("24 h") << qint64(86400) << 200 << qint64(900);
        QTest::newRow("30 d") << qint64(30 * 86400) << 200 << qint64(21600);
        QTest::newRow("1 y") << qint64(365 * 86400) << 100 << qint64(4 * 86400);
    }
    void niceStep()
    {
        QFETCH(qint64, duration);
        QFETCH(int, points);
        QFETCH(qint64, step);
        QCOMPARE(isc::niceStep(duration, points), step);
    }

    void refreshCoalescesAndDropsStale()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("c.sqlite"))).result().usable());
        const qint64 t0 = floorTo(nowUtc(), 3600) - 3600;
        PollBatch b;
        b.source = QStringLiteral("s");
        b.window = {t0, t0 + 600};
        SeriesSamples s;
        s.key = {b.source, QStringLiteral("A"), QStringLiteral("total"),
                 labels::canonical({{QStringLiteral("Dep"), QStringLiteral("d1")}})};
        for (qint64 ts = t0; ts < t0 + 600; ts += 60)
            s.samples.push_back({ts, 7});
        b.series = {s};
        QVERIFY(store.write(b).result().ok);

        ChartSpec spec = twoQuerySpec();
        spec.kind = ChartSpec::Kind::Lines;
        ChartModel model(&store, spec);
        QSignalSpy changed(&model, &ChartModel::changed);
        QSignalSpy loaded(&model, &ChartModel::loaded);
        model.setTimeRange({t0 - 3600, t0 + 3600});
        model.refresh();
        model.refresh();
        QVERIFY(loaded.wait(5000));
        QCOMPARE(changed.count(), 1); // three requests, one query round
        QVERIFY(model.isLoaded());
        QVERIFY(!model.isLoading());
        QCOMPARE(model.snapshot().series.size(), 1);
        QCOMPARE(model.snapshot().series[0].points.size(), 10);

        // Two immediate refreshes: only the newer one's result is published.
        model.setTimeRange({t0, t0 + 300});
        model.refreshNow();
        model.setTimeRange({t0, t0 + 600});
        model.refreshNow();
        QTRY_COMPARE(changed.count(), 2);
        QCOMPARE(model.snapshot().range, TimeRange({t0, t0 + 600}));
        QCOMPARE(model.snapshot().series[0].points.size(), 10);
        QCOMPARE(loaded.count(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_ChartModel)
#include "tst_chartmodel.moc"
