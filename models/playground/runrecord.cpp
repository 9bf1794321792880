#include "runrecord.h"

#include "playground/chatwire.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QUrlQuery>

namespace isc {
namespace {

QString compact(const QJsonObject& o)
{
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
}

QJsonObject parseObject(const QString& json)
{
    return QJsonDocument::fromJson(json.toUtf8()).object();
}

/// `text` quoted for a POSIX shell: single quotes, each ' written as '\''.
QString shellQuoted(const QString& text)
{
    QString out = text;
    out.replace(QLatin1Char('\''), QLatin1String("'\\''"));
    return QLatin1Char('\'') + out + QLatin1Char('\'');
}

} // namespace

QJsonObject requestParameters(const ChatRequest& request)
{
    QJsonObject p;
    if (request.temperature)
        p.insert(QStringLiteral("temperature"), *request.temperature);
    if (request.topP)
        p.insert(QStringLiteral("top_p"), *request.topP);
    if (request.maxTokens)
        p.insert(QStringLiteral("max_tokens"), *request.maxTokens);
    if (!request.stop.isEmpty())
        p.insert(QStringLiteral("stop"), QJsonArray::fromStringList(request.stop));
    if (request.seed)
        p.insert(QStringLiteral("seed"), QString::number(*request.seed)); // exact beyond 2^53
    if (request.jsonResponse)
        p.insert(QStringLiteral("response_format"), QStringLiteral("json_object"));
    if (!request.model.isEmpty())
        p.insert(QStringLiteral("model"), request.model);
    return p;
}

void applyParameters(const QJsonObject& p, ChatRequest* request)
{
    if (p.contains(QLatin1String("temperature")))
        request->temperature = p.value(QLatin1String("temperature")).toDouble();
    if (p.contains(QLatin1String("top_p")))
        request->topP = p.value(QLatin1String("top_p")).toDouble();
    if (p.contains(QLatin1String("max_tokens")))
        request->maxTokens = p.value(QLatin1String("max_tokens")).toInt();
    for (const QJsonValue& s : p.value(QLatin1String("stop")).toArray())
        request->stop.append(s.toString());
    if (p.contains(QLatin1String("seed")))
        request->seed = p.value(QLatin1String("seed")).toVariant().toLongLong();
    request->jsonResponse =
        p.value(QLatin1String("response_format")).toString() == QLatin1String("json_object");
    if (p.contains(QLatin1String("model")))
        request->model = p.value(QLatin1String("model")).toString();
}

StoredRun makeStoredRun(const ChatTarget& target, const QString& connection,
                        const ChatRequest& request, const RunResult& result, bool redact,
                        qint64 createdAtMs)
{
    StoredRun run;
    run.createdAtMs = createdAtMs;
    run.target = target.name;
    run.connection = connection;
    run.dialect = dialectName(target.dialect);
    run.url = target.chatUrl().toString();
    // The model asked for (an Azure v1 deployment name included); the answer's is in metrics.
    run.model = effectiveModel(target, request);
    if (run.model.isEmpty())
        run.model = result.model;
    QJsonObject params = requestParameters(request);
    if (redact)
        params.remove(QStringLiteral("stop"));
    run.parametersJson = compact(params);
    run.redacted = redact;
    if (!redact) {
        QJsonArray messages;
        for (const ChatMessage& m : request.messages)
            messages.append(QJsonObject{{"role", m.role}, {"content", m.content}});
        run.messagesJson =
            QString::fromUtf8(QJsonDocument(messages).toJson(QJsonDocument::Compact));
        run.output = result.text;
    }
    run.metricsJson = compact(result.toJson());
    const RunMetrics& m = result.metrics;
    // The provider's headers as it sent them (an allowlist: never a credential or a cookie);
    // a result made without them (an older caller) keeps what its fields say.
    QJsonObject headers = headersToJson(m.providerHeaders);
    const auto put = [&headers](const char* name, const QString& value) {
        if (!value.isEmpty())
            headers.insert(QLatin1String(name), value);
    };
    if (headers.isEmpty()) {
        put("x-ratelimit-remaining-requests", m.rateLimitRemainingRequests);
        put("x-ratelimit-remaining-tokens", m.rateLimitRemainingTokens);
        put("x-ms-region", m.region);
        put("x-request-id", m.requestId);
        if (m.retryAfterMs >= 0)
            headers.insert(QStringLiteral("retry-after-ms"), QString::number(m.retryAfterMs));
    }
    run.headersJson = compact(headers);
    run.error = result.error;
    run.errorKind = errorKindName(result.errorKind);
    return run;
}

std::optional<ChatRequest> requestFromRun(const StoredRun& run)
{
    if (run.redacted)
        return std::nullopt;
    ChatRequest request;
    const QJsonArray messages = QJsonDocument::fromJson(run.messagesJson.toUtf8()).array();
    for (const QJsonValue& v : messages) {
        const QJsonObject m = v.toObject();
        request.messages.append({m.value(QLatin1String("role")).toString(),
                                 m.value(QLatin1String("content")).toString()});
    }
    if (request.messages.isEmpty())
        return std::nullopt;
    applyParameters(parseObject(run.parametersJson), &request);
    return request;
}

QJsonObject runToJson(const StoredRun& run)
{
    QJsonObject o;
    o.insert(QStringLiteral("id"), run.id);
    o.insert(QStringLiteral("created_at"),
             QDateTime::fromMSecsSinceEpoch(run.createdAtMs, Qt::UTC).toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("target"), run.target);
    o.insert(QStringLiteral("connection"), run.connection);
    o.insert(QStringLiteral("dialect"), run.dialect);
    o.insert(QStringLiteral("url"), run.url);
    o.insert(QStringLiteral("model"), run.model);
    o.insert(QStringLiteral("parameters"), parseObject(run.parametersJson));
    o.insert(QStringLiteral("redacted"), run.redacted);
    if (!run.redacted) {
        o.insert(QStringLiteral("messages"),
                 QJsonDocument::fromJson(run.messagesJson.toUtf8()).array());
        o.insert(QStringLiteral("output"), run.output);
    }
    o.insert(QStringLiteral("metrics"), parseObject(run.metricsJson));
    o.insert(QStringLiteral("headers"), parseObject(run.headersJson));
    if (!run.error.isEmpty()) {
        o.insert(QStringLiteral("error"), run.error);
        o.insert(QStringLiteral("error_kind"), run.errorKind);
    }
    o.insert(QStringLiteral("starred"), run.starred);
    return o;
}

QString defaultKeyVariable(ChatDialect dialect)
{
    switch (dialect) {
    case ChatDialect::Azure:
        return QStringLiteral("AZURE_OPENAI_API_KEY");
    case ChatDialect::Anthropic:
        return QStringLiteral("ANTHROPIC_API_KEY");
    case ChatDialect::OpenAi:
        break;
    }
    return QStringLiteral("OPENAI_API_KEY");
}

QString curlCommand(const ChatTarget& target, const ChatRequest& request,
                    const QString& keyVariable)
{
    // The placeholder goes where the key would; double quotes let the shell expand it.
    const QString placeholder =
        keyVariable.isEmpty() ? QString() : QStringLiteral("${%1}").arg(keyVariable);
    ChatTarget t = target;
    t.apiKey = nullptr;
    t.extraHeaders.clear();
    for (const HttpHeader& h : target.extraHeaders) {
        if (!isCredentialHeader(h.first))
            t.extraHeaders.append(h);
    }
    const HttpRequest req = buildChatHttpRequest(t, request, placeholder);
    QStringList lines;
    lines << QStringLiteral("curl -sS -N %1").arg(shellQuoted(req.url.toString()));
    for (const HttpHeader& h : req.headers) {
        const QString header = QString::fromUtf8(h.first + ": " + h.second);
        if (isCredentialHeader(h.first)) {
            if (placeholder.isEmpty() || !header.contains(placeholder))
                continue; // only ever the placeholder, never a value
            lines << QStringLiteral("  -H \"%1\"").arg(header);
        } else {
            lines << QStringLiteral("  -H %1").arg(shellQuoted(header));
        }
    }
    lines << QStringLiteral("  -d %1").arg(shellQuoted(QString::fromUtf8(req.body)));
    return lines.join(QStringLiteral(" \\\n"));
}

std::optional<QString> curlCommand(const StoredRun& run, const QString& keyVariable)
{
    const std::optional<ChatRequest> request = requestFromRun(run);
    if (!request)
        return std::nullopt;
    ChatTarget target;
    target.name = run.target;
    parseDialect(run.dialect, &target.dialect);
    QUrl url(run.url);
    const QString path = url.path();
    if (target.dialect == ChatDialect::Azure && path.contains(QLatin1String("/deployments/"))) {
        const QString tail = path.mid(path.indexOf(QLatin1String("/deployments/")) + 13);
        target.deployment =
            QUrl::fromPercentEncoding(tail.section(QLatin1Char('/'), 0, 0).toUtf8());
        target.apiVersion = QUrlQuery(url).queryItemValue(QStringLiteral("api-version"));
        url.setPath(path.left(path.indexOf(QLatin1String("/openai/deployments/"))));
        url.setQuery(QString());
        target.baseUrl = url;
    } else {
        // chatUrl() of a ".../v1" base is base + the dialect's path: strip that path again.
        for (const QLatin1String suffix :
             {QLatin1String("/chat/completions"), QLatin1String("/messages")}) {
            if (path.endsWith(suffix)) {
                url.setPath(path.chopped(suffix.size()));
                break;
            }
        }
        target.baseUrl = url;
        target.model = run.model;
    }
    return curlCommand(target, *request, keyVariable);
}

} // namespace isc
