#pragma once

#include <QMetaType>
#include <QString>
#include <QVector>

namespace isc {

/// One model deployment from a provider's inventory (Azure: the deployments list).
struct Deployment
{
    QString source;      ///< connection id
    QString name;        ///< deployment name, the ModelDeploymentName dimension
    QString model;       ///< properties.model.name, e.g. "gpt-4o"
    QString version;     ///< properties.model.version, e.g. "2024-11-20"
    QString sku;         ///< e.g. "ProvisionedManaged", "GlobalStandard", "GlobalBatch"
    int capacity = 0;    ///< PTUs on provisioned SKUs, thousands of tokens/min otherwise
    QString spilloverTo; ///< spillover deployment name, empty when none
    QString state;       ///< provisioningState, e.g. "Succeeded"
    /// properties.versionUpgradeOption, e.g. "OnceNewDefaultVersionAvailable", "NoAutoUpgrade";
    /// empty when the provider does not say (initialised so positional initialisers may omit it)
    QString upgradeOption{};

    /// True for the reserved-capacity SKUs (*ProvisionedManaged).
    bool isProvisioned() const { return sku.endsWith(QLatin1String("ProvisionedManaged")); }
    /// True for the batch SKUs (*Batch).
    bool isBatch() const { return sku.endsWith(QLatin1String("Batch")); }

    bool operator==(const Deployment& o) const
    {
        return source == o.source && name == o.name && model == o.model && version == o.version &&
               sku == o.sku && capacity == o.capacity && spilloverTo == o.spilloverTo &&
               state == o.state && upgradeOption == o.upgradeOption;
    }
};

using Deployments = QVector<Deployment>;

} // namespace isc

Q_DECLARE_METATYPE(isc::Deployments)
