#include "alerts/alertreads.h"

#include "cost/costforecast.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

namespace isc {

namespace {

QVector<SeriesSamples> rawSeries(StoreBackend& db, const QString& metric,
                                 const QString& aggregation, const TimeRange& range, qint64 now,
                                 QString* error)
{
    SeriesQuery q;
    q.metric = metric;
    q.aggregation = aggregation;
    q.perSeries = true;
    q.step = 60;
    q.range = range;
    q.now = now;
    const QueryResult r = db.query(q);
    if (!r.error.isEmpty() && error->isEmpty())
        *error = r.error;
    QVector<SeriesSamples> out;
    out.reserve(r.series.size());
    for (const QueriedSeries& s : r.series) {
        SeriesSamples ss;
        ss.key = {s.source, metric, aggregation, s.labels};
        ss.samples.reserve(s.points.size());
        for (const QPointF& p : s.points)
            ss.samples.append({qint64(p.x() / 1000.0), p.y()});
        out.append(std::move(ss));
    }
    return out;
}

} // namespace

QVector<SeriesSamples> readAlertSeries(StoreBackend& db, const AlertRule& rule,
                                       const TimeRange& range, qint64 now, const JobToken& token,
                                       QString* error)
{
    QVector<SeriesSamples> raw = rawSeries(db, rule.metric, rule.aggregation, range, now, error);
    const bool otherDenominator =
        rule.isShare && !rule.denominatorMetric.isEmpty() && rule.denominatorMetric != rule.metric;
    if (otherDenominator && !token.isCancelled())
        raw += rawSeries(db, rule.denominatorMetric, rule.aggregation, range, now, error);
    return raw;
}

std::optional<AlertInputs::Spend> readAlertSpend(StoreBackend& db, const CostEngine& engine,
                                                 CostQueryRequest request, qint64 now,
                                                 const JobToken& token, QString* error)
{
    request.range = CostForecast::inputRange(now);
    const CostQueryResult cost = CostQuery::run(db, engine, request, token);
    if (!cost.error.isEmpty()) {
        if (error->isEmpty())
            *error = cost.error;
        return std::nullopt;
    }
    const CostForecast f = CostForecast::compute(cost.daily, now);
    return AlertInputs::Spend{f.today.toUnits(), f.forecast.toUnits(), 0};
}

} // namespace isc
