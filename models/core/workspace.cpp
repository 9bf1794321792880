#include "workspace.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QStandardPaths>

namespace isc {
namespace {

// Field names that would carry a secret: a workspace file holding one is refused.
const char* const kSecretFields[] = {"token",  "apiKey",   "api_key",      "key",
                                     "secret", "password", "clientSecret", "accessToken"};

std::optional<SecretRef> parseCredential(const QJsonValue& v, QString* error)
{
    SecretRef ref;
    if (v.isUndefined() || v.isNull())
        return ref;
    const QJsonObject o = v.toObject();
    for (const char* f : kSecretFields) {
        if (o.contains(QLatin1String(f))) {
            *error = QStringLiteral(
                         "credential.%1: secrets never go in the workspace file; "
                         "name an environment variable instead, e.g. {\"env\": \"AZURE_TOKEN\"}")
                         .arg(QLatin1String(f));
            return std::nullopt;
        }
    }
    if (o.contains(QLatin1String("env"))) {
        ref.kind = SecretRef::Kind::Env;
        ref.name = o.value(QLatin1String("env")).toString();
        if (ref.name.isEmpty()) {
            *error = QStringLiteral("credential.env must name an environment variable");
            return std::nullopt;
        }
    } else if (o.contains(QLatin1String("keychain"))) {
        ref.kind = SecretRef::Kind::Keychain;
        ref.name = o.value(QLatin1String("keychain")).toString();
        if (ref.name.isEmpty()) {
            *error = QStringLiteral("credential.keychain must name a keychain entry");
            return std::nullopt;
        }
    } else if (o.value(QLatin1String("demo")).toBool()) {
        ref.kind = SecretRef::Kind::Demo;
    } else if (!o.isEmpty()) {
        *error = QStringLiteral(
            "credential: expected {\"env\": \"VARIABLE\"} or {\"keychain\": \"ENTRY\"}");
        return std::nullopt;
    }
    return ref;
}

QJsonValue credentialToJson(const SecretRef& ref)
{
    switch (ref.kind) {
    case SecretRef::Kind::None:
        return QJsonValue();
    case SecretRef::Kind::Env:
        return QJsonObject{{QStringLiteral("env"), ref.name}};
    case SecretRef::Kind::Demo:
        return QJsonObject{{QStringLiteral("demo"), true}};
    case SecretRef::Kind::Keychain:
        return QJsonObject{{QStringLiteral("keychain"), ref.name}};
    }
    return QJsonValue();
}

} // namespace

bool Connection::operator==(const Connection& o) const
{
    return id == o.id && kind == o.kind && displayName == o.displayName &&
           managementEndpoint == o.managementEndpoint && resourceId == o.resourceId &&
           endpoint == o.endpoint && credential == o.credential &&
           inferenceCredential == o.inferenceCredential && auth == o.auth && metrics == o.metrics &&
           selectors == o.selectors && routeClass == o.routeClass &&
           deploymentRouteClasses == o.deploymentRouteClasses &&
           pollIntervalSeconds == o.pollIntervalSeconds && backfillDays == o.backfillDays;
}

QString Connection::routeClassFor(const QString& name) const
{
    return deploymentRouteClasses.value(name, routeClass);
}

bool Connection::isAzure() const
{
    return kind == QLatin1String("azure-openai") || kind == QLatin1String("azure-monitor");
}

QStringList connectionKinds()
{
    return {QStringLiteral("azure-openai"),     QStringLiteral("azure-monitor"),
            QStringLiteral("openai"),           QStringLiteral("anthropic"),
            QStringLiteral("prometheus"),       QStringLiteral("ollama"),
            QStringLiteral("openai-compatible")};
}

std::optional<Workspace> Workspace::fromJson(const QByteArray& json, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (doc.isNull()) {
        *error =
            QStringLiteral("not valid JSON: %1 at offset %2").arg(pe.errorString()).arg(pe.offset);
        return std::nullopt;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral("the workspace must be a JSON object");
        return std::nullopt;
    }
    const QJsonObject root = doc.object();
    Workspace ws;
    ws.name = root.value(QLatin1String("name")).toString(QStringLiteral("Workspace"));
    ws.demo = root.value(QLatin1String("demo")).toBool(false);
    ws.databasePath = root.value(QLatin1String("database")).toString();
    const QJsonObject retention = root.value(QLatin1String("retention")).toObject();
    ws.rawRetentionDays = retention.value(QLatin1String("rawDays")).toInt(35);
    ws.fiveMinuteRetentionDays = retention.value(QLatin1String("fiveMinuteDays")).toInt(400);
    ws.priceOverrides = root.value(QLatin1String("priceOverrides")).toArray();
    ws.budget = root.value(QLatin1String("budget")).toObject();
    ws.routingPolicy = root.value(QLatin1String("routingPolicy")).toObject();
    const QJsonValue alerts = root.value(QLatin1String("alerts"));
    if (!alerts.isUndefined() && !alerts.isObject()) {
        *error = QStringLiteral("alerts: expected an object such as {\"rules\": []} "
                                "(docs/alerts-format.md)");
        return std::nullopt;
    }
    ws.alerts = alerts.toObject();
    ws.caBundlePath =
        root.value(QLatin1String("network")).toObject().value(QLatin1String("caBundle")).toString();
    if (ws.rawRetentionDays < 1 || ws.fiveMinuteRetentionDays < ws.rawRetentionDays) {
        *error = QStringLiteral("retention: rawDays must be >= 1 and fiveMinuteDays >= rawDays");
        return std::nullopt;
    }
    const QJsonArray conns = root.value(QLatin1String("connections")).toArray();
    for (int i = 0; i < conns.size(); ++i) {
        const QJsonObject o = conns.at(i).toObject();
        const QString where = QStringLiteral("connections[%1]").arg(i);
        for (const char* f : kSecretFields) {
            if (o.contains(QLatin1String(f))) {
                *error = QStringLiteral("%1.%2: secrets never go in the workspace file; use "
                                        "\"credential\": {\"env\": \"VARIABLE\"}")
                             .arg(where, QLatin1String(f));
                return std::nullopt;
            }
        }
        Connection c;
        c.id = o.value(QLatin1String("id")).toString();
        c.kind = o.value(QLatin1String("kind")).toString();
        c.displayName = o.value(QLatin1String("displayName")).toString(c.id);
        // Only Azure kinds have (and save) a management endpoint: others keep it empty.
        c.managementEndpoint =
            QUrl(o.value(QLatin1String("managementEndpoint"))
                     .toString(c.isAzure() ? QStringLiteral("https://management.azure.com")
                                           : QString()));
        c.resourceId = o.value(QLatin1String("resourceId")).toString();
        c.endpoint = QUrl(o.value(QLatin1String("endpoint")).toString());
        c.pollIntervalSeconds = o.value(QLatin1String("pollIntervalSeconds")).toInt(60);
        c.backfillDays = o.value(QLatin1String("backfillDays")).toInt(30);
        QString credError;
        const auto cred = parseCredential(o.value(QLatin1String("credential")), &credError);
        if (!cred) {
            *error = where + QLatin1Char('.') + credError;
            return std::nullopt;
        }
        c.credential = *cred;
        const auto inference =
            parseCredential(o.value(QLatin1String("inferenceCredential")), &credError);
        if (!inference) {
            *error = where + QStringLiteral(".inference") + credError;
            return std::nullopt;
        }
        c.inferenceCredential = *inference;
        const QJsonObject auth = o.value(QLatin1String("auth")).toObject();
        c.auth.method = auth.value(QLatin1String("method")).toString(QStringLiteral("token"));
        c.auth.tenantId = auth.value(QLatin1String("tenantId")).toString();
        c.auth.clientId = auth.value(QLatin1String("clientId")).toString();
        c.auth.authorityHost = QUrl(auth.value(QLatin1String("authorityHost")).toString());
        for (const auto& m : o.value(QLatin1String("metrics")).toArray())
            c.metrics.append(m.toString());
        const QJsonValue selectors = o.value(QLatin1String("selectors"));
        if (!selectors.isUndefined() && c.kind != QLatin1String("prometheus")) {
            *error = where + QStringLiteral(".selectors: only a \"prometheus\" connection picks "
                                            "series by selectors");
            return std::nullopt;
        }
        QString selectorError;
        const auto picked = parseMetricSelectors(selectors, &selectorError);
        if (!picked) {
            *error = where + QLatin1Char('.') + selectorError;
            return std::nullopt;
        }
        c.selectors = *picked;
        c.routeClass = o.value(QLatin1String("routeClass")).toString();
        const QJsonValue perDeployment = o.value(QLatin1String("deploymentRouteClasses"));
        if (!perDeployment.isUndefined() && !perDeployment.isObject()) {
            *error = where + QStringLiteral(": \"deploymentRouteClasses\" must map deployment "
                                            "names to route classes, e.g. {\"gpt-4o-mini\": "
                                            "\"local\"}");
            return std::nullopt;
        }
        const QJsonObject classes = perDeployment.toObject();
        for (auto it = classes.begin(); it != classes.end(); ++it) {
            if (!it.value().isString()) {
                *error = where + QStringLiteral(": the route class of \"%1\" must be a name "
                                                "such as \"local\"")
                                     .arg(it.key());
                return std::nullopt;
            }
            c.deploymentRouteClasses.insert(it.key(), it.value().toString());
        }
        if (c.id.isEmpty()) {
            *error = where + QStringLiteral(": \"id\" is required");
            return std::nullopt;
        }
        if (!connectionKinds().contains(c.kind)) {
            *error = where + QStringLiteral(": unknown kind \"%1\" (supported: %2)")
                                 .arg(c.kind, connectionKinds().join(QStringLiteral(", ")));
            return std::nullopt;
        }
        static const QStringList methods{QStringLiteral("token"),
                                         QStringLiteral("client-credentials"),
                                         QStringLiteral("az-cli")};
        if (!methods.contains(c.auth.method)) {
            *error = where + QStringLiteral(".auth.method: \"%1\" is not one of %2")
                                 .arg(c.auth.method, methods.join(QStringLiteral(", ")));
            return std::nullopt;
        }
        if (c.auth.method == QLatin1String("client-credentials") &&
            (c.auth.tenantId.isEmpty() || c.auth.clientId.isEmpty())) {
            *error =
                where + QStringLiteral(".auth: client-credentials needs tenantId and clientId");
            return std::nullopt;
        }
        if (c.isAzure()) {
            if (!c.managementEndpoint.isValid() || c.managementEndpoint.scheme().isEmpty()) {
                *error = where + QStringLiteral(": managementEndpoint is not a URL");
                return std::nullopt;
            }
            if (!c.resourceId.startsWith(QLatin1String("/subscriptions/"))) {
                *error = where + QStringLiteral(": resourceId must start with /subscriptions/");
                return std::nullopt;
            }
        } else if (!c.endpoint.isValid() || c.endpoint.scheme().isEmpty()) {
            *error =
                where +
                QStringLiteral(": \"endpoint\" (the base URL) is required for kind %1").arg(c.kind);
            return std::nullopt;
        }
        if (c.pollIntervalSeconds < 10 || c.backfillDays < 0 || c.backfillDays > 93) {
            *error = where +
                     QStringLiteral(": pollIntervalSeconds must be >= 10 and backfillDays 0..93");
            return std::nullopt;
        }
        for (const auto& other : std::as_const(ws.connections)) {
            if (other.id == c.id) {
                *error = where + QStringLiteral(": duplicate id \"%1\"").arg(c.id);
                return std::nullopt;
            }
        }
        ws.connections.append(c);
    }
    return ws;
}

std::optional<Workspace> Workspace::load(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read workspace %1: %2").arg(path, f.errorString());
        return std::nullopt;
    }
    QString inner;
    auto ws = fromJson(f.read(4 * 1024 * 1024), &inner);
    if (!ws)
        *error = QStringLiteral("workspace %1: %2").arg(path, inner);
    return ws;
}

QByteArray Workspace::toJson() const
{
    QJsonArray conns;
    for (const auto& c : connections) {
        QJsonObject o{{QStringLiteral("id"), c.id},
                      {QStringLiteral("kind"), c.kind},
                      {QStringLiteral("displayName"), c.displayName},
                      {QStringLiteral("pollIntervalSeconds"), c.pollIntervalSeconds},
                      {QStringLiteral("backfillDays"), c.backfillDays}};
        if (c.isAzure()) {
            o.insert(QStringLiteral("managementEndpoint"), c.managementEndpoint.toString());
            o.insert(QStringLiteral("resourceId"), c.resourceId);
        }
        if (!c.endpoint.isEmpty())
            o.insert(QStringLiteral("endpoint"), c.endpoint.toString());
        const QJsonValue cred = credentialToJson(c.credential);
        if (!cred.isNull())
            o.insert(QStringLiteral("credential"), cred);
        const QJsonValue inference = credentialToJson(c.inferenceCredential);
        if (!inference.isNull())
            o.insert(QStringLiteral("inferenceCredential"), inference);
        if (!(c.auth == ConnectionAuth())) {
            QJsonObject a{{QStringLiteral("method"), c.auth.method}};
            if (!c.auth.tenantId.isEmpty())
                a.insert(QStringLiteral("tenantId"), c.auth.tenantId);
            if (!c.auth.clientId.isEmpty())
                a.insert(QStringLiteral("clientId"), c.auth.clientId);
            if (!c.auth.authorityHost.isEmpty())
                a.insert(QStringLiteral("authorityHost"), c.auth.authorityHost.toString());
            o.insert(QStringLiteral("auth"), a);
        }
        if (!c.metrics.isEmpty())
            o.insert(QStringLiteral("metrics"), QJsonArray::fromStringList(c.metrics));
        if (!c.selectors.isEmpty())
            o.insert(QStringLiteral("selectors"), metricSelectorsToJson(c.selectors));
        if (!c.routeClass.isEmpty())
            o.insert(QStringLiteral("routeClass"), c.routeClass);
        if (!c.deploymentRouteClasses.isEmpty()) {
            QJsonObject classes;
            for (auto it = c.deploymentRouteClasses.cbegin(); it != c.deploymentRouteClasses.cend();
                 ++it)
                classes.insert(it.key(), it.value());
            o.insert(QStringLiteral("deploymentRouteClasses"), classes);
        }
        conns.append(o);
    }
    QJsonObject root{{QStringLiteral("name"), name},
                     {QStringLiteral("retention"),
                      QJsonObject{{QStringLiteral("rawDays"), rawRetentionDays},
                                  {QStringLiteral("fiveMinuteDays"), fiveMinuteRetentionDays}}},
                     {QStringLiteral("connections"), conns}};
    if (demo)
        root.insert(QStringLiteral("demo"), true);
    if (!databasePath.isEmpty())
        root.insert(QStringLiteral("database"), databasePath);
    if (!priceOverrides.isEmpty())
        root.insert(QStringLiteral("priceOverrides"), priceOverrides);
    if (!budget.isEmpty())
        root.insert(QStringLiteral("budget"), budget);
    if (!routingPolicy.isEmpty())
        root.insert(QStringLiteral("routingPolicy"), routingPolicy);
    if (!alerts.isEmpty())
        root.insert(QStringLiteral("alerts"), alerts);
    if (!caBundlePath.isEmpty())
        root.insert(QStringLiteral("network"),
                    QJsonObject{{QStringLiteral("caBundle"), caBundlePath}});
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

bool Workspace::save(const QString& path, QString* error) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(toJson()) < 0 || !f.commit()) {
        *error = QStringLiteral("cannot write workspace %1: %2").arg(path, f.errorString());
        return false;
    }
    return true;
}

Workspace Workspace::demoWorkspace(const QUrl& emulatorBase, const QString& resourceId)
{
    Workspace ws;
    ws.name = QStringLiteral("Demo fleet (emulator)");
    ws.demo = true;
    Connection c;
    c.id = QStringLiteral("demo-azure");
    c.kind = QStringLiteral("azure-openai");
    c.displayName = QStringLiteral("Contoso Azure OpenAI (demo)");
    c.managementEndpoint = emulatorBase;
    c.resourceId = resourceId;
    c.endpoint = emulatorBase;
    c.credential.kind = SecretRef::Kind::Demo;
    ws.connections.append(c);
    // The container group beside the account that serves a small model (phi-3-mini).
    Connection aci;
    aci.id = QStringLiteral("demo-aci");
    aci.kind = QStringLiteral("azure-monitor");
    aci.displayName = QStringLiteral("phi-3-mini container group (demo)");
    aci.managementEndpoint = emulatorBase;
    aci.resourceId = resourceId.section(QLatin1Char('/'), 0, 4) +
                     QStringLiteral("/providers/Microsoft.ContainerInstance/containerGroups/"
                                    "aci-phi3-mini");
    aci.credential.kind = SecretRef::Kind::Demo;
    aci.metrics = QStringList{QStringLiteral("CpuUsage"), QStringLiteral("MemoryUsage"),
                              QStringLiteral("NetworkBytesReceivedPerSecond"),
                              QStringLiteral("NetworkBytesTransmittedPerSecond")};
    ws.connections.append(aci);
    // The OpenAI and Anthropic organisations of the same demo fleet.
    const struct
    {
        const char* id;
        const char* kind;
        const char* name;
        const char* path;
    } clouds[] = {{"demo-openai", "openai", "Inferscope OpenAI org (demo)", "/providers/openai/v1"},
                  {"demo-anthropic", "anthropic", "Inferscope Anthropic org (demo)",
                   "/providers/anthropic/v1"}};
    for (const auto& cloud : clouds) {
        Connection k;
        k.id = QLatin1String(cloud.id);
        k.kind = QLatin1String(cloud.kind);
        k.displayName = QLatin1String(cloud.name);
        k.endpoint = emulatorBase.resolved(QUrl(QLatin1String(cloud.path)));
        k.credential.kind = SecretRef::Kind::Demo;
        ws.connections.append(k);
    }
    // The local servers of the same fleet: a vLLM, a llama.cpp and an Ollama (no credential).
    const struct
    {
        const char* id;
        const char* kind;
        const char* name;
        const char* path;
    } locals[] = {
        {"demo-vllm", "prometheus", "Local vLLM (demo)", "/local/vllm/metrics"},
        {"demo-llamacpp", "prometheus", "Local llama.cpp (demo)", "/local/llamacpp/metrics"},
        {"demo-ollama", "ollama", "Local Ollama (demo)", "/local/ollama"}};
    for (const auto& local : locals) {
        Connection k;
        k.id = QLatin1String(local.id);
        k.kind = QLatin1String(local.kind);
        k.displayName = QLatin1String(local.name);
        k.endpoint = emulatorBase.resolved(QUrl(QLatin1String(local.path)));
        k.pollIntervalSeconds = 15;
        // Marks them as the emulator's: only a demo server can be scraped at a past instant,
        // so only these backfill (PrometheusSource).
        if (k.kind == QLatin1String("prometheus"))
            k.credential.kind = SecretRef::Kind::Demo;
        ws.connections.append(k);
    }
    return ws;
}

QString defaultDatabasePath(bool demo)
{
    const QString dir = QStandardPaths::writableLocation(QStandardPaths::AppDataLocation);
    QDir().mkpath(dir);
    return dir + (demo ? QStringLiteral("/demo.sqlite") : QStringLiteral("/inferscope.sqlite"));
}

} // namespace isc
