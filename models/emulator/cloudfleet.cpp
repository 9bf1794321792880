#include "cloudfleet.h"

#include "emulator/trafficmodel.h"

#include "core/timerange.h"

#include <algorithm>
#include <cmath>

namespace isc::emu {

namespace {

// Salts keep the hash streams of different quantities independent.
enum Salt : quint64 {
    SaltDemand = 101,
    SaltRoundRequests,
    SaltInput,
    SaltRoundInput,
    SaltCache,
    SaltOutput,
    SaltRoundOutput,
    SaltWander,
};

quint64 streamKey(quint64 seed, CloudFleet::Provider provider, int index)
{
    const quint64 p = provider == CloudFleet::Provider::OpenAi ? 0x6F70656E6169ULL : 0x616E7468ULL;
    return splitmix64(seed ^ splitmix64(p + static_cast<quint64>(index) * 0x9E37ULL));
}

} // namespace

CloudFleet::CloudFleet(quint64 seed)
    : m_seed(seed), m_openAi(streams(Provider::OpenAi)), m_anthropic(streams(Provider::Anthropic))
{}

QVector<CloudStream> CloudFleet::streams(Provider provider)
{
    const QString chat = QStringLiteral("proj_inferscope_chat");
    const QString data = QStringLiteral("proj_inferscope_data");
    if (provider == Provider::OpenAi) {
        CloudStream s;
        QVector<CloudStream> out;
        s = {QStringLiteral("gpt-4o-2024-11-20"),
             chat,
             false,
             QStringLiteral("default"),
             40,
             1800,
             0.35,
             0,
             0,
             0,
             350};
        out << s;
        s = {QStringLiteral("gpt-4o-mini-2024-07-18"),
             chat,
             false,
             QStringLiteral("default"),
             120,
             900,
             0.5,
             0,
             0,
             0,
             220};
        out << s;
        s = {QStringLiteral("gpt-4o-2024-11-20"),
             data,
             false,
             QStringLiteral("default"),
             12,
             2600,
             0.2,
             0,
             0,
             0,
             500};
        out << s;
        s = {QStringLiteral("o3-mini-2025-01-31"),
             data,
             false,
             QStringLiteral("default"),
             8,
             1500,
             0.25,
             0,
             0,
             0,
             1900};
        out << s;
        // The nightly batch share: no prompt cache, priced at the batch rate.
        s = {QStringLiteral("gpt-4o-mini-2024-07-18"),
             data,
             true,
             QStringLiteral("default"),
             90,
             1200,
             0,
             0,
             0,
             0,
             160};
        out << s;
        return out;
    }
    const QString ws = QStringLiteral("wrkspc_inferscope_assist");
    CloudStream s;
    QVector<CloudStream> out;
    // Long cached system prompts: most input is read from the cache.
    s = {QStringLiteral("claude-sonnet-4-20250514"),
         ws,
         false,
         QStringLiteral("standard"),
         30,
         3200,
         0,
         0.08,
         0.02,
         0.68,
         450};
    out << s;
    s = {QStringLiteral("claude-3-5-haiku-20241022"),
         ws,
         false,
         QStringLiteral("standard"),
         70,
         1300,
         0,
         0.10,
         0,
         0.45,
         180};
    out << s;
    return out;
}

CloudMinute CloudFleet::at(Provider provider, int index, qint64 minuteTs) const
{
    const QVector<CloudStream>& list = provider == Provider::OpenAi ? m_openAi : m_anthropic;
    if (index < 0 || index >= list.size())
        return {};
    const CloudStream& s = list[index];
    const qint64 m = floorTo(minuteTs, 60);
    const quint64 key = streamKey(m_seed, provider, index);
    auto u = [&](qint64 t, quint64 salt) {
        return unitInterval(splitmix64(key ^ splitmix64(static_cast<quint64>(t) ^ salt)));
    };
    // Stochastic rounding with a deterministic draw: whole numbers without a bias.
    auto sround = [&](double x, quint64 salt) {
        return static_cast<qint64>(std::floor(std::max(0.0, x) + u(m, salt)));
    };

    // A slow wander between 10-minute knots plus per-minute noise, like the Azure fleet.
    const qint64 knot = floorTo(m, 600) / 600;
    const double frac = static_cast<double>(m - knot * 600) / 600.0;
    const double wander =
        0.9 + 0.2 * ((1.0 - frac) * u(knot, SaltWander) + frac * u(knot + 1, SaltWander));
    const double noise = 1.0 + 0.2 * (u(m, SaltDemand) - 0.5);
    const double demand =
        s.peakRequestsPerMin * TrafficModel::demandEnvelope(m, s.batch) * wander * noise;

    CloudMinute c;
    c.requests = sround(demand, SaltRoundRequests);
    if (c.requests == 0)
        return c;
    const double inPerReq = s.inputTokensPerRequest * (1.0 + 0.12 * (u(m, SaltInput) - 0.5));
    const double outPerReq = s.outputTokensPerRequest * (1.0 + 0.2 * (u(m, SaltOutput) - 0.5));
    c.inputTokens = sround(static_cast<double>(c.requests) * inPerReq, SaltRoundInput);
    c.outputTokens = sround(static_cast<double>(c.requests) * outPerReq, SaltRoundOutput);
    // Cache shares wobble by a few percent; the parts never exceed the whole.
    const double wobble = 1.0 + 0.1 * (u(m, SaltCache) - 0.5);
    const auto part = [&](double share) {
        return static_cast<qint64>(std::floor(static_cast<double>(c.inputTokens) * share * wobble));
    };
    c.cachedTokens = part(provider == Provider::OpenAi ? s.cachedShare : s.cacheReadShare);
    c.cacheWrite5m = part(s.cacheWrite5mShare);
    c.cacheWrite1h = part(s.cacheWrite1hShare);
    return c;
}

CloudMinute CloudFleet::sum(Provider provider, int index, qint64 from, qint64 to) const
{
    CloudMinute total;
    for (qint64 m = floorTo(from + 59, 60); m < to; m += 60)
        total += at(provider, index, m);
    return total;
}

} // namespace isc::emu
