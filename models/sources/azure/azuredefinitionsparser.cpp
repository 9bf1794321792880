#include "azuredefinitionsparser.h"

#include "azurejson.h"

#include <QJsonArray>
#include <QJsonObject>

namespace isc::azure {
namespace {

const QString kService = QStringLiteral("Azure Monitor");

DefinitionsParseResult failure(const QString& error)
{
    DefinitionsParseResult r;
    r.error = error;
    return r;
}

QString nameValue(const QJsonValue& name)
{
    if (name.isString())
        return name.toString();
    return name.toObject().value(QLatin1String("value")).toString();
}

} // namespace

DefinitionsParseResult parseMetricDefinitionsResponse(const QByteArray& body)
{
    QString error;
    const std::optional<QJsonObject> root = parseAzureObject(body, kService, &error);
    if (!root)
        return failure(error);
    QString code, message;
    if (azureErrorDocument(*root, &code, &message))
        return failure(azureErrorText(kService, code, message));
    const QJsonValue value = root->value(QLatin1String("value"));
    if (!value.isArray())
        return failure(kService +
                       QLatin1String(": the response has no value[] array of metric definitions"));

    DefinitionsParseResult result;
    result.nextLink = azureNextLink(*root);
    const QJsonArray items = value.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isObject())
            return failure(
                QStringLiteral("%1: metric definition %2 is not an object").arg(kService).arg(i));
        const QJsonObject o = items.at(i).toObject();
        MetricDefinition def;
        def.name = nameValue(o.value(QLatin1String("name")));
        if (def.name.isEmpty())
            return failure(
                QStringLiteral("%1: metric definition %2 has no name").arg(kService).arg(i));
        def.metricNamespace = o.value(QLatin1String("namespace")).toString();
        def.unit = o.value(QLatin1String("unit")).toString();
        def.primaryAggregation = o.value(QLatin1String("primaryAggregationType")).toString();
        for (const QJsonValue& dim : o.value(QLatin1String("dimensions")).toArray()) {
            const QString dimName = nameValue(dim);
            if (!dimName.isEmpty())
                def.dimensions.append(dimName);
        }
        result.definitions.append(def);
    }
    result.ok = true;
    return result;
}

} // namespace isc::azure
