#pragma once

#include "core/timerange.h"
#include "cost/ptucost.h"

#include <QJsonArray>
#include <QString>
#include <QtGlobal>
#include <functional>

namespace isc {

class CostEngine;
class PriceCatalog;
struct DeploymentTraffic;
struct PtuSizing;

/// How the replay prices what a target served. fromCatalog() plugs the cost engine in, so the
/// replay and the Cost page price alike (the identity replay equals CostQuery's total).
struct ReplayPricing
{
    /// USD for tokens served by `target` (0 for reserved capacity, whose cost is fixed).
    std::function<double(const DeploymentTraffic& target, double promptTokens, double outputTokens)>
        tokens;
    /// USD for holding `target` over `window` whatever it served (PTUs, a local GPU).
    std::function<double(const DeploymentTraffic& target, const TimeRange& window)> fixed;
    /// Where the prices come from, in words (shown beside every figure).
    QString note;
    /// What "cost avoided" compares with: empty = each request on its own model at
    /// pay-per-token list prices (the default); else a deployment's key() ("source/name") whose
    /// pay-per-token price all the demand is priced at.
    QString baselineTarget;

    /// Prices with the engine's catalog (workspace overrides already applied): tokens as
    /// CostEngine::priceTokens prices the deployment's model/version/SKU (Azure) or the model of
    /// the connection kind (OpenAI, Anthropic), with the window's recorded cached and cache-write
    /// shares of the input; provisioned deployments at PTU x time (PtuCost); local at no cost.
    static ReplayPricing fromCatalog(const CostEngine& engine,
                                     PtuBilling billing = PtuBilling::Hourly);
    /// fromCatalog() with the built-in catalog and no overrides (built once, then copied).
    static ReplayPricing builtin();
};

/// The built-in catalog with a workspace's price overrides (Workspace::priceOverrides) applied;
/// malformed overrides are skipped and `warning` says why.
PriceCatalog catalogWithOverrides(const QJsonArray& overrides, QString* warning);

/// The PTU sizing (input TPM per PTU, output weight) of a provisioned deployment's model, version
/// and SKU from the catalog (any provisioned SKU of the model when that one has none); models
/// it does not size get the PtuSizing defaults.
PtuSizing catalogSizing(const PriceCatalog& catalog, const QString& model,
                        const QString& version = {}, const QString& sku = {});

} // namespace isc
