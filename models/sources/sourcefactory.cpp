#include "sources/sourcefactory.h"

#include "sources/azure/azuresource.h"

namespace isc {

Source* makeSource(const Connection& c, HttpClient* http, SecretProvider secret, QObject* parent,
                   QString* error)
{
    // One line per kind.
    if (c.kind == QLatin1String("azure-openai"))
        return new azure::AzureSource(c, http, std::move(secret), parent);
    if (error)
        *error = QStringLiteral("connection kind \"%1\" has no source").arg(c.kind);
    return nullptr;
}

QStringList supportedSourceKinds()
{
    return {QStringLiteral("azure-openai")};
}

} // namespace isc
