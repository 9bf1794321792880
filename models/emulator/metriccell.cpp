#include "metriccell.h"

#include "emulator/demoaccount.h"

#include <algorithm>
#include <cmath>

namespace isc::emu::detail {

namespace {

QStringList cellValues(const MetricDef& def, const FleetDeployment& d, int status, bool spill,
                       int stream)
{
    QStringList values;
    values.reserve(def.dims.size());
    for (const auto& dim : def.dims) {
        if (dim == QLatin1String("ModelDeploymentName"))
            values << d.name;
        else if (dim == QLatin1String("ModelName"))
            values << d.model;
        else if (dim == QLatin1String("ModelVersion"))
            values << d.version;
        else if (dim == QLatin1String("StatusCode"))
            values << QString::number(status);
        else if (dim == QLatin1String("IsSpillover"))
            values << (spill ? QStringLiteral("True") : QStringLiteral("False"));
        else if (dim == QLatin1String("Region"))
            values << demoRegion();
        else if (dim == QLatin1String("StreamType"))
            values << (stream == 1 ? QStringLiteral("Streaming") : QStringLiteral("Non-Streaming"));
        else
            values << QString();
    }
    return values;
}

MetricCell makeCell(const MetricDef& def, const TrafficModel& traffic, int deployment, int status,
                    bool spill, int stream)
{
    MetricCell c;
    c.deployment = deployment;
    c.status = status;
    c.spill = spill;
    c.stream = stream;
    c.values = cellValues(def, traffic.fleet().at(deployment), status, spill, stream);
    return c;
}

// A latency-like average with extremes at `low`/10 and `high`/10 of it.
Measure spread(double avg, double low, double high, double requests)
{
    return latency(avg, std::round(avg * low) / 10.0, std::round(avg * high) / 10.0, requests);
}

} // namespace

QVector<MetricCell> metricCells(const MetricDef& def, const TrafficModel& traffic)
{
    QVector<MetricCell> out;
    const auto& fleet = traffic.fleet();
    for (int i = 0; i < fleet.size(); ++i) {
        if (!inScope(def.scope, fleet[i]))
            continue;
        if (def.id != MetricId::Requests) {
            out.append(makeCell(def, traffic, i, 200, false, -1));
            continue;
        }
        // The slices a deployment can produce: spillover 200s only on spillover targets.
        bool target = false;
        for (const auto& other : fleet)
            target = target || other.spilloverTo == fleet[i].name;
        struct Slice
        {
            int status;
            bool spill;
        };
        QVector<Slice> slices = {{200, false}, {429, false}, {500, false}};
        if (target)
            slices.append({200, true});
        const bool streams = traffic.streamingShare(i) > 0;
        for (const auto& s : slices) {
            for (int stream = streams ? 1 : 0; stream >= 0; --stream)
                out.append(makeCell(def, traffic, i, s.status, s.spill, stream));
        }
    }
    return out;
}

Measure measureCell(const MetricDef& def, const MetricCell& cell, const MinuteTraffic& t,
                    const TrafficModel& traffic, qint64 minute)
{
    const double served = t.servedRequests();
    switch (def.id) {
    case MetricId::Requests: {
        double n = 0;
        if (cell.status == 200)
            n = cell.spill ? t.spilloverRequests : t.requests2xx;
        else if (cell.status == 429)
            n = t.requests429;
        else
            n = t.requests5xx;
        const double share = traffic.streamingShare(cell.deployment);
        if (share > 0) {
            // Whole-number split between streaming and not, deterministic per minute and slice.
            const quint64 salt =
                1000 + static_cast<quint64>(cell.status) * 2 + (cell.spill ? 1 : 0);
            const double u = unitInterval(traffic.hash(cell.deployment, minute, salt));
            const double streaming = std::min(n, std::floor(n * share + u));
            n = cell.stream == 1 ? streaming : n - streaming;
        }
        return perRequest(n);
    }
    case MetricId::PromptTokens:
        return tokens(t.promptTokens, served);
    case MetricId::GeneratedTokens:
        return tokens(t.generatedTokens, served);
    case MetricId::TokenTransaction:
        return tokens(t.promptTokens + t.generatedTokens, served);
    case MetricId::Ttft:
        return latency(t.ttftMsAvg, t.ttftMsMin, t.ttftMsMax, served);
    case MetricId::Ttlt:
        return latency(t.ttltMsAvg, t.ttltMsMin, t.ttltMsMax, served);
    case MetricId::TimeToResponse:
        return spread(t.timeToResponseMsAvg, 4.0, 26.0, served);
    case MetricId::Tbt:
        return spread(t.tbtMsAvg, 6.0, 18.0, served);
    case MetricId::TokensPerSecond:
        return spread(t.tokensPerSecondAvg, 5.5, 16.0, served);
    case MetricId::Utilization:
        return gauge(t.utilizationPct);
    case MetricId::CacheMatchRate:
        return gauge(t.cacheMatchRatePct);
    case MetricId::ActiveTokens: {
        const double cached =
            std::round(t.promptTokens * std::max(0.0, t.cacheMatchRatePct) / 100.0);
        return tokens(t.promptTokens - cached + t.generatedTokens, served);
    }
    case MetricId::Availability: {
        const double total = t.totalRequests();
        if (total <= 0)
            return {};
        return gauge(std::round(10000.0 * (1.0 - t.requests5xx / total)) / 100.0);
    }
    case MetricId::FineTunedTrainingHours: {
        // Hours, not requests: one sample of the minute's training time (0 = no data).
        Measure m;
        const double hours = traffic.trainingHours(cell.deployment, minute);
        if (hours > 0) {
            m.total = hours;
            m.count = 1;
            m.min = m.max = hours;
        }
        return m;
    }
    }
    return {};
}

} // namespace isc::emu::detail
