#pragma once

#include "net/httptypes.h"
#include "playground/chatdialect.h"

#include <QString>
#include <QUrl>
#include <functional>

class QObject;

namespace isc {

/// Where a prompt goes: one endpoint speaking one dialect. Holds no secret itself.
struct ChatTarget
{
    QString name; ///< shown to the user, e.g. the deployment name
    ChatDialect dialect = ChatDialect::OpenAi;
    QUrl baseUrl;       ///< OpenAI/Anthropic ".../v1"; Azure: the resource endpoint
    QString deployment; ///< Azure: deployment URL form; empty = the v1 path
    QString model;      ///< default model (OpenAI, Anthropic, Azure v1, local)
    QString apiVersion = QStringLiteral("2024-10-21");       ///< Azure deployment URL form only
    QString anthropicVersion = QStringLiteral("2023-06-01"); ///< header anthropic-version
    bool azureBearer = false; ///< Azure: send the key as "Authorization: Bearer" (Entra token)
    /// Returns the API key (or token), empty with `error` set when unavailable; unset = no key
    /// (local servers). Same shape as SecretProvider.
    std::function<QString(QString* error)> apiKey;
    /// Calls `ready` once apiKey can answer without waiting (a keychain read, a sign-in in
    /// flight), at the latest after `timeoutMs`; never inside the call, and only while
    /// `context` lives. Unset = apiKey answers at once. Same shape as CredentialWait.
    using KeyWait =
        std::function<void(QObject* context, int timeoutMs, std::function<void()> ready)>;
    KeyWait keyReady;
    int keyWaitMs = 30000;          ///< how long a run waits for its key before it fails in words
    QList<HttpHeader> extraHeaders; ///< sent as given (e.g. x-inferscope-speed for the emulator)
    /// The run's budgets, ms; retries share them: request -> first body byte (a stall after
    /// the headers included), and the longest silence once the answer flows.
    int firstByteTimeoutMs = 60000;
    int timeoutMs = 60000;
    int maxRetries = 2; ///< retries before the first byte, as the SDKs

    /// The full URL of the chat endpoint for this target.
    QUrl chatUrl() const;
};

} // namespace isc
