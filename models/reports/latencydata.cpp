#include "latencydata.h"

#include "core/labels.h"
#include "itemmodels/chartmodel.h"
#include "sources/prometheus/scrapeaccumulator.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <algorithm>
#include <cmath>
#include <limits>
#include <tuple>

namespace isc {
namespace {

const QString kDeployment = QStringLiteral("ModelDeploymentName");
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr LatencyMetric kLocalMetrics[] = {LatencyMetric::Ttft, LatencyMetric::Tbt,
                                           LatencyMetric::Ttlt};
constexpr LatencyMetric kAllMetrics[] = {LatencyMetric::Ttft, LatencyMetric::Tbt,
                                         LatencyMetric::Ttlt, LatencyMetric::TokensPerSecond};

QVector<Sample> samplesOf(const QueriedSeries& s)
{
    QVector<Sample> out;
    out.reserve(s.points.size());
    for (const QPointF& p : s.points)
        out.append({qint64(p.x() / 1000), p.y()});
    return out;
}

SeriesQuery baseQuery(const QString& metric, const QString& aggregation, Reduce reduce,
                      const TimeRange& range, qint64 step, qint64 now)
{
    SeriesQuery q;
    q.metric = metric;
    q.aggregation = aggregation;
    q.perSeries = true;
    q.reduce = reduce;
    q.step = step;
    // Whole steps at both ends: every step holds the same minutes, and rollups read exactly.
    q.range = {floorTo(range.from, step), floorTo(range.to + step - 1, step)};
    q.now = now;
    return q;
}

/// Reads one period into `out`; false when cancelled or a query failed (error set).
bool readPeriod(StoreBackend& db, const TimeRange& range, qint64 step, qint64 now, bool previous,
                const JobToken& token, LatencyData* out)
{
    QMap<std::pair<QString, QString>, QHash<int, LatencyReading>> byTarget;
    auto reading = [&](const QueriedSeries& s, LatencyMetric m) -> LatencyReading& {
        const QString dep = labels::value(s.labels, kDeployment);
        LatencyReading& r = byTarget[{s.source, dep}][int(m)];
        r.source = s.source;
        r.deployment = dep;
        r.metric = m;
        r.previous = previous;
        return r;
    };
    auto run = [&](const SeriesQuery& q, QueryResult* result) {
        if (token.isCancelled())
            return false;
        *result = db.query(q);
        if (!result->error.isEmpty()) {
            out->error = result->error;
            return false;
        }
        return true;
    };

    for (LatencyMetric m : kLocalMetrics) {
        const QString metric = localLatencyMetric(m);
        QueryResult r;
        if (!run(baseQuery(prometheus::ScrapeAccumulator::bucketMetric(metric),
                           QStringLiteral("total"), Reduce::Sum, range, step, now),
                 &r))
            return false;
        // Per target: le -> counts per step.
        QMap<std::pair<QString, QString>, QMap<double, QMap<qint64, double>>> counts;
        for (const QueriedSeries& s : std::as_const(r.series)) {
            const QString le = labels::value(s.labels, QStringLiteral("le"));
            bool ok = false;
            const double bound = le == QLatin1String("+Inf")
                                     ? std::numeric_limits<double>::infinity()
                                     : le.toDouble(&ok);
            if (!ok && !std::isinf(bound))
                continue;
            auto& perStep = counts[{s.source, labels::value(s.labels, kDeployment)}][bound];
            for (const QPointF& p : s.points)
                perStep[qint64(p.x() / 1000)] += p.y();
            reading(s, m); // creates it
        }
        for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
            LatencyReading& rd = byTarget[it.key()][int(m)];
            QMap<qint64, QVector<double>> steps;
            const QList<double> bounds = it.value().keys();
            for (int i = 0; i < bounds.size(); ++i) {
                const QMap<qint64, double> perStep = it.value().value(bounds[i]);
                for (auto p = perStep.cbegin(); p != perStep.cend(); ++p) {
                    QVector<double>& v = steps[p.key()];
                    v.resize(bounds.size());
                    v[i] = p.value();
                }
            }
            rd.bounds = QVector<double>(bounds.cbegin(), bounds.cend());
            for (auto s = steps.cbegin(); s != steps.cend(); ++s)
                rd.buckets.append({s.key(), s.value()});
        }
        for (const char* agg : {"p50", "p95", "p99"}) {
            if (!run(baseQuery(metric, QLatin1String(agg), Reduce::Avg, range, step, now), &r))
                return false;
            for (const QueriedSeries& s : std::as_const(r.series)) {
                LatencyReading& rd = reading(s, m);
                const QByteArray a(agg);
                (a == "p50" ? rd.p50 : a == "p95" ? rd.p95 : rd.p99) = samplesOf(s);
            }
        }
    }
    for (LatencyMetric m : kAllMetrics) {
        QueryResult r;
        if (!run(baseQuery(azureLatencyMetric(m), QStringLiteral("average"), Reduce::Avg, range,
                           step, now),
                 &r))
            return false;
        for (const QueriedSeries& s : std::as_const(r.series))
            reading(s, m).average = samplesOf(s);
        if (!run(baseQuery(azureLatencyMetric(m), QStringLiteral("maximum"), Reduce::Max, range,
                           step, now),
                 &r))
            return false;
        for (const QueriedSeries& s : std::as_const(r.series))
            reading(s, m).maximum = samplesOf(s);
    }
    for (const auto& metrics : std::as_const(byTarget)) {
        for (const LatencyReading& r : metrics)
            out->readings.append(r);
    }
    return true;
}

} // namespace

QString localLatencyMetric(LatencyMetric metric)
{
    switch (metric) {
    case LatencyMetric::Ttft:
        return QStringLiteral("TtftMs");
    case LatencyMetric::Tbt:
        return QStringLiteral("InterTokenLatencyMs");
    case LatencyMetric::Ttlt:
        return QStringLiteral("E2eLatencyMs");
    case LatencyMetric::TokensPerSecond:
        break;
    }
    return {};
}

QString azureLatencyMetric(LatencyMetric metric)
{
    switch (metric) {
    case LatencyMetric::Ttft:
        return QStringLiteral("AzureOpenAINormalizedTTFTInMS");
    case LatencyMetric::Tbt:
        return QStringLiteral("AzureOpenAINormalizedTBTInMS");
    case LatencyMetric::Ttlt:
        return QStringLiteral("AzureOpenAITTLTInMS");
    case LatencyMetric::TokensPerSecond:
        return QStringLiteral("AzureOpenAITokenPerSecond");
    }
    return {};
}

const LatencyReading* LatencyData::find(const QString& source, const QString& deployment,
                                        LatencyMetric metric, bool previous) const
{
    for (const LatencyReading& r : readings) {
        if (r.metric == metric && r.previous == previous && r.source == source &&
            r.deployment == deployment)
            return &r;
    }
    return nullptr;
}

qint64 LatencyData::stepFor(const TimeRange& range)
{
    return niceStep(std::max<qint64>(60, range.duration()), 180);
}

QVector<LatencyReading> LatencyData::runReadings(const QVector<StoredRun>& runs, TimeRange range,
                                                 TimeRange previousRange, qint64 step)
{
    // Bounds for one request's latency, from a fast first token to a minute-long answer.
    static const QVector<double> kBounds{100,  250,   500,   1000,  2500,
                                         5000, 10000, 30000, 60000, kInf};
    // (target, previous, metric) -> step -> per-bucket counts (not yet cumulative)
    QMap<std::tuple<QString, bool, int>, QMap<qint64, QVector<double>>> counts;
    for (const StoredRun& run : runs) {
        if (!run.error.isEmpty())
            continue;
        const qint64 at = run.createdAtMs / 1000;
        const bool previous = previousRange.contains(at);
        if (!previous && !range.contains(at))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(run.metricsJson.toUtf8()).object();
        const std::pair<LatencyMetric, const char*> fields[] = {{LatencyMetric::Ttft, "ttft_ms"},
                                                                {LatencyMetric::Ttlt, "total_ms"}};
        for (const auto& [metric, field] : fields) {
            const double ms = o.value(QLatin1String(field)).toDouble(-1);
            if (ms < 0)
                continue;
            QVector<double>& c = counts[{run.target, previous, int(metric)}][floorTo(at, step)];
            c.resize(kBounds.size());
            c[int(std::lower_bound(kBounds.cbegin(), kBounds.cend(), ms) - kBounds.cbegin())] += 1;
        }
    }
    QVector<LatencyReading> out;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it) {
        LatencyReading r;
        r.source = playgroundSource();
        r.deployment = std::get<0>(it.key());
        r.previous = std::get<1>(it.key());
        r.metric = LatencyMetric(std::get<2>(it.key()));
        r.bounds = kBounds;
        for (auto s = it.value().cbegin(); s != it.value().cend(); ++s) {
            QVector<double> cumulative = s.value();
            for (int i = 1; i < cumulative.size(); ++i)
                cumulative[i] += cumulative[i - 1];
            r.buckets.append({s.key(), cumulative});
        }
        out.append(r);
    }
    return out;
}

LatencyData LatencyData::read(StoreBackend& db, const TimeRange& range, qint64 now,
                              const JobToken& token)
{
    LatencyData out;
    out.range = range;
    out.previousRange = {range.from - range.duration(), range.from};
    out.step = stepFor(range);
    if (!readPeriod(db, range, out.step, now, false, token, &out) ||
        !readPeriod(db, out.previousRange, out.step, now, true, token, &out))
        return out;
    RunFilter filter;
    filter.limit = 5000;
    for (const StoredRun& run : db.listRuns(filter)) {
        const qint64 at = run.createdAtMs / 1000;
        if (at >= out.previousRange.from && at < range.to)
            out.runs.append(run);
    }
    out.readings += runReadings(out.runs, range, out.previousRange, out.step);
    return out;
}

} // namespace isc
