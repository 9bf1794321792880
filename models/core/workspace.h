#pragma once

#include "metricselector.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <QVector>
#include <optional>

namespace isc {

/// Where a connection's secret lives. Never the secret itself.
struct SecretRef
{
    enum class Kind { None, Env, Demo, Keychain };
    Kind kind = Kind::None;
    QString name; ///< environment variable name (Env) or keychain entry name (Keychain)

    bool operator==(const SecretRef& o) const { return kind == o.kind && name == o.name; }
};

/// How a connection logs in. Secrets themselves are only ever referenced (SecretRef).
struct ConnectionAuth
{
    /// "token": `credential` is the bearer token or API/admin key itself (default);
    /// "client-credentials": Entra ID app login, `credential` is the client secret;
    /// "az-cli": reuse the Azure CLI login (`az account get-access-token`), no credential.
    QString method = QStringLiteral("token");
    QString tenantId;   ///< client-credentials
    QString clientId;   ///< client-credentials
    QUrl authorityHost; ///< e.g. https://login.microsoftonline.com (sovereign clouds differ)

    bool operator==(const ConnectionAuth& o) const
    {
        return method == o.method && tenantId == o.tenantId && clientId == o.clientId &&
               authorityHost == o.authorityHost;
    }
};

/// One configured source, as written in the workspace file.
struct Connection
{
    QString id; ///< stable id, stored with every series
    /// One of connectionKinds(): "azure-openai", "azure-monitor" (any Azure Monitor resource,
    /// e.g. a container group), "openai", "anthropic", "prometheus" (vLLM, llama.cpp, TGI, or
    /// any /metrics endpoint through `selectors`),
    /// "ollama", "openai-compatible" (a local chat server, playground only).
    QString kind;
    QString displayName;     ///< shown in the UI
    QUrl managementEndpoint; ///< Azure kinds: ARM endpoint (public, China, US Gov, emulator)
    QString resourceId;      ///< Azure kinds: "/subscriptions/…/accounts/…"
    /// Azure OpenAI: the inference endpoint (playground). Other kinds: the base URL, e.g.
    /// https://api.openai.com/v1, https://api.anthropic.com/v1, http://host:8000/metrics,
    /// http://localhost:11434.
    QUrl endpoint;
    SecretRef credential;          ///< monitoring credential: ARM token / client secret / admin key
    SecretRef inferenceCredential; ///< playground API key (Azure api-key, OpenAI/Anthropic key)
    ConnectionAuth auth;
    QStringList metrics; ///< azure-monitor: metric names to poll (checked against definitions)
    /// prometheus: the series of any /metrics endpoint to store (a gateway, LiteLLM, a custom
    /// server), beside vLLM's, llama.cpp's and TGI's own, which are recognised unasked.
    QVector<MetricSelector> selectors;
    QString routeClass; ///< user override of the route class (routing page); empty = inferred
    /// Per deployment (or model) name, a route class that wins over routeClass and the SKU,
    /// e.g. {"gpt-4o-mini": "local"} for a deployment fronting a model hosted in-house.
    QHash<QString, QString> deploymentRouteClasses;
    /// The route class override for deployment `name`: its own, else the connection's; empty
    /// when none is set.
    QString routeClassFor(const QString& name) const;
    int pollIntervalSeconds = 60;
    int backfillDays = 30;

    bool isAzure() const;

    bool operator==(const Connection& o) const;
};

/// A workspace: the connections to poll and how long to keep what they give.
struct Workspace
{
    QString name;
    bool demo = false;    ///< true for the built-in demo fleet (labelled as demo data)
    QString databasePath; ///< empty = the default in the user's data directory
    int rawRetentionDays = 35;
    int fiveMinuteRetentionDays = 400;
    QString caBundlePath; ///< extra CA certificates (PEM) for corporate TLS inspection
    QVector<Connection> connections;
    /// User price overrides (enterprise discounts), as PriceCatalog::applyOverrides() reads them.
    QJsonArray priceOverrides;
    /// Budgets and cost settings, e.g. {"monthlyUsd": "25000", "ptuBilling": "monthly"}: the
    /// monthly budget, and the pricing basis of provisioned (PTU) deployments on the Cost and
    /// Capacity pages, "hourly", "monthly" or "yearly" (reservation; monthly when absent).
    /// Edited in the price editor (widgets/pages/costpage.h reads it).
    QJsonObject budget;
    /// The routing policy (models/routing RoutingPolicy JSON), empty when none.
    QJsonObject routingPolicy;
    /// The alerting rules (models/alerts AlertConfig reads it, with an error per bad field;
    /// docs/alerts-format.md), empty when none.
    QJsonObject alerts;

    /// Reads a workspace file; on failure returns nullopt and sets `error` to one line of words.
    static std::optional<Workspace> load(const QString& path, QString* error);
    /// Parses workspace JSON (see README); refuses any field that would hold a secret.
    static std::optional<Workspace> fromJson(const QByteArray& json, QString* error);
    /// Serialises to JSON (never containing a secret, only references).
    QByteArray toJson() const;
    /// Writes atomically; returns false and sets `error` on failure.
    bool save(const QString& path, QString* error) const;

    /// The demo workspace: one Azure OpenAI account served by the emulator at `emulatorBase`.
    static Workspace demoWorkspace(const QUrl& emulatorBase, const QString& resourceId);
};

/// Every connection kind a workspace may name.
QStringList connectionKinds();

/// The default database path for a workspace: <AppDataLocation>/<demo|workspace>.sqlite.
QString defaultDatabasePath(bool demo);

} // namespace isc
