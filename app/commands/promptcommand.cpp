#include "commands.h"
#include "databasepassword.h"
#include "net/secretstore.h"

#include "core/workspace.h"
#include "emulator/emulator.h"
#include "net/httpclient.h"
#include "playground/chatclient.h"
#include "playground/chatwire.h"
#include "playground/playgroundtargets.h"
#include "playground/runrecord.h"
#include "playground/runresult.h"
#include "sources/credentialprovider.h"
#include "store/samplestore.h"

#include "cost/costengine.h"
#include "cost/pricecatalog.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QSettings>
#include <cstdio>
#include <memory>
#include <optional>

namespace isc::app {
namespace {

// The demo's chat targets: Azure deployments by name, the other providers by kind.
bool demoTarget(const QString& name, const emu::Emulator& emulator, ChatTarget* t, QString* error)
{
    const QString base = emulator.baseUrl().toString();
    t->name = name;
    t->apiKey = [](QString*) { return emu::Emulator::demoToken(); };
    if (emulator.traffic().indexOf(name) >= 0) {
        t->dialect = ChatDialect::Azure;
        t->baseUrl = QUrl(base);
        t->deployment = name;
        return true;
    }
    if (name == QLatin1String("openai")) {
        t->baseUrl = QUrl(base + QStringLiteral("/providers/openai/v1"));
        t->model = QStringLiteral("gpt-4o-mini");
        return true;
    }
    if (name == QLatin1String("anthropic")) {
        t->dialect = ChatDialect::Anthropic;
        t->baseUrl = QUrl(base + QStringLiteral("/providers/anthropic/v1"));
        t->model = QStringLiteral("claude-sonnet-4-5");
        return true;
    }
    if (QStringList{"vllm", "llamacpp", "ollama"}.contains(name)) {
        t->baseUrl = QUrl(base + QStringLiteral("/local/") + name);
        t->model = QStringLiteral("llama3.2:3b");
        t->apiKey = nullptr;
        return true;
    }
    QStringList names;
    for (const auto& d : emulator.traffic().fleet())
        names << d.name;
    names << QStringLiteral("openai") << QStringLiteral("anthropic") << QStringLiteral("vllm")
          << QStringLiteral("llamacpp") << QStringLiteral("ollama");
    *error = QStringLiteral("the demo has no target \"%1\" (targets: %2)")
                 .arg(name, names.join(QStringLiteral(", ")));
    return false;
}

// A connection by id or display name; else `name` is a deployment of the first Azure OpenAI
// connection with an inference endpoint.
bool workspaceTarget(const QString& name, const Workspace& ws, ChatTarget* t, QString* connection,
                     QString* provider, QString* error)
{
    const Connection* found = nullptr;
    for (const Connection& c : ws.connections) {
        if (!c.isAzure() && (c.id == name || c.displayName == name)) {
            found = &c;
            break;
        }
    }
    if (found) {
        *connection = found->id;
        *provider = found->kind;
        t->name = name;
        t->baseUrl = found->endpoint;
        if (found->kind == QLatin1String("anthropic")) {
            t->dialect = ChatDialect::Anthropic;
        } else if (found->kind == QLatin1String("prometheus")) {
            QString path = t->baseUrl.path();
            if (path.endsWith(QLatin1String("/metrics")))
                t->baseUrl.setPath(path.chopped(8)); // the chat API sits beside /metrics
        }
        if (found->inferenceCredential.kind != SecretRef::Kind::None) {
            const Credential key = inferenceCredential(*found);
            t->apiKey = key.secret;
            t->keyReady = key.whenReady; // the run waits for a key read in the background
        }
        return true;
    }
    for (const Connection& c : ws.connections) {
        if (c.kind == QLatin1String("azure-openai") && c.endpoint.isValid()) {
            *connection = c.id;
            *provider = c.kind;
            t->name = name;
            t->dialect = ChatDialect::Azure;
            t->baseUrl = c.endpoint;
            t->deployment = name;
            if (c.inferenceCredential.kind != SecretRef::Kind::None) {
                const Credential key = inferenceCredential(c);
                t->apiKey = key.secret;
                t->keyReady = key.whenReady;
            }
            return true;
        }
    }
    *error = QStringLiteral("the workspace has no connection named \"%1\" and no Azure OpenAI "
                            "connection with an inference endpoint")
                 .arg(name);
    return false;
}

// The stderr metrics line: "cost" is a number in USD or null when no price exists (never $0);
// the words ("$0.000123", "no price") go in "cost_text"; "headers" are the provider's headers
// recorded with the run. The stored history keeps toJson().
QJsonObject metricsLine(const RunResult& r)
{
    QJsonObject o = r.toJson();
    const std::optional<Money>& cost = r.metrics.cost;
    const QJsonValue usd = cost ? QJsonValue(cost->toUnits()) : QJsonValue(QJsonValue::Null);
    o.insert(QStringLiteral("cost"), usd);
    o.insert(QStringLiteral("cost_usd"), usd);
    o.insert(QStringLiteral("cost_text"), cost ? cost->format(6) : QStringLiteral("no price"));
    // The provider's own measure of itself, as the history keeps it (no request header).
    o.insert(QStringLiteral("headers"), headersToJson(r.metrics.providerHeaders));
    return o;
}

} // namespace

int runPrompt(const Invocation& inv)
{
    std::unique_ptr<emu::Emulator> emulator;
    ChatTarget target;
    QString connection; ///< the connection id recorded in the history
    QString provider;   ///< the price catalog's provider, empty = no price
    QString error;
    if (inv.demo) {
        emulator = std::make_unique<emu::Emulator>(inv.seed);
        if (!emulator->listen(QHostAddress::LocalHost, 0, &error)) {
            printError(QStringLiteral("could not start the demo emulator: %1").arg(error));
            return 1;
        }
        if (!demoTarget(inv.target, *emulator, &target, &error)) {
            printError(error);
            return 2;
        }
        connection = QStringLiteral("demo");
        if (inv.target == QLatin1String("openai") || inv.target == QLatin1String("anthropic"))
            provider = inv.target;
    } else if (!inv.workspacePath.isEmpty()) {
        const auto ws = Workspace::load(inv.workspacePath, &error);
        if (!ws) {
            printError(error);
            return 2;
        }
        if (!workspaceTarget(inv.target, *ws, &target, &connection, &provider, &error)) {
            printError(error);
            return 2;
        }
    } else {
        target.name = inv.baseUrl;
        parseDialect(inv.dialect, &target.dialect);
        target.baseUrl = QUrl(inv.baseUrl);
        target.deployment = inv.deployment;
        if (!target.baseUrl.isValid() || target.baseUrl.scheme().isEmpty()) {
            printError(QStringLiteral("--base-url: \"%1\" is not a URL").arg(inv.baseUrl));
            return 2;
        }
    }
    if (!inv.model.isEmpty())
        target.model = inv.model;
    if (!inv.apiKeyEnv.isEmpty()) {
        const QString var = inv.apiKeyEnv;
        target.keyReady = nullptr; // an environment variable answers at once
        target.apiKey = [var](QString* err) {
            const QString key = qEnvironmentVariable(qPrintable(var)).trimmed();
            if (key.isEmpty() && err)
                *err = QStringLiteral("the environment variable %1 (--api-key-env) is not set or "
                                      "empty")
                           .arg(var);
            return key;
        };
    }

    ChatRequest request = ChatRequest::fromPrompt(inv.system, inv.promptText);
    for (const QString& param : inv.params) {
        const qsizetype eq = param.indexOf(QLatin1Char('='));
        if (!request.setParam(param.left(eq), param.mid(eq + 1), &error)) {
            printError(error);
            return 2;
        }
    }
    if (target.dialect == ChatDialect::Azure && target.deployment.isEmpty() &&
        effectiveModel(target, request).isEmpty()) {
        printError(QStringLiteral("Azure's v1 path needs the deployment name as --model (or "
                                  "--deployment NAME for the deployment URL)"));
        return 2;
    }

    HttpClient http;
    ChatClient client(&http);
    // Azure needs the deployment's SKU from an inventory the CLI does not fetch: "no price".
    client.setPriceLookup(
        makePriceLookup(CostEngine(PriceCatalog::builtin()), {},
                        provider == QLatin1String("azure-openai") ? QString() : provider));
    const qint64 startedAtMs = QDateTime::currentMSecsSinceEpoch();
    RunResult result;
    bool endsWithNewline = true;
    QObject::connect(&client, &ChatClient::delta, &client, [&](const QString& text) {
        std::fputs(text.toUtf8().constData(), stdout);
        std::fflush(stdout);
        endsWithNewline = text.endsWith(QLatin1Char('\n'));
    });
    QObject::connect(&client, &ChatClient::finished, &client, [&](const RunResult& r) {
        result = r;
        QCoreApplication::quit();
    });
    client.run(target, request);
    QCoreApplication::exec();
    if (!endsWithNewline)
        std::fputs("\n", stdout);
    std::fflush(stdout);
    std::fprintf(stderr, "%s\n",
                 QJsonDocument(metricsLine(result)).toJson(QJsonDocument::Compact).constData());
    if (!inv.dbPath.isEmpty()) {
        // The Playground's redaction setting holds here too: metrics only when it is off.
        const bool keepText =
            QSettings().value(QStringLiteral("playground/keepText"), true).toBool();
        SampleStore store;
        const OpenReport opened =
            store.open(inv.dbPath, DatabasePassword::settingsFor(inv.dbPath, SecretStore::shared()))
                .result();
        const RunSaveReport saved =
            opened.usable() ? store
                                  .saveRun(makeStoredRun(target, connection, request, result,
                                                         !keepText, startedAtMs))
                                  .result()
                            : RunSaveReport{false, 0, opened.message};
        if (!saved.ok) {
            printError(
                QStringLiteral("the run was not recorded in %1: %2").arg(opened.path, saved.error));
            return 1;
        }
    }
    if (!result.ok()) {
        printError(result.error);
        return 1;
    }
    return 0;
}

} // namespace isc::app
