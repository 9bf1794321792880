#include "cloudprices.h"

namespace isc::emu {

CloudPrice cloudPrice(CloudFleet::Provider provider, const QString& model)
{
    // Public list prices (USD per 1M tokens x 1000), as of 2025; the demo's own table.
    static const QVector<CloudPrice> openAi = {
        {QStringLiteral("gpt-4o-2024-11-20"), 2500, 1250, 10000, 1250, 5000},
        {QStringLiteral("gpt-4o-mini-2024-07-18"), 150, 75, 600, 75, 300},
        {QStringLiteral("o3-mini-2025-01-31"), 1100, 550, 4400, 550, 2200},
    };
    static const QVector<CloudPrice> anthropic = {
        {QStringLiteral("claude-sonnet-4-20250514"), 3000, 0, 15000, 0, 0},
        {QStringLiteral("claude-3-5-haiku-20241022"), 800, 0, 4000, 0, 0},
    };
    for (const CloudPrice& p : provider == CloudFleet::Provider::OpenAi ? openAi : anthropic) {
        if (p.model == model)
            return p;
    }
    return CloudPrice{model};
}

CacheMultipliers anthropicCacheMultipliers()
{
    return {};
}

QVector<CloudCostLine> cloudCostLines(CloudFleet::Provider provider, const CloudStream& s,
                                      const CloudMinute& usage)
{
    const CloudPrice p = cloudPrice(provider, s.model);
    QVector<CloudCostLine> lines;
    // tokens x milli-USD per 1M tokens = nano-USD; x 1000 (or x per-mille) = pico-USD.
    const auto add = [&](const QString& item, qint64 tokens, qint64 picoPerToken) {
        if (tokens > 0)
            lines.append({s.model, item, tokens * picoPerToken});
    };
    if (provider == CloudFleet::Provider::OpenAi) {
        const QString m = s.model + QLatin1String(", ");
        if (s.batch) {
            add(m + QLatin1String("batch input"), usage.inputTokens, p.batchInput * 1000);
            add(m + QLatin1String("batch output"), usage.outputTokens, p.batchOutput * 1000);
        } else {
            add(m + QLatin1String("input"), usage.inputTokens - usage.cachedTokens, p.input * 1000);
            add(m + QLatin1String("cached input"), usage.cachedTokens, p.cachedInput * 1000);
            add(m + QLatin1String("output"), usage.outputTokens, p.output * 1000);
        }
        return lines;
    }
    const CacheMultipliers x = anthropicCacheMultipliers();
    add(QStringLiteral("uncached_input_tokens"), usage.uncachedTokens(), p.input * 1000);
    add(QStringLiteral("cache_creation.ephemeral_5m_input_tokens"), usage.cacheWrite5m,
        p.input * x.write5m);
    add(QStringLiteral("cache_creation.ephemeral_1h_input_tokens"), usage.cacheWrite1h,
        p.input * x.write1h);
    add(QStringLiteral("cache_read_input_tokens"), usage.cachedTokens, p.input * x.read);
    add(QStringLiteral("output_tokens"), usage.outputTokens, p.output * 1000);
    return lines;
}

} // namespace isc::emu
