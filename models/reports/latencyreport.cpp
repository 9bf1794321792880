#include "latencyreport.h"

#include "core/units.h"
#include "sources/prometheus/histogramquantile.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QMap>
#include <algorithm>
#include <cmath>
#include <limits>

namespace isc {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr LatencyMetric kMetrics[] = {LatencyMetric::Ttft, LatencyMetric::Tbt, LatencyMetric::Ttlt,
                                      LatencyMetric::TokensPerSecond};
/// A change this much slower than the previous period is flagged.
constexpr double kWorseShare = 0.10;
/// The previous period is compared only when it has data in this share of the steps the range
/// has.
constexpr double kMinCoverage = 0.5;

QString sourceName(const LatencyReportInput& in, const QString& id)
{
    for (const Connection& c : in.connections) {
        if (c.id == id)
            return c.displayName.isEmpty() ? c.id : c.displayName;
    }
    return id == LatencyData::playgroundSource() ? LatencyReport::tr("Playground runs") : id;
}

double mean(const QVector<Sample>& samples)
{
    if (samples.isEmpty())
        return kNaN;
    double sum = 0;
    for (const Sample& s : samples)
        sum += s.value;
    return sum / samples.size();
}

double maxOf(const QVector<Sample>& samples)
{
    double m = kNaN;
    for (const Sample& s : samples)
        m = std::isnan(m) ? s.value : std::max(m, s.value);
    return m;
}

/// The cumulative counts summed over every step.
QVector<double> totalCounts(const LatencyReading& r)
{
    QVector<double> total(r.bounds.size(), 0.0);
    for (const auto& step : r.buckets) {
        for (int i = 0; i < step.second.size() && i < total.size(); ++i)
            total[i] += step.second[i];
    }
    return total;
}

/// A reading's q-quantile over the whole period: from its buckets, else the mean of the stored
/// per-minute percentile (p50/p95/p99 only); NaN without either.
double periodQuantile(const LatencyReading* r, double q)
{
    if (!r)
        return kNaN;
    if (r->hasDistribution())
        return LatencyReport::bucketQuantile(r->bounds, totalCounts(*r), q);
    return mean(q <= 0.5 ? r->p50 : q <= 0.95 ? r->p95 : r->p99);
}

/// The steps with data of a reading: with observations, or with a stored value.
int stepsWithData(const LatencyReading* r)
{
    if (!r)
        return 0;
    if (r->hasDistribution()) {
        int n = 0;
        for (const auto& step : r->buckets)
            n += !step.second.isEmpty() && step.second.last() > 0 ? 1 : 0;
        return n;
    }
    return int(std::max(r->p95.size(), r->average.size()));
}

/// The figure a reading ranks and compares by: p95 with a distribution, else the average.
double headline(const LatencyReading* r)
{
    if (!r)
        return kNaN;
    if (r->hasDistribution() || r->hasPercentiles())
        return periodQuantile(r, 0.95);
    return mean(r->average);
}

QString msText(double ms)
{
    return std::isnan(ms) ? QString() : formatDurationMs(ms);
}

Unit unitOf(LatencyMetric m)
{
    return m == LatencyMetric::TokensPerSecond ? Unit::TokensPerSecond : Unit::Milliseconds;
}

ChartSeries line(const QString& name, const QVector<Sample>& samples, bool dashed = false)
{
    ChartSeries s;
    s.name = name;
    s.colorKey = name;
    s.dashed = dashed;
    for (const Sample& p : samples) {
        if (std::isfinite(p.value))
            s.points.append(QPointF(double(p.ts) * 1000.0, p.value));
    }
    return s;
}

/// Per step, the q-quantile of its buckets; a step without bucket counts (stored before they
/// were kept) takes the stored per-minute percentile instead; steps with neither are left out.
QVector<Sample> stepQuantiles(const LatencyReading& r, double q, bool inverse = false)
{
    QMap<qint64, double> byStep;
    for (const auto& step : r.buckets) {
        const double v = LatencyReport::bucketQuantile(r.bounds, step.second, q);
        if (std::isfinite(v))
            byStep.insert(step.first, v);
    }
    const QVector<Sample>& stored = q <= 0.5 ? r.p50 : q <= 0.95 ? r.p95 : r.p99;
    for (const Sample& s : stored) {
        if (!byStep.contains(s.ts) && std::isfinite(s.value))
            byStep.insert(s.ts, s.value);
    }
    QVector<Sample> out;
    out.reserve(byStep.size());
    for (auto it = byStep.cbegin(); it != byStep.cend(); ++it) {
        const double v = inverse ? (it.value() > 0 ? 1000.0 / it.value() : kNaN) : it.value();
        if (std::isfinite(v))
            out.append({it.key(), v});
    }
    return out;
}

QVector<Sample> inverted(const QVector<Sample>& ms)
{
    QVector<Sample> out;
    for (const Sample& s : ms) {
        if (s.value > 0)
            out.append({s.ts, 1000.0 / s.value});
    }
    return out;
}

LatencyChart buildChart(const LatencyReportInput& in, const LatencyTarget& t, LatencyMetric m,
                        bool previous = false)
{
    const LatencyData& data = in.data;
    LatencyChart c;
    c.metric = m;
    c.spec.unit = unitOf(m);
    c.spec.kind = ChartSpec::Kind::Lines;
    c.snapshot.range = data.range;
    c.snapshot.step = data.step;
    const QString unit = unitSymbol(c.spec.unit);
    const QString name = LatencyReport::metricName(m, true);
    const LatencyReading* r = data.find(t.source, t.deployment, m, previous);
    // Local servers have no tokens/s histogram: it follows from the time between tokens.
    const LatencyReading* tbt = data.find(t.source, t.deployment, LatencyMetric::Tbt, previous);
    const bool derived = m == LatencyMetric::TokensPerSecond && (!r || !r->hasAverage()) && tbt &&
                         (tbt->hasDistribution() || tbt->hasPercentiles());
    c.spec.title = LatencyReport::tr("%1 (%2)").arg(name, unit);
    if (derived) {
        c.spec.title = LatencyReport::tr("Tokens/s per request");
        c.spec.note = LatencyReport::tr("1000 / TBT p50, p95");
        const auto median =
            tbt->hasDistribution() ? stepQuantiles(*tbt, 0.5, true) : inverted(tbt->p50);
        const auto slow =
            tbt->hasDistribution() ? stepQuantiles(*tbt, 0.95, true) : inverted(tbt->p95);
        // Short names: the legend of a third-width card has room for three.
        c.snapshot.series = {line(LatencyReport::tr("median"), median),
                             line(LatencyReport::tr("slowest 5 %"), slow, true)};
    } else if (r && r->hasDistribution()) {
        c.spec.note = LatencyReport::tr("p50 · p95 · p99");
        c.snapshot.series = {line(QStringLiteral("p50"), stepQuantiles(*r, 0.5)),
                             line(QStringLiteral("p95"), stepQuantiles(*r, 0.95)),
                             line(QStringLiteral("p99"), stepQuantiles(*r, 0.99), true)};
    } else if (r && r->hasPercentiles()) {
        c.spec.note = LatencyReport::tr("p50 · p95 · p99, minutes averaged");
        c.snapshot.series = {line(QStringLiteral("p50"), r->p50),
                             line(QStringLiteral("p95"), r->p95),
                             line(QStringLiteral("p99"), r->p99, true)};
    } else if (r && r->hasAverage()) {
        // Azure has no distribution: the title itself says what the lines are.
        c.spec.title = m == LatencyMetric::TokensPerSecond
                           ? LatencyReport::tr("Tokens/s: Azure gives average and maximum only")
                           : LatencyReport::tr("%1 (%2): Azure gives average and maximum only")
                                 .arg(LatencyReport::metricName(m), unit);
        c.snapshot.series = {line(LatencyReport::tr("average"), r->average),
                             line(LatencyReport::tr("maximum"), r->maximum, true)};
    } else {
        c.spec.title = LatencyReport::tr("%1 (%2): not reported by this source")
                           .arg(LatencyReport::metricName(m), unit);
    }
    return c;
}

/// With the window's "compare with previous period" on: the period before the range, moved
/// forward onto it, each line in its own colour, faint and dashed (as the other charts do).
void addPrevious(const LatencyReportInput& in, const LatencyTarget& t, LatencyChart* c)
{
    const qint64 shift = in.data.range.from - in.data.previousRange.from;
    if (!in.comparePrevious || shift <= 0)
        return;
    const LatencyChart before = buildChart(in, t, c->metric, true);
    for (ChartSeries s : before.snapshot.series) {
        s.colorKey = s.name;
        s.name = QStringLiteral("%1 · %2").arg(s.name, previousPeriodName(shift));
        s.previous = true;
        s.dashed = true;
        for (QPointF& p : s.points)
            p.setX(p.x() + double(shift) * 1000.0);
        c->snapshot.series.append(s);
    }
    if (!before.snapshot.series.isEmpty())
        c->snapshot.previousShift = shift;
}

HeatmapReport buildHeatmap(const LatencyReportInput& in, const LatencyTarget& t)
{
    const LatencyData& data = in.data;
    const LatencyMetric m =
        in.heatmapMetric == LatencyMetric::TokensPerSecond ? LatencyMetric::Ttft : in.heatmapMetric;
    HeatmapReport h;
    h.range = data.range;
    h.step = data.step;
    h.title = LatencyReport::tr("%1 distribution").arg(LatencyReport::metricName(m, true));
    h.note = t.deployment;
    h.valueAxisTitle = LatencyReport::tr("%1 (ms)").arg(LatencyReport::metricName(m));
    // vLLM observes the time between tokens once per token, the others once per request.
    h.countName =
        m == LatencyMetric::Tbt ? LatencyReport::tr("tokens") : LatencyReport::tr("requests");
    const LatencyReading* r = data.find(t.source, t.deployment, m);
    const QString metric = LatencyReport::metricName(m);
    if (!r || (!r->hasDistribution() && !r->hasPercentiles() && !r->hasAverage())) {
        h.emptyMessage =
            LatencyReport::tr("No %1 recorded for %2 in this range.").arg(metric, t.deployment);
        return h;
    }
    if (!r->hasDistribution()) {
        h.emptyMessage =
            r->hasAverage()
                ? LatencyReport::tr("Azure Monitor gives only the average and maximum %1 of %2: "
                                    "there is no distribution to draw. Azure's request logs (Log "
                                    "Analytics) hold per-request latency; Inferscope does not "
                                    "read them yet.")
                      .arg(metric, t.deployment)
                : LatencyReport::tr("No bucket counts are stored for %1 in this range (recorded "
                                    "before Inferscope kept them): the charts show its stored "
                                    "percentiles.")
                      .arg(t.deployment);
        return h;
    }
    // Rows from the lowest to the highest bucket with any count.
    const int n = int(r->bounds.size());
    int lo = n, hi = -1;
    QVector<HeatmapReport::Column> columns;
    for (const auto& step : r->buckets) {
        HeatmapReport::Column col;
        col.from = step.first;
        col.counts.resize(n);
        double prev = 0, total = 0;
        for (int i = 0; i < n; ++i) {
            const double cum = std::max(prev, step.second.value(i));
            col.counts[i] = cum - prev;
            prev = cum;
            total += col.counts[i];
            if (col.counts[i] > 0) {
                lo = std::min(lo, i);
                hi = std::max(hi, i);
            }
        }
        if (total > 0)
            columns.append(col);
    }
    if (hi < 0) {
        h.emptyMessage =
            LatencyReport::tr("No %1 observed for %2 in this range.").arg(metric, t.deployment);
        return h;
    }
    for (int i = lo; i <= hi; ++i) {
        h.lowerBounds.append(i == 0 ? 0.0 : r->bounds[i - 1]);
        h.upperBounds.append(r->bounds[i]);
    }
    for (HeatmapReport::Column& col : columns)
        col.counts = col.counts.mid(lo, hi - lo + 1);
    h.columns = columns;
    return h;
}

struct RunFigures
{
    QVector<double> ttft, ttlt, tps;
    QVector<double> previousTtft;
};

ReportTable buildPlayground(const LatencyReportInput& in, QString* note)
{
    const LatencyData& data = in.data;
    QMap<QString, RunFigures> byTarget;
    for (const StoredRun& run : data.runs) {
        if (!run.error.isEmpty())
            continue;
        const QJsonObject o = QJsonDocument::fromJson(run.metricsJson.toUtf8()).object();
        const double ttft = o.value(QStringLiteral("ttft_ms")).toDouble(-1);
        if (ttft < 0)
            continue;
        RunFigures& f = byTarget[run.target];
        if (run.createdAtMs / 1000 < data.range.from) {
            f.previousTtft.append(ttft);
            continue;
        }
        f.ttft.append(ttft);
        const double total = o.value(QStringLiteral("total_ms")).toDouble(-1);
        if (total >= 0)
            f.ttlt.append(total);
        const double tps = o.value(QStringLiteral("tokens_per_s")).toDouble(-1);
        if (tps > 0)
            f.tps.append(tps);
    }
    ReportTable t;
    t.headers = {LatencyReport::tr("Target"),      LatencyReport::tr("Runs"),
                 LatencyReport::tr("TTFT p50"),    LatencyReport::tr("TTFT p95"),
                 LatencyReport::tr("vs previous"), LatencyReport::tr("TTLT p50"),
                 LatencyReport::tr("TTLT p95"),    LatencyReport::tr("Tokens/s p50")};
    for (auto it = byTarget.cbegin(); it != byTarget.cend(); ++it) {
        const RunFigures& f = it.value();
        if (f.ttft.isEmpty())
            continue;
        auto ms = [](double v) { return TableCell::number(msText(v), v); };
        const double p95 = LatencyReport::quantile(f.ttft, 0.95);
        const double before = LatencyReport::quantile(f.previousTtft, 0.95);
        TableCell change = TableCell::number(
            LatencyReport::changeText(before, p95), std::isnan(before) ? 0 : p95 / before - 1,
            f.previousTtft.isEmpty()
                ? LatencyReport::tr("No runs in the previous period")
                : LatencyReport::tr("p95 of %n run(s) in the previous period: %1", "",
                                    int(f.previousTtft.size()))
                      .arg(msText(before)));
        change.warning = !std::isnan(before) && p95 > before * (1 + kWorseShare);
        const double tps = LatencyReport::quantile(f.tps, 0.5);
        t.rows << QVector<TableCell>{
            TableCell::plain(it.key()),
            TableCell::number(QLocale().toString(int(f.ttft.size())), double(f.ttft.size())),
            ms(LatencyReport::quantile(f.ttft, 0.5)),
            ms(p95),
            change,
            ms(LatencyReport::quantile(f.ttlt, 0.5)),
            ms(LatencyReport::quantile(f.ttlt, 0.95)),
            TableCell::number(
                std::isnan(tps) ? QString() : formatQuantity(tps, Unit::TokensPerSecond), tps)};
    }
    *note = t.isEmpty()
                ? LatencyReport::tr("No playground runs in this range. Runs made on the Playground "
                                    "page are kept in the history and summarised here.")
                : LatencyReport::tr("Successful playground runs started in the range; one run is "
                                    "one request, so the percentiles are over the runs.");
    return t;
}

} // namespace

double LatencyReport::quantile(QVector<double> values, double q)
{
    if (values.isEmpty())
        return kNaN;
    std::sort(values.begin(), values.end());
    const double pos = std::clamp(q, 0.0, 1.0) * (values.size() - 1);
    const int i = int(std::floor(pos));
    const int j = std::min(i + 1, int(values.size()) - 1);
    return values[i] + (values[j] - values[i]) * (pos - i);
}

double LatencyReport::bucketQuantile(const QVector<double>& bounds,
                                     const QVector<double>& cumulative, double q)
{
    QVector<prometheus::HistogramBucket> buckets;
    for (int i = 0; i < bounds.size() && i < cumulative.size(); ++i)
        buckets.append({bounds[i], cumulative[i]});
    return prometheus::histogramQuantile(q, buckets);
}

QString LatencyReport::changeText(double before, double now)
{
    if (!std::isfinite(before) || !std::isfinite(now) || before <= 0)
        return {};
    const double pct = 100.0 * (now / before - 1.0);
    const QString number = QLocale().toString(std::abs(pct), 'f', std::abs(pct) < 10 ? 1 : 0);
    return pct >= 0 ? QStringLiteral("+%1 %").arg(number)
                    : QStringLiteral("\u2212%1 %").arg(number);
}

QString LatencyReport::metricName(LatencyMetric metric, bool longName)
{
    switch (metric) {
    case LatencyMetric::Ttft:
        return longName ? tr("Time to first token") : tr("TTFT");
    case LatencyMetric::Tbt:
        return longName ? tr("Time between tokens") : tr("TBT");
    case LatencyMetric::Ttlt:
        return longName ? tr("Time to last token") : tr("TTLT");
    case LatencyMetric::TokensPerSecond:
        return longName ? tr("Tokens per second") : tr("Tokens/s");
    }
    return {};
}

LatencyReport LatencyReport::build(const LatencyReportInput& in)
{
    LatencyReport out;
    const LatencyData& data = in.data;
    // The targets: every deployment with a reading in the range.
    QMap<QString, LatencyTarget> targets;
    for (const LatencyReading& r : data.readings) {
        if (r.previous || (!r.hasDistribution() && !r.hasPercentiles() && !r.hasAverage()))
            continue;
        LatencyTarget& t = targets[r.source + QLatin1Char('/') + r.deployment];
        t.key = r.source + QLatin1Char('/') + r.deployment;
        t.source = r.source;
        t.deployment = r.deployment;
        t.label = tr("%1 · %2").arg(r.deployment, sourceName(in, r.source));
        t.distribution = t.distribution || r.hasDistribution() || r.hasPercentiles();
        t.buckets = t.buckets || r.hasDistribution();
    }
    for (LatencyTarget& t : targets)
        t.rankValue = headline(data.find(t.source, t.deployment, LatencyMetric::Ttft));
    out.targets = targets.values();
    // Slowest first; deployments without a TTFT last.
    std::stable_sort(out.targets.begin(), out.targets.end(),
                     [](const LatencyTarget& a, const LatencyTarget& b) {
                         if (std::isnan(a.rankValue) != std::isnan(b.rankValue))
                             return std::isnan(b.rankValue);
                         return a.rankValue > b.rankValue;
                     });

    out.ranking.headers = {tr("Deployment"),  tr("Source"),      tr("Basis"),
                           tr("TTFT"),        tr("vs previous"), tr("TTLT"),
                           tr("vs previous"), tr("TBT"),         tr("Tokens/s")};
    for (const LatencyTarget& t : std::as_const(out.targets)) {
        const LatencyReading* ttft = data.find(t.source, t.deployment, LatencyMetric::Ttft);
        const bool pct = t.distribution;
        const QString basisTip =
            pct ? (t.buckets ? tr("p95 over the range, from the server's histogram bucket counts")
                             : tr("p95: the mean of the stored per-minute p95 (no bucket counts "
                                  "stored for this range)"))
                : tr("Azure Monitor gives average and maximum only: the mean of the per-minute "
                     "averages");
        QVector<TableCell> row{TableCell::plain(t.deployment, t.label),
                               TableCell::plain(sourceName(in, t.source)),
                               TableCell::plain(pct ? tr("p95") : tr("average"), basisTip)};
        for (LatencyMetric m : {LatencyMetric::Ttft, LatencyMetric::Ttlt}) {
            const LatencyReading* r =
                m == LatencyMetric::Ttft ? ttft : data.find(t.source, t.deployment, m);
            const double now = headline(r);
            const LatencyReading* prev = data.find(t.source, t.deployment, m, true);
            // A previous period seen only in part (history younger than it) is no fair baseline.
            const int stepsNow = stepsWithData(r), stepsBefore = stepsWithData(prev);
            const bool comparable = stepsBefore >= kMinCoverage * stepsNow;
            const double before = comparable ? headline(prev) : kNaN;
            row << TableCell::number(msText(now), std::isnan(now) ? -1 : now,
                                     r && r->hasAverage() && !pct
                                         ? tr("Largest minute: %1").arg(msText(maxOf(r->maximum)))
                                         : QString());
            QString tip = tr("Previous period: %1").arg(msText(before));
            if (stepsBefore == 0)
                tip = tr("No data in the previous period");
            else if (!comparable)
                tip = tr("The previous period has data in %1 of its steps against %2 now: too "
                         "little to compare")
                          .arg(stepsBefore)
                          .arg(stepsNow);
            const QString text = changeText(before, now);
            TableCell change =
                TableCell::number(text.isEmpty() ? QStringLiteral("\u2013") : text,
                                  std::isfinite(before) && before > 0 ? now / before - 1 : 0, tip);
            change.warning = std::isfinite(before) && now > before * (1 + kWorseShare);
            row << change;
        }
        const LatencyReading* tbt = data.find(t.source, t.deployment, LatencyMetric::Tbt);
        const double tbtValue = headline(tbt);
        row << TableCell::number(msText(tbtValue), std::isnan(tbtValue) ? -1 : tbtValue);
        const LatencyReading* tps =
            data.find(t.source, t.deployment, LatencyMetric::TokensPerSecond);
        double tpsValue = tps && tps->hasAverage() ? mean(tps->average) : kNaN;
        QString tpsTip = tr("Mean of Azure's per-minute AzureOpenAITokenPerSecond averages");
        if (std::isnan(tpsValue) && tbt && (tbt->hasDistribution() || tbt->hasPercentiles())) {
            const double p50 = periodQuantile(tbt, 0.5);
            tpsValue = p50 > 0 ? 1000.0 / p50 : kNaN;
            tpsTip = tr("Median: 1000 / the p50 time between tokens");
        }
        row << TableCell::number(
            std::isnan(tpsValue) ? QString() : formatQuantity(tpsValue, Unit::TokensPerSecond),
            std::isnan(tpsValue) ? -1 : tpsValue, tpsTip);
        out.ranking.rows << row;
    }
    out.rankingNote =
        tr("Slowest TTFT first: p95 where the source has a distribution (vLLM, TGI), else the "
           "average (Azure gives average and maximum only; the two are different statistics). "
           "Changes compare with the %1 before the range; %2 % slower or more is flagged.")
            .arg(stepText(data.range.duration())
                     .replace(QLatin1String("1 day"), QLatin1String("day")))
            .arg(int(kWorseShare * 100));
    out.stepNote = tr("one point and heatmap column per %1").arg(stepText(data.step));
    out.emptyMessage =
        out.targets.isEmpty()
            ? tr("No latency recorded in this range. Azure OpenAI deployments report TTFT, time "
                 "between tokens, TTLT and tokens/s (average and maximum); vLLM and TGI servers "
                 "report histograms.")
            : QString();

    for (int i = 0; i < out.targets.size(); ++i) {
        if (out.targets[i].key == in.selected)
            out.selected = i;
    }
    for (int i = 0; out.selected < 0 && i < out.targets.size(); ++i) {
        if (out.targets[i].buckets)
            out.selected = i; // by default the first with a distribution: its heatmap
    }
    if (out.selected < 0 && !out.targets.isEmpty())
        out.selected = 0;
    if (out.selected >= 0) {
        const LatencyTarget& t = out.targets[out.selected];
        for (LatencyMetric m : kMetrics) {
            out.charts << buildChart(in, t, m);
            addPrevious(in, t, &out.charts.last());
        }
        out.heatmap = buildHeatmap(in, t);
    } else {
        out.heatmap.range = data.range;
        out.heatmap.title = tr("Latency distribution");
        out.heatmap.emptyMessage = out.emptyMessage;
    }
    out.playground = buildPlayground(in, &out.playgroundNote);
    return out;
}

} // namespace isc
