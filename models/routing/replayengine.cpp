#include "routing/replayengine.h"

#include "routing/policyevaluator.h"

#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <cmath>

namespace isc {

namespace {

/// Running sums of one target.
struct Acc
{
    RouteFigures f;
    double ttftWeight = 0, ttftSum = 0, ttltWeight = 0, ttltSum = 0;
    double promptTokens = 0, outputTokens = 0; ///< served, summed before pricing
};

void addLatency(Acc& a, double served, double ttft, double ttlt)
{
    if (served <= 0)
        return;
    if (ttft > 0) {
        a.ttftWeight += served;
        a.ttftSum += served * ttft;
    }
    if (ttlt > 0) {
        a.ttltWeight += served;
        a.ttltSum += served * ttlt;
    }
}

ReplaySummary emptySummary(const TrafficWindow& w)
{
    ReplaySummary s;
    s.range = w.range;
    const int n = w.minutes();
    for (int c = 0; c < kRouteClassCount; ++c) {
        s.requestsPerMinute[c] = QVector<float>(n, 0.f);
        s.tokensPerMinute[c] = QVector<float>(n, 0.f);
    }
    s.spilloverPerMinute = QVector<float>(n, 0.f);
    s.rejectedPerMinute = QVector<float>(n, 0.f);
    return s;
}

// Equal up to rounding: the load a target gets is the load it recorded.
bool near(double a, double b)
{
    return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

void addRoute(RouteFigures& to, const RouteFigures& f)
{
    to.requests += f.requests;
    to.servedRequests += f.servedRequests;
    to.requests429 += f.requests429;
    to.capped += f.capped;
    to.spilloverOut += f.spilloverOut;
    to.spilloverIn += f.spilloverIn;
    to.requests5xx += f.requests5xx;
    to.promptTokens += f.promptTokens;
    to.outputTokens += f.outputTokens;
    to.minutes429 += f.minutes429;
    to.cost += f.cost; // latencies are weighted separately, see finish()
}

/// `d` billed pay-per-token at list price: no recorded cache or batch shares, and provisioned or
/// batch deployments on the pay-per-token SKU of their family (GlobalProvisionedManaged ->
/// GlobalStandard, ProvisionedManaged -> Standard, DataZoneBatch -> DataZoneStandard).
DeploymentTraffic asPayPerToken(const DeploymentTraffic& d)
{
    DeploymentTraffic t = d; // the minute vectors are shared, not copied
    t.recordedMix = {};
    if (t.routeClass == RouteClass::Provisioned || t.routeClass == RouteClass::Batch) {
        t.sku.replace(QLatin1String("ProvisionedManaged"), QLatin1String("Standard"));
        t.sku.replace(QLatin1String("Batch"), QLatin1String("Standard"));
        t.routeClass = RouteClass::PayPerToken;
    }
    return t;
}

// Prices, sums per route and totals; fills shares and the baseline.
void finish(const TrafficWindow& w, const QVector<Acc>& accs, const ReplayPricing& pricing,
            ReplaySummary* s)
{
    struct LatencySums
    {
        double ttftW = 0, ttftS = 0, ttltW = 0, ttltS = 0;
    };
    std::array<LatencySums, kRouteClassCount> routeLat{};
    LatencySums totalLat;
    for (int i = 0; i < w.deployments.size(); ++i) {
        const DeploymentTraffic& d = w.deployments[i];
        const Acc& a = accs[i];
        TargetFigures t;
        t.key = d.key();
        t.name = d.name;
        t.model = d.model;
        t.routeClass = d.routeClass;
        t.figures = a.f;
        t.figures.promptTokens = a.promptTokens;
        t.figures.outputTokens = a.outputTokens;
        double usd = pricing.fixed ? pricing.fixed(d, w.range) : 0;
        if (pricing.tokens)
            usd += pricing.tokens(d, a.promptTokens, a.outputTokens);
        t.figures.cost = Money::fromUnits(usd);
        t.figures.ttftMs = a.ttftWeight > 0 ? a.ttftSum / a.ttftWeight : 0;
        t.figures.ttltMs = a.ttltWeight > 0 ? a.ttltSum / a.ttltWeight : 0;
        const int c = static_cast<int>(d.routeClass);
        addRoute(s->routes[c], t.figures);
        addRoute(s->total, t.figures);
        for (LatencySums* l : {&routeLat[c], &totalLat}) {
            l->ttftW += a.ttftWeight;
            l->ttftS += a.ttftSum;
            l->ttltW += a.ttltWeight;
            l->ttltS += a.ttltSum;
        }
        s->targets.append(t);
    }
    auto latency = [](RouteFigures& f, const LatencySums& l) {
        f.ttftMs = l.ttftW > 0 ? l.ttftS / l.ttftW : 0;
        f.ttltMs = l.ttltW > 0 ? l.ttltS / l.ttltW : 0;
    };
    for (int c = 0; c < kRouteClassCount; ++c)
        latency(s->routes[c], routeLat[c]);
    latency(s->total, totalLat);

    const double served = s->total.servedRequests;
    double local = 0, cloud = 0;
    for (int c = 0; c < kRouteClassCount; ++c) {
        const auto rc = static_cast<RouteClass>(c);
        if (rc == RouteClass::Local)
            local += s->routes[c].servedRequests;
        else if (isCloud(rc))
            cloud += s->routes[c].servedRequests;
    }
    s->localShare = served > 0 ? local / served : 0;
    s->cloudShare = served > 0 ? cloud / served : 0;
    s->spilloverRate = s->total.requests > 0 ? s->total.spilloverOut / s->total.requests : 0;
    s->pricingNote = pricing.note;

    // Baseline: the demand on pay-per-token at list prices (no cache discount, no batch rate:
    // those are the routes' merit), each request on its own model or all on one chosen target.
    if (!pricing.tokens)
        return;
    if (!pricing.baselineTarget.isEmpty()) {
        for (const DeploymentTraffic& d : w.deployments) {
            if (d.key() != pricing.baselineTarget)
                continue;
            const DeploymentTraffic list = asPayPerToken(d);
            const double per1mIn = pricing.tokens(list, 1e6, 0),
                         per1mOut = pricing.tokens(list, 0, 1e6);
            if (per1mIn <= 0 && per1mOut <= 0)
                break;
            s->baselineCost = Money::fromUnits(
                pricing.tokens(list, s->demandPromptTokens, s->demandOutputTokens));
            s->baselineName = QStringLiteral("everything on %1").arg(d.model);
            s->baseline = QStringLiteral("Everything on %1 (deployment %2) at pay-per-token: $%3 "
                                         "per 1M input and $%4 per 1M output tokens.")
                              .arg(d.model, d.key())
                              .arg(per1mIn, 0, 'f', 2)
                              .arg(per1mOut, 0, 'f', 2);
        }
        return;
    }
    double cost = 0, pricedRequests = 0;
    for (const DeploymentTraffic& d : w.deployments) {
        double requests = 0, prompt = 0, output = 0; // what was sent to it (its own demand)
        for (int m = 0; m < d.requests.size(); ++m) {
            requests += d.requests[m];
            prompt += d.requests[m] * d.promptPerRequest.value(m);
            output += d.requests[m] * d.outputPerRequest.value(m);
        }
        if (requests <= 0)
            continue;
        const DeploymentTraffic list = asPayPerToken(d);
        if (pricing.tokens(list, 1e6, 1e6) <= 0) {
            s->baselineUnpricedRequests += requests; // local, or a model the catalog lacks
            continue;
        }
        cost += pricing.tokens(list, prompt, output);
        pricedRequests += requests;
    }
    if (pricedRequests <= 0)
        return;
    s->baselineCost = Money::fromUnits(cost);
    s->baselineName = QStringLiteral("own models, pay-per-token");
    s->baseline = QStringLiteral("Each request on its own model at pay-per-token list prices "
                                 "(provisioned and batch traffic at the standard rate of its "
                                 "model)");
    s->baseline += s->baselineUnpricedRequests > 0
                       ? QStringLiteral("; %L1 requests on models without such a price (local) "
                                        "are left out.")
                             .arg(qRound64(s->baselineUnpricedRequests))
                       : QStringLiteral(".");
}

} // namespace

ReplaySummary ReplayEngine::actual(const TrafficWindow& w, const ReplayPricing& pricing)
{
    ReplaySummary s = emptySummary(w);
    const int n = w.minutes();
    QVector<Acc> accs(w.deployments.size());
    for (int i = 0; i < w.deployments.size(); ++i) {
        const DeploymentTraffic& d = w.deployments[i];
        Acc& a = accs[i];
        const int c = static_cast<int>(d.routeClass);
        for (int m = 0; m < n; ++m) {
            const double r = d.requests[m], ok = d.okRequests(m), in = d.spilloverIn[m];
            const double p = d.promptPerRequest[m], o = d.outputPerRequest[m];
            const double x = d.requests429[m], e = d.requests5xx[m], so = d.spilloverOut[m];
            a.f.requests += r;
            a.f.requests429 += x;
            a.f.requests5xx += e;
            a.f.spilloverOut += so;
            a.f.spilloverIn += in;
            a.f.servedRequests += ok + in;
            a.f.minutes429 += x > 0 ? 1 : 0;
            a.promptTokens += d.promptTokens[m];
            a.outputTokens += d.outputTokens[m];
            addLatency(a, ok + in, d.ttftMs[m], d.ttltMs[m]);
            s.demandPromptTokens += r * p;
            s.demandOutputTokens += r * o;
            s.rejectedPromptTokens += (x - so) * p;
            s.rejectedOutputTokens += (x - so) * o;
            s.failedPromptTokens += e * p;
            s.failedOutputTokens += e * o;
            s.requestsPerMinute[c][m] += static_cast<float>(r);
            s.tokensPerMinute[c][m] += static_cast<float>(d.promptTokens[m] + d.outputTokens[m]);
            s.spilloverPerMinute[m] += static_cast<float>(so);
            s.rejectedPerMinute[m] += static_cast<float>(x);
        }
    }
    s.routedPromptTokens = s.demandPromptTokens;
    s.routedOutputTokens = s.demandOutputTokens;
    finish(w, accs, pricing, &s);
    return s;
}

ReplaySummary ReplayEngine::replay(const TrafficWindow& w, const ReplayOptions& options,
                                   const Progress& progress)
{
    ReplaySummary s = emptySummary(w);
    s.policyName = options.policy.name;
    const int n = w.minutes();
    const int nd = static_cast<int>(w.deployments.size());
    const PolicyEvaluator evaluator(options.policy);
    const RoutingPolicy& policy = evaluator.policy();
    constexpr int kOrigin = -2;

    // Resolve targets once; unknown ones stay at the origin.
    auto resolve = [&](const QString& t) {
        if (t == RoutingPolicy::kOrigin)
            return kOrigin;
        const int i = w.indexOf(t);
        return i >= 0 ? i : kOrigin;
    };
    QVector<int> ruleTarget;
    for (const RoutingRule& r : policy.rules)
        ruleTarget.append(resolve(r.target));
    const int fallback = resolve(policy.fallbackTarget);
    // The targets whose utilization or health a condition reads.
    QVector<QPair<QString, int>> watched;
    for (const RoutingRule& r : policy.rules) {
        for (const QString& t : {r.when.utilizationTarget, r.when.healthTarget}) {
            const int i = t.isEmpty() ? -1 : w.indexOf(t);
            if (i >= 0)
                watched.append({t, i});
        }
    }

    QVector<CapacityModel> capacity(nd);
    QVector<char> capped(nd, 0); // local servers with a measured peak: capped there
    QVector<int> spillTarget(nd, -1);
    QVector<double> errorShare(nd, 0);
    QVector<QStringList> tags(nd);
    for (int i = 0; i < nd; ++i) {
        const DeploymentTraffic& d = w.deployments[i];
        if (d.routeClass == RouteClass::Provisioned)
            capacity[i] =
                CapacityModel(d.capacity, options.sizing ? options.sizing(d.model, d.version, d.sku)
                                                         : PtuSizing{});
        if (d.routeClass == RouteClass::Local && d.peakTokensPerMinute > 0) {
            capacity[i] = CapacityModel::fromPeakTokens(d.peakTokensPerMinute);
            capped[i] = 1;
        }
        if (!d.spilloverTo.isEmpty())
            spillTarget[i] = w.indexOf(d.source + QLatin1Char('/') + d.spilloverTo);
        double answered = 0, failed = 0;
        for (int m = 0; m < n; ++m) {
            answered += d.requests[m] - d.requests429[m];
            failed += d.requests5xx[m];
        }
        errorShare[i] = answered > 0 ? failed / answered : 0;
        tags[i] = QStringList{d.name, d.source, routeClassName(d.routeClass)};
    }

    // What the router sees: last minute's utilization and error rate (metrics lag a minute).
    QVector<double> seenUtil(nd, -1), seenErrors(nd, 0);
    for (int i = 0; i < nd && n > 0; ++i)
        seenUtil[i] = w.deployments[i].utilizationPct[0];

    s.requestsPerRule = QVector<double>(policy.rules.size() + 1, 0);
    QVector<Acc> accs(nd);
    QVector<double> rReq(nd), rPrompt(nd), rOut(nd), fromSelf(nd), fromOthers(nd);
    QVector<double> sReq(nd), sPrompt(nd), sOut(nd), servedNow(nd);
    // A capped server's load of the minute by where its overflow would go: [t * nk + next],
    // next = a target, or nd = nowhere (not served). Window totals of what did go, per pair.
    const int nk = nd + 1;
    QVector<double> overReq(nd * nk), overPrompt(nd * nk), overOut(nd * nk), overShare(nd * nk);
    QVector<double> overTotal(nd * nk, 0), minutesCapped(nd, 0);
    QVector<char> sentByOthers(nd, 0);
    const PromptBucket wholeMinute{1.0, 1.0};
    RequestContext ctx;

    // Requests over capped server `t`'s peak this minute; fills overShare for its row. Those that
    // can go elsewhere give way first: the requests with nowhere to go are the ones it serves.
    auto capOverflow = [&](int t) {
        const int row = t * nk;
        double load = 0;
        for (int next = 0; next < nk; ++next)
            load += overPrompt[row + next] + overOut[row + next];
        const double stuck = overPrompt[row + nd] + overOut[row + nd];
        const double over = std::max(0.0, load - capacity[t].capacityPerMinute());
        const double movable = load - stuck;
        const double moveShare = movable > 0 ? std::min(1.0, over / movable) : 0.0;
        const double dropShare = stuck > 0 ? std::clamp((over - movable) / stuck, 0.0, 1.0) : 0.0;
        double requests = 0;
        for (int next = 0; next < nk; ++next) {
            overShare[row + next] = next == nd ? dropShare : moveShare;
            requests += overReq[row + next] * overShare[row + next];
        }
        return requests;
    };

    // Where a request over `t`'s cap goes: the target of the next rule after `rule` that matches
    // and is not `t` itself, else the fallback's; nd when the fallback sent it or is `t`.
    auto overflowTarget = [&](int rule, int t, int origin) {
        if (rule < 0)
            return nd;
        for (int r = rule + 1;; ++r) {
            r = evaluator.matchRule(ctx, r);
            int next = r >= 0 ? ruleTarget[r] : fallback;
            if (next == kOrigin)
                next = origin;
            if (next != t)
                return next;
            if (r < 0)
                return nd;
        }
    };

    for (int m = 0; m < n; ++m) {
        if (progress && m % 1440 == 0 && !progress(static_cast<int>(1000LL * m / n))) {
            s.cancelled = true;
            return s;
        }
        const qint64 ts = w.range.from + 60LL * m;
        ctx.minuteOfDay = static_cast<int>((ts - floorTo(ts, 86400)) / 60);
        for (const auto& [name, i] : watched) {
            ctx.utilizationPct.insert(name, seenUtil[i]);
            ctx.errorRatePct.insert(name, seenErrors[i]);
        }
        std::fill(rReq.begin(), rReq.end(), 0.0);
        std::fill(rPrompt.begin(), rPrompt.end(), 0.0);
        std::fill(rOut.begin(), rOut.end(), 0.0);
        std::fill(fromSelf.begin(), fromSelf.end(), 0.0);
        std::fill(fromOthers.begin(), fromOthers.end(), 0.0);
        std::fill(sReq.begin(), sReq.end(), 0.0);
        std::fill(sPrompt.begin(), sPrompt.end(), 0.0);
        std::fill(sOut.begin(), sOut.end(), 0.0);
        std::fill(overReq.begin(), overReq.end(), 0.0);
        std::fill(overPrompt.begin(), overPrompt.end(), 0.0);
        std::fill(overOut.begin(), overOut.end(), 0.0);

        // Route each deployment's demand.
        for (int o = 0; o < nd; ++o) {
            const DeploymentTraffic& d = w.deployments[o];
            const double requests = d.requests[m];
            if (requests <= 0)
                continue;
            const double p = d.promptPerRequest[m], c = d.outputPerRequest[m];
            s.demandPromptTokens += requests * p;
            s.demandOutputTokens += requests * c;
            ctx.origin = d.name;
            ctx.model = d.model;
            ctx.tags = tags[o];
            const PromptBucket* buckets =
                d.promptSizes.isEmpty() ? &wholeMinute : d.promptSizes.constData();
            const int nb = d.promptSizes.isEmpty() ? 1 : static_cast<int>(d.promptSizes.size());
            double meanRel = 0;
            for (int b = 0; b < nb; ++b)
                meanRel += buckets[b].share * buckets[b].relativeSize;
            for (int b = 0; b < nb; ++b) {
                const double req = requests * buckets[b].share;
                // Bucket sizes scale so the minute's mean is kept (tokens are conserved).
                const double prompt = meanRel > 0 ? p * buckets[b].relativeSize / meanRel : p;
                ctx.promptTokens = prompt;
                const int rule = evaluator.matchRule(ctx);
                int t = rule >= 0 ? ruleTarget[rule] : fallback;
                if (t == kOrigin)
                    t = o;
                s.requestsPerRule[rule >= 0 ? rule : policy.rules.size()] += req;
                rReq[t] += req;
                rPrompt[t] += req * prompt;
                rOut[t] += req * c;
                (t == o ? fromSelf : fromOthers)[t] += req;
                if (capped[t]) {
                    const int k = t * nk + overflowTarget(rule, t, o);
                    overReq[k] += req;
                    overPrompt[k] += req * prompt;
                    overOut[k] += req * c;
                }
            }
        }
        // What each target does with what it got.
        for (int t = 0; t < nd; ++t) {
            const DeploymentTraffic& d = w.deployments[t];
            const double req = rReq[t];
            const bool unchanged = fromOthers[t] == 0 && near(fromSelf[t], d.requests[m]);
            double x = 0, spilled = 0, failed = 0, util = -1;
            const bool capping = !unchanged && capped[t]; // x are then capped, not 429s
            sentByOthers[t] = sentByOthers[t] || fromOthers[t] > 0;
            if (unchanged) {
                x = d.requests429[m];
                spilled = d.spilloverOut[m];
                failed = d.requests5xx[m];
                util = d.utilizationPct[m];
            } else if (d.routeClass == RouteClass::Provisioned) {
                const CapacityModel::Minute cm = capacity[t].apply(req, rPrompt[t], rOut[t]);
                x = cm.rejectedRequests;
                spilled = spillTarget[t] >= 0 ? x * d.spilloverShare : 0;
                util = std::min(cm.utilizationPct, 101.0);
                failed = (req - x) * errorShare[t];
            } else if (capping) {
                x = capOverflow(t);
                failed = (req - x) * errorShare[t];
                minutesCapped[t] += x >= 0.5 ? 1 : 0;
            } else {
                const double limit = d.capacity * 1000.0;
                const double tpm = rPrompt[t] + rOut[t];
                if (d.routeClass == RouteClass::PayPerToken && limit > 0 && tpm > limit)
                    x = req * (tpm - limit) / tpm;
                failed = (req - x) * errorShare[t];
            }
            if (d.routeClass == RouteClass::Provisioned && util < 0)
                util = capacity[t].utilizationPct(rPrompt[t], rOut[t]);
            seenUtil[t] = util;
            seenErrors[t] = req > 0 ? 100.0 * ((capping ? 0 : x) + failed) / req : 0;

            double pp = req > 0 ? rPrompt[t] / req : 0, po = req > 0 ? rOut[t] / req : 0;
            // Tokens of the x requests (429s or capped), and of those that spill over.
            double xPrompt = x * pp, xOut = x * po, spilledPrompt = 0, spilledOut = 0;
            const int c = static_cast<int>(d.routeClass);
            // Spillover lands where it goes: a PTU's on its spillover deployment, a capped local
            // server's on the next rule's target, each request with its own size.
            if (capping && x > 0) {
                xPrompt = xOut = 0;
                for (int next = 0; next < nk; ++next) {
                    const int k = t * nk + next;
                    const double r = overReq[k] * overShare[k];
                    if (r <= 0)
                        continue;
                    overTotal[k] += r;
                    xPrompt += overPrompt[k] * overShare[k];
                    xOut += overOut[k] * overShare[k];
                    if (next == nd)
                        continue; // not served
                    spilled += r;
                    spilledPrompt += overPrompt[k] * overShare[k];
                    spilledOut += overOut[k] * overShare[k];
                    sReq[next] += r;
                    sPrompt[next] += overPrompt[k] * overShare[k];
                    sOut[next] += overOut[k] * overShare[k];
                    // Never sent to the server: charted where the next rule sends them.
                    const int nc = static_cast<int>(w.deployments[next].routeClass);
                    s.requestsPerMinute[nc][m] += static_cast<float>(r);
                    s.requestsPerMinute[c][m] -= static_cast<float>(r);
                }
                // What the server keeps is not the minute's mean size: the movable gave way.
                pp = req - x > 0 ? (rPrompt[t] - xPrompt) / (req - x) : 0;
                po = req - x > 0 ? (rOut[t] - xOut) / (req - x) : 0;
            } else if (spilled > 0) {
                const int st = spillTarget[t];
                spilledPrompt = spilled * pp;
                spilledOut = spilled * po;
                sReq[st] += spilled;
                sPrompt[st] += spilledPrompt;
                sOut[st] += spilledOut;
            }

            Acc& a = accs[t];
            const double served = req - x - failed;
            servedNow[t] = served;
            a.f.requests += req;
            (capping ? a.f.capped : a.f.requests429) += x;
            a.f.requests5xx += failed;
            a.f.spilloverOut += spilled;
            a.f.servedRequests += served;
            a.f.minutes429 += !capping && x >= 0.5 ? 1 : 0;
            a.promptTokens += served * pp;
            a.outputTokens += served * po;
            s.routedPromptTokens += rPrompt[t];
            s.routedOutputTokens += rOut[t];
            s.rejectedPromptTokens += xPrompt - spilledPrompt;
            s.rejectedOutputTokens += xOut - spilledOut;
            s.failedPromptTokens += failed * pp;
            s.failedOutputTokens += failed * po;
            s.requestsPerMinute[c][m] += static_cast<float>(req);
            s.tokensPerMinute[c][m] += static_cast<float>(served * (pp + po));
            s.spilloverPerMinute[m] += static_cast<float>(spilled);
            s.rejectedPerMinute[m] += static_cast<float>(capping ? x - spilled : x);
        }
        // Spillover is served where it lands; latencies from what each target recorded.
        for (int t = 0; t < nd; ++t) {
            const DeploymentTraffic& d = w.deployments[t];
            Acc& a = accs[t];
            if (sReq[t] > 0) {
                a.f.spilloverIn += sReq[t];
                a.f.servedRequests += sReq[t];
                a.promptTokens += sPrompt[t];
                a.outputTokens += sOut[t];
                const int c = static_cast<int>(d.routeClass);
                s.tokensPerMinute[c][m] += static_cast<float>(sPrompt[t] + sOut[t]);
            }
            const double served = servedNow[t] + sReq[t];
            if (served <= 0)
                continue;
            const bool recorded = fromOthers[t] == 0 && near(fromSelf[t], d.requests[m]) &&
                                  near(sReq[t], d.spilloverIn[m]);
            if (recorded)
                addLatency(a, d.okRequests(m) + d.spilloverIn[m], d.ttftMs[m], d.ttltMs[m]);
            else
                addLatency(a, served, d.ttftMs[m] > 0 ? d.ttftMs[m] : d.meanTtftMs,
                           d.ttltMs[m] > 0 ? d.ttltMs[m] : d.meanTtltMs);
        }
    }
    if (progress)
        progress(1000);
    finish(w, accs, options.pricing, &s);
    for (int t = 0; t < nd; ++t) {
        const DeploymentTraffic& d = w.deployments[t];
        if (d.routeClass != RouteClass::Local || !sentByOthers[t])
            continue;
        LocalCap cap;
        cap.key = d.key();
        cap.name = d.name;
        cap.tokensPerMinute = capped[t] ? d.peakTokensPerMinute : 0;
        cap.peakAt = capped[t] ? d.peakMinuteAt : 0;
        cap.requests = accs[t].f.requests;
        cap.cappedRequests = accs[t].f.capped;
        cap.droppedRequests = overTotal[t * nk + nd];
        cap.minutesCapped = minutesCapped[t];
        for (int next = 0; next < nd; ++next) {
            if (overTotal[t * nk + next] > 0)
                cap.spilledTo.append({w.deployments[next].key(), w.deployments[next].name,
                                      overTotal[t * nk + next]});
        }
        std::sort(cap.spilledTo.begin(), cap.spilledTo.end(),
                  [](const LocalCap::Spill& a, const LocalCap::Spill& b) {
                      return a.requests > b.requests;
                  });
        s.localCaps.append(cap);
    }
    return s;
}

QFuture<ReplayResult> ReplayEngine::start(std::shared_ptr<const TrafficWindow> window,
                                          ReplayOptions options)
{
    return QtConcurrent::run([window = std::move(window),
                              options = std::move(options)](QPromise<ReplayResult>& promise) {
        promise.setProgressRange(0, 1000);
        ReplayResult r;
        r.actual = actual(*window, options.pricing);
        r.replayed = replay(*window, options, [&promise](int permille) {
            promise.setProgressValue(permille);
            return !promise.isCanceled();
        });
        if (!r.replayed.cancelled && !promise.isCanceled())
            promise.addResult(r);
    });
}

} // namespace isc
