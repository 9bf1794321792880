#include "runresult.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace isc {
namespace {

QJsonValue ms(double v)
{
    return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(std::round(v * 10) / 10);
}

QJsonValue count(qint64 v)
{
    return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(v);
}

QJsonValue nullable(const QString& s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

} // namespace

QString errorKindName(RunResult::ErrorKind kind)
{
    using K = RunResult::ErrorKind;
    switch (kind) {
    case K::None:
        return {};
    case K::RateLimited:
        return QStringLiteral("rate_limited");
    case K::ContentFilter:
        return QStringLiteral("content_filter");
    case K::Auth:
        return QStringLiteral("auth");
    case K::Timeout:
        return QStringLiteral("timeout");
    case K::Network:
        return QStringLiteral("network");
    case K::Http:
        return QStringLiteral("http");
    case K::Provider:
        return QStringLiteral("provider");
    case K::Cancelled:
        return QStringLiteral("cancelled");
    case K::Protocol:
        return QStringLiteral("protocol");
    }
    return {};
}

QJsonObject RunResult::toJson() const
{
    const RunMetrics& m = metrics;
    QJsonObject o;
    o.insert(QStringLiteral("target"), nullable(target));
    o.insert(QStringLiteral("model"), nullable(model));
    o.insert(QStringLiteral("ttft_ms"), ms(m.ttftMs));
    o.insert(QStringLiteral("mean_tbt_ms"), ms(m.meanTbtMs));
    o.insert(QStringLiteral("total_ms"), ms(m.totalMs));
    o.insert(QStringLiteral("tokens_in"), count(m.usage.input));
    o.insert(QStringLiteral("tokens_cached"),
             m.usage.input < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(m.usage.cached));
    o.insert(QStringLiteral("tokens_out"), count(m.usage.output));
    // Reasoning tokens are part of tokens_out; unknown when the output count is.
    o.insert(QStringLiteral("tokens_reasoning"),
             m.usage.output < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(m.usage.reasoning));
    o.insert(QStringLiteral("tokens_estimated"), m.usage.estimated);
    o.insert(QStringLiteral("tokens_per_s"), ms(m.outputTokensPerSecond));
    if (m.cost) {
        o.insert(QStringLiteral("cost_usd"), m.cost->toUnits());
        o.insert(QStringLiteral("cost"), m.cost->format(6));
    } else {
        o.insert(QStringLiteral("cost_usd"), QJsonValue::Null);
        o.insert(QStringLiteral("cost"), QStringLiteral("no price"));
    }
    o.insert(QStringLiteral("http_status"), m.httpStatus);
    o.insert(QStringLiteral("attempts"), m.attempts);
    o.insert(QStringLiteral("malformed_events"), m.malformedEvents);
    o.insert(QStringLiteral("request_id"), nullable(m.requestId));
    o.insert(QStringLiteral("region"), nullable(m.region));
    o.insert(QStringLiteral("ratelimit_remaining_requests"),
             nullable(m.rateLimitRemainingRequests));
    o.insert(QStringLiteral("ratelimit_remaining_tokens"), nullable(m.rateLimitRemainingTokens));
    o.insert(QStringLiteral("finish_reason"), nullable(finishReason));
    o.insert(QStringLiteral("retry_after_ms"), count(m.retryAfterMs));
    o.insert(QStringLiteral("filter_categories"), QJsonArray::fromStringList(filterCategories));
    o.insert(QStringLiteral("error_kind"), nullable(errorKindName(errorKind)));
    o.insert(QStringLiteral("error"), nullable(error));
    return o;
}

QList<HttpHeader> providerResponseHeaders(const QList<HttpHeader>& response)
{
    constexpr qsizetype kMaxValue = 200;
    static const QByteArray exact[] = {
        "retry-after-ms", "retry-after",  "azure-openai-deployment-utilization",
        "x-ms-region",    "x-request-id", "apim-request-id",
        "request-id"};
    QList<HttpHeader> out;
    for (const auto& [rawName, value] : response) {
        const QByteArray name = rawName.trimmed().toLower();
        bool kept = name.startsWith("x-ratelimit-remaining-") ||
                    (name.startsWith("anthropic-ratelimit-") && name.endsWith("-remaining"));
        for (const QByteArray& e : exact)
            kept = kept || name == e;
        if (!kept || std::any_of(out.cbegin(), out.cend(),
                                 [&name](const HttpHeader& h) { return h.first == name; }))
            continue;
        out.append({name, value.trimmed().left(kMaxValue)});
    }
    return out;
}

QJsonObject headersToJson(const QList<HttpHeader>& headers)
{
    QJsonObject o;
    for (const auto& [name, value] : headers)
        o.insert(QString::fromLatin1(name), QString::fromUtf8(value));
    return o;
}

QString headersToText(const QList<HttpHeader>& headers)
{
    QStringList lines;
    for (const auto& [name, value] : headers)
        lines << QString::fromLatin1(name) + QLatin1String(": ") + QString::fromUtf8(value);
    return lines.join(QLatin1Char('\n'));
}

} // namespace isc
