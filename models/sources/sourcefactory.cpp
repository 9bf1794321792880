#include "sources/sourcefactory.h"

#include "sources/anthropic/anthropicsource.h"
#include "sources/azure/azuresource.h"
#include "sources/ollama/ollamasource.h"
#include "sources/openai/openaisource.h"
#include "sources/prometheus/prometheussource.h"

namespace isc {

Source* makeSource(const Connection& c, HttpClient* http, SecretProvider secret, QObject* parent,
                   QString* error)
{
    // One line per kind.
    if (c.kind == QLatin1String("azure-openai"))
        return new azure::AzureSource(c, http, std::move(secret), parent);
    if (c.kind == QLatin1String("azure-monitor"))
        return new azure::AzureSource(c, http, std::move(secret), parent);
    if (c.kind == QLatin1String("openai"))
        return new openai::OpenAiSource(c, http, std::move(secret), parent);
    if (c.kind == QLatin1String("anthropic"))
        return new anthropic::AnthropicSource(c, http, std::move(secret), parent);
    if (c.kind == QLatin1String("prometheus"))
        return new prometheus::PrometheusSource(c, http, std::move(secret), parent);
    if (c.kind == QLatin1String("ollama"))
        return new ollama::OllamaSource(c, http, std::move(secret), parent);
    if (error)
        *error = QStringLiteral("connection kind \"%1\" has no source").arg(c.kind);
    return nullptr;
}

QStringList supportedSourceKinds()
{
    return {QStringLiteral("azure-openai"), QStringLiteral("azure-monitor"),
            QStringLiteral("openai"),       QStringLiteral("anthropic"),
            QStringLiteral("prometheus"),   QStringLiteral("ollama")};
}

} // namespace isc
