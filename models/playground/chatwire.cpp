#include "chatwire.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace isc {

QString effectiveModel(const ChatTarget& target, const ChatRequest& request)
{
    if (!request.model.isEmpty())
        return request.model;
    if (!target.model.isEmpty())
        return target.model;
    return target.deployment;
}

QByteArray chatRequestBody(const ChatTarget& target, const ChatRequest& request)
{
    QJsonObject body;
    const QString model = effectiveModel(target, request);
    QJsonArray messages;
    if (target.dialect == ChatDialect::Anthropic) {
        QString system;
        for (const ChatMessage& m : request.messages) {
            if (m.role == QLatin1String("system")) {
                system += (system.isEmpty() ? QString() : QStringLiteral("\n\n")) + m.content;
                continue;
            }
            messages.append(QJsonObject{{"role", m.role}, {"content", m.content}});
        }
        body.insert("model", model);
        if (!system.isEmpty())
            body.insert("system", system);
        body.insert("messages", messages);
        body.insert("max_tokens", request.maxTokens.value_or(1024)); // required by Anthropic
        if (!request.stop.isEmpty())
            body.insert("stop_sequences", QJsonArray::fromStringList(request.stop));
    } else {
        for (const ChatMessage& m : request.messages)
            messages.append(QJsonObject{{"role", m.role}, {"content", m.content}});
        // The deployment URL form names the model in the path; the field is harmless there.
        if (!model.isEmpty())
            body.insert("model", model);
        body.insert("messages", messages);
        if (request.maxTokens)
            body.insert("max_tokens", *request.maxTokens);
        if (!request.stop.isEmpty())
            body.insert("stop", QJsonArray::fromStringList(request.stop));
        if (request.seed)
            body.insert("seed", *request.seed);
        if (request.jsonResponse)
            body.insert("response_format", QJsonObject{{"type", "json_object"}});
        if (request.stream && request.includeUsage)
            body.insert("stream_options", QJsonObject{{"include_usage", true}});
    }
    if (request.temperature)
        body.insert("temperature", *request.temperature);
    if (request.topP)
        body.insert("top_p", *request.topP);
    body.insert("stream", request.stream);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

HttpRequest buildChatHttpRequest(const ChatTarget& target, const ChatRequest& request,
                                 const QString& apiKey)
{
    HttpRequest r;
    r.url = target.chatUrl();
    r.method = "POST";
    r.headers.append(HttpHeader{"Content-Type", "application/json"});
    r.headers.append(
        HttpHeader{"Accept", request.stream ? "text/event-stream" : "application/json"});
    const QByteArray key = apiKey.toUtf8();
    switch (target.dialect) {
    case ChatDialect::Azure:
        if (!key.isEmpty())
            r.headers.append(target.azureBearer ? HttpHeader{"Authorization", "Bearer " + key}
                                                : HttpHeader{"api-key", key});
        break;
    case ChatDialect::Anthropic:
        if (!key.isEmpty())
            r.headers.append(HttpHeader{"x-api-key", key});
        r.headers.append(HttpHeader{"anthropic-version", target.anthropicVersion.toUtf8()});
        break;
    case ChatDialect::OpenAi:
        if (!key.isEmpty())
            r.headers.append(HttpHeader{"Authorization", "Bearer " + key});
        break;
    }
    r.headers.append(target.extraHeaders);
    r.body = chatRequestBody(target, request);
    r.timeoutMs = target.timeoutMs;
    r.firstByteTimeoutMs = target.firstByteTimeoutMs;
    // A non-streamed answer arrives whole, so its first byte is the answer; for a stream the
    // headers come before the first byte. Either way the first-byte budget bounds the wait,
    // retries and their pauses included.
    r.deadlineMs = target.firstByteTimeoutMs;
    r.maxRetries = target.maxRetries;
    return r;
}

void filteredCategories(const QJsonObject& results, QStringList* names, QStringList* details)
{
    for (auto it = results.begin(); it != results.end(); ++it) {
        const QJsonObject c = it.value().toObject();
        if (!c.value(QLatin1String("filtered")).toBool())
            continue;
        if (names && !names->contains(it.key()))
            names->append(it.key());
        if (details) {
            const QString severity = c.value(QLatin1String("severity")).toString();
            const QString d =
                severity.isEmpty() ? it.key() : QStringLiteral("%1 (%2)").arg(it.key(), severity);
            if (!details->contains(d))
                details->append(d);
        }
    }
}

ChatErrorInfo parseChatError(const QByteArray& body)
{
    ChatErrorInfo info;
    const QJsonObject root = QJsonDocument::fromJson(body).object();
    const QJsonValue errorValue = root.value(QLatin1String("error"));
    if (errorValue.isString()) {
        info.message = errorValue.toString();
        return info;
    }
    const QJsonObject error = errorValue.toObject();
    info.message = error.value(QLatin1String("message")).toString();
    if (info.message.isEmpty())
        info.message = root.value(QLatin1String("message")).toString();
    const QJsonValue code = error.value(QLatin1String("code"));
    info.code = code.isString() ? code.toString() : QString();
    if (info.code.isEmpty())
        info.code = error.value(QLatin1String("type")).toString(); // Anthropic, OpenAI
    const QJsonObject inner = error.value(QLatin1String("innererror")).toObject();
    const QJsonObject results = inner.value(QLatin1String("content_filter_result")).toObject();
    if (!results.isEmpty()) {
        filteredCategories(results, &info.filterCategories, &info.filterDetails);
        if (info.code.isEmpty())
            info.code = QStringLiteral("content_filter");
    }
    return info;
}

} // namespace isc
