#include "core/labels.h"
#include "sources/prometheus/histogramquantile.h"
#include "sources/prometheus/scrapeaccumulator.h"
#include "store/samplestore.h"
#include "storebackends.h"
#include "storetestdata.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;
using namespace isc::prometheus;
using namespace isc::test;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr qint64 kT0 = kNow - kDay; // a minute start

// A vLLM-like scrape of one TTFT histogram (seconds, cumulative counts) at `atS` (s UTC).
LocalScrape ttftScrape(qint64 atS, const QVector<HistogramBucket>& buckets,
                       const QString& metric = QStringLiteral("TtftMs"))
{
    LocalScrape s;
    s.atMs = atS * 1000;
    s.server = ServerKind::Vllm;
    s.models = {QStringLiteral("llama")};
    LocalScrape::Histogram h;
    h.metric = metric;
    h.model = QStringLiteral("llama");
    h.series = QStringLiteral("model_name=llama");
    h.scale = 1000;
    h.buckets = buckets;
    s.histograms.append(h);
    return s;
}

// Cumulative buckets from per-bucket (non-cumulative) counts over `bounds` (s), +Inf last.
QVector<HistogramBucket> cumulative(const QVector<double>& bounds, const QVector<double>& counts)
{
    QVector<HistogramBucket> out;
    double sum = 0;
    for (int i = 0; i < counts.size(); ++i) {
        sum += counts[i];
        out.append({i < bounds.size() ? bounds[i] : kInf, sum});
    }
    return out;
}

const SeriesSamples* find(const PollBatch& b, const QString& metric, const QString& aggregation,
                          const QString& le = {})
{
    for (const SeriesSamples& s : b.series) {
        if (s.key.metric == metric && s.key.aggregation == aggregation &&
            (le.isNull() || labels::value(s.key.labels, QStringLiteral("le")) == le))
            return &s;
    }
    return nullptr;
}

} // namespace

class tst_ScrapeAccumulator : public QObject
{
    Q_OBJECT

    BackendFixture m_fx;

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void leLabels_data()
    {
        QTest::addColumn<double>("ms");
        QTest::addColumn<QString>("label");
        QTest::newRow("1 ms from 0.001 s") << 0.001 * 1000 << "1";
        QTest::newRow("fraction") << 2.5 << "2.5";
        QTest::newRow("250 ms") << 0.25 * 1000 << "250";
        QTest::newRow("60 s") << 60.0 * 1000 << "60000";
        QTest::newRow("+Inf") << kInf << "+Inf";
    }
    void leLabels()
    {
        QFETCH(double, ms);
        QFETCH(QString, label);
        QCOMPARE(ScrapeAccumulator::leLabel(ms), label);
    }

    // Each bucket of a minute is stored as its cumulative count with `le` in ms; the stored
    // p50/p95/p99 are the quantiles of exactly those buckets.
    void bucketsStoredPerMinute_data()
    {
        QTest::addColumn<QVector<double>>("bounds"); // s
        QTest::addColumn<QVector<double>>("before"); // per-bucket counts at the baseline
        QTest::addColumn<QVector<double>>("added");  // per-bucket counts added in the minute
        QTest::newRow("fresh") << QVector<double>{0.1, 0.5, 1} << QVector<double>{0, 0, 0, 0}
                               << QVector<double>{3, 5, 1, 1};
        QTest::newRow("on top of history")
            << QVector<double>{0.02, 0.04, 0.25, 2.5} << QVector<double>{100, 40, 7, 2, 1}
            << QVector<double>{0, 12, 30, 6, 0};
        QTest::newRow("all in +Inf")
            << QVector<double>{0.1} << QVector<double>{1, 1} << QVector<double>{0, 4};
    }
    void bucketsStoredPerMinute()
    {
        QFETCH(QVector<double>, bounds);
        QFETCH(QVector<double>, before);
        QFETCH(QVector<double>, added);
        QVector<double> after = before;
        for (int i = 0; i < after.size(); ++i)
            after[i] += added[i];
        ScrapeAccumulator acc;
        acc.add(ttftScrape(kT0, cumulative(bounds, before)), QStringLiteral("vllm"));
        const PollBatch b =
            acc.add(ttftScrape(kT0 + 60, cumulative(bounds, after)), QStringLiteral("vllm"));

        QVector<HistogramBucket> stored;
        double running = 0;
        for (int i = 0; i < added.size(); ++i) {
            running += added[i];
            const double boundMs = i < bounds.size() ? bounds[i] * 1000 : kInf;
            const QString le = ScrapeAccumulator::leLabel(boundMs);
            const SeriesSamples* s = find(b, QStringLiteral("TtftMsBucket"), "total", le);
            QVERIFY2(s, qPrintable(le));
            QCOMPARE(s->samples.size(), 1);
            QCOMPARE(s->samples[0].ts, kT0);
            QCOMPARE(s->samples[0].value, running);
            QCOMPARE(s->unit, QStringLiteral("Count"));
            QCOMPARE(labels::value(s->key.labels, QStringLiteral("ModelDeploymentName")),
                     QStringLiteral("llama"));
            stored.append({boundMs, s->samples[0].value});
        }
        for (const char* p : {"p50", "p95", "p99"}) {
            const SeriesSamples* s = find(b, QStringLiteral("TtftMs"), QLatin1String(p));
            QVERIFY(s);
            const double q = QByteArray(p) == "p50" ? 0.5 : (QByteArray(p) == "p95" ? 0.95 : 0.99);
            QCOMPARE(s->samples[0].value, histogramQuantile(q, stored));
        }
    }

    void quietMinuteStoresNoBuckets()
    {
        const QVector<HistogramBucket> same = cumulative({0.1, 1}, {4, 2, 1});
        ScrapeAccumulator acc;
        acc.add(ttftScrape(kT0, same), QStringLiteral("vllm"));
        const PollBatch b = acc.add(ttftScrape(kT0 + 60, same), QStringLiteral("vllm"));
        QVERIFY(!find(b, QStringLiteral("TtftMsBucket"), "total"));
        QVERIFY(!find(b, QStringLiteral("TtftMs"), "p50"));
    }

    // Queue time is not drawn as a heatmap, and a histogram with very many buckets keeps its
    // percentiles only: the number of stored series per model stays bounded.
    void cardinalityBounded()
    {
        QVector<double> bounds, counts;
        for (int i = 0; i < ScrapeAccumulator::maxStoredBuckets; ++i)
            bounds.append(0.01 * (i + 1));
        counts.fill(1, bounds.size() + 1);
        ScrapeAccumulator acc;
        acc.add(ttftScrape(kT0, cumulative(bounds, QVector<double>(counts.size(), 0))), "vllm");
        PollBatch b = acc.add(ttftScrape(kT0 + 60, cumulative(bounds, counts)), "vllm");
        QVERIFY(!find(b, QStringLiteral("TtftMsBucket"), "total"));
        QVERIFY(find(b, QStringLiteral("TtftMs"), "p95"));

        ScrapeAccumulator queue;
        const QString metric = QStringLiteral("QueueTimeMs");
        queue.add(ttftScrape(kT0, cumulative({1}, {0, 0}), metric), "vllm");
        b = queue.add(ttftScrape(kT0 + 60, cumulative({1}, {3, 1}), metric), "vllm");
        QVERIFY(find(b, metric, "p50"));
        QVERIFY(!find(b, ScrapeAccumulator::bucketMetric(metric), "total"));
    }

    // Stored and read back at 5-minute and hourly steps, from raw minutes and from rollups:
    // each bucket's count is the sum of its minutes, so the quantiles of any step are exact.
    void storeRoundTrip_data()
    {
        QTest::addColumn<qint64>("step");
        QTest::newRow("raw minutes") << qint64(60);
        QTest::newRow("5 min") << qint64(300);
        QTest::newRow("hour") << qint64(3600);
    }
    void storeRoundTrip()
    {
        QFETCH(qint64, step);
        const QVector<double> bounds{0.05, 0.2, 1};
        ScrapeAccumulator acc;
        QVector<double> total(bounds.size() + 1, 0);
        acc.add(ttftScrape(kT0, cumulative(bounds, total)), QStringLiteral("vllm"));
        QVector<PollBatch> batches;
        QVector<QVector<double>> perMinute; // per-bucket counts added in each minute
        for (int m = 1; m <= 60; ++m) {
            QVector<double> add{1. + m % 5, double(m % 3), double(m % 2), m % 7 == 0 ? 1. : 0.};
            for (int i = 0; i < total.size(); ++i)
                total[i] += add[i];
            perMinute.append(add);
            batches.append(acc.add(ttftScrape(kT0 + 60 * m, cumulative(bounds, total)), "vllm"));
        }
        m_fx.freshAddress();
        auto store = m_fx.openStore();
        QVERIFY(store);
        for (const PollBatch& b : batches)
            QVERIFY(store->write(b).result().ok);

        SeriesQuery q;
        q.metric = QStringLiteral("TtftMsBucket");
        q.aggregation = QStringLiteral("total");
        q.source = QStringLiteral("vllm");
        q.groupBy = QStringLiteral("le");
        q.reduce = Reduce::Sum;
        q.step = step;
        q.range = {kT0, kT0 + kHour};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.series.size(), bounds.size() + 1);
        for (const QueriedSeries& s : r.series) {
            const double le = s.name == QLatin1String("+Inf") ? kInf : s.name.toDouble();
            int bucket = 0;
            while (bucket < bounds.size() && bounds[bucket] * 1000 < le)
                ++bucket;
            QCOMPARE(s.points.size(), int(kHour / step));
            for (const QPointF& p : s.points) {
                const qint64 from = qint64(p.x() / 1000);
                double expected = 0;
                for (int m = 0; m < 60; ++m) {
                    if (kT0 + 60 * m < from || kT0 + 60 * m >= from + step)
                        continue;
                    for (int i = 0; i <= bucket; ++i)
                        expected += perMinute[m][i];
                }
                QCOMPARE(p.y(), expected);
            }
        }
    }
};

QTEST_GUILESS_MAIN(tst_ScrapeAccumulator)
#include "tst_scrapeaccumulator.moc"
