#include "routing/routeclass.h"

#include "core/deployment.h"
#include "core/workspace.h"

namespace isc {

QString routeClassName(RouteClass c)
{
    switch (c) {
    case RouteClass::Local:
        return QStringLiteral("local");
    case RouteClass::Provisioned:
        return QStringLiteral("provisioned");
    case RouteClass::PayPerToken:
        return QStringLiteral("pay-per-token");
    case RouteClass::Batch:
        return QStringLiteral("batch");
    case RouteClass::OtherProvider:
        return QStringLiteral("other-provider");
    case RouteClass::Unknown:
        break;
    }
    return QStringLiteral("unknown");
}

QString routeClassTitle(RouteClass c)
{
    switch (c) {
    case RouteClass::Local:
        return QStringLiteral("Local");
    case RouteClass::Provisioned:
        return QStringLiteral("Provisioned (PTU)");
    case RouteClass::PayPerToken:
        return QStringLiteral("Pay-per-token");
    case RouteClass::Batch:
        return QStringLiteral("Batch");
    case RouteClass::OtherProvider:
        return QStringLiteral("Other provider");
    case RouteClass::Unknown:
        break;
    }
    return QStringLiteral("Unknown");
}

std::optional<RouteClass> routeClassFromName(const QString& name)
{
    for (int i = 0; i < kRouteClassCount; ++i) {
        const auto c = static_cast<RouteClass>(i);
        if (name.compare(routeClassName(c), Qt::CaseInsensitive) == 0)
            return c;
    }
    return std::nullopt;
}

QStringList routeClassNames()
{
    QStringList names;
    for (int i = 0; i < kRouteClassCount; ++i)
        names << routeClassName(static_cast<RouteClass>(i));
    return names;
}

RouteClass classifyRoute(const QString& connectionKind, const QString& sku, const QString& override)
{
    if (const auto c = routeClassFromName(override.trimmed()))
        return *c;
    const QString kind = connectionKind.toLower();
    if (kind == QLatin1String("openai") || kind == QLatin1String("anthropic"))
        return RouteClass::OtherProvider;
    if (kind == QLatin1String("prometheus") || kind == QLatin1String("ollama") ||
        kind == QLatin1String("openai-compatible") || kind == QLatin1String("azure-monitor"))
        return RouteClass::Local; // azure-monitor: container groups hosting a model
    if (sku.endsWith(QLatin1String("ProvisionedManaged"), Qt::CaseInsensitive))
        return RouteClass::Provisioned;
    if (sku.endsWith(QLatin1String("Batch"), Qt::CaseInsensitive))
        return RouteClass::Batch;
    for (const char* s : {"Standard", "GlobalStandard", "DataZoneStandard", "DeveloperTier"}) {
        if (sku.compare(QLatin1String(s), Qt::CaseInsensitive) == 0)
            return RouteClass::PayPerToken;
    }
    return RouteClass::Unknown;
}

RouteClass classifyRoute(const Connection& connection, const Deployment& deployment)
{
    return classifyRoute(connection.kind, deployment.sku,
                         connection.routeClassFor(deployment.name));
}

bool isCloud(RouteClass c)
{
    return c != RouteClass::Local && c != RouteClass::Unknown;
}

} // namespace isc
