#include "core/labels.h"
#include "reports/latencyreport.h"
#include "sources/prometheus/scrapeaccumulator.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;

Q_DECLARE_METATYPE(isc::LatencyMetric)

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr qint64 kFrom = 1772323200 - 86400; // a whole hour
constexpr qint64 kStep = 900;

// Per-bucket (not cumulative) counts -> cumulative.
QVector<double> cumulative(const QVector<double>& counts)
{
    QVector<double> out;
    double sum = 0;
    for (double c : counts)
        out.append(sum += c);
    return out;
}

// An independent histogram_quantile: the rank's bucket, linear inside it, 0 as the first lower
// bound, the highest finite bound when the rank falls in +Inf.
double expectedQuantile(const QVector<double>& bounds, const QVector<double>& counts, double q)
{
    double total = 0;
    for (double c : counts)
        total += c;
    const double rank = q * total;
    double below = 0;
    for (int i = 0; i < counts.size(); ++i) {
        if (below + counts[i] >= rank && counts[i] > 0) {
            if (std::isinf(bounds[i]))
                return bounds[i - 1];
            const double lower = i == 0 ? 0 : bounds[i - 1];
            return lower + (bounds[i] - lower) * (rank - below) / counts[i];
        }
        below += counts[i];
    }
    return bounds[bounds.size() - 2];
}

// A local reading with per-step per-bucket counts.
LatencyReading local(const QString& dep, LatencyMetric m, const QVector<double>& bounds,
                     const QVector<QVector<double>>& steps, bool previous = false)
{
    LatencyReading r;
    r.source = QStringLiteral("vllm");
    r.deployment = dep;
    r.metric = m;
    r.previous = previous;
    r.bounds = bounds;
    const qint64 from = previous ? kFrom - 86400 : kFrom;
    for (int i = 0; i < steps.size(); ++i)
        r.buckets.append({from + i * kStep, cumulative(steps[i])});
    return r;
}

LatencyReading azure(const QString& dep, LatencyMetric m, const QVector<double>& averages,
                     bool previous = false)
{
    LatencyReading r;
    r.source = QStringLiteral("azure");
    r.deployment = dep;
    r.metric = m;
    r.previous = previous;
    const qint64 from = previous ? kFrom - 86400 : kFrom;
    for (int i = 0; i < averages.size(); ++i) {
        r.average.append({from + i * kStep, averages[i]});
        r.maximum.append({from + i * kStep, averages[i] * 3});
    }
    return r;
}

double meanOf(const QVector<double>& v)
{
    double s = 0;
    for (double x : v)
        s += x;
    return s / v.size();
}

const QVector<double> kBounds{100, 250, 500, 1000, kInf};

LatencyReportInput fleet()
{
    LatencyReportInput in;
    in.data.range = {kFrom, kFrom + 86400};
    in.data.previousRange = {kFrom - 86400, kFrom};
    in.data.step = kStep;
    in.connections = {Connection{}, Connection{}};
    in.connections[0].id = QStringLiteral("vllm");
    in.connections[0].displayName = QStringLiteral("Lab vLLM");
    in.connections[1].id = QStringLiteral("azure");
    in.connections[1].displayName = QStringLiteral("Prod Azure");
    in.data.readings = {
        local("llama", LatencyMetric::Ttft, kBounds,
              {{5, 20, 10, 4, 1}, {0, 0, 0, 0, 0}, {2, 8, 30, 10, 0}}),
        local("llama", LatencyMetric::Ttft, kBounds, {{20, 20, 5, 0, 0}}, true),
        local("llama", LatencyMetric::Tbt, {10, 20, 40, kInf},
              {{100, 300, 50, 1}, {80, 200, 90, 0}}),
        azure("gpt-4o", LatencyMetric::Ttft, {400, 600, 500}),
        azure("gpt-4o", LatencyMetric::Ttft, {500, 500}, true),
        azure("gpt-4o", LatencyMetric::Ttlt, {4000, 5000}),
        azure("gpt-4o", LatencyMetric::TokensPerSecond, {60, 80}),
        azure("gpt-mini", LatencyMetric::Ttft, {150, 170}),
    };
    return in;
}

} // namespace

class tst_LatencyReport : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void bucketQuantile_data()
    {
        QTest::addColumn<QVector<double>>("counts"); // per bucket over kBounds
        QTest::addColumn<double>("q");
        QTest::newRow("median in the second bucket") << QVector<double>{5, 20, 10, 4, 1} << 0.5;
        QTest::newRow("p95 in the fourth") << QVector<double>{5, 20, 10, 4, 1} << 0.95;
        QTest::newRow("p99 into +Inf") << QVector<double>{1, 1, 1, 1, 6} << 0.99;
        QTest::newRow("first bucket from 0") << QVector<double>{10, 0, 0, 0, 0} << 0.3;
    }
    void bucketQuantile()
    {
        QFETCH(QVector<double>, counts);
        QFETCH(double, q);
        QCOMPARE(LatencyReport::bucketQuantile(kBounds, cumulative(counts), q),
                 expectedQuantile(kBounds, counts, q));
    }

    void quantileOfValues_data()
    {
        QTest::addColumn<QVector<double>>("values");
        QTest::addColumn<double>("q");
        QTest::newRow("odd median") << QVector<double>{5, 1, 3} << 0.5;
        QTest::newRow("p95 of 21") << [] {
            QVector<double> v;
            for (int i = 20; i >= 0; --i)
                v << i * 10.0;
            return v;
        }() << 0.95;
        QTest::newRow("between ranks") << QVector<double>{100, 200} << 0.25;
    }
    void quantileOfValues()
    {
        QFETCH(QVector<double>, values);
        QFETCH(double, q);
        QVector<double> sorted = values;
        std::sort(sorted.begin(), sorted.end());
        const double pos = q * (sorted.size() - 1);
        const int i = int(pos);
        const double expected =
            sorted[i] + (sorted[std::min(i + 1, int(sorted.size()) - 1)] - sorted[i]) * (pos - i);
        QCOMPARE(LatencyReport::quantile(values, q), expected);
        QVERIFY(std::isnan(LatencyReport::quantile({}, q)));
    }

    void changeText_data()
    {
        QTest::addColumn<double>("before");
        QTest::addColumn<double>("now");
        QTest::addColumn<QString>("text");
        QTest::newRow("slower") << 100.0 << 112.0 << "+12 %";
        QTest::newRow("faster, small") << 200.0 << 191.0 << "\u22124.5 %";
        QTest::newRow("no previous") << std::nan("") << 100.0 << "";
        QTest::newRow("previous zero") << 0.0 << 100.0 << "";
    }
    void changeText()
    {
        QFETCH(double, before);
        QFETCH(double, now);
        QFETCH(QString, text);
        QCOMPARE(LatencyReport::changeText(before, now), text);
    }

    // Slowest TTFT first, by p95 where buckets exist and by the average on Azure; the basis and
    // the change against the previous period are computed from the same inputs.
    void rankingOrderBasisAndChange()
    {
        const LatencyReportInput in = fleet();
        const LatencyReport r = LatencyReport::build(in);
        QCOMPARE(r.targets.size(), 3);

        const QVector<double> llamaTotal{7, 28, 40, 14, 1};
        const double llamaP95 = expectedQuantile(kBounds, llamaTotal, 0.95);
        const double llamaBefore = expectedQuantile(kBounds, {20, 20, 5, 0, 0}, 0.95);
        const double gpt4o = meanOf({400, 600, 500});
        const double mini = meanOf({150, 170});
        QMap<QString, double> expected{{"llama", llamaP95}, {"gpt-4o", gpt4o}, {"gpt-mini", mini}};
        QStringList order = expected.keys();
        std::sort(order.begin(), order.end(),
                  [&](const QString& a, const QString& b) { return expected[a] > expected[b]; });
        for (int i = 0; i < order.size(); ++i) {
            QCOMPARE(r.targets[i].deployment, order[i]);
            QCOMPARE(r.targets[i].rankValue, expected[order[i]]);
            QCOMPARE(r.ranking.text(i, 0), order[i]);
        }
        const int llama = int(order.indexOf("llama"));
        const int g4 = int(order.indexOf("gpt-4o"));
        const int gm = int(order.indexOf("gpt-mini"));
        QCOMPARE(r.ranking.text(llama, 1), QStringLiteral("Lab vLLM"));
        QCOMPARE(r.ranking.text(llama, 2), QStringLiteral("p95"));
        QCOMPARE(r.ranking.text(g4, 2), QStringLiteral("average"));
        QVERIFY(r.ranking.rows[g4][2].toolTip.contains("average and maximum only"));
        QCOMPARE(r.ranking.text(llama, 4), LatencyReport::changeText(llamaBefore, llamaP95));
        QCOMPARE(r.ranking.rows[llama][4].warning, llamaP95 > llamaBefore * 1.1);
        QCOMPARE(r.ranking.text(g4, 4), LatencyReport::changeText(meanOf({500, 500}), gpt4o));
        QCOMPARE(r.ranking.rows[g4][4].warning, gpt4o > 500 * 1.1);
        QCOMPARE(r.ranking.text(gm, 4), QStringLiteral("\u2013")); // no previous period
        QVERIFY(r.ranking.rows[gm][4].toolTip.contains("No data"));
        // TTLT of gpt-4o, tokens/s from Azure and, for llama, from the median TBT.
        QCOMPARE(r.ranking.rows[g4][5].sortValue.toDouble(), meanOf({4000, 5000}));
        QCOMPARE(r.ranking.rows[g4][8].sortValue.toDouble(), meanOf({60, 80}));
        const double tbtP50 = expectedQuantile({10, 20, 40, kInf}, {180, 500, 140, 1}, 0.5);
        QCOMPARE(r.ranking.rows[llama][8].sortValue.toDouble(), 1000.0 / tbtP50);
        QVERIFY(r.emptyMessage.isEmpty());
    }

    // A previous period with data in fewer than half the steps of the range (history younger
    // than it) gives no change, and the tooltip says why.
    void partialPreviousPeriodNotCompared_data()
    {
        QTest::addColumn<int>("stepsBefore");
        QTest::addColumn<bool>("compared");
        QTest::newRow("1 of 4") << 1 << false;
        QTest::newRow("2 of 4") << 2 << true;
        QTest::newRow("4 of 4") << 4 << true;
    }
    void partialPreviousPeriodNotCompared()
    {
        QFETCH(int, stepsBefore);
        QFETCH(bool, compared);
        LatencyReportInput in = fleet();
        in.data.readings = {
            azure("slow", LatencyMetric::Ttft, {900, 900, 900, 900}),
            azure("slow", LatencyMetric::Ttft, QVector<double>(stepsBefore, 300.0), true)};
        const LatencyReport r = LatencyReport::build(in);
        QCOMPARE(r.ranking.rows.size(), 1);
        QCOMPARE(r.ranking.text(0, 4),
                 compared ? LatencyReport::changeText(300, 900) : QStringLiteral("\u2013"));
        QCOMPARE(r.ranking.rows[0][4].warning, compared);
        QCOMPARE(r.ranking.rows[0][4].toolTip.contains("too little to compare"), !compared);
    }

    // Each source's charts: percentiles per step from buckets, Azure's average and maximum
    // with a title that says so, a metric the source does not report named as such.
    void charts_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<int>("chart");
        QTest::addColumn<QStringList>("series");
        QTest::addColumn<QString>("titlePart");
        QTest::newRow("vLLM TTFT")
            << "vllm/llama" << 0 << QStringList{"p50", "p95", "p99"} << "Time to first token (ms)";
        QTest::newRow("vLLM tokens/s")
            << "vllm/llama" << 3 << QStringList{"median", "slowest 5 %"} << "Tokens/s per request";
        QTest::newRow("vLLM TTLT missing")
            << "vllm/llama" << 2 << QStringList{} << "not reported by this source";
        QTest::newRow("Azure TTFT") << "azure/gpt-4o" << 0 << QStringList{"average", "maximum"}
                                    << "TTFT (ms): Azure gives average and maximum only";
        QTest::newRow("Azure tokens/s") << "azure/gpt-4o" << 3 << QStringList{"average", "maximum"}
                                        << "Tokens/s: Azure gives average and maximum only";
    }
    void charts()
    {
        QFETCH(QString, key);
        QFETCH(int, chart);
        QFETCH(QStringList, series);
        QFETCH(QString, titlePart);
        LatencyReportInput in = fleet();
        in.selected = key;
        const LatencyReport r = LatencyReport::build(in);
        QVERIFY(r.selected >= 0);
        QCOMPARE(r.targets[r.selected].key, key);
        QCOMPARE(r.charts.size(), 4);
        const LatencyChart& c = r.charts[chart];
        QVERIFY2(c.spec.title.contains(titlePart), qPrintable(c.spec.title));
        QStringList names;
        for (const ChartSeries& s : c.snapshot.series)
            names << s.name;
        QCOMPARE(names, series);
        QCOMPARE(c.snapshot.range, in.data.range);
        if (key == "vllm/llama" && chart == 0) {
            // Step 2 has no observations: no point; the others are that step's quantile.
            const QVector<ChartSeries>& s = c.snapshot.series;
            QCOMPARE(s[1].points.size(), 2);
            QCOMPARE(s[1].points[0],
                     QPointF(kFrom * 1000.0, expectedQuantile(kBounds, {5, 20, 10, 4, 1}, 0.95)));
            QCOMPARE(s[1].points[1], QPointF((kFrom + 2 * kStep) * 1000.0,
                                             expectedQuantile(kBounds, {2, 8, 30, 10, 0}, 0.95)));
        }
        if (key == "azure/gpt-4o" && chart == 0) {
            QCOMPARE(c.snapshot.series[1].points[1].y(), 600.0 * 3);
            QCOMPARE(c.spec.unit, Unit::Milliseconds);
        }
    }

    // History stored before bucket counts were kept has only the per-minute percentiles: those
    // steps are charted from them, the newer ones from their buckets (no hole after upgrading).
    void stepsWithoutBucketsUseStoredPercentiles()
    {
        LatencyReportInput in = fleet();
        in.selected = QStringLiteral("vllm/llama");
        for (LatencyReading& r : in.data.readings) {
            if (r.deployment != QLatin1String("llama") || r.previous ||
                r.metric != LatencyMetric::Ttft)
                continue;
            // Two older steps before the bucketed ones, with stored percentiles only.
            for (qint64 k = 2; k >= 1; --k) {
                r.p50.prepend({kFrom - k * kStep, 90.0 + double(k)});
                r.p95.prepend({kFrom - k * kStep, 300.0 + double(k)});
                r.p99.prepend({kFrom - k * kStep, 700.0 + double(k)});
            }
            r.p95.append({kFrom, 1.0}); // a step with buckets: the buckets win
        }
        const LatencyReport r = LatencyReport::build(in);
        const QVector<QPointF>& p95 = r.charts[0].snapshot.series[1].points;
        QCOMPARE(p95.size(), 4);
        QCOMPARE(p95[0], QPointF((kFrom - 2 * kStep) * 1000.0, 302.0));
        QCOMPARE(p95[1], QPointF((kFrom - kStep) * 1000.0, 301.0));
        QCOMPARE(p95[2],
                 QPointF(kFrom * 1000.0, expectedQuantile(kBounds, {5, 20, 10, 4, 1}, 0.95)));
        QCOMPARE(r.charts[0].snapshot.series[0].points[0].y(), 92.0);
    }

    // Compare with the previous period: the period before, moved forward, faint and dashed.
    void comparePreviousOverlaysThePeriodBefore()
    {
        LatencyReportInput in = fleet();
        in.selected = QStringLiteral("azure/gpt-4o");
        in.comparePrevious = true;
        const LatencyReport r = LatencyReport::build(in);
        const ChartSnapshot& ttft = r.charts[0].snapshot;
        QCOMPARE(ttft.previousShift, 86400);
        QStringList names;
        for (const ChartSeries& s : ttft.series)
            names << s.name;
        QCOMPARE(names, QStringList({"average", "maximum", "average · previous day",
                                     "maximum · previous day"}));
        const ChartSeries& before = ttft.series[2];
        QVERIFY(before.previous && before.dashed);
        QCOMPARE(before.colorKey, QStringLiteral("average"));
        // The previous day's first average (500 ms at kFrom - 1 day), drawn at kFrom.
        QCOMPARE(before.points.front(), QPointF(kFrom * 1000.0, 500.0));
        // TTLT had no previous period: nothing added, no note.
        QCOMPARE(r.charts[2].snapshot.series.size(), 2);
        QCOMPARE(r.charts[2].snapshot.previousShift, 0);
        in.comparePrevious = false;
        QCOMPARE(LatencyReport::build(in).charts[0].snapshot.series.size(), 2);
    }

    void heatmap_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<LatencyMetric>("metric");
        QTest::addColumn<QString>("emptyPart");
        QTest::newRow("vLLM TTFT") << "vllm/llama" << LatencyMetric::Ttft << "";
        QTest::newRow("vLLM TBT") << "vllm/llama" << LatencyMetric::Tbt << "";
        QTest::newRow("Azure") << "azure/gpt-4o" << LatencyMetric::Ttft
                               << "only the average and maximum TTFT of gpt-4o";
        QTest::newRow("not recorded") << "vllm/llama" << LatencyMetric::Ttlt << "No TTLT recorded";
    }
    void heatmap()
    {
        QFETCH(QString, key);
        QFETCH(LatencyMetric, metric);
        QFETCH(QString, emptyPart);
        LatencyReportInput in = fleet();
        in.selected = key;
        in.heatmapMetric = metric;
        const HeatmapReport h = LatencyReport::build(in).heatmap;
        QCOMPARE(h.step, kStep);
        if (!emptyPart.isEmpty()) {
            QVERIFY(h.isEmpty());
            QVERIFY2(h.emptyMessage.contains(emptyPart), qPrintable(h.emptyMessage));
            return;
        }
        const LatencyReading* src = in.data.find("vllm", "llama", metric);
        // Rows from the lowest to the highest bucket with a count; per column the counts
        // are the differences of the cumulative ones; empty steps are left out.
        int lo = 1000, hi = -1, nonEmpty = 0;
        for (const auto& step : src->buckets) {
            double prev = 0;
            bool any = false;
            for (int i = 0; i < step.second.size(); ++i) {
                if (step.second[i] > prev) {
                    lo = std::min(lo, i);
                    hi = std::max(hi, i);
                    any = true;
                }
                prev = step.second[i];
            }
            nonEmpty += any ? 1 : 0;
        }
        QCOMPARE(h.rowCount(), hi - lo + 1);
        QCOMPARE(h.upperBounds.last(), src->bounds[hi]);
        QCOMPARE(h.lowerBounds.first(), lo == 0 ? 0.0 : src->bounds[lo - 1]);
        QCOMPARE(h.columns.size(), nonEmpty);
        const QVector<double>& first = src->buckets[0].second;
        for (int r = 0; r < h.rowCount(); ++r)
            QCOMPARE(h.columns[0].counts[r], first[lo + r] - (lo + r > 0 ? first[lo + r - 1] : 0));
        QCOMPARE(h.countName, metric == LatencyMetric::Tbt ? QStringLiteral("tokens")
                                                           : QStringLiteral("requests"));
        QVERIFY(h.valueAxisTitle.endsWith("(ms)"));
    }

    void defaultSelectionHasBuckets()
    {
        const LatencyReport r = LatencyReport::build(fleet());
        QVERIFY(r.targets[r.selected].buckets);
        LatencyReportInput none = fleet();
        none.data.readings.clear();
        const LatencyReport empty = LatencyReport::build(none);
        QCOMPARE(empty.selected, -1);
        QVERIFY(!empty.emptyMessage.isEmpty());
        QVERIFY(empty.charts.isEmpty());
        QCOMPARE(empty.heatmap.emptyMessage, empty.emptyMessage);
    }

    // Successful runs only; percentiles over the runs; the change against the runs before.
    void playgroundRuns()
    {
        LatencyReportInput in = fleet();
        const QVector<double> ttft{300, 420, 380, 900, 350}, before{250, 260};
        auto run = [&](qint64 at, double ttftMs, const QString& error = {}) {
            StoredRun r;
            r.createdAtMs = at * 1000;
            r.target = QStringLiteral("gpt-4o (Azure)");
            r.error = error;
            r.metricsJson = QString::fromUtf8(QJsonDocument(QJsonObject{{"ttft_ms", ttftMs},
                                                                        {"total_ms", ttftMs * 10},
                                                                        {"tokens_per_s", 50.0}})
                                                  .toJson());
            return r;
        };
        for (int i = 0; i < ttft.size(); ++i)
            in.data.runs << run(kFrom + 60 * i, ttft[i]);
        for (double b : before)
            in.data.runs << run(kFrom - 3600, b);
        in.data.runs << run(kFrom + 10, 99999, QStringLiteral("timed out"));
        const LatencyReport r = LatencyReport::build(in);
        QCOMPARE(r.playground.rows.size(), 1);
        QCOMPARE(r.playground.text(0, 1), QString::number(ttft.size()));
        const double p95 = LatencyReport::quantile(ttft, 0.95);
        QCOMPARE(r.playground.rows[0][3].sortValue.toDouble(), p95);
        QCOMPARE(r.playground.rows[0][2].sortValue.toDouble(), LatencyReport::quantile(ttft, 0.5));
        QCOMPARE(r.playground.text(0, 4),
                 LatencyReport::changeText(LatencyReport::quantile(before, 0.95), p95));
        QVERIFY(r.playground.rows[0][4].warning);
        QVERIFY(r.playgroundNote.contains("percentiles are over the runs"));
    }

    // Playground runs become readings: per step, each run counted in the bucket of its TTFT
    // (and TTLT), so a playground target ranks, charts its percentiles and fills a heatmap.
    void playgroundRunsAsReadings()
    {
        auto run = [](qint64 at, double ttftMs, const QString& error = {}) {
            StoredRun r;
            r.createdAtMs = at * 1000;
            r.target = QStringLiteral("claude (Anthropic)");
            r.error = error;
            r.metricsJson = QString::fromUtf8(
                QJsonDocument(QJsonObject{{"ttft_ms", ttftMs}, {"total_ms", ttftMs * 10}})
                    .toJson());
            return r;
        };
        const TimeRange range{kFrom, kFrom + 86400};
        const TimeRange previous{kFrom - 86400, kFrom};
        const QVector<StoredRun> runs{run(kFrom + 10, 80),   run(kFrom + 20, 300),
                                      run(kFrom + 30, 300),  run(kFrom + kStep + 5, 2000),
                                      run(kFrom - 100, 120), run(kFrom + 40, 5, "failed")};
        const QVector<LatencyReading> readings =
            LatencyData::runReadings(runs, range, previous, kStep);
        const LatencyReading* ttft = nullptr;
        const LatencyReading* before = nullptr;
        for (const LatencyReading& r : readings) {
            QCOMPARE(r.source, QStringLiteral("playground"));
            QCOMPARE(r.deployment, QStringLiteral("claude (Anthropic)"));
            if (r.metric == LatencyMetric::Ttft)
                (r.previous ? before : ttft) = &r;
        }
        QVERIFY(ttft && before);
        QCOMPARE(ttft->buckets.size(), 2); // two steps with runs
        QCOMPARE(ttft->buckets[0].first, kFrom);
        const QVector<double>& first = ttft->buckets[0].second;
        QCOMPARE(first.size(), ttft->bounds.size());
        QCOMPARE(first.last(), 3.0); // three successful runs in the first step (cumulative)
        // 80 ms is under the first bound of 100 ms; the two of 300 ms are under 500 ms.
        QCOMPARE(first[0], 1.0);
        QCOMPARE(first[ttft->bounds.indexOf(500)], 3.0);
        QCOMPARE(ttft->buckets[1].second.last(), 1.0);
        QCOMPARE(before->buckets.size(), 1);

        // In the report: a target of its own with charts from buckets.
        LatencyReportInput in = fleet();
        in.data.readings += readings;
        in.selected = QStringLiteral("playground/claude (Anthropic)");
        const LatencyReport r = LatencyReport::build(in);
        QVERIFY(r.selected >= 0);
        QCOMPARE(r.targets[r.selected].key, in.selected);
        QVERIFY(r.targets[r.selected].label.contains(QStringLiteral("Playground")));
        QCOMPARE(r.charts[0].snapshot.series.size(), 3); // p50, p95, p99
        QVERIFY(r.heatmap.emptyMessage.isEmpty());
    }

    // The read the page runs in a StoreJobs job: buckets written by the accumulator and Azure
    // averages come back per deployment, the previous period apart.
    void readFromStore()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath("h.sqlite")).result().usable());
        PollBatch b;
        b.source = QStringLiteral("vllm");
        b.window = {kFrom, kFrom + 3600};
        for (const auto& [le, count] :
             QList<std::pair<QString, double>>{{"100", 3}, {"500", 9}, {"+Inf", 10}}) {
            SeriesSamples s;
            s.key = {"vllm", prometheus::ScrapeAccumulator::bucketMetric("TtftMs"), "total",
                     labels::canonical({{"ModelDeploymentName", "llama"}, {"le", le}})};
            s.unit = "Count";
            s.samples = {{kFrom, count}, {kFrom + 60, count}};
            b.series << s;
        }
        QVERIFY(store.write(b).result().ok);
        PollBatch a;
        a.source = QStringLiteral("azure");
        a.window = {kFrom - 86400, kFrom + 3600};
        SeriesSamples avg;
        avg.key = {"azure", "AzureOpenAINormalizedTTFTInMS", "average",
                   labels::canonical({{"ModelDeploymentName", "gpt-4o"}})};
        avg.unit = "Milliseconds";
        avg.samples = {{kFrom, 400}, {kFrom + 60, 600}, {kFrom - 3600, 100}};
        a.series << avg;
        QVERIFY(store.write(a).result().ok);

        StoreJobs jobs;
        LatencyData got;
        bool delivered = false;
        const TimeRange range{kFrom, kFrom + 3600};
        jobs.run(
            &store, QStringLiteral("latency"),
            [range](StoreBackend& db, const JobToken& t) {
                return LatencyData::read(db, range, kFrom + 7200, t);
            },
            [&](const LatencyData& d) {
                got = d;
                delivered = true;
            });
        QTRY_VERIFY(delivered);
        QVERIFY2(got.error.isEmpty(), qPrintable(got.error));
        QCOMPARE(got.step, LatencyData::stepFor(range));
        const LatencyReading* ttft = got.find("vllm", "llama", LatencyMetric::Ttft);
        QVERIFY(ttft);
        QCOMPARE(ttft->bounds, (QVector<double>{100, 500, kInf}));
        double total = 0;
        for (const auto& s : ttft->buckets)
            total += s.second.last();
        QCOMPARE(total, 20.0);
        const LatencyReading* g = got.find("azure", "gpt-4o", LatencyMetric::Ttft);
        QVERIFY(g && g->hasAverage());
        double sum = 0;
        for (const Sample& s : g->average)
            sum += s.value;
        QCOMPARE(sum / g->average.size(), 500.0); // the mean of the steps' averages
        const LatencyReading* prev = got.find("azure", "gpt-4o", LatencyMetric::Ttft, true);
        QVERIFY(prev);
        QCOMPARE(prev->average.size(), 1);
        QCOMPARE(prev->average[0].value, 100.0);
    }
};

QTEST_GUILESS_MAIN(tst_LatencyReport)
#include "tst_latencyreport.moc"
