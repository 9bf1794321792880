#include "routing/trafficwindow.h"

#include "core/workspace.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"

#include <QHash>
#include <numeric>
#include <optional>
#include <utility>

namespace isc {

namespace {

const QString kDeploymentLabel = QStringLiteral("ModelDeploymentName");

QVector<double> zeros(int n, double v = 0)
{
    return QVector<double>(n, v);
}

// Adds (or sets) a series' per-minute points into `v`.
void fill(QVector<double>& v, const QVector<QPointF>& points, qint64 from, bool add)
{
    for (const QPointF& p : points) {
        const qint64 i = (static_cast<qint64>(p.x()) / 1000 - from) / 60;
        if (i < 0 || i >= v.size())
            continue;
        v[static_cast<int>(i)] = add ? v[static_cast<int>(i)] + p.y() : p.y();
    }
}

} // namespace

double DeploymentTraffic::recordedPromptTokens() const
{
    return std::accumulate(promptTokens.cbegin(), promptTokens.cend(), 0.0);
}

double DeploymentTraffic::recordedOutputTokens() const
{
    return std::accumulate(outputTokens.cbegin(), outputTokens.cend(), 0.0);
}

int TrafficWindow::indexOf(const QString& target) const
{
    int found = -1;
    for (int i = 0; i < deployments.size(); ++i) {
        const DeploymentTraffic& d = deployments[i];
        if (d.key() == target)
            return i;
        if (d.name == target) {
            if (found >= 0)
                return -1; // ambiguous: the same name on two connections
            found = i;
        }
    }
    return found;
}

QStringList TrafficWindow::targetNames() const
{
    QStringList names;
    for (const DeploymentTraffic& d : deployments) {
        if (indexOf(d.name) >= 0)
            names << d.name;
        names << d.key();
    }
    return names;
}

DeploymentTraffic& TrafficWindow::addDeployment(const QString& source, const QString& name)
{
    const int n = minutes();
    DeploymentTraffic d;
    d.source = source;
    d.name = name;
    d.model = name;
    d.requests = d.requests429 = d.requests5xx = d.spilloverIn = zeros(n);
    d.promptTokens = d.outputTokens = d.ttftMs = d.ttltMs = zeros(n);
    d.utilizationPct = zeros(n, -1);
    deployments.append(d);
    return deployments.last();
}

void TrafficWindow::derive()
{
    const int n = minutes();
    // Spillover sources of each deployment (same connection, spilloverTo naming it).
    QVector<QVector<int>> spillSources(deployments.size());
    for (int j = 0; j < deployments.size(); ++j) {
        const DeploymentTraffic& o = deployments[j];
        if (o.spilloverTo.isEmpty())
            continue;
        for (int t = 0; t < deployments.size(); ++t) {
            if (t != j && deployments[t].source == o.source && deployments[t].name == o.spilloverTo)
                spillSources[t].append(j);
        }
    }
    for (DeploymentTraffic& d : deployments)
        d.spilloverOut = zeros(n);
    // Attribute each target's spillover in to its sources, in proportion to their 429s.
    for (int t = 0; t < deployments.size(); ++t) {
        const QVector<int>& srcs = spillSources[t];
        if (srcs.isEmpty())
            continue;
        for (int m = 0; m < n; ++m) {
            const double in = deployments[t].spilloverIn[m];
            if (in <= 0)
                continue;
            double sum429 = 0;
            for (int j : srcs)
                sum429 += deployments[j].requests429[m];
            for (int j : srcs) {
                const double share = sum429 > 0 ? deployments[j].requests429[m] / sum429
                                                : 1.0 / static_cast<double>(srcs.size());
                deployments[j].spilloverOut[m] += in * share;
            }
        }
    }
    // Tokens per own request: deployments without spillover in first, then the targets (whose
    // own tokens are what is left after the spilled requests' tokens).
    auto perRequest = [&](int idx) {
        DeploymentTraffic& d = deployments[idx];
        QVector<double> ownPrompt = d.promptTokens, ownOutput = d.outputTokens;
        for (int j : spillSources[idx]) {
            const DeploymentTraffic& o = deployments[j];
            for (int m = 0; m < n; ++m) {
                const double in = d.spilloverIn[m];
                if (in <= 0)
                    continue;
                double sum429 = 0;
                for (int k : spillSources[idx])
                    sum429 += deployments[k].requests429[m];
                const double share = sum429 > 0
                                         ? o.requests429[m] / sum429
                                         : 1.0 / static_cast<double>(spillSources[idx].size());
                ownPrompt[m] -= in * share * o.promptPerRequest[m];
                ownOutput[m] -= in * share * o.outputPerRequest[m];
            }
        }
        double okSum = 0, promptSum = 0, outputSum = 0;
        for (int m = 0; m < n; ++m) {
            const double ok = d.okRequests(m);
            if (ok > 0) {
                okSum += ok;
                promptSum += ownPrompt[m];
                outputSum += ownOutput[m];
            }
        }
        const double meanPrompt = okSum > 0 ? promptSum / okSum : 0;
        const double meanOutput = okSum > 0 ? outputSum / okSum : 0;
        d.promptPerRequest = zeros(n);
        d.outputPerRequest = zeros(n);
        for (int m = 0; m < n; ++m) {
            const double ok = d.okRequests(m);
            d.promptPerRequest[m] = ok > 0 ? ownPrompt[m] / ok : meanPrompt;
            d.outputPerRequest[m] = ok > 0 ? ownOutput[m] / ok : meanOutput;
        }
    };
    for (int i = 0; i < deployments.size(); ++i) {
        if (spillSources[i].isEmpty())
            perRequest(i);
    }
    for (int i = 0; i < deployments.size(); ++i) {
        if (!spillSources[i].isEmpty())
            perRequest(i);
    }
    for (DeploymentTraffic& d : deployments) {
        double w1 = 0, s1 = 0, w2 = 0, s2 = 0, r429 = 0, out = 0;
        for (int m = 0; m < n; ++m) {
            const double served = d.okRequests(m) + d.spilloverIn[m];
            if (d.ttftMs[m] > 0 && served > 0) {
                w1 += served;
                s1 += served * d.ttftMs[m];
            }
            if (d.ttltMs[m] > 0 && served > 0) {
                w2 += served;
                s2 += served * d.ttltMs[m];
            }
            r429 += d.requests429[m];
            out += d.spilloverOut[m];
        }
        d.meanTtftMs = w1 > 0 ? s1 / w1 : 0;
        d.meanTtltMs = w2 > 0 ? s2 / w2 : 0;
        d.spilloverShare = r429 > 0 ? out / r429 : (d.spilloverTo.isEmpty() ? 0.0 : 1.0);
        if (d.routeClass != RouteClass::Local)
            continue;
        for (int m = 0; m < n; ++m) {
            const double tokens = d.promptTokens[m] + d.outputTokens[m];
            if (tokens > d.peakTokensPerMinute) {
                d.peakTokensPerMinute = tokens;
                d.peakMinuteAt = range.from + 60LL * m;
            }
        }
    }
}

bool TrafficWindow::load(SampleStore& store, TimeRange range,
                         const QVector<Connection>& connections, TrafficWindow* out, QString* error)
{
    struct Loaded
    {
        bool ok = false;
        TrafficWindow window;
        QString error;
    };
    const Loaded loaded = store
                              .read<Loaded>([range, connections](StoreBackend& db) {
                                  Loaded l;
                                  l.ok = load(db, range, connections, &l.window, &l.error, {});
                                  return l;
                              })
                              .result();
    if (loaded.ok)
        *out = loaded.window;
    else
        *error = loaded.error;
    return loaded.ok;
}

bool TrafficWindow::load(StoreBackend& db, TimeRange range, const QVector<Connection>& connections,
                         TrafficWindow* out, QString* error, const JobToken& token)
{
    TrafficWindow w;
    w.range = {floorTo(range.from, 60), floorTo(range.to + 59, 60)};
    if (!w.range.isValid()) {
        *error = QStringLiteral("The replay window is empty: pick a range of at least a minute.");
        return false;
    }
    if (token.isCancelled()) {
        *error = QStringLiteral("The read was cancelled.");
        return false;
    }
    const Deployments inventory = db.deployments(QString());
    QStringList sources;
    for (const Deployment& d : inventory) {
        if (!sources.contains(d.source))
            sources << d.source;
    }
    for (const Connection& c : connections) {
        if (!sources.contains(c.id))
            sources << c.id;
    }

    QString failure;
    auto run = [&](const SeriesQuery& q) {
        if (token.isCancelled()) { // the job's result is dropped: read no further
            if (failure.isEmpty())
                failure = QStringLiteral("The read was cancelled.");
            return QVector<QueriedSeries>{};
        }
        const QueryResult r = db.query(q);
        if (!r.error.isEmpty() && failure.isEmpty())
            failure = r.error;
        return r.series;
    };
    auto query = [&](const QString& source, const QString& metric, const QString& aggregation,
                     const QString& groupBy, const QString& deployment = {},
                     GroupTransform transform = GroupTransform::None, bool batchOnly = false) {
        SeriesQuery q;
        q.metric = metric;
        q.aggregation = aggregation;
        q.source = source;
        q.groupBy = groupBy;
        q.groupTransform = transform;
        if (!deployment.isEmpty())
            q.labelEquals.insert(kDeploymentLabel, deployment);
        if (batchOnly)
            q.labelEquals.insert(QStringLiteral("batch"), QStringLiteral("true"));
        const bool counts = aggregation == QLatin1String("total");
        q.combine = counts ? Combine::Sum : Combine::Mean;
        q.reduce = counts ? Reduce::Sum : Reduce::Avg;
        q.range = w.range;
        q.step = 60;
        q.now = w.range.to;
        return run(q);
    };

    for (const QString& source : sources) {
        const Connection* conn = nullptr;
        for (const Connection& c : connections) {
            if (c.id == source)
                conn = &c;
        }
        QHash<QString, int> index; // deployment name -> index in w.deployments
        auto deployment = [&](const QString& name) -> DeploymentTraffic& {
            auto it = index.constFind(name);
            if (it != index.constEnd())
                return w.deployments[*it];
            index.insert(name, static_cast<int>(w.deployments.size()));
            DeploymentTraffic& d = w.addDeployment(source, name);
            for (const Deployment& inv : inventory) {
                if (inv.source == source && inv.name == name) {
                    d.model = inv.model.isEmpty() ? name : inv.model;
                    d.version = inv.version;
                    d.sku = inv.sku;
                    d.capacity = inv.capacity;
                    d.spilloverTo = inv.spilloverTo;
                }
            }
            d.connectionKind = conn ? conn->kind : QString();
            d.routeClass = classifyRoute(conn ? conn->kind : QStringLiteral("azure-openai"), d.sku,
                                         conn ? conn->routeClassFor(name) : QString());
            return d;
        };
        for (const Deployment& inv : inventory) {
            if (inv.source == source)
                deployment(inv.name);
        }
        const qint64 from = w.range.from;
        const bool azure = conn ? conn->kind == QLatin1String("azure-openai") : true;
        if (azure) {
            const QString requests = QStringLiteral("AzureOpenAIRequests");
            const QString total = QStringLiteral("total");
            for (const QueriedSeries& s : query(source, requests, total, kDeploymentLabel))
                fill(deployment(s.name).requests, s.points, from, false);
            for (int i = 0; i < w.deployments.size(); ++i) {
                if (w.deployments[i].source != source)
                    continue;
                const QString name = w.deployments[i].name;
                for (const QueriedSeries& s :
                     query(source, requests, total, QStringLiteral("StatusCode"), name,
                           GroupTransform::StatusClass)) {
                    if (s.name == QLatin1String("429"))
                        fill(w.deployments[i].requests429, s.points, from, false);
                    else if (s.name == QLatin1String("5xx"))
                        fill(w.deployments[i].requests5xx, s.points, from, false);
                }
                for (const QueriedSeries& s :
                     query(source, requests, total, QStringLiteral("IsSpillover"), name)) {
                    if (s.name.compare(QLatin1String("true"), Qt::CaseInsensitive) == 0)
                        fill(w.deployments[i].spilloverIn, s.points, from, false);
                }
                DeploymentTraffic& d = w.deployments[i];
                for (int m = 0; m < d.requests.size(); ++m)
                    d.requests[m] = qMax(0.0, d.requests[m] - d.spilloverIn[m]);
            }
            const struct
            {
                const char* metric;
                const char* aggregation;
                QVector<double> DeploymentTraffic::*field;
            } series[] = {
                {"ProcessedPromptTokens", "total", &DeploymentTraffic::promptTokens},
                {"GeneratedTokens", "total", &DeploymentTraffic::outputTokens},
                {"AzureOpenAINormalizedTTFTInMS", "average", &DeploymentTraffic::ttftMs},
                {"AzureOpenAITTLTInMS", "average", &DeploymentTraffic::ttltMs},
                {"AzureOpenAIProvisionedManagedUtilizationV2", "average",
                 &DeploymentTraffic::utilizationPct},
            };
            for (const auto& m : series) {
                for (const QueriedSeries& s : query(source, QLatin1String(m.metric),
                                                    QLatin1String(m.aggregation), kDeploymentLabel))
                    fill(deployment(s.name).*m.field, s.points, from, false);
            }
        } else {
            const struct
            {
                const char* metric;
                const char* aggregation;
                QVector<double> DeploymentTraffic::*field;
                bool add;
                double TokenMix::*mix; ///< the price class the metric's tokens belong to
            } series[] = {
                {"Requests", "total", &DeploymentTraffic::requests, false, nullptr},
                {"InputTokensUncached", "total", &DeploymentTraffic::promptTokens, true,
                 &TokenMix::uncached},
                {"InputTokensCached", "total", &DeploymentTraffic::promptTokens, true,
                 &TokenMix::cached},
                // The whole prompt of a server without a cache split (never stored beside the
                // parts): all of it is input, priced as uncached.
                {"InputTokens", "total", &DeploymentTraffic::promptTokens, true,
                 &TokenMix::uncached},
                {"CacheWrite5mTokens", "total", &DeploymentTraffic::promptTokens, true,
                 &TokenMix::write5m},
                {"CacheWrite1hTokens", "total", &DeploymentTraffic::promptTokens, true,
                 &TokenMix::write1h},
                {"OutputTokens", "total", &DeploymentTraffic::outputTokens, false,
                 &TokenMix::output},
                {"TtftMs", "p50", &DeploymentTraffic::ttftMs, false, nullptr},
                {"E2eLatencyMs", "p50", &DeploymentTraffic::ttltMs, false, nullptr},
            };
            auto sum = [&](const QVector<QPointF>& points) {
                double total = 0;
                for (const QPointF& p : points) {
                    const qint64 ts = static_cast<qint64>(p.x()) / 1000;
                    if (ts >= w.range.from && ts < w.range.to)
                        total += p.y();
                }
                return total;
            };
            for (const auto& m : series) {
                for (const QueriedSeries& s :
                     query(source, QLatin1String(m.metric), QLatin1String(m.aggregation),
                           kDeploymentLabel)) {
                    DeploymentTraffic& d = deployment(s.name);
                    fill(d.*m.field, s.points, from, m.add);
                    if (m.mix)
                        d.recordedMix[0].*m.mix += sum(s.points);
                }
                if (!m.mix)
                    continue;
                // Batch API usage (label batch=true) is priced at the batch rate: move it apart.
                for (const QueriedSeries& s :
                     query(source, QLatin1String(m.metric), QLatin1String(m.aggregation),
                           kDeploymentLabel, {}, GroupTransform::None, true)) {
                    DeploymentTraffic& d = deployment(s.name);
                    const double batch = sum(s.points);
                    d.recordedMix[1].*m.mix += batch;
                    d.recordedMix[0].*m.mix -= batch;
                }
            }
            // Each local server's busiest minute over the history, in tokens rather than
            // requests: its throughput is the tokens it prefills and decodes, and the requests a
            // policy sends it need not be the size of the ones it served.
            QHash<QString, QHash<qint64, double>> historyTokens; // name -> minute -> tokens
            bool anyLocal = false;
            for (const DeploymentTraffic& d : std::as_const(w.deployments))
                anyLocal = anyLocal || (d.source == source && d.routeClass == RouteClass::Local);
            for (const auto& m : series) {
                const bool tokens = m.field == &DeploymentTraffic::promptTokens ||
                                    m.field == &DeploymentTraffic::outputTokens;
                if (!anyLocal || !tokens)
                    continue;
                SeriesQuery q;
                q.metric = QLatin1String(m.metric);
                q.aggregation = QLatin1String(m.aggregation);
                q.source = source;
                q.groupBy = kDeploymentLabel;
                q.combine = Combine::Sum;
                q.reduce = Reduce::Sum;
                q.range = {w.range.to - kLocalPeakHistoryDays * 86400LL, w.range.to};
                q.step = 60;
                q.now = w.range.to;
                for (const QueriedSeries& s : run(q)) {
                    QHash<qint64, double>& minutes = historyTokens[s.name];
                    for (const QPointF& p : s.points)
                        minutes[static_cast<qint64>(p.x()) / 1000] += p.y();
                }
            }
            for (auto it = historyTokens.cbegin(); it != historyTokens.cend(); ++it) {
                if (!index.contains(it.key()))
                    continue; // no traffic in the window: not a target of the replay
                DeploymentTraffic& d = deployment(it.key());
                if (d.routeClass != RouteClass::Local)
                    continue;
                for (auto m = it->cbegin(); m != it->cend(); ++m) {
                    if (m.value() > d.peakTokensPerMinute) {
                        d.peakTokensPerMinute = m.value();
                        d.peakMinuteAt = m.key();
                    }
                }
            }
        }
        if (!failure.isEmpty()) {
            *error = QStringLiteral("The history database could not answer for %1: %2")
                         .arg(source, failure);
            return false;
        }
    }
    w.derive();
    *out = std::move(w);
    return true;
}

} // namespace isc
