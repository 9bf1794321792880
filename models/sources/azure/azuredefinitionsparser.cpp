#include "azuredefinitionsparser.h"

#include "azurejson.h"

#include <QJsonArray>
#include <QJsonObject>

namespace isc::azure {
namespace {

DefinitionsParseResult definitionsFailure(const QString& error)
{
    DefinitionsParseResult r;
    r.error = error;
    return r;
}

} // namespace

DefinitionsParseResult parseMetricDefinitionsResponse(const QByteArray& body)
{
    QString error;
    const std::optional<QJsonObject> root = parseAzureObject(body, kMonitor, &error);
    if (!root)
        return definitionsFailure(error);
    QString code, message;
    if (azureErrorDocument(*root, &code, &message))
        return definitionsFailure(azureErrorText(kMonitor, code, message));
    const QJsonValue value = root->value(QLatin1String("value"));
    if (!value.isArray())
        return definitionsFailure(
            kMonitor + QLatin1String(": the response has no value[] array of metric definitions"));

    DefinitionsParseResult result;
    result.nextLink = azureNextLink(*root);
    const QJsonArray items = value.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        if (!items.at(i).isObject())
            return definitionsFailure(
                QStringLiteral("%1: metric definition %2 is not an object").arg(kMonitor).arg(i));
        const QJsonObject o = items.at(i).toObject();
        MetricDefinition def;
        def.name = azureNameValue(o.value(QLatin1String("name")));
        if (def.name.isEmpty())
            return definitionsFailure(
                QStringLiteral("%1: metric definition %2 has no name").arg(kMonitor).arg(i));
        def.metricNamespace = o.value(QLatin1String("namespace")).toString();
        def.unit = o.value(QLatin1String("unit")).toString();
        def.primaryAggregation = o.value(QLatin1String("primaryAggregationType")).toString();
        for (const QJsonValue& dim : o.value(QLatin1String("dimensions")).toArray()) {
            const QString dimName = azureNameValue(dim);
            if (!dimName.isEmpty())
                def.dimensions.append(dimName);
        }
        result.definitions.append(def);
    }
    result.ok = true;
    return result;
}

} // namespace isc::azure
