#include "itemmodels/capacityquery.h"

#include "routing/trafficwindow.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <algorithm>
#include <cmath>

namespace isc {
namespace {

const QString kDeployment = QStringLiteral("ModelDeploymentName");
constexpr qint64 kQuotaLookback = 2 * 86400; // quota is polled about hourly: look back far enough

} // namespace

void CapacityQuery::splitQuotaName(const QString& name, QString* sku, QString* model)
{
    // "OpenAI.<SKU>.<model>"; model names contain dots ("gpt-4.1"), so split twice only.
    const int first = name.indexOf(QLatin1Char('.'));
    const int second = first < 0 ? -1 : name.indexOf(QLatin1Char('.'), first + 1);
    if (second < 0) {
        *sku = QString();
        *model = name;
        return;
    }
    *sku = name.mid(first + 1, second - first - 1);
    *model = name.mid(second + 1);
}

CapacityResult CapacityQuery::run(SampleStore* store, const CapacityRequest& request)
{
    return store
        ->read<CapacityResult>([request](StoreBackend& db) { return run(db, request, JobToken()); })
        .result();
}

CapacityResult CapacityQuery::run(StoreBackend& db, const CapacityRequest& req,
                                  const JobToken& token)
{
    CapacityResult out;
    out.range = req.range;
    if (token.isCancelled())
        return out;
    out.inventory = db.deployments(QString());

    auto fetch = [&](const SeriesQuery& q) {
        if (token.isCancelled()) // the result is dropped: read no further
            return QVector<QueriedSeries>{};
        const QueryResult r = db.query(q);
        if (!r.error.isEmpty() && out.error.isEmpty())
            out.error = r.error;
        return r.series;
    };

    bool anyProvisioned = false;
    for (const Deployment& d : std::as_const(out.inventory))
        anyProvisioned = anyProvisioned || d.isProvisioned();
    if (anyProvisioned) {
        TrafficWindow w;
        QString error;
        if (!TrafficWindow::load(db, req.range, req.connections, &w, &error, token)) {
            if (out.error.isEmpty())
                out.error = error;
        } else {
            w.derive();
            for (const Deployment& inv : std::as_const(out.inventory)) {
                if (!inv.isProvisioned())
                    continue;
                ProvisionedLoad p;
                p.deployment = inv;
                const int i = w.indexOf(inv.source + QLatin1Char('/') + inv.name);
                if (i >= 0) {
                    const DeploymentTraffic& t = w.deployments[i];
                    QVector<double> util;
                    for (int m = 0; m < t.utilizationPct.size(); ++m) {
                        if (t.utilizationPct[m] >= 0)
                            util.append(t.utilizationPct[m]);
                        p.requests += t.requests[m];
                        p.requests429 += t.requests429[m];
                        p.spilledOver += t.spilloverOut.value(m);
                        // Demand: the minute's requests (429s included) at its served shape.
                        MinuteTokens mt;
                        mt.input =
                            qint64(std::llround(t.requests[m] * t.promptPerRequest.value(m)));
                        mt.output =
                            qint64(std::llround(t.requests[m] * t.outputPerRequest.value(m)));
                        p.demand.append(mt);
                    }
                    p.minutesWithData = int(util.size());
                    if (!util.isEmpty()) {
                        p.utilP50 = PtuAdvisor::percentile(util, 50);
                        p.utilP95 = PtuAdvisor::percentile(util, 95);
                        p.utilMax = *std::max_element(util.cbegin(), util.cend());
                        p.minutesAtCapacity = int(std::count_if(util.cbegin(), util.cend(),
                                                                [](double u) { return u >= 100; }));
                    }
                }
                // Cache match rate: the mean of the recorded minutes.
                SeriesQuery q;
                q.metric = QStringLiteral("AzureOpenAIContextTokensCacheMatchRate");
                q.aggregation = QStringLiteral("average");
                q.source = inv.source;
                q.labelEquals.insert(kDeployment, inv.name);
                q.range = req.range;
                q.step = 60;
                q.reduce = Reduce::Avg;
                q.combine = Combine::Mean;
                q.now = req.range.to;
                double sum = 0;
                int n = 0;
                for (const QueriedSeries& s : fetch(q)) {
                    for (const QPointF& pt : s.points) {
                        if (std::isfinite(pt.y())) {
                            sum += pt.y();
                            ++n;
                        }
                    }
                }
                if (n > 0)
                    p.cacheMatchRate = sum / n;
                out.provisioned.append(p);
            }
        }
    }

    // Quota and fine-tuning: per source that has an inventory or is an Azure connection.
    QStringList sources;
    for (const Deployment& d : std::as_const(out.inventory)) {
        if (!sources.contains(d.source))
            sources << d.source;
    }
    for (const Connection& c : req.connections) {
        if (c.isAzure() && !sources.contains(c.id))
            sources << c.id;
    }
    for (const QString& source : std::as_const(sources)) {
        QHash<QString, QuotaUsage> byName;
        for (const char* metric : {"QuotaCurrent", "QuotaLimit"}) {
            SeriesQuery q;
            q.metric = QLatin1String(metric);
            q.aggregation = QStringLiteral("average");
            q.source = source;
            q.groupBy = QStringLiteral("quota");
            q.range = {std::min(req.range.from, req.range.to - kQuotaLookback), req.range.to};
            q.step = 60;
            q.reduce = Reduce::Avg;
            q.combine = Combine::Mean;
            q.now = req.range.to;
            const bool current = qstrcmp(metric, "QuotaCurrent") == 0;
            for (const QueriedSeries& s : fetch(q)) {
                // The newest reading.
                for (auto it = s.points.crbegin(); it != s.points.crend(); ++it) {
                    if (!std::isfinite(it->y()))
                        continue;
                    QuotaUsage& u = byName[s.name];
                    u.source = source;
                    u.quota = s.name;
                    splitQuotaName(s.name, &u.sku, &u.model);
                    (current ? u.current : u.limit) = it->y();
                    u.at = std::max(u.at, qint64(it->x() / 1000.0));
                    break;
                }
            }
        }
        // The region the quota was read for (an account lives in one; older readings have none).
        SeriesQuery where;
        where.metric = QStringLiteral("QuotaLimit");
        where.aggregation = QStringLiteral("average");
        where.source = source;
        where.groupBy = QStringLiteral("location");
        where.range = {std::min(req.range.from, req.range.to - kQuotaLookback), req.range.to};
        where.step = 3600;
        where.now = req.range.to;
        QString location;
        for (const QueriedSeries& s : fetch(where)) {
            if (s.name != QLatin1String("(none)"))
                location = s.name; // sorted by name: with several, the last stands
        }
        for (QuotaUsage& u : byName)
            u.location = location;
        QVector<QuotaUsage> rows = byName.values().toVector();
        std::sort(rows.begin(), rows.end(),
                  [](const QuotaUsage& a, const QuotaUsage& b) { return a.quota < b.quota; });
        out.quota += rows;

        SeriesQuery ft;
        ft.metric = QStringLiteral("FineTunedTrainingHours");
        ft.source = source;
        ft.groupBy = kDeployment;
        ft.range = req.range;
        ft.step = 60;
        ft.reduce = Reduce::Sum;
        ft.now = req.range.to;
        for (const QueriedSeries& s : fetch(ft)) {
            FineTuneUsage f;
            f.source = source;
            f.name = s.name.isEmpty() ? QStringLiteral("(all jobs)") : s.name;
            for (const QPointF& pt : s.points)
                f.trainingHours += std::isfinite(pt.y()) ? pt.y() : 0;
            out.fineTuning.append(f);
        }
    }
    return out;
}

} // namespace isc
