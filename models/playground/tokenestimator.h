#pragma once

#include "playground/chatrequest.h"

#include <QString>

namespace isc {

/// A local token count for streams that carry no usage: about 4 characters a token (OpenAI's
/// rule of thumb for English). Always shown as "estimated".
qint64 estimateTokens(const QString& text);

/// Estimated prompt tokens of a request: its messages plus ~4 tokens of framing each.
qint64 estimatePromptTokens(const ChatRequest& request);

} // namespace isc
