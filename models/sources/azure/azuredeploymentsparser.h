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
    QString nextLink; ///< the next page of the list, empty on the last one
};

/// Parses one page of `GET .../accounts/{account}/deployments` (value[] with sku,
/// properties.model and properties.versionUpgradeOption, and nextLink when more pages follow).
DeploymentsParseResult parseDeploymentsResponse(const QByteArray& body, const QString& source);

} // namespace isc::azure
