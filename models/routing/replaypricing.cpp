#include "routing/replaypricing.h"

#include "cost/costengine.h"
#include "routing/capacitymodel.h"
#include "routing/trafficwindow.h"

#include <QJsonDocument>
#include <QStringList>
#include <cmath>
#include <memory>

namespace isc {

namespace {

const QStringList& provisionedSkus()
{
    static const QStringList skus{QStringLiteral("GlobalProvisionedManaged"),
                                  QStringLiteral("DataZoneProvisionedManaged"),
                                  QStringLiteral("ProvisionedManaged")};
    return skus;
}

qint64 whole(double v)
{
    return static_cast<qint64>(std::llround(std::max(0.0, v)));
}

/// The usage items CostEngine would price for `t`'s served tokens, as CostQuery builds them:
/// the window's recorded mix (standard/batch, cached, cache writes) applied to what was served.
QVector<UsageItem> usageFor(const DeploymentTraffic& t, double prompt, double output)
{
    UsageItem base;
    base.source = t.source;
    base.provider = t.connectionKind.isEmpty() ? kAzureOpenAiProvider : t.connectionKind;
    base.deployment = t.name;
    base.model = t.model;
    if (base.provider == kAzureOpenAiProvider) {
        base.version = t.version;
        base.sku = t.sku;
    }
    const TokenMix& standard = t.recordedMix[0];
    const TokenMix& batch = t.recordedMix[1];
    const double inputTotal = standard.input() + batch.input();
    const double outputTotal = standard.output + batch.output;
    if (inputTotal <= 0 && outputTotal <= 0) {
        base.tokens = TokenUsage::fromPrompt(whole(prompt), 0, whole(output));
        return {base};
    }
    QVector<UsageItem> items;
    for (int part = 0; part < 2; ++part) {
        const TokenMix& m = t.recordedMix[part];
        if (m.isEmpty())
            continue;
        auto in = [&](double tokens) {
            return inputTotal > 0 ? whole(prompt * tokens / inputTotal) : 0;
        };
        UsageItem u = base;
        u.batch = part == 1;
        u.tokens.uncachedInput = in(m.uncached);
        u.tokens.cachedInput = in(m.cached);
        u.tokens.cacheWrite5m = in(m.write5m);
        u.tokens.cacheWrite1h = in(m.write1h);
        u.tokens.output = outputTotal > 0 ? whole(output * m.output / outputTotal) : 0;
        items.append(u);
    }
    return items;
}

} // namespace

ReplayPricing ReplayPricing::fromCatalog(const CostEngine& engine, PtuBilling billing)
{
    auto shared = std::make_shared<const CostEngine>(engine);
    ReplayPricing p;
    p.tokens = [shared](const DeploymentTraffic& t, double prompt, double output) {
        if (t.routeClass == RouteClass::Local || t.routeClass == RouteClass::Provisioned)
            return 0.0;
        Money total;
        for (const UsageItem& u : usageFor(t, prompt, output)) {
            const CostItem c = shared->priceTokens(u);
            if (c.priced)
                total += c.total;
        }
        return total.toUnits();
    };
    p.fixed = [shared, billing](const DeploymentTraffic& t, const TimeRange& window) {
        if (t.routeClass != RouteClass::Provisioned || t.capacity <= 0)
            return 0.0;
        Deployment d;
        d.source = t.source;
        d.name = t.name;
        d.model = t.model;
        d.version = t.version;
        d.sku = t.sku;
        d.capacity = t.capacity;
        return shared->priceProvisioned(d, window, billing).total.toUnits();
    };
    const PriceCatalog& catalog = engine.catalog();
    bool overridden = false;
    for (const PriceEntry& e : catalog.entries())
        overridden = overridden || e.overridden;
    p.note = QStringLiteral("Price catalog as of %1%2; provisioned deployments at PTU x time "
                            "(%3), local models at no cost.")
                 .arg(catalog.asOf(),
                      overridden ? QStringLiteral(" with workspace overrides") : QString(),
                      ptuBillingName(billing));
    return p;
}

ReplayPricing ReplayPricing::builtin()
{
    static const ReplayPricing pricing = fromCatalog(CostEngine(PriceCatalog::builtin()));
    return pricing;
}

PriceCatalog catalogWithOverrides(const QJsonArray& overrides, QString* warning)
{
    PriceCatalog catalog = PriceCatalog::builtin();
    if (overrides.isEmpty())
        return catalog;
    QString error;
    if (!catalog.applyOverrides(QJsonDocument(overrides).toJson(QJsonDocument::Compact), &error) &&
        warning)
        *warning =
            QStringLiteral("The workspace's price overrides were not applied: %1").arg(error);
    return catalog;
}

PtuSizing catalogSizing(const PriceCatalog& catalog, const QString& model, const QString& version,
                        const QString& sku)
{
    QStringList skus = provisionedSkus();
    if (!sku.isEmpty())
        skus.prepend(sku);
    for (const QString& candidate : std::as_const(skus)) {
        const PriceLookup l = catalog.lookup(kAzureOpenAiProvider, model, version, candidate);
        if (l.entry && l.entry->ptu && l.entry->ptu->inputTpmPerPtu > 0) {
            PtuSizing s;
            s.inputTokensPerPtuPerMinute = static_cast<double>(l.entry->ptu->inputTpmPerPtu);
            s.outputTokenWeight = l.entry->ptu->outputTokenWeight;
            return s;
        }
    }
    return PtuSizing{};
}

} // namespace isc
