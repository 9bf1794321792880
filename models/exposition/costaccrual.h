#pragma once

#include "core/deployment.h"
#include "cost/costengine.h"
#include "cost/ptucost.h"

#include <QHash>
#include <QMap>
#include <QString>
#include <QVector>

namespace isc {

/// What the collector's stored usage has cost since it started, per connection and deployment,
/// priced as the Cost page prices it (CostEngine: the catalog with the workspace's overrides;
/// Azure by the inventory's model, version and SKU; provisioned deployments by PTU time at the
/// workspace's basis, their tokens included). Feeds inferscope_cost_usd_total.
class CostAccrual
{
public:
    /// One deployment's (or model stream's) stored tokens since the start.
    struct Usage
    {
        QString deployment;     ///< ModelDeploymentName as stored (non-Azure: the model)
        bool batch = false;     ///< Batch API usage (non-Azure)
        TokenUsage tokens;      ///< Azure: requests and output only, the prompt below
        qint64 azurePrompt = 0; ///< Azure ProcessedPromptTokens, cached share included
        double azureCached = 0; ///< Azure: prompt x cache match rate, summed per minute
    };
    /// The cost of one deployment, and how its prices are labelled.
    struct Priced
    {
        Money total;
        /// "catalog", "unconfirmed" (an entry not confirmed at its source), "override" (the
        /// workspace's) or "demo" (the demo fleet: the catalog's prices, made-up traffic).
        QString pricing;
    };

    CostAccrual(CostEngine engine, PtuBilling billing, bool demo);

    /// The stored inventory of `source` at `now` (s UTC). A provisioned deployment costs PTU time
    /// from the collector's start (`startedAt`) when the first inventory lists it, else from when
    /// one does; a change of its PTUs or SKU, or its removal, closes what it cost so far.
    void setInventory(const QString& source, const Deployments& deployments, qint64 startedAt,
                      qint64 now);

    /// The cost per deployment of `usage` of `source` (a connection of `kind`) plus PTU time up
    /// to `now`. A deployment without a price is left out (never $0).
    QMap<QString, Priced> price(const QString& source, const QString& kind,
                                const QVector<Usage>& usage, qint64 now) const;

private:
    struct Provisioned
    {
        Deployment deployment;
        qint64 since = 0;
        bool listed = true; ///< false once an inventory no longer lists it
        Money closed;       ///< what earlier PTU counts or SKUs of it cost
        QString pricing;    ///< of the closed part
    };
    Priced ptuCost(const Provisioned& p, qint64 now) const;
    QString pricingOf(const CostItem& item) const;

    CostEngine m_engine;
    PtuBilling m_billing;
    bool m_demo = false;
    QHash<QString, Deployments> m_inventory;                  ///< by source
    QHash<QString, QMap<QString, Provisioned>> m_provisioned; ///< by source, then deployment
};

} // namespace isc
