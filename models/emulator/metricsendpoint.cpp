#include "metricsendpoint.h"

#include "emulator/demoaccount.h"
#include "emulator/metriccell.h"
#include "emulator/metricsquery.h"

#include "core/timerange.h"

#include <algorithm>
#include <cmath>

namespace isc::emu::detail {

namespace {

struct Series
{
    QStringList splitValues;
    QVector<Measure> buckets;
    bool hasData = false;
};

// Per metric: which cells match, how they group into timeseries.
struct Plan
{
    const MetricDef* def = nullptr;
    QStringList aggs;
    QVector<int> splitDims;
    QVector<MetricCell> cells;
    QVector<Series> series;
    QVector<Measure> minute; ///< scratch: this minute's value per series
};

// Empty on success, else why the filter does not fit the metric.
QString planMetric(const TrafficModel& traffic, const MetricDef& def, const MetricsQuery& query,
                   int bucketCount, Plan* plan)
{
    plan->def = &def;
    plan->aggs =
        query.aggregations.value_or(QStringList{QString::fromLatin1(def.primary).toLower()});
    QString unknown;
    const auto clauses = bindFilter(query.filter, def.dims, &unknown);
    if (!clauses)
        return QStringLiteral("Metric: %1 does not support requested dimension combination: %2, "
                              "supported ones are: %3")
            .arg(QLatin1String(def.name), unknown, def.dims.join(QLatin1Char(',')));
    for (const auto& clause : *clauses) {
        if (clause.split && !plan->splitDims.contains(clause.dim))
            plan->splitDims.append(clause.dim);
    }
    QMap<QStringList, int> groupOf;
    for (MetricCell c : metricCells(def, traffic)) {
        if (!matchesFilter(*clauses, c.values))
            continue;
        QStringList key;
        for (int dim : plan->splitDims)
            key << c.values[dim];
        auto it = groupOf.find(key);
        if (it == groupOf.end()) {
            it = groupOf.insert(key, plan->series.size());
            Series s;
            s.splitValues = key;
            s.buckets.resize(bucketCount);
            plan->series.append(s);
        }
        c.group = it.value();
        plan->cells.append(c);
    }
    // An unfiltered, unsplit metric no deployment reports (no fine-tunes: FineTunedTrainingHours)
    // still gets its one timeseries, with no values, as on Azure.
    if (plan->series.isEmpty() && plan->splitDims.isEmpty() && clauses->isEmpty()) {
        Series s;
        s.buckets.resize(bucketCount);
        plan->series.append(s);
    }
    plan->minute.resize(plan->series.size());
    return {};
}

// One pass over the minutes: traffic is computed once per minute for every metric. Returns
// how many minutes of each bucket have arrived.
QVector<int> accumulate(const TrafficModel& traffic, qint64 first, const MetricsQuery& query,
                        int bucketCount, qint64 now, QVector<Plan>* plans)
{
    QVector<int> arrived(bucketCount, 0);
    for (qint64 m = first; m < query.end; m += 60) {
        if (now < m + 120)
            continue; // not arrived yet
        const double fraction = now < m + 240 ? static_cast<double>(now - (m + 60)) / 180.0 : 1.0;
        const int b = static_cast<int>((m - first) / query.interval);
        ++arrived[b];
        const QVector<MinuteTraffic> all = traffic.atAll(m);
        for (auto& plan : *plans) {
            if (plan.cells.isEmpty())
                continue;
            std::fill(plan.minute.begin(), plan.minute.end(), Measure{});
            for (const auto& c : plan.cells)
                plan.minute[c.group].add(measureCell(*plan.def, c, all[c.deployment], traffic, m));
            for (int s = 0; s < plan.series.size(); ++s) {
                Measure v = plan.minute[s];
                if (fraction < 1.0 && plan.def->kind == Kind::Additive) {
                    // Late data: counters fill in over three minutes, averages stay right.
                    v.total = std::floor(v.total * fraction);
                    v.count = std::floor(v.count * fraction);
                }
                plan.series[s].hasData = plan.series[s].hasData || v.count > 0 || v.total > 0;
                plan.series[s].buckets[b].add(v);
            }
        }
    }
    return arrived;
}

// The series to return, in order: split ones by their first aggregation, largest `top` first.
QVector<int> seriesOrder(const Plan& plan, const QVector<int>& arrived, int top)
{
    QVector<int> order;
    for (int s = 0; s < plan.series.size(); ++s) {
        // A split combination with no data in the span is not returned.
        if (plan.splitDims.isEmpty() || plan.series[s].hasData)
            order.append(s);
    }
    if (plan.splitDims.isEmpty())
        return order;
    const bool zeros = countsZero(*plan.def);
    QVector<double> rank(plan.series.size(), 0);
    for (int s : order) {
        for (int b = 0; b < arrived.size(); ++b) {
            const auto v = plan.series[s].buckets[b].value(plan.aggs.first(), zeros);
            if (v && arrived[b] > 0)
                rank[s] += *v;
        }
    }
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return rank[a] > rank[b]; });
    if (order.size() > top)
        order.resize(top);
    return order;
}

void writeSeries(const Plan& plan, const Series& series, const QVector<QByteArray>& stamps,
                 const QVector<int>& arrived, QByteArray* out)
{
    const bool zeros = countsZero(*plan.def);
    *out += "{\"metadatavalues\":[";
    for (int k = 0; k < plan.splitDims.size(); ++k) {
        // Quirk: Azure echoes dimension names lower-cased; values keep their case.
        const QByteArray dimName = jsonString(plan.def->dims[plan.splitDims[k]].toLower());
        *out += (k == 0 ? "{\"name\":{\"value\":" : ",{\"name\":{\"value\":") + dimName +
                ",\"localizedValue\":" + dimName +
                "},\"value\":" + jsonString(series.splitValues[k]) + '}';
    }
    *out += "],\"data\":[";
    for (int b = 0; b < stamps.size(); ++b) {
        *out += b == 0 ? "{\"timeStamp\":\"" : ",{\"timeStamp\":\"";
        *out += stamps[b];
        *out += '"';
        if (arrived[b] > 0) {
            for (const auto& agg : plan.aggs) {
                if (const auto v = series.buckets[b].value(agg, zeros))
                    *out += ",\"" + agg.toLatin1() + "\":" + jsonNumber(*v);
            }
        }
        *out += '}';
    }
    *out += "]}";
}

void writeMetric(const Plan& plan, const QVector<int>& order, const QVector<QByteArray>& stamps,
                 const QVector<int>& arrived, const std::pair<QString, QString>* error,
                 QByteArray* out)
{
    const MetricDef& def = *plan.def;
    out->reserve(out->size() + order.size() * stamps.size() * (40 + 24 * plan.aggs.size()));
    const QString name = QLatin1String(def.name);
    *out +=
        "{\"id\":" + jsonString(demoAccountResourceId() +
                                QStringLiteral("/providers/Microsoft.Insights/metrics/") + name);
    *out += ",\"type\":\"Microsoft.Insights/metrics\",\"name\":{\"value\":" + jsonString(name) +
            ",\"localizedValue\":" + jsonString(QLatin1String(def.display)) +
            "},\"displayDescription\":" + jsonString(QLatin1String(def.description)) +
            ",\"unit\":" + jsonString(QLatin1String(def.unit)) + ",\"timeseries\":[";
    if (error) {
        *out += "],\"errorCode\":" + jsonString(error->first) +
                ",\"errorMessage\":" + jsonString(error->second) + '}';
        return;
    }
    for (int i = 0; i < order.size(); ++i) {
        if (i > 0)
            *out += ',';
        writeSeries(plan, plan.series[order[i]], stamps, arrived, out);
    }
    *out += "],\"errorCode\":\"Success\"}";
}

} // namespace

Reply answerMetrics(const TrafficModel& traffic, const QMap<QString, QString>& q, qint64 now,
                    const QHash<QString, std::pair<QString, QString>>& failing)
{
    MetricsQuery query;
    if (const QString error = readMetricsQuery(q, now, &query); !error.isEmpty())
        return badRequest(error);
    const qint64 first = floorTo(query.start, query.interval);
    const int bucketCount =
        static_cast<int>((query.end - first + query.interval - 1) / query.interval);
    QVector<Plan> plans;
    for (const MetricDef* def : query.metrics) {
        Plan plan;
        if (const QString error = planMetric(traffic, *def, query, bucketCount, &plan);
            !error.isEmpty())
            return badRequest(error);
        plans.append(plan);
    }
    const QVector<int> arrived = accumulate(traffic, first, query, bucketCount, now, &plans);

    // Serialise by hand: a 30-day PT1M answer has hundreds of thousands of points.
    QVector<QByteArray> stamps(bucketCount);
    for (int b = 0; b < bucketCount; ++b)
        stamps[b] = formatIsoUtc(first + b * query.interval).toLatin1();
    QByteArray json;
    json.reserve(1024 + bucketCount * 48);
    json += "{\"cost\":0,\"timespan\":" +
            jsonString(formatIsoUtc(query.start) + QLatin1Char('/') + formatIsoUtc(query.end)) +
            ",\"interval\":" + jsonString(grainName(query.interval)) + ",\"value\":[";
    for (int i = 0; i < plans.size(); ++i) {
        if (i > 0)
            json += ',';
        const auto error = failing.constFind(QLatin1String(plans[i].def->name));
        writeMetric(plans[i], seriesOrder(plans[i], arrived, query.top), stamps, arrived,
                    error == failing.cend() ? nullptr : &error.value(), &json);
    }
    json += "],\"namespace\":" + jsonString(accountNamespace()) +
            ",\"resourceregion\":" + jsonString(demoRegion()) + '}';
    Reply reply;
    reply.raw = json;
    return reply;
}

} // namespace isc::emu::detail
