#pragma once

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace isc {

/// One message of a conversation.
struct ChatMessage
{
    QString role; ///< "system", "user" or "assistant"
    QString content;
};

/// What the user asks, independent of the dialect that carries it.
struct ChatRequest
{
    QVector<ChatMessage> messages; ///< system first when present
    QString model;                 ///< model (OpenAI, Anthropic, local) or deployment (Azure v1)
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<int> maxTokens; ///< output token cap; Anthropic requires one (default 1024)
    QStringList stop;
    std::optional<qint64> seed;
    bool jsonResponse = false; ///< response_format json_object (OpenAI/Azure)
    bool stream = true;
    bool includeUsage = true; ///< stream_options.include_usage (OpenAI/Azure/local)

    /// A request with an optional system prompt and one user message.
    static ChatRequest fromPrompt(const QString& system, const QString& prompt);

    /// Sets a parameter from "key=value" text (temperature, top_p, max_tokens, stop, seed,
    /// response_format=json|text, stream=true|false, include_usage=true|false). False with
    /// `error` in words when the key is unknown or the value does not parse.
    bool setParam(const QString& key, const QString& value, QString* error);

    /// The system prompt, empty when none.
    QString systemPrompt() const;
};

/// Replaces every `{{name}}` in `text` by `vars[name]` (names trimmed); names without a value
/// are left as written and listed in `missing` (when given).
QString substituteVariables(const QString& text, const QHash<QString, QString>& vars,
                            QStringList* missing = nullptr);

} // namespace isc
