#include "cost/costquery.h"

#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <cmath>
#include <map>

namespace isc {
namespace {

const QString kDeployment = QStringLiteral("ModelDeploymentName");

/// Token class a metric feeds.
enum class Field { Requests, Prompt, Uncached, Cached, Write5m, Write1h, Output };

struct Key
{
    QString source;
    QString deployment;
    bool batch = false;
    qint64 day = 0; ///< the bucket's start (a UTC day for daily buckets)
    bool operator<(const Key& o) const
    {
        return std::tie(source, deployment, batch, day) <
               std::tie(o.source, o.deployment, o.batch, o.day);
    }
};

/// Per (source, deployment, batch, UTC day): token counts (prompt kept apart for Azure).
struct Accum
{
    TokenUsage tokens;
    qint64 prompt = 0; ///< Azure ProcessedPromptTokens (cached share applied later)
    double cached = 0; ///< Azure: sum over minutes of prompt x match rate
};

qint64 count(double v)
{
    return qint64(std::llround(v));
}

void add(Accum* a, Field f, qint64 v)
{
    switch (f) {
    case Field::Requests:
        a->tokens.requests += v;
        break;
    case Field::Prompt:
        a->prompt += v;
        break;
    case Field::Uncached:
        a->tokens.uncachedInput += v;
        break;
    case Field::Cached:
        a->tokens.cachedInput += v;
        break;
    case Field::Write5m:
        a->tokens.cacheWrite5m += v;
        break;
    case Field::Write1h:
        a->tokens.cacheWrite1h += v;
        break;
    case Field::Output:
        a->tokens.output += v;
        break;
    }
}

SeriesQuery baseQuery(const QString& source, const QString& metric, const TimeRange& range,
                      qint64 step, const QString& aggregation = QStringLiteral("total"))
{
    SeriesQuery q;
    q.metric = metric;
    q.aggregation = aggregation;
    q.source = source;
    q.groupBy = kDeployment;
    q.combine = Combine::Sum;
    q.reduce = Reduce::Sum;
    q.range = range;
    q.step = step;
    return q;
}

} // namespace

CostQueryResult CostQuery::run(SampleStore* store, const CostEngine& engine,
                               const CostQueryRequest& request)
{
    return store
        ->read<CostQueryResult>(
            [engine, request](StoreBackend& db) { return run(db, engine, request, JobToken()); })
        .result();
}

CostQueryResult CostQuery::run(StoreBackend& db, const CostEngine& engine,
                               const CostQueryRequest& req, const JobToken& token)
{
    CostQueryResult out;
    std::map<Key, Accum> acc;
    QHash<QString, Money> reportedBySource;
    // Buckets divide a UTC day, so every bucket lies in exactly one billing day.
    const qint64 bucket = (req.bucketSeconds >= 60 && kSecondsPerDay % req.bucketSeconds == 0)
                              ? req.bucketSeconds
                              : kSecondsPerDay;
    auto fetch = [&](const SeriesQuery& q) -> QVector<QueriedSeries> {
        if (token.isCancelled()) // the result is dropped: read no further
            return {};
        const QueryResult r = db.query(q);
        if (!r.error.isEmpty() && out.error.isEmpty())
            out.error = r.error;
        return r.series;
    };
    // Sums a metric per deployment and UTC day (batch: only batch=true series; subtracted later).
    auto gather = [&](const QString& source, const QString& metric, Field field, bool batch) {
        SeriesQuery q = baseQuery(source, metric, req.range, bucket);
        if (batch)
            q.labelEquals.insert(QStringLiteral("batch"), QStringLiteral("true"));
        for (const QueriedSeries& s : fetch(q)) {
            for (const QPointF& p : s.points) {
                Key k{source, s.name, batch, qint64(p.x() / 1000.0)};
                add(&acc[k], field, count(p.y()));
            }
        }
    };
    for (auto it = req.kindBySource.cbegin(); it != req.kindBySource.cend(); ++it) {
        const QString& source = it.key();
        if (it.value() == kAzureOpenAiProvider) {
            gather(source, QStringLiteral("ProcessedPromptTokens"), Field::Prompt, false);
            gather(source, QStringLiteral("GeneratedTokens"), Field::Output, false);
            gather(source, QStringLiteral("AzureOpenAIRequests"), Field::Requests, false);
            // Cached share: per-minute match rate (percent) x that minute's prompt tokens.
            const auto rates =
                fetch(baseQuery(source, QStringLiteral("AzureOpenAIContextTokensCacheMatchRate"),
                                req.range, 60, QStringLiteral("average")));
            if (!rates.isEmpty()) {
                const auto prompts = fetch(
                    baseQuery(source, QStringLiteral("ProcessedPromptTokens"), req.range, 60));
                for (const QueriedSeries& r : rates) {
                    QHash<qint64, double> rateAt;
                    for (const QPointF& p : r.points)
                        rateAt.insert(qint64(p.x()), p.y());
                    for (const QueriedSeries& pr : prompts) {
                        if (pr.name != r.name)
                            continue;
                        for (const QPointF& p : pr.points) {
                            const qint64 ms = qint64(p.x());
                            const Key k{source, pr.name, false, floorTo(ms / 1000, bucket)};
                            acc[k].cached += p.y() * std::clamp(rateAt.value(ms), 0.0, 100.0) / 100;
                        }
                    }
                }
            }
            continue;
        }
        const struct
        {
            const char* metric;
            Field field;
        } normalised[] = {
            {"Requests", Field::Requests},
            {"InputTokensUncached", Field::Uncached},
            {"InputTokensCached", Field::Cached},
            {"CacheWrite5mTokens", Field::Write5m},
            {"CacheWrite1hTokens", Field::Write1h},
            {"OutputTokens", Field::Output},
            // A server without a cache split stores its whole prompt, never beside the parts.
            {"InputTokens", Field::Uncached},
        };
        for (const auto& m : normalised) {
            gather(source, QLatin1String(m.metric), m.field, false);
            gather(source, QLatin1String(m.metric), m.field, true);
        }
        Money reported;
        bool any = false;
        for (const QueriedSeries& s :
             fetch(baseQuery(source, QStringLiteral("ReportedCost"), req.range, kSecondsPerDay))) {
            for (const QPointF& p : s.points) {
                reported += Money::fromMicros(count(p.y()));
                any = true;
            }
        }
        if (any)
            reportedBySource.insert(source, reported);
    }

    // Batch series were also counted in the "all" query: move them to their own items.
    for (auto& [k, a] : acc) {
        if (!k.batch)
            continue;
        Accum& all = acc[Key{k.source, k.deployment, false, k.day}];
        all.tokens.requests -= a.tokens.requests;
        all.tokens.uncachedInput -= a.tokens.uncachedInput;
        all.tokens.cachedInput -= a.tokens.cachedInput;
        all.tokens.cacheWrite5m -= a.tokens.cacheWrite5m;
        all.tokens.cacheWrite1h -= a.tokens.cacheWrite1h;
        all.tokens.output -= a.tokens.output;
    }

    // Usage items per bucket, per UTC day, and for the whole range.
    std::map<qint64, QVector<UsageItem>> byBucket;
    std::map<qint64, std::map<Key, UsageItem>> byDay;
    std::map<Key, UsageItem> whole;
    auto merge = [](std::map<Key, UsageItem>* into, const Key& k, const UsageItem& u) {
        UsageItem& w = (*into)[k];
        if (w.source.isEmpty()) {
            w = u;
            w.tokens = {};
        }
        w.tokens += u.tokens;
    };
    for (const auto& [k, a] : acc) {
        UsageItem u;
        u.source = k.source;
        u.provider = req.kindBySource.value(k.source);
        u.deployment = k.deployment;
        u.model = k.deployment; // non-Azure: the normalised label is the model
        u.batch = k.batch;
        u.tokens = a.tokens;
        if (u.provider == kAzureOpenAiProvider) {
            const TokenUsage t = TokenUsage::fromPrompt(a.prompt, count(a.cached), a.tokens.output,
                                                        a.tokens.requests);
            u.tokens = t;
        }
        if (u.tokens == TokenUsage{})
            continue;
        byBucket[k.day].append(u);
        const Key itemKey{k.source, k.deployment, k.batch, 0};
        merge(&byDay[floorTo(k.day, kSecondsPerDay)], itemKey, u);
        merge(&whole, itemKey, u);
    }
    QVector<UsageItem> all;
    for (const auto& [k, u] : whole)
        all.append(u);
    out.report = engine.price(all, req.inventory, req.range, req.billing);

    // Every UTC day (and bucket) of the range gets a cost (PTUs cost on idle days too).
    for (qint64 day = floorTo(req.range.from, kSecondsPerDay); day < req.range.to;
         day += kSecondsPerDay) {
        const TimeRange window{std::max(day, req.range.from),
                               std::min(day + kSecondsPerDay, req.range.to)};
        QVector<UsageItem> items;
        if (const auto it = byDay.find(day); it != byDay.end()) {
            for (const auto& [k, u] : it->second)
                items.append(u);
        }
        const CostReport r = engine.price(items, req.inventory, window, req.billing);
        out.daily.append({day, r.total});
        if (bucket == kSecondsPerDay)
            out.buckets.append({day, r});
    }
    if (bucket != kSecondsPerDay) {
        for (qint64 b = floorTo(req.range.from, bucket); b < req.range.to; b += bucket) {
            const TimeRange window{std::max(b, req.range.from), std::min(b + bucket, req.range.to)};
            const auto it = byBucket.find(b);
            out.buckets.append(
                {b, engine.price(it == byBucket.end() ? QVector<UsageItem>{} : it->second,
                                 req.inventory, window, req.billing)});
        }
    }

    for (auto it = reportedBySource.cbegin(); it != reportedBySource.cend(); ++it) {
        ReportedSourceCost r;
        r.source = it.key();
        r.reported = it.value();
        bool overridden = false;
        for (const CostItem& c : std::as_const(out.report.items)) {
            if (c.source == r.source) {
                r.computed += c.total;
                overridden = overridden || c.overridden;
            }
        }
        r.comparison = compareReported(r.computed, r.reported, overridden);
        out.reported.append(r);
    }
    return out;
}

} // namespace isc
