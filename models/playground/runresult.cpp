#include "runresult.h"

#include <QJsonArray>
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

} // namespace isc
