#pragma once

#include <QString>
#include <QStringList>
#include <optional>

namespace isc {

struct Connection;
struct Deployment;

/// Where a deployment's traffic runs, for the routing page and the what-if replay. Spillover is
/// not a class: it is a flow between a provisioned deployment and its spillover target.
enum class RouteClass {
    Local,         ///< vLLM, llama.cpp, Ollama, container-hosted models
    Provisioned,   ///< reserved capacity (Azure *ProvisionedManaged, PTU)
    PayPerToken,   ///< Azure Standard, GlobalStandard, DataZoneStandard, DeveloperTier
    Batch,         ///< Azure *Batch
    OtherProvider, ///< OpenAI or Anthropic directly
    Unknown,       ///< nothing to go by (an Azure deployment without a known SKU)
};

/// Number of RouteClass values, for arrays indexed by class.
constexpr int kRouteClassCount = 6;

/// The stable name used in files and the CLI: "local", "provisioned", "pay-per-token", "batch",
/// "other-provider", "unknown".
QString routeClassName(RouteClass c);

/// Words for the UI: "Local", "Provisioned (PTU)", "Pay-per-token", ...
QString routeClassTitle(RouteClass c);

/// Parses routeClassName() (case-insensitive); nullopt for anything else.
std::optional<RouteClass> routeClassFromName(const QString& name);

/// Every stable name, in enum order.
QStringList routeClassNames();

/// Classifies by connection kind (connectionKinds()), Azure SKU and a user override (a
/// routeClassName(); empty or unparsable = no override).
RouteClass classifyRoute(const QString& connectionKind, const QString& sku,
                         const QString& override = {});

/// Classifies a deployment of a connection; Connection::routeClass overrides.
RouteClass classifyRoute(const Connection& connection, const Deployment& deployment);

/// True for the classes that run on someone else's cloud (everything but Local and Unknown).
bool isCloud(RouteClass c);

} // namespace isc
