#include "playgroundtargets.h"

#include "cost/costengine.h"
#include "playground/runrecord.h"
#include "playground/tokenestimator.h"
#include "routing/policyevaluator.h"
#include "routing/routeclass.h"
#include "routing/routingpolicy.h"
#include "routing/trafficwindow.h"

#include <algorithm>

namespace isc {
namespace {

// Models offered per cloud connection; the pane's model field overrides them.
const char* const kOpenAiModels[] = {"gpt-4o-mini", "gpt-4o"};
const char* const kAnthropicModels[] = {"claude-sonnet-4-20250514", "claude-3-5-haiku-20241022"};

QString envVariable(const Connection& c, ChatDialect dialect)
{
    return c.inferenceCredential.kind == SecretRef::Kind::Env ? c.inferenceCredential.name
                                                              : defaultKeyVariable(dialect);
}

} // namespace

QVector<PlaygroundTarget> playgroundTargets(const Workspace& workspace,
                                            const Deployments& inventory, const KeyLookup& keys)
{
    QVector<PlaygroundTarget> out;
    for (const Connection& c : workspace.connections) {
        PlaygroundTarget base;
        base.connection = c.id;
        if (keys) {
            TargetKey key = keys(c);
            base.chat.apiKey = std::move(key.secret);
            base.chat.keyReady = std::move(key.ready);
        }
        if (c.kind == QLatin1String("azure-openai")) {
            if (!c.endpoint.isValid())
                continue;
            base.provider = QStringLiteral("azure-openai");
            base.chat.dialect = ChatDialect::Azure;
            base.chat.baseUrl = c.endpoint;
            base.keyVariable = envVariable(c, ChatDialect::Azure);
            for (const Deployment& d : inventory) {
                if (d.source != c.id || d.isBatch())
                    continue; // batch deployments take no chat requests
                PlaygroundTarget t = base;
                t.id = c.id + QLatin1Char('/') + d.name;
                t.label = QStringLiteral("%1 (%2, %3)").arg(d.name, d.model, d.sku);
                t.chat.name = d.name;
                t.chat.deployment = d.name;
                t.model = d.model;
                t.tags = {d.name, c.id, routeClassName(classifyRoute(c, d))};
                out.append(t);
            }
        } else if (c.kind == QLatin1String("openai") || c.kind == QLatin1String("anthropic")) {
            const bool anthropic = c.kind == QLatin1String("anthropic");
            base.provider = c.kind;
            base.chat.dialect = anthropic ? ChatDialect::Anthropic : ChatDialect::OpenAi;
            base.chat.baseUrl = c.endpoint;
            base.keyVariable = envVariable(c, base.chat.dialect);
            const auto models =
                anthropic ? std::begin(kAnthropicModels) : std::begin(kOpenAiModels);
            const auto end = anthropic ? std::end(kAnthropicModels) : std::end(kOpenAiModels);
            for (auto m = models; m != end; ++m) {
                PlaygroundTarget t = base;
                const QString model = QLatin1String(*m);
                t.id = c.id + QLatin1Char('/') + model;
                t.label = QStringLiteral("%1 · %2").arg(model, c.displayName);
                t.chat.name = model;
                t.chat.model = model;
                t.model = model;
                t.tags = {model, c.id,
                          routeClassName(classifyRoute(c.kind, {}, c.routeClassFor(model)))};
                out.append(t);
            }
        } else if (c.kind == QLatin1String("prometheus") || c.kind == QLatin1String("ollama") ||
                   c.kind == QLatin1String("openai-compatible")) {
            PlaygroundTarget t = base;
            t.provider = QStringLiteral("local");
            t.chat.dialect = ChatDialect::OpenAi;
            QUrl url = c.endpoint;
            const QString path = url.path();
            if (path.endsWith(QLatin1String("/metrics")))
                url.setPath(path.chopped(8)); // vLLM / llama.cpp serve chat beside /metrics
            t.chat.baseUrl = url;
            t.chat.model =
                c.kind == QLatin1String("ollama") ? QStringLiteral("llama3.2:3b") : QString();
            t.id = c.id;
            t.label = c.displayName;
            t.chat.name = c.displayName;
            t.model = t.chat.model;
            t.tags = {c.id, routeClassName(classifyRoute(c.kind, {}, c.routeClass))};
            t.keyVariable = c.inferenceCredential.kind == SecretRef::Kind::Env
                                ? c.inferenceCredential.name
                                : QString();
            if (c.inferenceCredential.kind == SecretRef::Kind::None) {
                t.chat.apiKey = nullptr; // local servers usually take no key
                t.chat.keyReady = nullptr;
            }
            out.append(t);
        }
    }
    return out;
}

ChatClient::PriceLookup makePriceLookup(const CostEngine& engine, const Deployments& inventory,
                                        const QString& provider)
{
    if (provider != QLatin1String("azure-openai") && provider != QLatin1String("openai") &&
        provider != QLatin1String("anthropic"))
        return [](const ChatTarget&, const QString&, const RunUsage&) -> std::optional<Money> {
            return std::nullopt;
        };
    return [engine, inventory, provider](const ChatTarget& target, const QString& model,
                                         const RunUsage& u) -> std::optional<Money> {
        if (!u.known())
            return std::nullopt;
        UsageItem item;
        item.provider = provider;
        item.model = model;
        if (provider == QLatin1String("azure-openai")) {
            const auto it = std::find_if(inventory.begin(), inventory.end(), [&](const auto& d) {
                return d.name == target.deployment || d.name == model;
            });
            if (it == inventory.end())
                return std::nullopt; // the SKU decides the price: without it, none
            item.deployment = it->name;
            item.model = it->model;
            item.version = it->version;
            item.sku = it->sku;
        }
        item.tokens.requests = 1;
        item.tokens.uncachedInput = std::max<qint64>(0, u.uncachedInput());
        item.tokens.cachedInput = u.cached;
        item.tokens.cacheWrite5m = u.cacheWrite;
        item.tokens.output = u.output;
        const CostItem priced = engine.priceTokens(item);
        if (!priced.priced)
            return std::nullopt;
        return priced.total;
    };
}

QString autoUnavailableReason(const QJsonObject& policy)
{
    if (policy.isEmpty())
        return QStringLiteral("Auto routes by the workspace's routing policy, and this workspace "
                              "has none (set one on the What-if replay page).");
    QString error;
    if (!RoutingPolicy::fromJsonObject(policy, &error))
        return QStringLiteral("The workspace's routing policy does not parse: %1").arg(error);
    return {};
}

namespace {

/// The target a policy target name ("deployment", "connection/deployment", or for a local
/// server "connection" or "connection/model") points at; `model` gets the model a local server
/// is asked for. Null when none does.
const PlaygroundTarget* resolveTarget(const QString& name, const QVector<PlaygroundTarget>& targets,
                                      QString* model)
{
    for (const PlaygroundTarget& t : targets) {
        if (t.id == name || (!t.chat.deployment.isEmpty() && t.chat.deployment == name))
            return &t;
    }
    for (const PlaygroundTarget& t : targets) {
        if (t.provider == QLatin1String("local") &&
            name.startsWith(t.connection + QLatin1Char('/'))) {
            *model = name.mid(t.connection.size() + 1);
            return &t;
        }
    }
    return nullptr;
}

/// The target the request asks for by name: a deployment, a target id or a model.
const PlaygroundTarget* requestedTarget(const QString& requested,
                                        const QVector<PlaygroundTarget>& targets)
{
    if (requested.isEmpty())
        return nullptr;
    QString ignored;
    if (const PlaygroundTarget* t = resolveTarget(requested, targets, &ignored))
        return t;
    for (const PlaygroundTarget& t : targets) {
        if (t.model.compare(requested, Qt::CaseInsensitive) == 0)
            return &t;
    }
    return nullptr;
}

} // namespace

AutoInputs liveRouterInputs(const TrafficWindow& window)
{
    AutoInputs out;
    for (const DeploymentTraffic& d : window.deployments) {
        for (qsizetype m = d.utilizationPct.size() - 1; m >= 0; --m) {
            if (d.utilizationPct[m] >= 0) {
                out.utilizationPct.insert(d.name, d.utilizationPct[m]);
                out.utilizationPct.insert(d.key(), d.utilizationPct[m]);
                out.liveAsOf = std::max(out.liveAsOf, window.range.from + 60 * qint64(m));
                break;
            }
        }
        double requests = 0, failed = 0;
        for (qsizetype m = 0; m < d.requests.size(); ++m) {
            requests += d.requests[m];
            failed += d.requests429[m] + d.requests5xx[m];
        }
        if (requests > 0) {
            out.errorRatePct.insert(d.name, 100.0 * failed / requests);
            out.errorRatePct.insert(d.key(), 100.0 * failed / requests);
        }
    }
    return out;
}

AutoChoice chooseAutoTarget(const QJsonObject& policyJson, const ChatRequest& request,
                            const AutoInputs& inputs, const QVector<PlaygroundTarget>& targets,
                            int minuteOfDay)
{
    AutoChoice choice;
    const QString unavailable = autoUnavailableReason(policyJson);
    if (!unavailable.isEmpty()) {
        choice.reason = unavailable;
        return choice;
    }
    QString error;
    const PolicyEvaluator evaluator(*RoutingPolicy::fromJsonObject(policyJson, &error));
    const QString requested = inputs.requested.isEmpty() ? request.model : inputs.requested;
    const PlaygroundTarget* asked = requestedTarget(requested, targets);
    RequestContext ctx;
    ctx.promptTokens = double(estimatePromptTokens(request));
    ctx.minuteOfDay = minuteOfDay;
    ctx.utilizationPct = inputs.utilizationPct;
    ctx.errorRatePct = inputs.errorRatePct;
    if (asked) {
        // Asked for a deployment: rules see its model, and "$origin" is that deployment.
        ctx.model = asked->model.isEmpty() ? requested : asked->model;
        ctx.tags = asked->tags;
        if (!ctx.tags.contains(requested))
            ctx.tags.prepend(requested);
        ctx.origin = asked->id;
    } else {
        ctx.model = requested;
        if (!requested.isEmpty())
            ctx.tags = QStringList{requested};
    }
    const RoutingDecision decision = evaluator.evaluate(ctx);
    choice.ruleName =
        decision.ruleIndex >= 0 ? evaluator.policy().rules.at(decision.ruleIndex).name : QString();
    if (decision.ruleIndex >= 0 && choice.ruleName.isEmpty())
        choice.ruleName = QStringLiteral("rule %1").arg(decision.ruleIndex + 1);
    if (decision.target.isEmpty() || decision.target == RoutingPolicy::kOrigin) {
        const QString who = choice.ruleName.isEmpty()
                                ? QStringLiteral("The policy's fallback")
                                : QStringLiteral("Rule \"%1\"").arg(choice.ruleName);
        choice.reason =
            requested.isEmpty()
                ? QStringLiteral("%1 keeps the request where it was sent: type the model or "
                                 "deployment it asks for (e.g. gpt-4o) in the pane's model "
                                 "field, or pick a target.")
                      .arg(who)
                : QStringLiteral("%1 keeps the request where it was sent, and \"%2\" is not "
                                 "a target of this workspace: pick a target instead.")
                      .arg(who, requested);
        return choice;
    }
    QString model;
    if (const PlaygroundTarget* t = resolveTarget(decision.target, targets, &model)) {
        choice.ok = true;
        choice.targetId = t->id;
        choice.model = model;
        choice.reason = decision.reason;
        return choice;
    }
    choice.reason = QStringLiteral("The policy chose %1 (%2), which is not a target of this "
                                   "workspace.")
                        .arg(decision.target, decision.reason);
    return choice;
}

} // namespace isc
