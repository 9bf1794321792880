#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QString>
#include <optional>

namespace isc::azure {

/// The services' names, as every error line of the Azure source words them.
inline const QString kMonitor = QStringLiteral("Azure Monitor");
inline const QString kArm = QStringLiteral("Azure Resource Manager");

/// Parses an Azure JSON body into an object; on failure returns nullopt and sets `error` to
/// "<service>: …" words (parse error with its offset, or the wrong shape).
std::optional<QJsonObject> parseAzureObject(const QByteArray& body, const QString& service,
                                            QString* error);

/// When `o` is an Azure error document (ARM `{"error":{code,message}}` or Azure Monitor
/// `{code,message}`), returns true and sets `code` and `message`.
bool azureErrorDocument(const QJsonObject& o, QString* code, QString* message);

/// The `nextLink` of an ARM list page: the absolute URL of the next page, empty on the last one
/// (absent or null).
QString azureNextLink(const QJsonObject& o);

/// An Azure `name` field: `{value, localizedValue}` gives `value`; a bare string is taken as is.
QString azureNameValue(const QJsonValue& name);

/// The words for an Azure error document: "<service>: <code>: <message>".
QString azureErrorText(const QString& service, const QString& code, const QString& message);

} // namespace isc::azure
