#include "store/samplestore.h"
#include "store/storebackend.h"
#include "storebackends.h"
#include "storetestdata.h"

#include <QSignalSpy>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;
using namespace isc::test;

using Points = QVector<QPointF>;
Q_DECLARE_METATYPE(isc::Reduce)
Q_DECLARE_METATYPE(isc::Combine)
Q_DECLARE_METATYPE(isc::Resolution)

/// What every history backend answers to chart and CLI queries (SQLite and PostgreSQL, one
/// global row each): the same series from the same polls.
class tst_StoreBackendQuery : public QObject
{
    Q_OBJECT

    BackendFixture m_fx;
    std::unique_ptr<SampleStore> openStore(StoreSettings settings = {})
    {
        return m_fx.openStore(settings);
    }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void groupsByStatusClass()
    {
        auto store = openStore();
        const qint64 t = kNow - kDay;
        QVector<SeriesSamples> all;
        const QList<std::pair<QString, double>> codes{{"200", 10}, {"201", 1}, {"429", 5},
                                                      {"404", 2},  {"400", 3}, {"503", 7}};
        for (const auto& [code, v] : codes)
            all.append(series("Requests", {{"ModelDeploymentName", "gpt-4o"}, {"StatusCode", code}},
                              minutes(t, {v, v})));
        all.append(series("Requests", {{"ModelDeploymentName", "other"}, {"StatusCode", "200"}},
                          minutes(t, {100, 100})));
        all.append(series("Requests", {{"ModelDeploymentName", "gpt-4o"}}, minutes(t, {1000})));
        QVERIFY(store->write(batch(all)).result().ok);

        SeriesQuery q;
        q.metric = QStringLiteral("Requests");
        q.labelEquals.insert(QStringLiteral("MODELDEPLOYMENTNAME"), QStringLiteral("gpt-4o"));
        q.groupBy = QStringLiteral("statuscode");
        q.groupTransform = GroupTransform::StatusClass;
        q.combine = Combine::Sum;
        q.range = {t, t + 2 * kMinute};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QStringList names;
        for (const auto& s : r.series)
            names.append(s.name);
        QCOMPARE(names, (QStringList{"(none)", "2xx", "429", "4xx", "5xx"}));
        QCOMPARE(yValues(r.series[1].points), QStringLiteral("11 11"));
        QCOMPARE(yValues(r.series[2].points), QStringLiteral("5 5"));
        QCOMPARE(yValues(r.series[3].points), QStringLiteral("5 5"));
        QCOMPARE(yValues(r.series[4].points), QStringLiteral("7 7"));
        QCOMPARE(r.series[1].points[0].x(), t * 1000.0);

        q.groupTransform = GroupTransform::None;
        names.clear();
        for (const auto& s : store->query(q).result().series)
            names.append(s.name);
        QCOMPARE(names, (QStringList{"(none)", "200", "201", "400", "404", "429", "503"}));
    }

    // Alert rules group series themselves: every stored series comes back on its own, with
    // the connection and labels it was stored under, never merged with its neighbours.
    void perSeriesKeepsEachSeriesAndItsLabels()
    {
        auto store = openStore();
        const qint64 t = kNow - kDay;
        const QList<Label> ptu{{"ModelDeploymentName", "gpt-4o"}, {"StatusCode", "429"}};
        const QList<Label> ok{{"ModelDeploymentName", "gpt-4o"}, {"StatusCode", "200"}};
        QVERIFY(store
                    ->write(batch({series("Requests", ptu, minutes(t, {5, 6}), "east"),
                                   series("Requests", ok, minutes(t, {90, 80}), "east")},
                                  {}, "east"))
                    .result()
                    .ok);
        QVERIFY(
            store->write(batch({series("Requests", ptu, minutes(t, {1, 2}), "west")}, {}, "west"))
                .result()
                .ok);
        SeriesQuery q;
        q.metric = QStringLiteral("Requests");
        q.perSeries = true;
        q.step = kMinute;
        q.range = {t, t + 2 * kMinute};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.series.size(), 3);
        QStringList got;
        for (const auto& s : r.series)
            got << s.source + QLatin1Char('/') + labels::value(s.labels, "StatusCode") +
                       QLatin1Char('=') + yValues(s.points);
        QCOMPARE(got, (QStringList{"east/200=90 80", "east/429=5 6", "west/429=1 2"}));
        QCOMPARE(r.series[0].labels, labels::canonical(ok));

        q.source = QStringLiteral("west"); // the usual filters still apply
        QCOMPARE(store->query(q).result().series.size(), 1);
    }

    void labelEqualsMatchesKeysCaseInsensitively_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("exact key") << "ModelDeploymentName"
                                   << "a"
                                   << "1";
        QTest::newRow("lower-case key") << "modeldeploymentname"
                                        << "a"
                                        << "1";
        QTest::newRow("upper-case key") << "MODELDEPLOYMENTNAME"
                                        << "b"
                                        << "20";
        QTest::newRow("value is exact") << "ModelDeploymentName"
                                        << "A"
                                        << "";
        QTest::newRow("absent key") << "Region"
                                    << "a"
                                    << "";
    }

    void labelEqualsMatchesKeysCaseInsensitively()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        auto store = openStore();
        QVERIFY(
            store
                ->write(batch({series("M", {{"ModelDeploymentName", "a"}}, minutes(kNow, {1})),
                               series("M", {{"ModelDeploymentName", "b"}}, minutes(kNow, {20}))}))
                .result()
                .ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.labelEquals.insert(key, value);
        q.range = {kNow, kNow + kHour};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QCOMPARE(r.series.isEmpty() ? QString() : yValues(r.series[0].points), expected);
    }

    void combineAndReduce_data()
    {
        QTest::addColumn<Combine>("combine");
        QTest::addColumn<Reduce>("reduce");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<QString>("expected");
        // A: 1..10; B: 2 2 2 8 2 2 2 2 2 2 over the same ten minutes (see test body).
        QTest::newRow("sum of avg, 5m") << Combine::Sum << Reduce::Avg << qint64(300) << "6.2 10";
        QTest::newRow("sum of sum, 5m") << Combine::Sum << Reduce::Sum << qint64(300) << "31 50";
        QTest::newRow("mean of max, 5m") << Combine::Mean << Reduce::Max << qint64(300) << "6.5 6";
        QTest::newRow("max of min, 5m") << Combine::Max << Reduce::Min << qint64(300) << "2 6";
        QTest::newRow("sum of min, 5m") << Combine::Sum << Reduce::Min << qint64(300) << "3 8";
        QTest::newRow("mean of avg, 5m") << Combine::Mean << Reduce::Avg << qint64(300) << "3.1 5";
        QTest::newRow("max of sum, 5m") << Combine::Max << Reduce::Sum << qint64(300) << "16 40";
        QTest::newRow("sum of sum, 1h") << Combine::Sum << Reduce::Sum << qint64(3600) << "81";
        QTest::newRow("mean of avg, 1h") << Combine::Mean << Reduce::Avg << qint64(3600) << "4.05";
        QTest::newRow("max, 1m") << Combine::Max << Reduce::Avg << qint64(60)
                                 << "2 2 3 8 5 6 7 8 9 10";
        QTest::newRow("mean, 1m") << Combine::Mean << Reduce::Sum << qint64(60)
                                  << "1.5 2 2.5 6 3.5 4 4.5 5 5.5 6";
    }

    void combineAndReduce()
    {
        QFETCH(Combine, combine);
        QFETCH(Reduce, reduce);
        QFETCH(qint64, step);
        QFETCH(QString, expected);
        auto store = openStore();
        const qint64 t = floorTo(kNow - 2 * kDay, kHour);
        QVERIFY(store
                    ->write(batch(
                        {series("M", {{"d", "A"}}, minutes(t, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})),
                         series("M", {{"d", "B"}}, minutes(t, {2, 2, 2, 8, 2, 2, 2, 2, 2, 2}))}))
                    .result()
                    .ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.combine = combine;
        q.reduce = reduce;
        q.step = step;
        q.range = {t, t + kHour};
        // Recent data: read from raw. Then with "now" 60 days later the raw minutes are beyond
        // retention and the same numbers must come from the rollups.
        for (const qint64 now : {kNow, kNow + 60 * kDay}) {
            q.now = now;
            const QueryResult r = store->query(q).result();
            QVERIFY(r.error.isEmpty());
            QCOMPARE(r.step, step);
            // The range is whole hours: a 5-minute step reads the 5-minute rollup (the same
            // numbers, fewer rows), recent or not; a 1-minute step reads raw.
            const Resolution expectedResolution = step % 3600 == 0  ? Resolution::Hour
                                                  : step % 300 == 0 ? Resolution::FiveMinutes
                                                                    : Resolution::Raw;
            QCOMPARE(r.resolution, expectedResolution);
            if (r.resolution == Resolution::Raw && now != kNow)
                continue; // a 1-minute step cannot come from rollups
            QCOMPARE(r.series.size(), 1);
            QCOMPARE(r.series[0].name, QStringLiteral("M"));
            QCOMPARE(yValues(r.series[0].points), expected);
            for (int i = 0; i < r.series[0].points.size(); ++i)
                QCOMPARE(r.series[0].points[i].x(), (t + i * step) * 1000.0);
        }
    }

    void choosesResolution_data()
    {
        QTest::addColumn<qint64>("ageDays"); // how long before "now" the range starts
        QTest::addColumn<qint64>("duration");
        QTest::addColumn<int>("width");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<Resolution>("expected");
        QTest::newRow("12h, 1000 px")
            << qint64(1) << 12 * kHour << 1000 << qint64(0) << Resolution::Raw;
        QTest::newRow("2d, 1000 px")
            << qint64(2) << 2 * kDay << 1000 << qint64(0) << Resolution::Raw;
        QTest::newRow("7d, 2016 px")
            << qint64(7) << 7 * kDay << 2016 << qint64(0) << Resolution::FiveMinutes;
        QTest::newRow("7d, 2017 px")
            << qint64(7) << 7 * kDay << 2017 << qint64(0) << Resolution::Raw;
        QTest::newRow("30d, 1000 px")
            << qint64(30) << 30 * kDay << 1000 << qint64(0) << Resolution::FifteenMinutes;
        QTest::newRow("30d, 2880 px")
            << qint64(30) << 30 * kDay << 2880 << qint64(0) << Resolution::FifteenMinutes;
        QTest::newRow("30d, 2881 px")
            << qint64(30) << 30 * kDay << 2881 << qint64(0) << Resolution::FiveMinutes;
        QTest::newRow("15m beyond retention")
            << qint64(500) << 30 * kDay << 1000 << qint64(0) << Resolution::Hour;
        QTest::newRow("30d, 720 px")
            << qint64(30) << 30 * kDay << 720 << qint64(0) << Resolution::Hour;
        QTest::newRow("60d, 1000 px")
            << qint64(60) << 60 * kDay << 1000 << qint64(0) << Resolution::Hour;
        QTest::newRow("no width") << qint64(1) << kDay << 0 << qint64(0) << Resolution::Raw;
        QTest::newRow("raw beyond retention")
            << qint64(40) << kDay << 2000 << qint64(0) << Resolution::FiveMinutes;
        QTest::newRow("5m beyond retention")
            << qint64(500) << kDay << 2000 << qint64(0) << Resolution::Hour;
        // Whole-day ranges: the coarsest rollup dividing the step gives the same numbers.
        QTest::newRow("step 5m, recent")
            << qint64(3) << kDay << 0 << qint64(300) << Resolution::FiveMinutes;
        QTest::newRow("step 15m, recent")
            << qint64(3) << kDay << 0 << qint64(900) << Resolution::FifteenMinutes;
        QTest::newRow("step 30m, recent")
            << qint64(3) << kDay << 0 << qint64(1800) << Resolution::FifteenMinutes;
        QTest::newRow("step 1h, 40d ago") << qint64(40) << kDay << 0 << kHour << Resolution::Hour;
        QTest::newRow("step 1h, 500d ago") << qint64(500) << kDay << 0 << kHour << Resolution::Hour;
        QTest::newRow("step 2m, 40d ago")
            << qint64(40) << kDay << 0 << qint64(120) << Resolution::Raw;
        QTest::newRow("step wins over width")
            << qint64(60) << 60 * kDay << 1000 << qint64(300) << Resolution::FiveMinutes;
    }

    void choosesResolution()
    {
        QFETCH(qint64, ageDays);
        QFETCH(qint64, duration);
        QFETCH(int, width);
        QFETCH(qint64, step);
        QFETCH(Resolution, expected);
        auto store = openStore();
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {kNow - ageDays * kDay, kNow - ageDays * kDay + duration};
        q.pixelWidth = width;
        q.step = step;
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
        QCOMPARE(r.resolution, expected);
        QCOMPARE(r.step, step > 0 ? step : qint64(expected));
    }

    // A range whose ends cut a rollup's buckets reads the finest covered resolution instead:
    // those buckets would bring minutes from outside the range into its first and last steps.
    void stepResolutionNeedsWholeBuckets_data()
    {
        QTest::addColumn<qint64>("ageDays");
        QTest::addColumn<qint64>("offset"); // of both ends from whole days, s
        QTest::addColumn<qint64>("step");
        QTest::addColumn<Resolution>("expected");
        QTest::newRow("recent, ends at :01") << qint64(3) << qint64(60) << kHour << Resolution::Raw;
        QTest::newRow("recent, ends at :05")
            << qint64(3) << qint64(300) << kHour << Resolution::FiveMinutes;
        QTest::newRow("recent, ends at :15")
            << qint64(3) << qint64(900) << kHour << Resolution::FifteenMinutes;
        QTest::newRow("40d ago, ends at :01")
            << qint64(40) << qint64(60) << kHour << Resolution::FiveMinutes;
    }

    void stepResolutionNeedsWholeBuckets()
    {
        QFETCH(qint64, ageDays);
        QFETCH(qint64, offset);
        QFETCH(qint64, step);
        QFETCH(Resolution, expected);
        auto store = openStore();
        const qint64 t = floorTo(kNow - ageDays * kDay, kHour);
        QVERIFY(store->write(batch({series("M", {}, minutes(t, QVector<double>(180, 2.0)))}))
                    .result()
                    .ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {kNow - ageDays * kDay + offset, kNow - ageDays * kDay + kDay + offset};
        q.step = step;
        q.reduce = Reduce::Sum;
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.resolution, expected);
        // The steps hold exactly the stored minutes inside the range, except beyond the raw
        // retention: there only whole buckets remain, so the ends' buckets count whole.
        const qint64 width = qint64(r.resolution);
        const TimeRange read{floorTo(q.range.from, width), floorTo(q.range.to + width - 1, width)};
        double total = 0;
        for (const QPointF& p : r.series.value(0).points)
            total += p.y();
        const qint64 minutesRead =
            std::max<qint64>(0, std::min(t + 180 * kMinute, read.to) - std::max(t, read.from)) /
            kMinute;
        QCOMPARE(total, 2.0 * double(minutesRead));
    }

    void decimatesAndKeepsSpikes_data()
    {
        QTest::addColumn<qint64>("days");
        QTest::addColumn<int>("width");
        QTest::addColumn<Resolution>("resolution");
        QTest::newRow("30d at 1000 px (15 min)")
            << qint64(30) << 1000 << Resolution::FifteenMinutes;
        QTest::newRow("30d at 3000 px (5 min)") << qint64(30) << 3000 << Resolution::FiveMinutes;
        QTest::newRow("30d at 500 px (hour)") << qint64(30) << 500 << Resolution::Hour;
        QTest::newRow("2d at 300 px (raw)") << qint64(2) << 300 << Resolution::FiveMinutes;
        QTest::newRow("1d at 1000 px (raw)") << qint64(1) << 1000 << Resolution::Raw;
    }

    void decimatesAndKeepsSpikes()
    {
        QFETCH(qint64, days);
        QFETCH(int, width);
        QFETCH(Resolution, resolution);
        auto store = openStore();
        const qint64 from = floorTo(kNow - days * kDay, kDay);
        const qint64 to = from + days * kDay;
        const qint64 spikeAt = from + (to - from) / 3 + 17 * kMinute;
        const qint64 dipAt = from + 2 * (to - from) / 3 + 41 * kMinute;
        QVector<SeriesSamples> all;
        for (int s = 0; s < 2; ++s) {
            QVector<Sample> samples;
            samples.reserve(int((to - from) / kMinute));
            for (qint64 ts = from; ts < to; ts += kMinute) {
                double v = 10 + 5 * std::sin(double(ts) / 7200.0) + s;
                if (s == 0 && ts == spikeAt)
                    v = 1000;
                if (s == 0 && ts == dipAt)
                    v = -50;
                samples.append({ts, v});
            }
            all.append(series("M", {{"d", QString::number(s)}}, samples));
        }
        QVERIFY(store->write(batch(all)).result().ok);

        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.groupBy = QStringLiteral("d");
        q.range = {from, to};
        q.pixelWidth = width;
        q.now = to;
        const QueryResult r = store->query(q).result();
        QCOMPARE(r.resolution, resolution);
        QCOMPARE(r.series.size(), 2);
        for (const auto& s : r.series) {
            QVERIFY2(s.points.size() <= 4 * width, qPrintable(QString::number(s.points.size())));
            QVERIFY(s.points.size() >= width / 2);
            QVERIFY(
                std::is_sorted(s.points.begin(), s.points.end(),
                               [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        }
        const auto byY = [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); };
        const auto& spiky = r.series[0].points;
        QCOMPARE(std::max_element(spiky.begin(), spiky.end(), byY)->y(), 1000.0);
        QCOMPARE(std::min_element(spiky.begin(), spiky.end(), byY)->y(), -50.0);

        // Combined into one series the bound still holds.
        q.groupBy.clear();
        const QueryResult combined = store->query(q).result();
        QCOMPARE(combined.series.size(), 1);
        QVERIFY(combined.series[0].points.size() <= 4 * width);
    }

    void explicitStepOnePointPerStepWithData()
    {
        auto store = openStore();
        const qint64 t = floorTo(kNow - kDay, kHour);
        // Minutes 0-9 and 30-34 have data; 10-29 none.
        QVector<Sample> samples = minutes(t, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        samples += minutes(t + 30 * kMinute, {4, 4, 4, 4, 9});
        QVERIFY(store->write(batch({series("M", {}, samples)})).result().ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {t, t + kHour};
        q.step = 300;
        q.now = kNow;
        q.reduce = Reduce::Avg;
        QueryResult r = store->query(q).result();
        QCOMPARE(r.step, 300);
        QCOMPARE(r.series.size(), 1);
        QCOMPARE(r.series[0].points,
                 (Points{{t * 1000.0, 3}, {(t + 300) * 1000.0, 8}, {(t + 1800) * 1000.0, 5}}));
        q.reduce = Reduce::Sum;
        r = store->query(q).result();
        QCOMPARE(yValues(r.series[0].points), QStringLiteral("15 40 25"));
        q.reduce = Reduce::Max;
        q.step = 1800;
        r = store->query(q).result();
        QCOMPARE(r.series[0].points, (Points{{t * 1000.0, 10}, {(t + 1800) * 1000.0, 9}}));
        q.step = 90;
        r = store->query(q).result();
        QVERIFY(!r.error.isEmpty());
    }

    // read(): a composed read (the first result decides the next query) runs on the store's
    // thread, after the calls posted before it.
    void readComposesOnTheStoreThread()
    {
        auto store = openStore();
        const qint64 t = floorTo(kNow - kDay, kHour);
        // Not waited on: read() must come after it all the same.
        store->write(batch({series("A", {}, minutes(t, {1, 2, 3})),
                            series("B", {}, minutes(t + 10 * kMinute, {7, 8}))}));
        SeriesQuery first;
        first.metric = QStringLiteral("A");
        first.range = {t, t + kHour};
        first.step = 60;
        QThread* ranOn = nullptr;
        const QVector<QueryResult> chained =
            store
                ->read<QVector<QueryResult>>([first, &ranOn](StoreBackend& db) {
                    ranOn = QThread::currentThread();
                    const QueryResult a = db.query(first);
                    // The newest point of A decides where B is read.
                    const qint64 newest = qint64(a.series.value(0).points.value(2).x() / 1000);
                    SeriesQuery b;
                    b.metric = QStringLiteral("B");
                    b.range = {newest, newest + kHour};
                    b.step = 60;
                    return QVector<QueryResult>{a, db.query(b)};
                })
                .result();
        QVERIFY(ranOn && ranOn != QThread::currentThread());
        QCOMPARE(chained.size(), 2);
        QCOMPARE(yValues(chained[0].series[0].points), QStringLiteral("1 2 3"));
        QCOMPARE(yValues(chained[1].series[0].points), QStringLiteral("7 8"));
    }

    void emptyRangeOrNoDataIsNotAnError()
    {
        auto store = openStore();
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow, {1}))})).result().ok);
        SeriesQuery q;
        q.metric = QStringLiteral("Unknown");
        q.range = {kNow, kNow + kHour};
        q.now = kNow;
        QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
        q.metric = QStringLiteral("M");
        q.range = {kNow + kHour, kNow + 2 * kHour};
        r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
        q.range = {kNow, kNow};
        r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
    }

    void queryIncludesGaps()
    {
        auto store = openStore();
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow, {1}))})).result().ok);
        store
            ->recordGap(
                {QStringLiteral("src"), {kNow + 600, kNow + 1200}, QStringLiteral("timeout"), 0})
            .waitForFinished();
        store
            ->recordGap(
                {QStringLiteral("src"), {kNow - 7200, kNow - 3600}, QStringLiteral("old"), 0})
            .waitForFinished();
        store->recordGap({QStringLiteral("other"), {kNow, kNow + 60}, QStringLiteral("x"), 0})
            .waitForFinished();
        // A partial poll: the gap of one metric cuts that metric's series only.
        store
            ->recordGap({QStringLiteral("src"),
                         {kNow + 1800, kNow + 1860},
                         QStringLiteral("429"),
                         0,
                         QStringLiteral("Other")})
            .waitForFinished();
        store
            ->recordGap({QStringLiteral("src"),
                         {kNow + 2400, kNow + 2460},
                         QStringLiteral("429"),
                         0,
                         QStringLiteral("M")})
            .waitForFinished();
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.source = QStringLiteral("src");
        q.range = {kNow, kNow + kHour};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QCOMPARE(r.gaps,
                 (QVector<TimeRange>{{kNow + 600, kNow + 1200}, {kNow + 2400, kNow + 2460}}));
        QCOMPARE(store->gaps({}, q.range).result().size(), 4);
    }
};

QTEST_GUILESS_MAIN(tst_StoreBackendQuery)
#include "tst_storebackendquery.moc"
