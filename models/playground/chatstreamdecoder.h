#pragma once

#include "net/sseparser.h"
#include "playground/chatdialect.h"
#include "playground/runresult.h"

#include <QString>
#include <QStringList>
#include <utility>

struct QJsonParseError;

namespace isc {

/// Everything a chat stream (or a whole response) said, accumulated. Pure data.
struct ChatStreamState
{
    QString text;
    QString finishReason; ///< finish_reason / stop_reason of the last choice that set one
    QString model;
    QString responseId;
    RunUsage usage; ///< from the provider; usageSeen false when it sent none
    bool usageSeen = false;
    bool done = false;             ///< [DONE] or message_stop arrived
    bool promptFilterSeen = false; ///< Azure's first chunk with prompt_filter_results
    QStringList filterCategories;  ///< content-filter categories that filtered
    QStringList filterDetails;     ///< the same with severities, for words
    QString errorType;             ///< an error event inside the stream
    QString errorMessage;
    int malformedEvents = 0; ///< events whose data was not the JSON expected
    QString malformedDetail; ///< what was wrong with the first one (no payload quoted)
};

/// Decodes one dialect's stream events (OpenAI/Azure chat.completion.chunk, Anthropic
/// Messages named events) or a whole non-streaming body into a ChatStreamState.
class ChatStreamDecoder
{
public:
    explicit ChatStreamDecoder(ChatDialect dialect) : m_dialect(dialect) {}

    /// Decodes one SSE event; returns the text it adds (empty when none), whole characters
    /// only: the first half of a surrogate pair split across events waits for the second.
    QString decode(const SseEvent& event);
    /// Text decode() held back (half a pair the stream never completed), empty when none.
    QString takeHeldText() { return std::exchange(m_held, QString()); }
    /// Decodes a complete non-streaming response body; false when it is not one.
    bool decodeBody(const QByteArray& body);

    const ChatStreamState& state() const { return m_state; }

private:
    QString decodeOpenAi(const QByteArray& data);
    QString decodeAnthropic(const SseEvent& event);
    void malformed(const QJsonParseError& error);

    ChatDialect m_dialect;
    ChatStreamState m_state;
    QString m_held; ///< a trailing high surrogate not yet returned
};

} // namespace isc
