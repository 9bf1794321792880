#pragma once
// Shared by the routing tests, tst_replaycommand and bench_replay: the emulator's demo fleet
// as the replay and the store see it. Header-only (tests link libraries, never sources).

#include "core/deployment.h"
#include "core/labels.h"
#include "core/sample.h"
#include "emulator/trafficmodel.h"
#include "routing/replaypricing.h"
#include "routing/trafficwindow.h"

#include <QHash>
#include <iterator>

namespace isc::test {

/// 2026-09-01T00:00:00Z, a Tuesday.
constexpr qint64 kReplayTuesday = 1788220800;

/// The demo fleet's inventory, as the Azure source stores it.
inline Deployments fleetInventory(const emu::TrafficModel& tm, const QString& source)
{
    Deployments out;
    for (const emu::FleetDeployment& f : tm.fleet()) {
        Deployment d;
        d.source = source;
        d.name = f.name;
        d.model = f.model;
        d.version = f.version;
        d.sku = f.sku;
        d.capacity = f.capacity;
        d.spilloverTo = f.spilloverTo;
        d.state = QStringLiteral("Succeeded");
        out.append(d);
    }
    return out;
}

/// `minutes` minutes of the emulator's traffic from `from` as a TrafficWindow (derived).
inline TrafficWindow windowFromModel(const emu::TrafficModel& tm, const QString& source,
                                     qint64 from, int minutes)
{
    TrafficWindow w;
    w.range = {from, from + 60LL * minutes};
    for (const Deployment& inv : fleetInventory(tm, source)) {
        DeploymentTraffic& d = w.addDeployment(source, inv.name);
        d.model = inv.model;
        d.version = inv.version;
        d.sku = inv.sku;
        d.capacity = inv.capacity;
        d.spilloverTo = inv.spilloverTo;
        d.connectionKind = QStringLiteral("azure-openai");
        d.routeClass = classifyRoute(d.connectionKind, d.sku);
    }
    for (int m = 0; m < minutes; ++m) {
        const QVector<emu::MinuteTraffic> all = tm.atAll(from + 60LL * m);
        for (int i = 0; i < all.size(); ++i) {
            const emu::MinuteTraffic& t = all[i];
            DeploymentTraffic& d = w.deployments[i];
            d.requests[m] = t.requests2xx + t.requests429 + t.requests5xx;
            d.requests429[m] = t.requests429;
            d.requests5xx[m] = t.requests5xx;
            d.spilloverIn[m] = t.spilloverRequests;
            d.promptTokens[m] = t.promptTokens;
            d.outputTokens[m] = t.generatedTokens;
            d.ttftMs[m] = t.ttftMsAvg;
            d.ttltMs[m] = t.ttltMsAvg;
            d.utilizationPct[m] = t.utilizationPct;
        }
    }
    w.derive();
    return w;
}

/// A small fixed price table (USD per 1M tokens, batch at half price, PTUs $1-2 an hour, local
/// free): figures a test can compute by hand, independent of the shipped catalog.
inline ReplayPricing listPricing()
{
    struct ListPrice
    {
        const char* model;
        double input, output;
    };
    static constexpr ListPrice kPrices[] = {
        {"gpt-4o", 2.50, 10.00},      {"gpt-4o-mini", 0.15, 0.60},      {"gpt-4.1", 2.00, 8.00},
        {"gpt-4.1-mini", 0.40, 1.60}, {"claude-sonnet-4", 3.00, 15.00},
    };
    ReplayPricing p;
    p.tokens = [](const DeploymentTraffic& t, double prompt, double output) {
        if (t.routeClass == RouteClass::Local || t.routeClass == RouteClass::Provisioned)
            return 0.0;
        int best = -1, bestLen = 0; // longest prefix: gpt-4o-mini is not gpt-4o
        for (int i = 0; i < static_cast<int>(std::size(kPrices)); ++i) {
            const QLatin1String name(kPrices[i].model);
            if (t.model.startsWith(name) && name.size() > bestLen) {
                best = i;
                bestLen = static_cast<int>(name.size());
            }
        }
        if (best < 0)
            return 0.0;
        const double batch = t.routeClass == RouteClass::Batch ? 0.5 : 1.0;
        return batch * (prompt * kPrices[best].input + output * kPrices[best].output) / 1e6;
    };
    p.fixed = [](const DeploymentTraffic& t, const TimeRange& window) {
        if (t.routeClass != RouteClass::Provisioned)
            return 0.0;
        const double hourly = t.sku.startsWith(QLatin1String("Global"))     ? 1.00
                              : t.sku.startsWith(QLatin1String("DataZone")) ? 1.10
                                                                            : 2.00;
        return t.capacity * hourly * static_cast<double>(window.duration()) / 3600.0;
    };
    p.note = QStringLiteral("Test list prices.");
    return p;
}

/// The same traffic as the poll batch the Azure source would write (per-minute samples).
inline PollBatch batchFromModel(const emu::TrafficModel& tm, const QString& source, qint64 from,
                                int minutes)
{
    QHash<SeriesKey, int> index;
    PollBatch batch;
    batch.source = source;
    batch.window = {from, from + 60LL * minutes};
    auto add = [&](const QString& metric, const QString& aggregation, QList<Label> labels,
                   qint64 ts, double value) {
        const SeriesKey key{source, metric, aggregation, labels::canonical(std::move(labels))};
        auto it = index.constFind(key);
        int i = 0;
        if (it == index.constEnd()) {
            i = static_cast<int>(batch.series.size());
            index.insert(key, i);
            batch.series.append({key, QStringLiteral("Count"), {}});
        } else {
            i = *it;
        }
        batch.series[i].samples.append({ts, value});
    };
    const QString dep = QStringLiteral("ModelDeploymentName");
    for (int m = 0; m < minutes; ++m) {
        const qint64 ts = from + 60LL * m;
        const QVector<emu::MinuteTraffic> all = tm.atAll(ts);
        for (int i = 0; i < all.size(); ++i) {
            const emu::MinuteTraffic& t = all[i];
            const QString name = tm.fleet()[i].name;
            auto requests = [&](const char* status, const char* spill, double v) {
                if (v > 0)
                    add(QStringLiteral("AzureOpenAIRequests"), QStringLiteral("total"),
                        {{dep, name},
                         {QStringLiteral("StatusCode"), QLatin1String(status)},
                         {QStringLiteral("IsSpillover"), QLatin1String(spill)}},
                        ts, v);
            };
            requests("200", "False", t.requests2xx);
            requests("429", "False", t.requests429);
            requests("500", "False", t.requests5xx);
            requests("200", "True", t.spilloverRequests);
            add(QStringLiteral("ProcessedPromptTokens"), QStringLiteral("total"), {{dep, name}}, ts,
                t.promptTokens);
            add(QStringLiteral("GeneratedTokens"), QStringLiteral("total"), {{dep, name}}, ts,
                t.generatedTokens);
            if (t.ttftMsAvg > 0) {
                add(QStringLiteral("AzureOpenAINormalizedTTFTInMS"), QStringLiteral("average"),
                    {{dep, name}}, ts, t.ttftMsAvg);
                add(QStringLiteral("AzureOpenAITTLTInMS"), QStringLiteral("average"), {{dep, name}},
                    ts, t.ttltMsAvg);
            }
            if (t.utilizationPct >= 0)
                add(QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"),
                    QStringLiteral("average"), {{dep, name}}, ts, t.utilizationPct);
        }
    }
    return batch;
}

} // namespace isc::test
