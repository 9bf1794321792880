#include "sources/prometheus/histogramquantile.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc::prometheus;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using Buckets = QVector<HistogramBucket>;

// le 0.1: 10, 0.5: 30, 1: 60, +Inf: 100 (cumulative).
Buckets standard()
{
    return {{0.1, 10}, {0.5, 30}, {1, 60}, {kInf, 100}};
}

} // namespace

Q_DECLARE_METATYPE(Buckets)

class tst_HistogramQuantile : public QObject
{
    Q_OBJECT
private slots:
    void quantile_data();
    void quantile();
    void increaseThenQuantile();
};

void tst_HistogramQuantile::quantile_data()
{
    QTest::addColumn<double>("q");
    QTest::addColumn<Buckets>("buckets");
    QTest::addColumn<double>("expected");

    // Every expected value below is worked out by hand from PromQL's bucketQuantile().
    // rank 50 lies in (0.5, 1] holding 30 from 30: 0.5 + 0.5 * (50 - 30) / 30.
    QTest::newRow("median interpolates") << 0.5 << standard() << 0.5 + 0.5 * 20.0 / 30.0;
    // rank 5 in the lowest bucket, lower bound 0 because its upper bound is > 0.
    QTest::newRow("lowest bucket from zero") << 0.05 << standard() << 0.05;
    // rank 30 equals the count of le=0.5: the upper bound of that bucket.
    QTest::newRow("rank on a boundary") << 0.3 << standard() << 0.5;
    QTest::newRow("q = 0") << 0.0 << standard() << 0.0;
    // rank 95 lies in the +Inf bucket: the second-highest upper bound.
    QTest::newRow("p95 in +Inf bucket") << 0.95 << standard() << 1.0;
    QTest::newRow("q = 1") << 1.0 << standard() << 1.0;
    QTest::newRow("p99 vllm ttft")
        << 0.99 << Buckets{{0.02, 2},  {0.04, 10}, {0.06, 30},  {0.08, 52}, {0.1, 70},
                           {0.25, 95}, {0.5, 99},  {0.75, 100}, {kInf, 100}}
        << 0.5; // rank 99 == count of le=0.5
    QTest::newRow("p95 vllm ttft")
        << 0.95 << Buckets{{0.02, 2},  {0.04, 10}, {0.06, 30},  {0.08, 52}, {0.1, 70},
                           {0.25, 95}, {0.5, 99},  {0.75, 100}, {kInf, 100}}
        << 0.25;
    QTest::newRow("p90 vllm ttft")
        << 0.9 << Buckets{{0.02, 2},  {0.04, 10}, {0.06, 30},  {0.08, 52}, {0.1, 70},
                          {0.25, 95}, {0.5, 99},  {0.75, 100}, {kInf, 100}}
        << 0.1 + 0.15 * 20.0 / 25.0;
    QTest::newRow("unsorted input")
        << 0.5 << Buckets{{kInf, 100}, {1, 60}, {0.1, 10}, {0.5, 30}} << 0.5 + 0.5 * 20.0 / 30.0;
    QTest::newRow("q < 0") << -0.1 << standard() << -kInf;
    QTest::newRow("q > 1") << 1.1 << standard() << kInf;
    QTest::newRow("q NaN") << kNaN << standard() << kNaN;
    QTest::newRow("no +Inf bucket") << 0.5 << Buckets{{0.1, 10}, {1, 60}} << kNaN;
    QTest::newRow("no observations") << 0.5 << Buckets{{0.1, 0}, {1, 0}, {kInf, 0}} << kNaN;
    QTest::newRow("only +Inf") << 0.5 << Buckets{{kInf, 10}} << kNaN;
    QTest::newRow("empty") << 0.5 << Buckets{} << kNaN;
    // Lowest bucket with upper bound <= 0: its upper bound is returned.
    QTest::newRow("negative lowest bucket")
        << 0.1 << Buckets{{-1, 10}, {0, 20}, {1, 40}, {kInf, 40}} << -1.0;
    QTest::newRow("negative second bucket")
        << 0.4 << Buckets{{-1, 10}, {0, 20}, {1, 40}, {kInf, 40}} << -1.0 + 6.0 / 10.0;
    // Non-monotonic counts (le=2 below le=1) are raised to the envelope 10, 10, 20, 20:
    // rank 12 in (2, 3] holding 10: 2 + 2/10 (not 2 + 4/12 without the fix).
    QTest::newRow("monotonicity forced")
        << 0.6 << Buckets{{1, 10}, {2, 8}, {3, 20}, {kInf, 20}} << 2.2;
    // Equal upper bounds ("1" and "1.0") are merged: le 1 holds 10.
    QTest::newRow("duplicate bounds merged")
        << 0.75 << Buckets{{1, 5}, {1, 5}, {2, 20}, {kInf, 20}} << 1.5;
    // A relative wobble below 1e-12 is float noise: le=2 and +Inf are flattened to le=1's 10,
    // so rank 10 lies in the lowest bucket (1.0), not in (1, 2] (2.0 without the correction).
    QTest::newRow("precision noise ignored")
        << 1.0 << Buckets{{1, 10}, {2, 10 + 5e-12}, {kInf, 10 + 5e-12}} << 1.0;
}

void tst_HistogramQuantile::quantile()
{
    QFETCH(double, q);
    QFETCH(Buckets, buckets);
    QFETCH(double, expected);
    const double got = histogramQuantile(q, buckets);
    if (std::isnan(expected)) {
        QVERIFY2(std::isnan(got), qPrintable(QString::number(got)));
    } else if (std::isinf(expected)) {
        QCOMPARE(got, expected);
    } else {
        QVERIFY2(
            std::abs(got - expected) < 1e-12,
            qPrintable(QStringLiteral("%1 != %2").arg(got, 0, 'g', 17).arg(expected, 0, 'g', 17)));
    }
}

void tst_HistogramQuantile::increaseThenQuantile()
{
    // Two scrapes of one histogram: the quantile is of the increase, not of the totals.
    const Buckets before{{0.1, 100}, {0.5, 300}, {1, 300}, {kInf, 310}};
    const Buckets after{{0.1, 110}, {0.5, 320}, {1, 350}, {kInf, 370}};
    const Buckets inc = bucketIncrease(before, after); // 10, 20, 50, 60
    QCOMPARE(inc.size(), 4);
    QCOMPARE(inc.at(2).count, 50.0);
    // rank 30 in (0.5, 1] holding 30 from 20: 0.5 + 0.5 * 10/30.
    QCOMPARE(histogramQuantile(0.5, inc), 0.5 + 0.5 * 10.0 / 30.0);
    // A reset (the process restarted): each bucket counts from zero again.
    const Buckets restarted{{0.1, 1}, {0.5, 3}, {1, 4}, {kInf, 4}};
    const Buckets afterReset = bucketIncrease(after, restarted);
    QCOMPARE(afterReset.at(0).count, 1.0);
    QCOMPARE(afterReset.at(3).count, 4.0);
    // rank 2 in (0.1, 0.5] holding 2 from 1: 0.1 + 0.4 * 1/2.
    QCOMPARE(histogramQuantile(0.5, afterReset), 0.3);
}

QTEST_GUILESS_MAIN(tst_HistogramQuantile)
#include "tst_histogramquantile.moc"
