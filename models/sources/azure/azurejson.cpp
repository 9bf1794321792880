#include "azurejson.h"

#include <QJsonDocument>

namespace isc::azure {

std::optional<QJsonObject> parseAzureObject(const QByteArray& body, const QString& service,
                                            QString* error)
{
    if (body.trimmed().isEmpty()) {
        *error = service + QLatin1String(": the response body is empty");
        return std::nullopt;
    }
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("%1: the response is not valid JSON (%2 at offset %3 of %4 bytes)")
                     .arg(service, pe.errorString())
                     .arg(pe.offset)
                     .arg(body.size());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = service + QLatin1String(": the response is not a JSON object");
        return std::nullopt;
    }
    return doc.object();
}

QString azureNameValue(const QJsonValue& name)
{
    if (name.isString())
        return name.toString();
    return name.toObject().value(QLatin1String("value")).toString();
}

bool azureErrorDocument(const QJsonObject& o, QString* code, QString* message)
{
    const QJsonValue err = o.value(QLatin1String("error"));
    if (err.isObject()) {
        const QJsonObject e = err.toObject();
        *code = e.value(QLatin1String("code")).toString();
        *message = e.value(QLatin1String("message")).toString();
        return true;
    }
    // Azure Monitor answers with a bare {code, message} (no "error" wrapper, no "value").
    if (!o.contains(QLatin1String("value")) && o.value(QLatin1String("code")).isString()) {
        *code = o.value(QLatin1String("code")).toString();
        *message = o.value(QLatin1String("message")).toString();
        return true;
    }
    return false;
}

QString azureNextLink(const QJsonObject& o)
{
    return o.value(QLatin1String("nextLink")).toString();
}

QString azureErrorText(const QString& service, const QString& code, const QString& message)
{
    return QStringLiteral("%1: %2: %3")
        .arg(service, code.isEmpty() ? QStringLiteral("error") : code,
             message.isEmpty() ? QStringLiteral("no message") : message);
}

} // namespace isc::azure
