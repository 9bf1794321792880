#include "azureusagesparser.h"

#include "azurejson.h"
#include "core/labels.h"

#include <QJsonArray>
#include <QJsonObject>

namespace isc::azure {
namespace {

const QString kService = QStringLiteral("Azure Resource Manager");

UsagesParseResult failure(const QString& error)
{
    UsagesParseResult r;
    r.error = error;
    return r;
}

SeriesSamples quotaSeries(const QString& source, const QString& metric, const QString& quota,
                          const QString& location, qint64 ts, double value)
{
    QList<std::pair<QString, QString>> labelSet{{QStringLiteral("quota"), quota}};
    if (!location.isEmpty())
        labelSet.append({QStringLiteral("location"), location});
    SeriesSamples s;
    s.key = {source, metric, QStringLiteral("average"), labels::canonical(labelSet)};
    s.unit = QStringLiteral("Count");
    s.samples.append({ts, value});
    return s;
}

} // namespace

UsagesParseResult parseUsagesResponse(const QByteArray& body, const QString& source, qint64 ts,
                                      const QString& location)
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
        return failure(kService + QLatin1String(": the response has no value[] array of usages"));

    UsagesParseResult result;
    result.nextLink = azureNextLink(*root);
    const QJsonArray items = value.toArray();
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QJsonObject o = items.at(i).toObject();
        const QString name = azureNameValue(o.value(QLatin1String("name")));
        const QJsonValue current = o.value(QLatin1String("currentValue"));
        const QJsonValue limit = o.value(QLatin1String("limit"));
        if (name.isEmpty() || !current.isDouble() || !limit.isDouble())
            return failure(QStringLiteral("%1: usage %2 lacks a name, currentValue or limit")
                               .arg(kService)
                               .arg(i));
        result.series.append(quotaSeries(source, QStringLiteral("QuotaCurrent"), name, location, ts,
                                         current.toDouble()));
        result.series.append(quotaSeries(source, QStringLiteral("QuotaLimit"), name, location, ts,
                                         limit.toDouble()));
    }
    result.ok = true;
    return result;
}

QString parseResourceLocation(const QByteArray& body, QString* error)
{
    const std::optional<QJsonObject> root = parseAzureObject(body, kService, error);
    if (!root)
        return {};
    QString code, message;
    if (azureErrorDocument(*root, &code, &message)) {
        *error = azureErrorText(kService, code, message);
        return {};
    }
    const QString location = root->value(QLatin1String("location")).toString();
    if (location.isEmpty())
        *error = kService + QLatin1String(": the resource has no location");
    return location;
}

QString subscriptionPath(const QString& resourceId)
{
    const QStringList parts = resourceId.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (parts.size() < 2 ||
        parts.at(0).compare(QLatin1String("subscriptions"), Qt::CaseInsensitive) != 0)
        return {};
    return QLatin1String("/subscriptions/") + parts.at(1);
}

} // namespace isc::azure
