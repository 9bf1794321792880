#include "trafficmodel.h"

#include "core/timerange.h"

#include <algorithm>
#include <cmath>

namespace isc::emu {

namespace {

constexpr double kPi = 3.14159265358979323846;

// Salts keep the hash streams of different quantities independent.
enum Salt : quint64 {
    SaltDemandNoise = 1,
    SaltWander,
    SaltBurst,
    SaltBurstAmp,
    SaltIncident,
    SaltIncidentStart,
    SaltIncidentLen,
    SaltIncidentRate,
    SaltPrompt,
    SaltCompletion,
    SaltRoundDemand,
    SaltRound429,
    SaltRound5xx,
    SaltRoundSpill,
    SaltRoundPrompt,
    SaltRoundGenerated,
    SaltUtilCap,
    SaltCache,
    SaltTtft,
    SaltTtftMin,
    SaltTtftMax,
    SaltTbt,
};

quint64 nameKey(quint64 seed, const QString& name)
{
    quint64 h = 1469598103934665603ULL; // FNV-1a over UTF-16 code units
    for (QChar c : name) {
        h ^= c.unicode();
        h *= 1099511628211ULL;
    }
    return splitmix64(seed ^ splitmix64(h));
}

bool isProvisioned(const FleetDeployment& d)
{
    return d.sku.endsWith(QLatin1String("ProvisionedManaged"));
}

bool isBatch(const FleetDeployment& d)
{
    return d.sku.endsWith(QLatin1String("Batch"));
}

// Interactive traffic: a business-hours peak around 14:30 UTC with a European morning shoulder.
double interactiveDaily(double hour)
{
    const double peak = std::exp(-std::pow((hour - 14.5) / 3.0, 2));
    const double morning = 0.15 * std::exp(-std::pow((hour - 9.5) / 1.8, 2));
    return 0.36 + 0.64 * peak + morning;
}

// Batch traffic: jobs drain mostly in a 00:00-06:00 UTC window.
double batchDaily(double hour)
{
    const double window = std::exp(-std::pow((hour - 3.0) / 2.2, 4));
    return 0.06 + 0.94 * window;
}

} // namespace

struct TrafficModel::Base
{
    double demand = 0;     ///< requests/min, before rounding
    double prompt = 0;     ///< prompt tokens per request
    double completion = 0; ///< completion tokens per request
    double rate5xx = 0;    ///< share of requests failing with 5xx
};

struct TrafficModel::Spill
{
    double requests = 0;
    double promptTokens = 0;     ///< unrounded
    double completionTokens = 0; ///< unrounded
};

TrafficModel::TrafficModel(quint64 seed, QVector<FleetDeployment> fleet)
    : m_seed(seed), m_fleet(std::move(fleet))
{
    m_keys.reserve(m_fleet.size());
    for (const auto& d : m_fleet)
        m_keys.append(nameKey(seed, d.name));
}

QVector<FleetDeployment> TrafficModel::demoFleet()
{
    auto make = [](const char* name, const char* model, const char* version, const char* sku,
                   int capacity, const char* spill, double peak, double prompt, double completion,
                   double ttft, double tbt) {
        FleetDeployment d;
        d.name = QLatin1String(name);
        d.model = QLatin1String(model);
        d.version = QLatin1String(version);
        d.sku = QLatin1String(sku);
        d.capacity = capacity;
        d.spilloverTo = QLatin1String(spill);
        d.peakRequestsPerMin = peak;
        d.promptTokensPerRequest = prompt;
        d.completionTokensPerRequest = completion;
        d.baseTtftMs = ttft;
        d.baseTbtMs = tbt;
        return d;
    };
    // gpt-4o-ptu: 90 req/min x (1800 + 4 x 350) weighted tokens = 115 % of 100 PTU at the peak.
    return {
        make("gpt-4o-ptu", "gpt-4o", "2024-11-20", "ProvisionedManaged", 100, "gpt-4o-std", 90,
             1800, 350, 350, 22),
        make("gpt-4o-std", "gpt-4o", "2024-11-20", "Standard", 450, "", 12, 1200, 300, 420, 28),
        make("gpt-4o-mini", "gpt-4o-mini", "2024-07-18", "GlobalStandard", 2000, "", 600, 900, 220,
             200, 9),
        make("gpt-41-dz", "gpt-4.1", "2025-04-14", "DataZoneStandard", 300, "", 80, 2200, 450, 450,
             25),
        make("gpt-4o-mini-batch", "gpt-4o-mini", "2024-07-18", "GlobalBatch", 10000, "", 1500, 600,
             150, 0, 0),
    };
}

int TrafficModel::indexOf(const QString& deployment) const
{
    for (int i = 0; i < m_fleet.size(); ++i) {
        if (m_fleet[i].name == deployment)
            return i;
    }
    return -1;
}

quint64 TrafficModel::hash(int deploymentIndex, qint64 t, quint64 salt) const
{
    const quint64 key = deploymentIndex >= 0 && deploymentIndex < m_keys.size()
                            ? m_keys[deploymentIndex]
                            : splitmix64(m_seed);
    return splitmix64(key ^ splitmix64(static_cast<quint64>(t) ^ splitmix64(salt)));
}

double TrafficModel::demandEnvelope(qint64 m, bool batch)
{
    const qint64 day = floorTo(m, 86400) / 86400;
    const int weekday = static_cast<int>(((day + 3) % 7 + 7) % 7); // 1970-01-01 was a Thursday
    const double hour = static_cast<double>(m - day * 86400) / 3600.0;
    double weekly = 1.0;
    if (weekday >= 5)
        weekly = batch ? 0.6 : 0.35;
    else if (weekday == 4)
        weekly = batch ? 1.0 : 0.93;
    return (batch ? batchDaily(hour) : interactiveDaily(hour)) * weekly;
}

double TrafficModel::streamingShare(int deploymentIndex) const
{
    if (deploymentIndex < 0 || deploymentIndex >= m_fleet.size() ||
        isBatch(m_fleet[deploymentIndex]))
        return 0;
    return 0.6;
}

bool TrafficModel::isFineTuned(const FleetDeployment& d)
{
    return d.model.indexOf(QLatin1String(".ft-")) > 0;
}

double TrafficModel::trainingHours(int deploymentIndex, qint64 minuteTs) const
{
    if (deploymentIndex < 0 || deploymentIndex >= m_fleet.size() ||
        !isFineTuned(m_fleet[deploymentIndex]))
        return 0;
    const qint64 m = floorTo(minuteTs, 60);
    const qint64 secondOfDay = m - floorTo(m, 86400);
    return secondOfDay >= kTrainingFromSecond && secondOfDay < kTrainingToSecond ? 1.0 / 60.0 : 0.0;
}

TrafficModel::Base TrafficModel::base(int i, qint64 m) const
{
    const FleetDeployment& d = m_fleet[i];
    auto u = [&](qint64 t, quint64 salt) { return unitInterval(hash(i, t, salt)); };

    const bool batch = isBatch(d);

    // A burst hour now and then: a smooth bump over the hour.
    const qint64 hourIndex = floorTo(m, 3600) / 3600;
    double burst = 1.0;
    if (u(hourIndex, SaltBurst) < 0.05) {
        const double amp = 0.25 + 0.9 * u(hourIndex, SaltBurstAmp);
        const double phase = static_cast<double>(m - hourIndex * 3600) / 3600.0;
        burst += amp * std::sin(kPi * phase);
    }

    // Slow wander (linear between 10-minute knots) plus per-minute noise.
    const qint64 knot = floorTo(m, 600) / 600;
    const double frac = static_cast<double>(m - knot * 600) / 600.0;
    const double w0 = u(knot, SaltWander), w1 = u(knot + 1, SaltWander);
    const double wander = 1.0 + 0.12 * ((w0 + (w1 - w0) * frac) - 0.5);
    const double noise = 1.0 + 0.16 * (u(m, SaltDemandNoise) - 0.5);

    Base b;
    b.demand = d.peakRequestsPerMin * demandEnvelope(m, batch) * burst * wander * noise;
    b.prompt = d.promptTokensPerRequest * (1.0 + 0.10 * (u(m, SaltPrompt) - 0.5));
    b.completion = d.completionTokensPerRequest * (1.0 + 0.16 * (u(m, SaltCompletion) - 0.5));

    // Background errors, and now and then an incident of a few minutes.
    b.rate5xx = 0.002;
    if (u(hourIndex, SaltIncident) < 0.012) {
        const qint64 start =
            hourIndex * 3600 + 60 * static_cast<qint64>(50 * u(hourIndex, SaltIncidentStart));
        const qint64 len = 60 * (3 + static_cast<qint64>(8 * u(hourIndex, SaltIncidentLen)));
        if (m >= start && m < start + len)
            b.rate5xx = 0.02 + 0.05 * u(hourIndex, SaltIncidentRate);
    }
    return b;
}

TrafficModel::Spill TrafficModel::spillInto(int index, qint64 m) const
{
    Spill s;
    const QString& name = m_fleet[index].name;
    for (int j = 0; j < m_fleet.size(); ++j) {
        if (j == index || m_fleet[j].spilloverTo != name)
            continue;
        const Base bj = base(j, m);
        double out = 0;
        compute(j, m, bj, Spill{}, &out);
        s.requests += out;
        s.promptTokens += out * bj.prompt;
        s.completionTokens += out * bj.completion;
    }
    return s;
}

MinuteTraffic TrafficModel::compute(int i, qint64 m, const Base& b, const Spill& in,
                                    double* spilledOut) const
{
    const FleetDeployment& d = m_fleet[i];
    auto u = [&](quint64 salt) { return unitInterval(hash(i, m, salt)); };
    // Stochastic rounding with a deterministic draw: whole numbers without a bias.
    auto sround = [&](double x, quint64 salt) { return std::floor(x + u(salt)); };
    auto round1 = [](double x) { return std::round(x * 10.0) / 10.0; };

    MinuteTraffic t;
    const double demand = sround(b.demand, SaltRoundDemand);
    t.demandRequests = demand;
    double load = 0; // 0..~1.05, drives latency

    if (isProvisioned(d)) {
        // Microsoft's gpt-4o PTU sizing: 2,500 input tokens/min per PTU, 1 output token = 3 input.
        const double capacity = d.capacity * kTokensPerPtuPerMinute;
        const double util =
            capacity > 0
                ? 100.0 * b.demand * (b.prompt + kOutputTokenWeight * b.completion) / capacity
                : 0;
        const double over = util > 100.0 ? (util - 100.0) / util : 0.0;
        t.requests429 = std::min(demand, sround(demand * over, SaltRound429));
        // Most clients keep spillover on: their 429 here is a 200 on the standard deployment.
        if (spilledOut && !d.spilloverTo.isEmpty() && indexOf(d.spilloverTo) >= 0)
            *spilledOut =
                std::min(t.requests429, sround(t.requests429 * kSpilloverShare, SaltRoundSpill));
        // Azure keeps serving at ~100 % and rejects the rest: the metric tops out just over 100.
        const double cap = 101.0 + 4.0 * u(SaltUtilCap);
        t.utilizationPct = std::round(std::min(util, cap) * 100.0) / 100.0;
        load = std::min(util, cap) / 100.0;
        const double hour = static_cast<double>(m - floorTo(m, 86400)) / 3600.0;
        const double cache =
            32.5 + 9.0 * std::sin(2 * kPi * hour / 24.0 + 1.0) + 5.0 * (u(SaltCache) - 0.5);
        t.cacheMatchRatePct = std::round(std::clamp(cache, 20.0, 45.0) * 100.0) / 100.0;
    } else if (!isBatch(d)) {
        const double capacity = d.capacity * 1000.0;
        const double tpm =
            demand * (b.prompt + b.completion) + in.promptTokens + in.completionTokens;
        const double over = capacity > 0 && tpm > capacity ? (tpm - capacity) / tpm : 0.0;
        t.requests429 = std::min(demand, sround(demand * over, SaltRound429));
        load = capacity > 0 ? std::min(tpm / capacity, 1.05) : 0;
    }
    const double served = demand - t.requests429;
    t.requests5xx = std::min(served, sround(served * b.rate5xx, SaltRound5xx));
    t.requests2xx = served - t.requests5xx;
    t.spilloverRequests = in.requests;
    t.promptTokens = sround(t.requests2xx * b.prompt + in.promptTokens, SaltRoundPrompt);
    t.generatedTokens =
        sround(t.requests2xx * b.completion + in.completionTokens, SaltRoundGenerated);

    if (!isBatch(d) && t.servedRequests() > 0) {
        const double f = 1.0 + 0.6 * load * load + 2.5 * std::max(0.0, load - 0.9);
        const double completion =
            t.servedRequests() > 0 ? t.generatedTokens / t.servedRequests() : 0;
        t.ttftMsAvg = round1(d.baseTtftMs * f * (0.92 + 0.16 * u(SaltTtft)));
        t.ttftMsMin = round1(t.ttftMsAvg * (0.35 + 0.10 * u(SaltTtftMin)));
        t.ttftMsMax = round1(t.ttftMsAvg * (2.4 + 1.2 * u(SaltTtftMax)));
        t.tbtMsAvg = round1(d.baseTbtMs * (1.0 + 0.35 * load * load) * (0.94 + 0.12 * u(SaltTbt)));
        t.ttltMsAvg = round1(t.ttftMsAvg + completion * t.tbtMsAvg);
        t.ttltMsMin = round1(t.ttftMsMin + 0.3 * completion * t.tbtMsAvg);
        t.ttltMsMax = round1(t.ttftMsMax + 2.5 * completion * t.tbtMsAvg);
        const double stream = streamingShare(i);
        t.timeToResponseMsAvg = round1(stream * t.ttftMsAvg + (1.0 - stream) * t.ttltMsAvg);
        t.tokensPerSecondAvg = t.tbtMsAvg > 0 ? round1(1000.0 / t.tbtMsAvg) : 0;
    }
    return t;
}

MinuteTraffic TrafficModel::at(const QString& deployment, qint64 minuteTs) const
{
    const int i = indexOf(deployment);
    if (i < 0)
        return {};
    const qint64 m = floorTo(minuteTs, 60);
    MinuteTraffic t = compute(i, m, base(i, m), spillInto(i, m));
    return t;
}

QVector<MinuteTraffic> TrafficModel::atAll(qint64 minuteTs) const
{
    const qint64 m = floorTo(minuteTs, 60);
    QVector<MinuteTraffic> out(m_fleet.size());
    QVector<Base> bases(m_fleet.size());
    QVector<Spill> spills(m_fleet.size());
    QVector<bool> done(m_fleet.size(), false);
    for (int i = 0; i < m_fleet.size(); ++i)
        bases[i] = base(i, m);
    // Spilling deployments first, so their overflow lands on the targets in the same pass.
    for (int j = 0; j < m_fleet.size(); ++j) {
        if (m_fleet[j].spilloverTo.isEmpty())
            continue;
        double spilled = 0;
        out[j] = compute(j, m, bases[j], Spill{}, &spilled);
        done[j] = true;
        const int target = indexOf(m_fleet[j].spilloverTo);
        if (target < 0 || target == j)
            continue;
        spills[target].requests += spilled;
        spills[target].promptTokens += spilled * bases[j].prompt;
        spills[target].completionTokens += spilled * bases[j].completion;
    }
    for (int i = 0; i < m_fleet.size(); ++i) {
        if (!done[i])
            out[i] = compute(i, m, bases[i], spills[i]);
    }
    return out;
}

} // namespace isc::emu
