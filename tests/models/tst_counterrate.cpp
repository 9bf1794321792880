#include "core/labels.h"
#include "sources/prometheus/counterrate.h"
#include "sources/prometheus/scrapeaccumulator.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;
using namespace isc::prometheus;

namespace {

constexpr qint64 kT = 1788220800; // 2026-09-01 00:00:00 UTC, a minute boundary
constexpr double kInf = std::numeric_limits<double>::infinity();

LocalScrape scrape(qint64 atS, double requests, double created, QVector<HistogramBucket> ttft,
                   double running)
{
    LocalScrape s;
    s.atMs = atS * 1000;
    s.models = {QStringLiteral("m")};
    s.counters.append({QStringLiteral("Requests"), QStringLiteral("m"),
                       QStringLiteral("finished_reason=stop"), requests, created});
    LocalScrape::Histogram h;
    h.metric = QStringLiteral("TtftMs");
    h.model = QStringLiteral("m");
    h.series = QString();
    h.scale = 1000;
    h.created = created;
    h.buckets = std::move(ttft);
    s.histograms.append(h);
    s.gauges.append({QStringLiteral("RequestsRunning"), QStringLiteral("m"), running});
    return s;
}

// The value of (metric, aggregation) at minute `ts` in `batch`, NaN when absent.
double valueAt(const PollBatch& batch, const QString& metric, const QString& aggregation, qint64 ts)
{
    for (const auto& s : batch.series) {
        if (s.key.metric != metric || s.key.aggregation != aggregation)
            continue;
        for (const auto& p : s.samples) {
            if (p.ts == ts)
                return p.value;
        }
    }
    return std::nan("");
}

} // namespace

class tst_CounterRate : public QObject
{
    Q_OBJECT
private slots:
    void increase_data();
    void increase();
    void rate();
    void spread_data();
    void spread();
    void accumulatorCounters();
    void accumulatorReset();
    void accumulatorHistogram();
    void accumulatorGaugesAndGap();
};

void tst_CounterRate::increase_data()
{
    QTest::addColumn<double>("previous");
    QTest::addColumn<double>("current");
    QTest::addColumn<double>("previousCreated");
    QTest::addColumn<double>("currentCreated");
    QTest::addColumn<double>("expected");
    QTest::newRow("grows") << 10.0 << 15.0 << 0.0 << 0.0 << 5.0;
    QTest::newRow("flat") << 10.0 << 10.0 << 0.0 << 0.0 << 0.0;
    QTest::newRow("reset") << 100.0 << 7.0 << 0.0 << 0.0 << 7.0;
    QTest::newRow("reset to zero") << 100.0 << 0.0 << 0.0 << 0.0 << 0.0;
    QTest::newRow("restart seen by _created") << 10.0 << 15.0 << 1000.0 << 2000.0 << 15.0;
    QTest::newRow("same _created") << 10.0 << 15.0 << 1000.0 << 1000.0 << 5.0;
    QTest::newRow("created unknown") << 10.0 << 15.0 << std::nan("") << 2000.0 << 5.0;
}

void tst_CounterRate::increase()
{
    QFETCH(double, previous);
    QFETCH(double, current);
    QFETCH(double, previousCreated);
    QFETCH(double, currentCreated);
    QFETCH(double, expected);
    QCOMPARE(counterIncrease(previous, current, previousCreated, currentCreated), expected);
}

void tst_CounterRate::rate()
{
    QCOMPARE(counterRate(10, 70, 60), 1.0);
    QCOMPARE(counterRate(500, 30, 15), 2.0); // reset: 30 in 15 s
    QCOMPARE(counterRate(10, 70, 0), 0.0);
    QVERIFY(std::isnan(counterIncrease(std::nan(""), 5)));
}

void tst_CounterRate::spread_data()
{
    QTest::addColumn<qint64>("fromMs");
    QTest::addColumn<qint64>("toMs");
    QTest::addColumn<double>("amount");
    QTest::addColumn<QVector<qint64>>("minutes");
    QTest::addColumn<QVector<double>>("values");
    QTest::newRow("one whole minute")
        << kT * 1000 << (kT + 60) * 1000 << 6.0 << QVector<qint64>{kT} << QVector<double>{6.0};
    QTest::newRow("straddles two minutes")
        << (kT + 30) * 1000 << (kT + 90) * 1000 << 6.0 << QVector<qint64>{kT, kT + 60}
        << QVector<double>{3.0, 3.0};
    QTest::newRow("15 s inside a minute") << (kT + 15) * 1000 << (kT + 30) * 1000 << 4.0
                                          << QVector<qint64>{kT} << QVector<double>{4.0};
    QTest::newRow("three minutes, uneven")
        << (kT + 45) * 1000 << (kT + 165) * 1000 << 12.0 << QVector<qint64>{kT, kT + 60, kT + 120}
        << QVector<double>{1.5, 6.0, 4.5};
    QTest::newRow("empty interval")
        << kT * 1000 << kT * 1000 << 5.0 << QVector<qint64>{} << QVector<double>{};
}

void tst_CounterRate::spread()
{
    QFETCH(qint64, fromMs);
    QFETCH(qint64, toMs);
    QFETCH(double, amount);
    QFETCH(QVector<qint64>, minutes);
    QFETCH(QVector<double>, values);
    const QVector<Sample> got = spreadOverMinutes(fromMs, toMs, amount);
    QCOMPARE(got.size(), minutes.size());
    for (int i = 0; i < got.size(); ++i) {
        QCOMPARE(got[i].ts, minutes[i]);
        QCOMPARE(got[i].value, values[i]);
    }
}

void tst_CounterRate::accumulatorCounters()
{
    ScrapeAccumulator acc;
    const QVector<HistogramBucket> none{{0.1, 0}, {kInf, 0}};
    PollBatch b = acc.add(scrape(kT, 100, 1, none, 1), QStringLiteral("src"));
    QVERIFY(std::isnan(valueAt(b, "Requests", "total", kT))); // first scrape: a baseline only
    b = acc.add(scrape(kT + 60, 130, 1, none, 1), QStringLiteral("src"));
    QCOMPARE(valueAt(b, "Requests", "total", kT), 30.0);
    QCOMPARE(b.source, QStringLiteral("src"));
    QCOMPARE(b.series.first().key.labels,
             labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("m")}}));
    // Two 30 s scrapes in the next minute add up within it.
    acc.add(scrape(kT + 90, 140, 1, none, 1), QStringLiteral("src"));
    b = acc.add(scrape(kT + 120, 151, 1, none, 1), QStringLiteral("src"));
    QCOMPARE(valueAt(b, "Requests", "total", kT + 60), 21.0);
}

void tst_CounterRate::accumulatorReset()
{
    ScrapeAccumulator acc;
    const QVector<HistogramBucket> none{{0.1, 0}, {kInf, 0}};
    acc.add(scrape(kT, 5000, 1, none, 1), QStringLiteral("src"));
    // The process restarted: the counter is low again and counts from zero.
    PollBatch b = acc.add(scrape(kT + 60, 7, 1, none, 1), QStringLiteral("src"));
    QCOMPARE(valueAt(b, "Requests", "total", kT), 7.0);
    // A restart between scrapes that the value hides (it grew past the old one): _created.
    b = acc.add(scrape(kT + 120, 9, 2, none, 1), QStringLiteral("src"));
    QCOMPARE(valueAt(b, "Requests", "total", kT + 60), 9.0);
}

void tst_CounterRate::accumulatorHistogram()
{
    ScrapeAccumulator acc;
    acc.add(scrape(kT, 0, 1, {{0.1, 10}, {1, 20}, {kInf, 20}}, 1), QStringLiteral("src"));
    const PollBatch b =
        acc.add(scrape(kT + 60, 0, 1, {{0.1, 15}, {1, 40}, {kInf, 40}}, 1), QStringLiteral("src"));
    // Increase 5, 20, 20: rank 10 in (0.1, 1] holding 15 from 5 -> 0.1 + 0.9 * 5/15 s.
    QCOMPARE(valueAt(b, "TtftMs", "p50", kT), (0.1 + 0.9 * 5.0 / 15.0) * 1000);
    // rank 19 -> 0.1 + 0.9 * 14/15 s; p99: rank 19.8 -> 0.1 + 0.9 * 14.8/15.
    QCOMPARE(valueAt(b, "TtftMs", "p95", kT), (0.1 + 0.9 * 14.0 / 15.0) * 1000);
    QCOMPARE(valueAt(b, "TtftMs", "p99", kT), (0.1 + 0.9 * 14.8 / 15.0) * 1000);
    for (const auto& s : b.series) {
        if (s.key.metric == QLatin1String("TtftMs"))
            QCOMPARE(s.unit, QStringLiteral("Milliseconds"));
    }
    // A minute without observations has no percentile at all (not 0, not NaN).
    const PollBatch quiet =
        acc.add(scrape(kT + 120, 0, 1, {{0.1, 15}, {1, 40}, {kInf, 40}}, 1), QStringLiteral("src"));
    QVERIFY(std::isnan(valueAt(quiet, "TtftMs", "p50", kT + 60)));
}

void tst_CounterRate::accumulatorGaugesAndGap()
{
    ScrapeAccumulator acc;
    const QVector<HistogramBucket> none{{0.1, 0}, {kInf, 0}};
    acc.add(scrape(kT, 10, 1, none, 2), QStringLiteral("src"));
    const PollBatch b = acc.add(scrape(kT + 30, 12, 1, none, 5), QStringLiteral("src"));
    QCOMPARE(valueAt(b, "RequestsRunning", "average", kT), 3.5); // mean of the minute's scrapes
    // A scrape long after the last one starts afresh: the increase cannot be placed in time.
    const PollBatch late = acc.add(scrape(kT + 3600, 500, 1, none, 1), QStringLiteral("src"));
    for (const auto& s : late.series)
        QVERIFY(s.key.metric != QLatin1String("Requests"));
    QCOMPARE(valueAt(late, "RequestsRunning", "average", kT + 3600), 1.0);
}

QTEST_GUILESS_MAIN(tst_CounterRate)
#include "tst_counterrate.moc"
