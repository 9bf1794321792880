#include "chatservice.h"

#include "emulator/chattext.h"
#include "emulator/emulatorkeys.h"
#include "emulator/localserverservice.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>
#include <cmath>
#include <memory>

namespace isc::emu {
namespace {

enum class Wire { Azure, OpenAi, Anthropic, Local };

struct Route
{
    Wire wire = Wire::OpenAi;
    QString deployment; ///< Azure URL form
    bool v1 = false;    ///< Azure v1 path
    QString local;      ///< "vllm", "llamacpp", "ollama"
};

bool route(const QString& path, Route* out)
{
    static const QRegularExpression azureRe(
        QStringLiteral("^/openai/deployments/([^/]+)/chat/completions/?$"));
    static const QRegularExpression localRe(
        QStringLiteral("^/local/(vllm|llamacpp|ollama)/v1/chat/completions/?$"));
    if (const auto m = azureRe.match(path); m.hasMatch()) {
        *out = {Wire::Azure, m.captured(1), false, {}};
        return true;
    }
    if (path == QLatin1String("/openai/v1/chat/completions")) {
        *out = {Wire::Azure, {}, true, {}};
        return true;
    }
    if (path == QLatin1String("/providers/openai/v1/chat/completions")) {
        *out = {Wire::OpenAi, {}, false, {}};
        return true;
    }
    if (path == QLatin1String("/providers/anthropic/v1/messages")) {
        *out = {Wire::Anthropic, {}, false, {}};
        return true;
    }
    if (const auto m = localRe.match(path); m.hasMatch()) {
        *out = {Wire::Local, {}, false, m.captured(1)};
        return true;
    }
    return false;
}

QByteArray json(const QJsonObject& o)
{
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

QByteArray openAiError(const QString& message, const QString& type, const QString& code)
{
    return json(
        {{"error",
          QJsonObject{
              {"message", message}, {"type", type}, {"param", QJsonValue::Null}, {"code", code}}}});
}

QByteArray azureError(const QString& code, const QString& message)
{
    return json({{"error", QJsonObject{{"code", code}, {"message", message}}}});
}

QByteArray anthropicError(const QString& type, const QString& message)
{
    return json({{"type", "error"}, {"error", QJsonObject{{"type", type}, {"message", message}}}});
}

QJsonObject safeFilters()
{
    QJsonObject o;
    for (const char* c : {"hate", "self_harm", "sexual", "violence"})
        o.insert(QLatin1String(c), QJsonObject{{"filtered", false}, {"severity", "safe"}});
    return o;
}

QByteArray sse(const QByteArray& data)
{
    return "data: " + data + "\n\n";
}

QByteArray sseNamed(const char* event, const QJsonObject& data)
{
    return QByteArray("event: ") + event + "\ndata: " + json(data) + "\n\n";
}

double speedFactor(const HttpServerRequest& req)
{
    const QByteArray v = req.header("x-inferscope-speed").trimmed().toLower();
    if (v.isEmpty())
        return 1.0;
    if (v == "fast")
        return 0.01;
    if (v == "instant")
        return 0.0;
    bool ok = false;
    const double f = v.toDouble(&ok);
    return ok && f >= 0 && f <= 100 ? f : 1.0;
}

// One streamed answer: chunk i is written delays[i] ms after chunk i-1.
struct StreamJob
{
    HttpServerResponder r;
    QVector<QByteArray> chunks;
    QVector<int> delays;
    int next = 0;
    bool waited = false;
};

void runStream(const std::shared_ptr<StreamJob>& job)
{
    while (job->next < job->chunks.size()) {
        if (!job->r.isPending())
            return; // the client left (cancel): stop producing
        const int delay = job->delays.value(job->next);
        if (delay > 0 && !job->waited) {
            job->waited = true;
            QTimer::singleShot(delay, Qt::PreciseTimer, [job] { runStream(job); });
            return;
        }
        job->waited = false;
        job->r.writeChunk(job->chunks[job->next++]);
    }
    job->r.endStream();
}

} // namespace

ChatService::ChatService(const TrafficModel& traffic) : m_traffic(traffic) {}

bool ChatService::accepts(const HttpServerRequest& req) const
{
    Route r;
    return route(req.path(), &r);
}

int ChatService::reasoningTokens(const QString& model, int answerTokens)
{
    static const QRegularExpression reasoner(QStringLiteral("^(o[134]|gpt-5)([-.]|$)"),
                                             QRegularExpression::CaseInsensitiveOption);
    return reasoner.match(model).hasMatch() ? 3 * std::max(0, answerTokens) : 0;
}

qint64 ChatService::saturatedForMs(const TrafficModel& traffic, const QString& deployment,
                                   qint64 nowUtc)
{
    if (traffic.indexOf(deployment) < 0)
        return 0;
    const qint64 minute = nowUtc - ((nowUtc % 60) + 60) % 60;
    if (traffic.at(deployment, minute).utilizationPct < 100)
        return 0;
    qint64 m = minute + 60;
    for (int i = 0; i < 180 && traffic.at(deployment, m).utilizationPct >= 100; ++i)
        m += 60;
    return std::max<qint64>(1000, (m - nowUtc) * 1000);
}

void ChatService::serve(const HttpServerRequest& req, HttpServerResponder& r,
                        const ServiceContext& ctx)
{
    Route rt;
    route(req.path(), &rt);
    const quint64 seed = m_traffic.seed();
    const QByteArray requestId =
        QByteArray::number(chatHash(seed, QString::fromUtf8(req.body)) ^ quint64(ctx.nowUtc), 16);
    QList<HttpServerHeader> headers;
    const auto fail = [&](int status, const QByteArray& body) {
        r.respondJson(status, body, headers);
    };

    // Ids and rate-limit headers each provider sends, on errors too.
    switch (rt.wire) {
    case Wire::Azure:
        headers = {{"apim-request-id", requestId},
                   {"x-request-id", requestId},
                   {"x-ms-region", "Sweden Central"}};
        break;
    case Wire::OpenAi:
        headers = {{"x-request-id", "req_" + requestId}};
        break;
    case Wire::Anthropic:
        headers = {{"request-id", "req_" + requestId}};
        break;
    case Wire::Local:
        break;
    }

    if (req.method != "POST") {
        fail(405, openAiError(QStringLiteral("Only POST is allowed here."),
                              QStringLiteral("invalid_request_error"), QString()));
        return;
    }

    switch (rt.wire) {
    case Wire::Azure:
        if (!isAcceptedKey(req.header("api-key")) &&
            !isAcceptedBearer(req.header("Authorization"))) {
            fail(401, azureError(QStringLiteral("401"),
                                 QStringLiteral("Access denied due to invalid subscription key or "
                                                "wrong API endpoint. Make sure to provide a valid "
                                                "key for an active subscription and use a correct "
                                                "regional API endpoint for your resource.")));
            return;
        }
        if (!rt.v1 && QUrlQuery(QString::fromUtf8(req.rawQuery()))
                          .queryItemValue(QStringLiteral("api-version"))
                          .isEmpty()) {
            fail(404, azureError(QStringLiteral("404"), QStringLiteral("Resource not found")));
            return;
        }
        break;
    case Wire::OpenAi:
        if (!isAcceptedBearer(req.header("Authorization"))) {
            fail(401, openAiError(QStringLiteral("Incorrect API key provided. You can find your "
                                                 "API key at "
                                                 "https://platform.openai.com/account/api-keys."),
                                  QStringLiteral("invalid_request_error"),
                                  QStringLiteral("invalid_api_key")));
            return;
        }
        break;
    case Wire::Anthropic:
        if (!isAcceptedKey(req.header("x-api-key"))) {
            fail(401, anthropicError(QStringLiteral("authentication_error"),
                                     QStringLiteral("invalid x-api-key")));
            return;
        }
        if (req.header("anthropic-version").isEmpty()) {
            fail(400, anthropicError(QStringLiteral("invalid_request_error"),
                                     QStringLiteral("anthropic-version: header is required")));
            return;
        }
        break;
    case Wire::Local:
        break;
    }

    const QJsonObject body = QJsonDocument::fromJson(req.body).object();
    const QJsonArray messages = body.value(QLatin1String("messages")).toArray();
    if (messages.isEmpty()) {
        const QString what = QStringLiteral("'messages' must be a non-empty array.");
        fail(400, rt.wire == Wire::Anthropic
                      ? anthropicError(QStringLiteral("invalid_request_error"), what)
                      : openAiError(what, QStringLiteral("invalid_request_error"), QString()));
        return;
    }
    QStringList contents;
    if (rt.wire == Wire::Anthropic && body.value(QLatin1String("system")).isString())
        contents << body.value(QLatin1String("system")).toString();
    for (const QJsonValue& m : messages)
        contents << m.toObject().value(QLatin1String("content")).toString();
    const QString prompt = contents.join(QLatin1Char('\n'));
    const bool stream = body.value(QLatin1String("stream")).toBool();
    const bool includeUsage =
        rt.wire == Wire::Anthropic || body.value(QLatin1String("stream_options"))
                                          .toObject()
                                          .value(QLatin1String("include_usage"))
                                          .toBool();
    const int maxTokens = body.value(QLatin1String("max_tokens")).toInt(0);
    if (rt.wire == Wire::Anthropic && maxTokens <= 0) {
        fail(400, anthropicError(QStringLiteral("invalid_request_error"),
                                 QStringLiteral("max_tokens: Field required")));
        return;
    }
    QString model = body.value(QLatin1String("model")).toString();

    // Timing from the traffic model at this minute: slower at peak.
    const qint64 minute = ctx.nowUtc - ((ctx.nowUtc % 60) + 60) % 60;
    double ttft = 300, tbt = 15;
    if (rt.wire == Wire::Azure) {
        const QString deployment = rt.v1 ? model : rt.deployment;
        const int index = m_traffic.indexOf(deployment);
        if (index < 0) {
            fail(404, azureError(QStringLiteral("DeploymentNotFound"),
                                 QStringLiteral("The API deployment for this resource does not "
                                                "exist. If you created the deployment within the "
                                                "last 5 minutes, please wait a moment and try "
                                                "again.")));
            return;
        }
        if (const qint64 waitMs = saturatedForMs(m_traffic, deployment, ctx.nowUtc)) {
            headers.append(HttpServerHeader{"retry-after-ms", QByteArray::number(waitMs)});
            headers.append(
                HttpServerHeader{"retry-after", QByteArray::number((waitMs + 999) / 1000)});
            headers.append(HttpServerHeader{"x-ratelimit-remaining-requests", "0"});
            fail(429,
                 azureError(QStringLiteral("429"),
                            QStringLiteral("Requests to the ChatCompletions_Create Operation under "
                                           "Azure OpenAI API have exceeded the provisioned "
                                           "throughput of deployment %1. Please retry after %2 "
                                           "seconds.")
                                .arg(deployment)
                                .arg((waitMs + 999) / 1000)));
            return;
        }
        if (prompt.contains(QLatin1String(kFilterPromptWord))) {
            QJsonObject results = safeFilters();
            results.insert("violence", QJsonObject{{"filtered", true}, {"severity", "high"}});
            fail(400,
                 json({{"error",
                        QJsonObject{
                            {"message", "The response was filtered due to the prompt triggering "
                                        "Azure OpenAI's content management policy."},
                            {"type", QJsonValue::Null},
                            {"param", "prompt"},
                            {"code", "content_filter"},
                            {"status", 400},
                            {"innererror", QJsonObject{{"code", "ResponsibleAIPolicyViolation"},
                                                       {"content_filter_result", results}}}}}}));
            return;
        }
        const FleetDeployment& d = m_traffic.fleet().at(index);
        const MinuteTraffic t = m_traffic.at(deployment, minute);
        ttft = t.ttftMsAvg > 0 ? t.ttftMsAvg : std::max(d.baseTtftMs, 500.0);
        tbt = t.tbtMsAvg > 0 ? t.tbtMsAvg : std::max(d.baseTbtMs, 10.0);
        model = d.model + QLatin1Char('-') + d.version; // Azure answers with a versioned name
    } else {
        double baseTtft = 300, baseTbt = 15;
        if (rt.wire == Wire::Anthropic) {
            baseTtft = 450;
            baseTbt = 20;
        } else if (rt.local == QLatin1String("vllm")) {
            baseTtft = 120;
            baseTbt = 12;
            model = LocalServerModel::vllmProfile().model; // one served model, whatever is asked
        } else if (rt.local == QLatin1String("llamacpp")) {
            baseTtft = 200;
            baseTbt = 25;
            model = LocalServerModel::llamaCppProfile().model;
        } else if (rt.local == QLatin1String("ollama")) {
            baseTtft = 250;
            baseTbt = 30;
            if (model.isEmpty())
                model = QStringLiteral("llama3.2:3b");
        }
        const double load = TrafficModel::demandEnvelope(minute, false);
        ttft = baseTtft * (0.7 + 0.6 * load);
        tbt = baseTbt * (0.8 + 0.4 * load);
        if (model.isEmpty())
            model = rt.wire == Wire::Anthropic ? QStringLiteral("claude-sonnet-4-5")
                                               : QStringLiteral("gpt-4o-mini");
    }
    const double speed = speedFactor(req);

    const QStringList tokens = chatAnswerTokens(seed, model, prompt, maxTokens);
    const bool capped = maxTokens > 0 && tokens.size() >= maxTokens &&
                        chatAnswerTokens(seed, model, prompt, 0).size() > tokens.size();
    const bool outputFiltered =
        rt.wire == Wire::Azure && prompt.contains(QLatin1String(kFilterOutputWord));
    const int sent = outputFiltered ? std::min<int>(5, int(tokens.size())) : int(tokens.size());
    const int promptTokens = emulatedPromptTokens(contents);
    const int cached = emulatedCachedTokens(promptTokens);
    const QString finish = outputFiltered ? QStringLiteral("content_filter")
                           : capped       ? QStringLiteral("length")
                                          : QStringLiteral("stop");
    const quint64 jitterKey = chatHash(seed, prompt);
    const auto tokenDelay = [&](int i) {
        const double j = 0.8 + 0.4 * unitInterval(splitmix64(jitterKey + quint64(i)));
        return int(std::lround(tbt * j * speed));
    };
    const int reasoning = reasoningTokens(model, sent);
    // Thinking comes before the first token: about a fifth of a visible token's time each.
    const int firstDelay = int(std::lround((ttft + 0.2 * tbt * reasoning) * speed));
    int totalDelay = firstDelay;
    for (int i = 1; i < sent; ++i)
        totalDelay += tokenDelay(i);

    const QString id = QStringLiteral("chatcmpl-%1").arg(jitterKey, 16, 16, QLatin1Char('0'));
    if (rt.wire == Wire::OpenAi || rt.wire == Wire::Azure) {
        headers.append(HttpServerHeader{"x-ratelimit-remaining-requests",
                                        rt.wire == Wire::Azure ? "299" : "4999"});
        headers.append(HttpServerHeader{"x-ratelimit-remaining-tokens",
                                        rt.wire == Wire::Azure ? "449000" : "1999000"});
    } else if (rt.wire == Wire::Anthropic) {
        headers.append(HttpServerHeader{"anthropic-ratelimit-requests-remaining", "999"});
        headers.append(HttpServerHeader{"anthropic-ratelimit-tokens-remaining", "399000"});
    }
    QString text;
    for (int i = 0; i < sent; ++i)
        text += tokens[i];

    QJsonObject openAiUsage{
        {"prompt_tokens", promptTokens},
        {"completion_tokens", sent + reasoning},
        {"total_tokens", promptTokens + sent + reasoning},
        {"prompt_tokens_details", QJsonObject{{"cached_tokens", cached}}},
        {"completion_tokens_details", QJsonObject{{"reasoning_tokens", reasoning}}}};
    QJsonObject filterHit = safeFilters();
    filterHit.insert("violence", QJsonObject{{"filtered", true}, {"severity", "medium"}});

    if (!stream) {
        QJsonObject answer;
        if (rt.wire == Wire::Anthropic) {
            answer = {{"id", "msg_" + id.mid(9)},
                      {"type", "message"},
                      {"role", "assistant"},
                      {"model", model},
                      {"content", QJsonArray{QJsonObject{{"type", "text"}, {"text", text}}}},
                      {"stop_reason", capped ? "max_tokens" : "end_turn"},
                      {"stop_sequence", QJsonValue::Null},
                      {"usage", QJsonObject{{"input_tokens", promptTokens - cached},
                                            {"cache_creation_input_tokens", 0},
                                            {"cache_read_input_tokens", cached},
                                            {"output_tokens", sent}}}};
        } else {
            QJsonObject choice{{"index", 0},
                               {"message", QJsonObject{{"role", "assistant"}, {"content", text}}},
                               {"finish_reason", finish},
                               {"logprobs", QJsonValue::Null}};
            if (rt.wire == Wire::Azure)
                choice.insert("content_filter_results", outputFiltered ? filterHit : safeFilters());
            answer = {{"id", id},       {"object", "chat.completion"},   {"created", ctx.nowUtc},
                      {"model", model}, {"choices", QJsonArray{choice}}, {"usage", openAiUsage}};
            if (rt.wire == Wire::Azure)
                answer.insert("prompt_filter_results",
                              QJsonArray{QJsonObject{{"prompt_index", 0},
                                                     {"content_filter_results", safeFilters()}}});
        }
        headers.prepend({"Content-Type", "application/json"});
        r.respondAfter(totalDelay, 200, headers, json(answer));
        return;
    }

    auto job = std::make_shared<StreamJob>();
    job->r = r;
    const auto add = [&](const QByteArray& chunk, int delay) {
        job->chunks.append(chunk);
        job->delays.append(delay);
    };
    if (rt.wire == Wire::Anthropic) {
        add(sseNamed("message_start",
                     {{"type", "message_start"},
                      {"message",
                       QJsonObject{{"id", "msg_" + id.mid(9)},
                                   {"type", "message"},
                                   {"role", "assistant"},
                                   {"model", model},
                                   {"content", QJsonArray{}},
                                   {"stop_reason", QJsonValue::Null},
                                   {"stop_sequence", QJsonValue::Null},
                                   {"usage", QJsonObject{{"input_tokens", promptTokens - cached},
                                                         {"cache_creation_input_tokens", 0},
                                                         {"cache_read_input_tokens", cached},
                                                         {"output_tokens", 1}}}}}}),
            firstDelay / 2);
        add(sseNamed("content_block_start",
                     {{"type", "content_block_start"},
                      {"index", 0},
                      {"content_block", QJsonObject{{"type", "text"}, {"text", ""}}}}) +
                sseNamed("ping", {{"type", "ping"}}),
            0);
        for (int i = 0; i < sent; ++i)
            add(sseNamed("content_block_delta",
                         {{"type", "content_block_delta"},
                          {"index", 0},
                          {"delta", QJsonObject{{"type", "text_delta"}, {"text", tokens[i]}}}}),
                i == 0 ? firstDelay - firstDelay / 2 : tokenDelay(i));
        add(sseNamed("content_block_stop", {{"type", "content_block_stop"}, {"index", 0}}) +
                sseNamed("message_delta",
                         {{"type", "message_delta"},
                          {"delta", QJsonObject{{"stop_reason", capped ? "max_tokens" : "end_turn"},
                                                {"stop_sequence", QJsonValue::Null}}},
                          {"usage", QJsonObject{{"output_tokens", sent}}}}) +
                sseNamed("message_stop", {{"type", "message_stop"}}),
            0);
    } else {
        const bool azure = rt.wire == Wire::Azure;
        const qint64 created = ctx.nowUtc;
        const auto chunk = [&](const QJsonObject& delta, const QJsonValue& finishReason,
                               const QJsonObject& filters) {
            QJsonObject choice{{"index", 0},
                               {"delta", delta},
                               {"finish_reason", finishReason},
                               {"logprobs", QJsonValue::Null}};
            if (azure)
                choice.insert("content_filter_results", filters);
            QJsonObject o{{"id", id},
                          {"object", "chat.completion.chunk"},
                          {"created", created},
                          {"model", model},
                          {"system_fingerprint", "fp_emulator"},
                          {"choices", QJsonArray{choice}}};
            if (includeUsage)
                o.insert("usage", QJsonValue::Null);
            return sse(json(o));
        };
        QByteArray head;
        if (azure)
            head +=
                sse(json({{"choices", QJsonArray{}},
                          {"created", 0},
                          {"id", ""},
                          {"model", ""},
                          {"object", ""},
                          {"prompt_filter_results",
                           QJsonArray{QJsonObject{{"prompt_index", 0},
                                                  {"content_filter_results", safeFilters()}}}}}));
        head += chunk({{"role", "assistant"}, {"content", ""}}, QJsonValue::Null, {});
        add(head, firstDelay / 2);
        for (int i = 0; i < sent; ++i)
            add(chunk({{"content", tokens[i]}}, QJsonValue::Null, safeFilters()),
                i == 0 ? firstDelay - firstDelay / 2 : tokenDelay(i));
        QByteArray tail = chunk({}, finish, outputFiltered ? filterHit : QJsonObject{});
        if (includeUsage)
            tail += sse(json({{"id", id},
                              {"object", "chat.completion.chunk"},
                              {"created", created},
                              {"model", model},
                              {"choices", QJsonArray{}},
                              {"usage", openAiUsage}}));
        tail += sse("[DONE]");
        add(tail, 0);
    }
    headers.prepend({"Cache-Control", "no-cache"});
    headers.prepend({"Content-Type", "text/event-stream; charset=utf-8"});
    r.beginStream(200, headers);
    runStream(job);
}

} // namespace isc::emu
