#include "chatstreamdecoder.h"

#include "playground/chatwire.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace isc {
namespace {

qint64 integer(const QJsonObject& o, const char* key, qint64 fallback = 0)
{
    const QJsonValue v = o.value(QLatin1String(key));
    const double d = v.toDouble();
    // Past qint64 (or NaN) the conversion is undefined behaviour: such a count is unknown.
    return v.isDouble() && d > -9e18 && d < 9e18 ? static_cast<qint64>(d) : fallback;
}

// OpenAI/Azure usage: prompt_tokens INCLUDES cached_tokens.
void readOpenAiUsage(const QJsonObject& u, ChatStreamState* s)
{
    s->usageSeen = true;
    s->usage.input = integer(u, "prompt_tokens", -1);
    s->usage.output = integer(u, "completion_tokens", -1);
    s->usage.cached =
        integer(u.value(QLatin1String("prompt_tokens_details")).toObject(), "cached_tokens");
    s->usage.reasoning =
        integer(u.value(QLatin1String("completion_tokens_details")).toObject(), "reasoning_tokens");
    s->usage.cacheWrite = 0;
    s->usage.estimated = false;
}

// Anthropic usage: input_tokens EXCLUDES cache reads and writes; fields may come in pieces.
void readAnthropicUsage(const QJsonObject& u, ChatStreamState* s)
{
    s->usageSeen = true;
    s->usage.estimated = false;
    const qint64 uncached = integer(u, "input_tokens", -1);
    const bool hasInput = uncached >= 0;
    if (u.contains(QLatin1String("cache_read_input_tokens")) || hasInput)
        s->usage.cached = integer(u, "cache_read_input_tokens", hasInput ? 0 : s->usage.cached);
    if (u.contains(QLatin1String("cache_creation_input_tokens")) || hasInput)
        s->usage.cacheWrite =
            integer(u, "cache_creation_input_tokens", hasInput ? 0 : s->usage.cacheWrite);
    if (hasInput)
        s->usage.input = uncached + s->usage.cached + s->usage.cacheWrite;
    const qint64 out = integer(u, "output_tokens", -1);
    if (out >= 0)
        s->usage.output = out; // cumulative: message_delta's count replaces message_start's
}

void readFilters(const QJsonObject& holder, ChatStreamState* s)
{
    const QJsonObject results = holder.value(QLatin1String("content_filter_results")).toObject();
    if (!results.isEmpty())
        filteredCategories(results, &s->filterCategories, &s->filterDetails);
}

} // namespace

QString ChatStreamDecoder::decode(const SseEvent& event)
{
    const QString added =
        m_dialect == ChatDialect::Anthropic ? decodeAnthropic(event) : decodeOpenAi(event.data);
    if (added.isEmpty())
        return {};
    // A server that slices text by UTF-16 units can end an event inside a pair; half a pair
    // alone prints as "?", so it waits for the event with the other half.
    QString out = std::exchange(m_held, QString()) + added;
    if (out.back().isHighSurrogate()) {
        m_held = out.back();
        out.chop(1);
    }
    return out;
}

void ChatStreamDecoder::malformed(const QJsonParseError& error)
{
    if (m_state.malformedEvents++ == 0) {
        // The parser's words and where, never the payload: it may quote the answer.
        m_state.malformedDetail =
            error.error == QJsonParseError::NoError
                ? QStringLiteral("not a JSON object")
                : QStringLiteral("%1 at offset %2").arg(error.errorString()).arg(error.offset);
    }
}

QString ChatStreamDecoder::decodeOpenAi(const QByteArray& data)
{
    ChatStreamState& s = m_state;
    if (data.trimmed() == "[DONE]") {
        s.done = true;
        return {};
    }
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
    if (!doc.isObject()) {
        malformed(pe);
        return {};
    }
    const QJsonObject chunk = doc.object();
    if (chunk.contains(QLatin1String("error"))) {
        const ChatErrorInfo info = parseChatError(data);
        s.errorType = info.code.isEmpty() ? QStringLiteral("error") : info.code;
        s.errorMessage = info.message;
        return {};
    }
    const QString id = chunk.value(QLatin1String("id")).toString();
    if (!id.isEmpty())
        s.responseId = id;
    const QString model = chunk.value(QLatin1String("model")).toString();
    if (!model.isEmpty())
        s.model = model;
    const QJsonArray promptFilters = chunk.value(QLatin1String("prompt_filter_results")).toArray();
    for (const QJsonValue& p : promptFilters) {
        s.promptFilterSeen = true;
        readFilters(p.toObject(), &s);
    }
    QString added;
    const QJsonArray choices = chunk.value(QLatin1String("choices")).toArray();
    for (const QJsonValue& c : choices) {
        const QJsonObject choice = c.toObject();
        if (integer(choice, "index") != 0)
            continue; // n > 1 is not a playground feature: the first choice is the answer
        const QJsonObject delta = choice.value(QLatin1String("delta")).toObject();
        added += delta.value(QLatin1String("content")).toString();
        const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
        if (finish.isString())
            s.finishReason = finish.toString();
        readFilters(choice, &s);
    }
    const QJsonValue usage = chunk.value(QLatin1String("usage"));
    if (usage.isObject())
        readOpenAiUsage(usage.toObject(), &s);
    s.text += added;
    return added;
}

QString ChatStreamDecoder::decodeAnthropic(const SseEvent& event)
{
    ChatStreamState& s = m_state;
    if (event.type == "ping")
        return {};
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(event.data, &pe);
    if (!doc.isObject()) {
        malformed(pe);
        return {};
    }
    const QJsonObject o = doc.object();
    // The `type` field repeats the event name; trust it when the event line was absent.
    const QByteArray type =
        event.type == "message" ? o.value(QLatin1String("type")).toString().toUtf8() : event.type;
    if (type == "message_start") {
        const QJsonObject message = o.value(QLatin1String("message")).toObject();
        s.responseId = message.value(QLatin1String("id")).toString();
        s.model = message.value(QLatin1String("model")).toString();
        readAnthropicUsage(message.value(QLatin1String("usage")).toObject(), &s);
    } else if (type == "content_block_delta") {
        const QJsonObject delta = o.value(QLatin1String("delta")).toObject();
        if (delta.value(QLatin1String("type")).toString() == QLatin1String("text_delta")) {
            const QString text = delta.value(QLatin1String("text")).toString();
            s.text += text;
            return text;
        }
    } else if (type == "message_delta") {
        const QJsonValue stop = o.value(QLatin1String("delta")).toObject().value("stop_reason");
        if (stop.isString())
            s.finishReason = stop.toString();
        const QJsonValue usage = o.value(QLatin1String("usage"));
        if (usage.isObject())
            readAnthropicUsage(usage.toObject(), &s);
    } else if (type == "message_stop") {
        s.done = true;
    } else if (type == "error") {
        const QJsonObject error = o.value(QLatin1String("error")).toObject();
        s.errorType = error.value(QLatin1String("type")).toString();
        s.errorMessage = error.value(QLatin1String("message")).toString();
    }
    return {};
}

bool ChatStreamDecoder::decodeBody(const QByteArray& body)
{
    ChatStreamState& s = m_state;
    const QJsonObject o = QJsonDocument::fromJson(body).object();
    if (o.isEmpty())
        return false;
    s.responseId = o.value(QLatin1String("id")).toString();
    s.model = o.value(QLatin1String("model")).toString();
    s.done = true;
    if (m_dialect == ChatDialect::Anthropic) {
        const QJsonArray content = o.value(QLatin1String("content")).toArray();
        if (!o.contains(QLatin1String("content")))
            return false;
        for (const QJsonValue& block : content) {
            if (block.toObject().value(QLatin1String("type")).toString() == QLatin1String("text"))
                s.text += block.toObject().value(QLatin1String("text")).toString();
        }
        s.finishReason = o.value(QLatin1String("stop_reason")).toString();
        if (o.value(QLatin1String("usage")).isObject())
            readAnthropicUsage(o.value(QLatin1String("usage")).toObject(), &s);
        return true;
    }
    if (!o.contains(QLatin1String("choices")))
        return false;
    for (const QJsonValue& p : o.value(QLatin1String("prompt_filter_results")).toArray()) {
        s.promptFilterSeen = true;
        readFilters(p.toObject(), &s);
    }
    const QJsonArray choices = o.value(QLatin1String("choices")).toArray();
    if (!choices.isEmpty()) {
        const QJsonObject choice = choices.first().toObject();
        s.text = choice.value(QLatin1String("message")).toObject().value("content").toString();
        s.finishReason = choice.value(QLatin1String("finish_reason")).toString();
        readFilters(choice, &s);
    }
    if (o.value(QLatin1String("usage")).isObject())
        readOpenAiUsage(o.value(QLatin1String("usage")).toObject(), &s);
    return true;
}

} // namespace isc
