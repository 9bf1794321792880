#include "azuredeploymentsparser.h"

#include "azurejson.h"

#include <QJsonArray>
#include <QJsonObject>

namespace isc::azure {
namespace {

const QString kService = QStringLiteral("Azure Resource Manager");

DeploymentsParseResult failure(const QString& error)
{
    DeploymentsParseResult r;
    r.error = error;
    return r;
}

} // namespace

DeploymentsParseResult parseDeploymentsResponse(const QByteArray& body, const QString& source)
{
    QString error;
    const std::optional<QJsonObject> root = parseAzureObject(body, kService, &error);
    if (!root)
        return failure(error);
    QString code, message;
    if (azureErrorDocument(*root, &code, &message)) {
        return failure(azureErrorText(kService, code, message));
    }
    const QJsonValue value = root->value(QLatin1String("value"));
    if (!value.isArray())
        return failure(kService +
                       QLatin1String(": the response has no value[] array of deployments"));

    DeploymentsParseResult result;
    result.nextLink = azureNextLink(*root);
    const QJsonArray items = value.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isObject())
            return failure(
                QStringLiteral("%1: value[%2] is not a deployment object").arg(kService).arg(i));
        const QJsonObject o = items.at(i).toObject();
        const QJsonObject sku = o.value(QLatin1String("sku")).toObject();
        const QJsonObject props = o.value(QLatin1String("properties")).toObject();
        const QJsonObject model = props.value(QLatin1String("model")).toObject();
        Deployment dep;
        dep.source = source;
        dep.name = o.value(QLatin1String("name")).toString();
        if (dep.name.isEmpty())
            return failure(
                QStringLiteral("%1: value[%2] has no deployment name").arg(kService).arg(i));
        dep.model = model.value(QLatin1String("name")).toString();
        dep.version = model.value(QLatin1String("version")).toString();
        dep.sku = sku.value(QLatin1String("name")).toString();
        dep.capacity = sku.value(QLatin1String("capacity")).toInt();
        dep.spilloverTo = props.value(QLatin1String("spilloverDeploymentName")).toString();
        dep.state = props.value(QLatin1String("provisioningState")).toString();
        dep.upgradeOption = props.value(QLatin1String("versionUpgradeOption")).toString();
        result.deployments.append(dep);
    }
    result.ok = true;
    return result;
}

} // namespace isc::azure
