#pragma once

#include "core/deployment.h"
#include "core/workspace.h"
#include "playground/chatclient.h"
#include "playground/chattarget.h"

#include <QHash>
#include <QJsonObject>
#include <QVector>
#include <functional>

namespace isc {

class CostEngine;
struct TrafficWindow;

/// One entry of the playground's target picker.
struct PlaygroundTarget
{
    QString id;          ///< "connection/deployment" or "connection/model"; stable across runs
    QString label;       ///< shown in the picker, e.g. "gpt-4o-ptu (gpt-4o, Provisioned)"
    QString connection;  ///< connection id
    QString provider;    ///< price catalog provider: "azure-openai", "openai", "anthropic", "local"
    QString keyVariable; ///< environment variable for `curl` exports; empty = no key
    QString model;       ///< the model it serves, for routing rules ("gpt-4o"); may be empty
    QStringList tags;    ///< routing tags: deployment or model, connection id, route class
    ChatTarget chat;
};

/// A connection's inference key as its targets use it: the key (unset = none) and, when the key
/// is read in the background (keychain, sign-in), the wait for it (ChatTarget::keyReady).
struct TargetKey
{
    std::function<QString(QString*)> secret;
    ChatTarget::KeyWait ready;
};

/// Returns the inference key of a connection.
using KeyLookup = std::function<TargetKey(const Connection&)>;

/// Every target the workspace offers: each Azure OpenAI deployment of the inventory, a few
/// models of each OpenAI / Anthropic connection, and the chat API of every local server
/// (prometheus = vLLM / llama.cpp beside /metrics, ollama, openai-compatible).
QVector<PlaygroundTarget> playgroundTargets(const Workspace& workspace,
                                            const Deployments& inventory, const KeyLookup& keys);

/// The price of a run on a target of `provider` with the catalog of `engine`: Azure deployments
/// by the inventory's model/version/SKU, OpenAI/Anthropic by the model answered; nullopt ("no
/// price") for local servers and models the catalog lacks.
ChatClient::PriceLookup makePriceLookup(const CostEngine& engine, const Deployments& inventory,
                                        const QString& provider);

/// What the Auto target chose.
struct AutoChoice
{
    bool ok = false;
    QString targetId; ///< a PlaygroundTarget::id of `targets`
    QString ruleName; ///< the rule that matched; empty = the fallback
    QString model;    ///< the model to ask a local server for ("conn/model" targets); else empty
    QString reason;   ///< in words: the rule and why, or why nothing could be chosen
};

/// What the router knows besides the prompt: the model or deployment the request asks for (the
/// Auto pane's model field; it also names the origin for "$origin") and the live PTU
/// utilization and 429/5xx share per deployment, keyed by deployment name and by
/// "connection/deployment".
struct AutoInputs
{
    QString requested;
    QHash<QString, double> utilizationPct; ///< percent of the reserved PTUs, newest minute
    QHash<QString, double> errorRatePct;   ///< 429 + 5xx share of requests, recent minutes
    qint64 liveAsOf = 0;                   ///< s UTC of the live figures; 0 = none known
};

/// The live figures of `window` (a few recent minutes): each deployment's newest recorded PTU
/// utilization and its 429 + 5xx share of requests over the window.
AutoInputs liveRouterInputs(const TrafficWindow& window);

/// Routes `request` by the workspace's routing policy (PolicyEvaluator) to one of `targets`
/// at `minuteOfDay` (UTC). Policy targets name a deployment ("gpt-4o-ptu") or
/// "connection/deployment". The requested name matches a target's deployment or model; when it
/// does, the target's deployment, connection and route class become the request's tags.
AutoChoice chooseAutoTarget(const QJsonObject& policy, const ChatRequest& request,
                            const AutoInputs& inputs, const QVector<PlaygroundTarget>& targets,
                            int minuteOfDay);

/// Why Auto cannot be offered (no policy, or it does not parse); empty when it can.
QString autoUnavailableReason(const QJsonObject& policy);

} // namespace isc
