#include "azuredeploymentsparser.h"

#include "azurejson.h"

#include <QJsonArray>
#include <QJsonObject>

namespace isc::azure {
namespace {

DeploymentsParseResult deploymentsFailure(const QString& error)
{
    DeploymentsParseResult r;
    r.error = error;
    return r;
}

} // namespace

DeploymentsParseResult parseDeploymentsResponse(const QByteArray& body, const QString& source)
{
    QString error;
    const std::optional<QJsonObject> root = parseAzureObject(body, kArm, &error);
    if (!root)
        return deploymentsFailure(error);
    QString code, message;
    if (azureErrorDocument(*root, &code, &message)) {
        return deploymentsFailure(azureErrorText(kArm, code, message));
    }
    const QJsonValue value = root->value(QLatin1String("value"));
    if (!value.isArray())
        return deploymentsFailure(
            kArm + QLatin1String(": the response has no value[] array of deployments"));

    DeploymentsParseResult result;
    result.nextLink = azureNextLink(*root);
    const QJsonArray items = value.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isObject())
            return deploymentsFailure(
                QStringLiteral("%1: value[%2] is not a deployment object").arg(kArm).arg(i));
        const QJsonObject o = items.at(i).toObject();
        const QJsonObject sku = o.value(QLatin1String("sku")).toObject();
        const QJsonObject props = o.value(QLatin1String("properties")).toObject();
        const QJsonObject model = props.value(QLatin1String("model")).toObject();
        Deployment dep;
        dep.source = source;
        dep.name = o.value(QLatin1String("name")).toString();
        if (dep.name.isEmpty())
            return deploymentsFailure(
                QStringLiteral("%1: value[%2] has no deployment name").arg(kArm).arg(i));
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
