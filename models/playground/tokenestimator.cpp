#include "tokenestimator.h"

namespace isc {

qint64 estimateTokens(const QString& text)
{
    if (text.isEmpty())
        return 0;
    return (text.size() + 3) / 4;
}

qint64 estimatePromptTokens(const ChatRequest& request)
{
    qint64 n = 0;
    for (const ChatMessage& m : request.messages)
        n += estimateTokens(m.content) + 4;
    return n;
}

} // namespace isc
