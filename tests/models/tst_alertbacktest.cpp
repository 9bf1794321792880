#include "alerttestdata.h"

#include "alerts/alertbacktest.h"
#include "alerts/alerttemplates.h"
#include "emulator/trafficmodel.h"

#include <QMap>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

/// 2026-08-31T00:00:00Z, a Monday.
constexpr qint64 kMonday = 1788134400;

const QString kPtuMetric = QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2");

// What a backtest must equal, recomputed from the raw samples of one instance with a plain loop.
struct Recomputed
{
    int notifications = 0;
    QVector<std::pair<qint64, qint64>> pending, firing; ///< [from, to); open ones end at `to`
    QVector<Sample> values;
};

bool compare(double v, AlertOp op, double t)
{
    switch (op) {
    case AlertOp::Greater:
        return v > t;
    case AlertOp::GreaterEqual:
        return v >= t;
    case AlertOp::Less:
        return v < t;
    case AlertOp::LessEqual:
        return v <= t;
    }
    return false;
}

Recomputed recompute(const AlertRule& rule, const QVector<SeriesSamples>& raw,
                     const QString& source, const QString& deployment, qint64 from, qint64 to)
{
    // The instance's per-minute value: the maximum of its "average" series (only one here).
    QMap<qint64, double> minute;
    for (const SeriesSamples& s : raw) {
        if (s.key.source != source || s.key.metric != rule.metric ||
            s.key.aggregation != rule.aggregation ||
            labels::value(s.key.labels, QStringLiteral("ModelDeploymentName")) != deployment)
            continue;
        for (const Sample& p : s.samples)
            minute[p.ts] = minute.contains(p.ts) ? std::max(minute[p.ts], p.value) : p.value;
    }
    const bool up = rule.op == AlertOp::Greater || rule.op == AlertOp::GreaterEqual;
    const double clearAt =
        up ? rule.threshold - rule.clearMargin : rule.threshold + rule.clearMargin;
    Recomputed out;
    QVector<qint64> sent;
    auto send = [&](qint64 now) {
        if (rule.rateLimitCount > 0) {
            int recent = 0;
            for (qint64 t : sent)
                recent += t > now - rule.rateLimitSeconds ? 1 : 0;
            if (recent >= rule.rateLimitCount)
                return false;
        }
        sent.append(now);
        ++out.notifications;
        return true;
    };
    int phase = 0; // 0 inactive, 1 pending, 2 firing
    qint64 since = 0, firingFrom = 0;
    bool announced = false;
    for (qint64 m = from; m < to; m += 60) {
        QVector<double> window;
        for (qint64 t = m - rule.windowSeconds + 60; t <= m; t += 60) {
            if (minute.contains(t))
                window.append(minute[t]);
        }
        bool active = false, keep = false;
        if (window.isEmpty()) {
            auto it = minute.upperBound(m);
            if (it == minute.begin() || m - std::prev(it).key() < 900)
                continue; // nothing known before, or the data may be late: nothing changes
        } else {
            double v = window.first();
            double sum = 0;
            for (double x : window) {
                sum += x;
                if (rule.reduce == AlertReduce::Max)
                    v = std::max(v, x);
                if (rule.reduce == AlertReduce::Min)
                    v = std::min(v, x);
            }
            if (rule.reduce == AlertReduce::Avg)
                v = sum / window.size();
            if (rule.reduce == AlertReduce::Sum)
                v = sum;
            if (rule.reduce == AlertReduce::Last)
                v = window.last();
            out.values.append({m, v});
            active = compare(v, rule.op, rule.threshold);
            keep = compare(v, rule.op, clearAt);
        }
        if (phase == 0 && active) {
            since = m;
            phase = rule.forSeconds == 0 ? 2 : 1;
            if (phase == 2) {
                firingFrom = m;
                announced = send(m + 60);
                continue;
            }
        }
        if (phase == 1 && !active) {
            out.pending.append({since, m});
            phase = 0;
        } else if (phase == 1 && m + 60 - since >= rule.forSeconds) {
            out.pending.append({since, since + rule.forSeconds});
            phase = 2;
            firingFrom = since + rule.forSeconds;
            announced = send(m + 60);
        } else if (phase == 2 && !keep) {
            out.firing.append({firingFrom, m});
            phase = 0;
            if (announced)
                send(m + 60);
        }
    }
    if (phase == 1)
        out.pending.append({since, to});
    if (phase == 2)
        out.firing.append({firingFrom, to});
    return out;
}

QVector<std::pair<qint64, qint64>> periodsOf(const QVector<AlertPeriod>& periods)
{
    QVector<std::pair<qint64, qint64>> out;
    for (const auto& p : periods)
        out.append({p.from, p.to});
    return out;
}

// A week of a wandering utilization, with missing minutes and an outage longer than the
// no-data limit, from a seeded hash (no clock, no global random state).
SeriesSamples generated(quint64 seed, qint64 start, int days)
{
    SeriesSamples s;
    s.key = {QStringLiteral("gen"), kPtuMetric, QStringLiteral("average"),
             labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("ptu")}})};
    double v = 60;
    for (qint64 i = 0; i < days * 1440; ++i) {
        const double u = emu::unitInterval(emu::splitmix64(seed ^ quint64(i)));
        v = std::clamp(v + (u - 0.5) * 9.0 + (75 - v) * 0.02, 0.0, 120.0);
        const bool outage = i % 2000 >= 1970; // 30 minutes without data now and then
        if (!outage && u > 0.04)
            s.samples.append({start + 60 * i, std::round(v * 10) / 10});
    }
    return s;
}

} // namespace

class tst_AlertBacktest : public QObject
{
    Q_OBJECT
private slots:
    void equalsRecomputation_data();
    void equalsRecomputation();
    void demoFleetFiresAtDailyPeaks_data();
    void demoFleetFiresAtDailyPeaks();
    void chartAndShare();
};

void tst_AlertBacktest::equalsRecomputation_data()
{
    QTest::addColumn<QString>("fixture"); ///< empty = generated
    QTest::addColumn<QByteArray>("rule");
    QTest::addColumn<int>("days");
    const QByteArray head =
        "{\"id\": \"ptu\", \"metric\": \"AzureOpenAIProvisionedManagedUtilizationV2\", ";
    const struct
    {
        const char* name;
        const char* rest;
    } rules[] = {
        {"ptu default", "\"threshold\": 90, \"clearMargin\": 5, \"for\": \"5m\"}"},
        {"no margin, no for", "\"threshold\": 90, \"clearMargin\": 0}"},
        {"for 1m", "\"threshold\": 85, \"clearMargin\": 3, \"for\": \"1m\"}"},
        {"5m max, for 10m",
         "\"threshold\": 95, \"reduce\": \"max\", \"window\": \"5m\", \"for\": \"10m\"}"},
        {"15m average, below",
         "\"op\": \"<\", \"threshold\": 50, \"window\": \"15m\", \"for\": \"3m\"}"},
        {"rate limited",
         "\"threshold\": 80, \"clearMargin\": 0, \"rateLimit\": {\"count\": 4, \"per\": \"1h\"}}"},
        {"sum over 3m", "\"op\": \">=\", \"threshold\": 270, \"reduce\": \"sum\", \"window\": "
                        "\"3m\", \"clearMargin\": 15}"},
    };
    for (const auto& r : rules) {
        QTest::addRow("generated 7 days: %s", r.name) << QString() << head + r.rest << 7;
        QTest::addRow("fixture ptu-episode: %s", r.name)
            << QStringLiteral("ptu-episode.json") << head + r.rest << 0;
        QTest::addRow("fixture hover: %s", r.name)
            << QStringLiteral("hover.json") << head + r.rest << 0;
    }
    QTest::addRow("generated 30 days: ptu default") << QString() << head + rules[0].rest << 30;
}

void tst_AlertBacktest::equalsRecomputation()
{
    QFETCH(QString, fixture);
    QFETCH(QByteArray, rule);
    QFETCH(int, days);
    const AlertRule r = alertRule(rule);
    QVector<SeriesSamples> raw;
    TimeRange range;
    QString source = QStringLiteral("demo-azure");
    if (fixture.isEmpty()) {
        raw = {generated(quint64(days) * 7919 + 1, kMonday, days)};
        range = {kMonday, kMonday + days * kSecondsPerDay};
        source = QStringLiteral("gen");
    } else {
        const AlertFixture f = loadAlertFixture(fixture);
        raw = f.series;
        range = {f.start, f.start + 60 * qint64(f.series.first().samples.size())};
    }
    const AlertBacktestResult result = AlertBacktest::run(r, raw, range);
    // Per instance (deployment), each recomputed on its own; notifications add up.
    QStringList deployments;
    for (const SeriesSamples& s : raw) {
        const QString d = labels::value(s.key.labels, QStringLiteral("ModelDeploymentName"));
        if (s.key.metric == r.metric && s.key.aggregation == r.aggregation &&
            !deployments.contains(d))
            deployments << d;
    }
    QCOMPARE(result.series.size(), deployments.size());
    int notifications = 0, firings = 0;
    for (const QString& d : std::as_const(deployments)) {
        const QString instance = labels::canonical(
            {{QStringLiteral("connection"), source}, {QStringLiteral("ModelDeploymentName"), d}});
        const Recomputed expected = recompute(r, raw, source, d, range.from, range.to);
        auto only = [&](const QVector<AlertPeriod>& all) {
            QVector<AlertPeriod> out;
            for (const auto& p : all) {
                if (p.instance == instance)
                    out.append(p);
            }
            return periodsOf(out);
        };
        QCOMPARE(only(result.firing), expected.firing);
        QCOMPARE(only(result.pending), expected.pending);
        notifications += expected.notifications;
        firings += int(expected.firing.size());
        const AlertValueSeries* chart = nullptr;
        for (const auto& s : result.series) {
            if (s.instance == instance)
                chart = &s;
        }
        QVERIFY(chart);
        QCOMPARE(chart->values.size(), expected.values.size());
        for (qsizetype i = 0; i < expected.values.size(); ++i) {
            QCOMPARE(chart->values[i].ts, expected.values[i].ts);
            QCOMPARE(chart->values[i].value, expected.values[i].value);
        }
    }
    QCOMPARE(result.notifications, notifications);
    QCOMPARE(int(result.firing.size()), firings);
    if (fixture.isEmpty())
        QVERIFY2(firings > 3, "the generated data should exercise the rule");
}

void tst_AlertBacktest::demoFleetFiresAtDailyPeaks_data()
{
    QTest::addColumn<quint64>("seed");
    QTest::addColumn<int>("days");
    QTest::newRow("seed 42 (the demo's), a week") << quint64(42) << 7;
    QTest::newRow("seed 7, 30 days") << quint64(7) << 30;
}

void tst_AlertBacktest::demoFleetFiresAtDailyPeaks()
{
    QFETCH(quint64, seed);
    QFETCH(int, days);
    // The demo fleet's stored PTU utilization, as the emulator serves it (a pure function).
    const emu::TrafficModel model(seed);
    SeriesSamples s;
    s.key = {
        QStringLiteral("demo-azure"), kPtuMetric, QStringLiteral("average"),
        labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-ptu")}})};
    s.unit = QStringLiteral("Percent");
    const TimeRange range{kMonday, kMonday + days * kSecondsPerDay};
    for (qint64 m = range.from; m < range.to; m += 60)
        s.samples.append({m, model.at(QStringLiteral("gpt-4o-ptu"), m).utilizationPct});

    const auto tmpl = builtinAlertTemplate(QStringLiteral("ptu-utilization"));
    QVERIFY(tmpl);
    const AlertBacktestResult result = AlertBacktest::run(tmpl->rule, {s}, range);
    const Recomputed expected = recompute(tmpl->rule, {s}, QStringLiteral("demo-azure"),
                                          QStringLiteral("gpt-4o-ptu"), range.from, range.to);
    QCOMPARE(periodsOf(result.firing), expected.firing);
    QCOMPARE(result.notifications, expected.notifications);

    // Every weekday fires during its interactive peak hour (14:00-15:00 UTC; noise may clear it
    // for a minute or two around 14:30); weekends (a third of the weekday load) never fire.
    for (qint64 day = range.from; day < range.to; day += kSecondsPerDay) {
        const int weekday = int((day - kMonday) / kSecondsPerDay % 7); // 0 = Monday
        const TimeRange peak{day + 14 * 3600, day + 15 * 3600};
        bool covered = false, any = false;
        for (const AlertPeriod& p : result.firing) {
            covered = covered || (p.from < peak.to && p.to > peak.from);
            any = any || (p.from < day + kSecondsPerDay && p.to > day);
        }
        if (weekday < 5)
            QVERIFY2(covered,
                     qPrintable(QStringLiteral("no firing at the peak of ") + formatIsoUtc(day)));
        else
            QVERIFY2(!any,
                     qPrintable(QStringLiteral("firing on the weekend day ") + formatIsoUtc(day)));
    }
}

void tst_AlertBacktest::chartAndShare()
{
    const AlertFixture f = loadAlertFixture(QStringLiteral("share-429.json"));
    const auto tmpl = builtinAlertTemplate(QStringLiteral("http-429-share"));
    QVERIFY(tmpl);
    const TimeRange range{f.start, f.start + 20 * 60};
    const AlertBacktestResult result = AlertBacktest::run(tmpl->rule, f.series, range);
    QCOMPARE(result.threshold, 2.0);
    QCOMPARE(result.clearThreshold, 1.0);
    QCOMPARE(result.unit, QStringLiteral("%"));
    QCOMPARE(result.series.size(), 1);
    // The chart's value is the share recomputed from the raw counts, minute by minute
    // (minute 10 had too few requests to count, but its share is still drawn).
    QMap<qint64, double> all, rejected;
    for (const SeriesSamples& s : f.series) {
        for (const Sample& p : s.samples) {
            all[p.ts] += p.value;
            if (labels::value(s.key.labels, QStringLiteral("StatusCode")) == QLatin1String("429"))
                rejected[p.ts] += p.value;
        }
    }
    const auto& values = result.series.first().values;
    QCOMPARE(values.size(), all.size());
    for (const Sample& v : values)
        QCOMPARE(v.value, 100.0 * rejected.value(v.ts) / all.value(v.ts));
    // Two episodes: two firings and their two resolutions.
    QCOMPARE(result.firing.size(), 2);
    QCOMPARE(result.notifications, 4);
    QCOMPARE(result.firing.first().from, f.start + 8 * 60);
    QCOMPARE(result.firing.last().to, f.start + 17 * 60);
}

QTEST_GUILESS_MAIN(tst_AlertBacktest)
#include "tst_alertbacktest.moc"
