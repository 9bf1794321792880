#pragma once

#include "core/deployment.h"

#include <QByteArray>
#include <QString>

namespace isc::azure {

struct DeploymentsParseResult
{
    bool ok = false;
    QString error;
    Deployments deployments;
};

/// Parses `GET .../accounts/{account}/deployments` (value[] with sku, properties.model and
/// properties.versionUpgradeOption).
DeploymentsParseResult parseDeploymentsResponse(const QByteArray& body, const QString& source);

} // namespace isc::azure
