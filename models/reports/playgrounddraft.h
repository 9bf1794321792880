#pragma once

#include "playground/chatrequest.h"

#include <QCoreApplication>
#include <QHash>
#include <optional>

namespace isc {

/// What the Playground's composer holds: the prompt, its {{variables}} and parameters, as typed.
/// request() turns it into what is sent, or says in words why it cannot be sent yet.
struct PlaygroundDraft
{
    QString system;                    ///< the system prompt, may be empty
    QVector<ChatMessage> turns;        ///< "user" and "assistant" messages, in order
    QHash<QString, QString> variables; ///< values given to {{name}}s (empty values left out)
    std::optional<double> temperature;
    std::optional<double> topP;
    std::optional<int> maxTokens;
    QString stop; ///< comma-separated stop sequences
    QString seed; ///< digits, empty (or "-") for none
    bool jsonResponse = false;

    /// The request to send; nullopt with `error` in words when a {{variable}} has no value or
    /// there is no message to send.
    std::optional<ChatRequest> request(QString* error) const;
    /// The draft that loads `request` back (a re-run): system prompt, turns and parameters.
    static PlaygroundDraft fromRequest(const ChatRequest& request);
    /// The {{name}}s used in `texts`, each once, in order of appearance.
    static QStringList variableNames(const QStringList& texts);

    Q_DECLARE_TR_FUNCTIONS(PlaygroundDraft)
};

} // namespace isc
