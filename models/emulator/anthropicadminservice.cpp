#include "anthropicadminservice.h"

#include "emulator/cloudadminquery.h"
#include "emulator/cloudprices.h"
#include "emulator/emulatorkeys.h"

#include "core/timerange.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

namespace isc::emu {

using namespace detail;

namespace {

const QString kAnthropicPrefix = QStringLiteral("/providers/anthropic/v1/organizations/");
constexpr CloudFleet::Provider kAnthropic = CloudFleet::Provider::Anthropic;

using Query = QList<std::pair<QString, QString>>;

void respondError(HttpServerResponder& r, int status, const QString& type, const QString& message)
{
    const QJsonObject body{
        {QStringLiteral("type"), QStringLiteral("error")},
        {QStringLiteral("error"),
         QJsonObject{{QStringLiteral("type"), type}, {QStringLiteral("message"), message}}}};
    r.respondJson(status, QJsonDocument(body).toJson(QJsonDocument::Compact),
                  {{"request-id", "req_emulator"}});
}

void invalid(HttpServerResponder& r, const QString& message)
{
    respondError(r, 400, QStringLiteral("invalid_request_error"), message);
}

QJsonValue orNull(bool grouped, const QJsonValue& v)
{
    return grouped ? v : QJsonValue();
}

// What the token_type of a cost line reads as in its description.
QString describe(const QString& model, const QString& tokenType)
{
    QString kind = QStringLiteral("Input Tokens");
    if (tokenType == QLatin1String("output_tokens"))
        kind = QStringLiteral("Output Tokens");
    else if (tokenType == QLatin1String("cache_read_input_tokens"))
        kind = QStringLiteral("Cache Read");
    else if (tokenType.startsWith(QLatin1String("cache_creation.ephemeral_5m")))
        kind = QStringLiteral("Cache Write (5m)");
    else if (tokenType.startsWith(QLatin1String("cache_creation.ephemeral_1h")))
        kind = QStringLiteral("Cache Write (1h)");
    return model + QLatin1String(" Usage - ") + kind;
}

} // namespace

AnthropicAdminService::AnthropicAdminService(const TrafficModel& traffic) : m_fleet(traffic.seed())
{}

bool AnthropicAdminService::accepts(const HttpServerRequest& req) const
{
    return req.path().startsWith(kAnthropicPrefix);
}

void AnthropicAdminService::serve(const HttpServerRequest& req, HttpServerResponder& r,
                                  const ServiceContext& ctx)
{
    const QByteArray apiKey = req.header("x-api-key");
    if (!isAcceptedKey(apiKey)) {
        respondError(r, 401, QStringLiteral("authentication_error"),
                     apiKey.isEmpty() ? QStringLiteral("x-api-key header is required")
                                      : QStringLiteral("invalid x-api-key"));
        return;
    }
    if (req.header("anthropic-version").isEmpty()) {
        invalid(r, QStringLiteral("anthropic-version: header is required"));
        return;
    }
    if (req.method != "GET") {
        respondError(
            r, 405, QStringLiteral("invalid_request_error"),
            QStringLiteral("Method %1 is not allowed here.").arg(QString::fromLatin1(req.method)));
        return;
    }
    QString path = req.path().mid(kAnthropicPrefix.size());
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const bool usage = path == QLatin1String("usage_report/messages");
    if (!usage && path != QLatin1String("cost_report")) {
        respondError(r, 404, QStringLiteral("not_found_error"),
                     QStringLiteral("Not found: %1").arg(req.path()));
        return;
    }
    const Query q = parseQueryAll(req.rawQuery());
    const QString startText = queryValue(q, QStringLiteral("starting_at"));
    const auto from = parseIsoUtc(startText);
    if (startText.isNull() || !from) {
        invalid(r, QStringLiteral("starting_at: a date-time in RFC 3339 format is required"));
        return;
    }
    const QString endText = queryValue(q, QStringLiteral("ending_at"));
    const auto end = endText.isNull() ? std::optional<qint64>(ctx.nowUtc) : parseIsoUtc(endText);
    if (!end || *end <= *from) {
        invalid(r, QStringLiteral("ending_at: must be an RFC 3339 date-time after starting_at"));
        return;
    }
    const QString widthText = queryValue(q, QStringLiteral("bucket_width")).isNull()
                                  ? QStringLiteral("1d")
                                  : queryValue(q, QStringLiteral("bucket_width"));
    std::optional<BucketWidth> width = usageBucketWidth(widthText);
    if (!usage && widthText != QLatin1String("1d"))
        width.reset();
    if (!width) {
        invalid(r,
                QStringLiteral("bucket_width: '%1' is not one of %2")
                    .arg(widthText, usage ? QStringLiteral("1m, 1h, 1d") : QStringLiteral("1d")));
        return;
    }
    int limit = width->defaultLimit;
    const QString limitText = queryValue(q, QStringLiteral("limit"));
    if (!limitText.isNull()) {
        bool ok = false;
        limit = limitText.toInt(&ok);
        if (!ok || limit < 1 || limit > width->maxLimit) {
            invalid(r, QStringLiteral("limit: must be between 1 and %1 for bucket_width %2")
                           .arg(width->maxLimit)
                           .arg(widthText));
            return;
        }
    }
    const QStringList groupBy = queryValues(q, QStringLiteral("group_by"));
    const QStringList allowed =
        usage ? QStringList{QStringLiteral("api_key_id"), QStringLiteral("workspace_id"),
                            QStringLiteral("model"), QStringLiteral("service_tier"),
                            QStringLiteral("context_window")}
              : QStringList{QStringLiteral("workspace_id"), QStringLiteral("description")};
    for (const QString& g : groupBy) {
        if (!allowed.contains(g)) {
            invalid(r, QStringLiteral("group_by: '%1' is not one of %2")
                           .arg(g, allowed.join(QLatin1String(", "))));
            return;
        }
    }
    const auto page =
        planPage(*from, *end, width->seconds, limit, queryValue(q, QStringLiteral("page")));
    if (!page) {
        invalid(r, QStringLiteral("page: invalid cursor; pass next_page from the previous "
                                  "response with the same parameters"));
        return;
    }

    const qint64 dataEnd = std::min(*end, floorTo(ctx.nowUtc, 60)); // the current minute is open
    const QVector<CloudStream> streams = CloudFleet::streams(kAnthropic);
    const bool byWorkspace = groupBy.contains(QLatin1String("workspace_id"));
    const bool byModel = groupBy.contains(QLatin1String("model"));
    const bool byTier = groupBy.contains(QLatin1String("service_tier"));
    const bool byDescription = groupBy.contains(QLatin1String("description"));

    QJsonArray data;
    for (const qint64 b : page->starts) {
        const qint64 bFrom = std::max(b, *from);
        const qint64 bTo = std::min(b + width->seconds, dataEnd);
        QJsonArray results;
        if (usage) {
            QMap<QString, std::pair<int, CloudMinute>> groups;
            for (int i = 0; i < streams.size() && bFrom < bTo; ++i) {
                const CloudStream& s = streams[i];
                const CloudMinute sum = m_fleet.sum(kAnthropic, i, bFrom, bTo);
                if (sum.requests == 0)
                    continue;
                const QString key =
                    QStringList{byWorkspace ? s.project : QString(), byModel ? s.model : QString(),
                                byTier ? s.serviceTier : QString()}
                        .join(QLatin1Char('|'));
                auto& g = groups[key];
                g.first = i;
                g.second += sum;
            }
            for (const auto& [index, sum] : groups) {
                const CloudStream& s = streams[index];
                results.append(QJsonObject{
                    {QStringLiteral("uncached_input_tokens"), sum.uncachedTokens()},
                    {QStringLiteral("cache_creation"),
                     QJsonObject{{QStringLiteral("ephemeral_1h_input_tokens"), sum.cacheWrite1h},
                                 {QStringLiteral("ephemeral_5m_input_tokens"), sum.cacheWrite5m}}},
                    {QStringLiteral("cache_read_input_tokens"), sum.cachedTokens},
                    {QStringLiteral("output_tokens"), sum.outputTokens},
                    {QStringLiteral("server_tool_use"),
                     QJsonObject{{QStringLiteral("web_search_requests"), 0}}},
                    {QStringLiteral("api_key_id"), QJsonValue()},
                    {QStringLiteral("workspace_id"), orNull(byWorkspace, s.project)},
                    {QStringLiteral("model"), orNull(byModel, s.model)},
                    {QStringLiteral("service_tier"), orNull(byTier, s.serviceTier)},
                    {QStringLiteral("context_window"), QJsonValue()}});
            }
        } else {
            QMap<QString, std::pair<QJsonObject, qint64>> groups;
            for (int i = 0; i < streams.size() && bFrom < bTo; ++i) {
                const CloudStream& s = streams[i];
                const CloudMinute sum = m_fleet.sum(kAnthropic, i, bFrom, bTo);
                for (const CloudCostLine& line : cloudCostLines(kAnthropic, s, sum)) {
                    const QString key =
                        (byDescription ? line.model + QLatin1Char('/') + line.item : QString()) +
                        QLatin1Char('|') + (byWorkspace ? s.project : QString());
                    auto& g = groups[key];
                    g.first = QJsonObject{
                        {QStringLiteral("workspace_id"), orNull(byWorkspace, s.project)},
                        {QStringLiteral("description"),
                         orNull(byDescription, describe(line.model, line.item))},
                        {QStringLiteral("cost_type"),
                         orNull(byDescription, QStringLiteral("tokens"))},
                        {QStringLiteral("context_window"),
                         orNull(byDescription, QStringLiteral("0-200k"))},
                        {QStringLiteral("model"), orNull(byDescription, line.model)},
                        {QStringLiteral("service_tier"), orNull(byDescription, s.serviceTier)},
                        {QStringLiteral("token_type"), orNull(byDescription, line.item)}};
                    g.second += line.picoUsd;
                }
            }
            for (const auto& [fields, pico] : groups) {
                QJsonObject o = fields;
                o.insert(QStringLiteral("currency"), QStringLiteral("USD"));
                o.insert(QStringLiteral("amount"), picoUsdAsCents(pico));
                results.append(o);
            }
        }
        data.append(QJsonObject{{QStringLiteral("starting_at"), formatIsoUtc(b)},
                                {QStringLiteral("ending_at"), formatIsoUtc(b + width->seconds)},
                                {QStringLiteral("results"), results}});
    }
    const QJsonObject body{{QStringLiteral("data"), data},
                           {QStringLiteral("has_more"), !page->nextPage.isEmpty()},
                           {QStringLiteral("next_page"),
                            page->nextPage.isEmpty() ? QJsonValue() : QJsonValue(page->nextPage)}};
    r.respondJson(200, QJsonDocument(body).toJson(QJsonDocument::Compact),
                  {{"request-id", "req_emulator"}});
}

} // namespace isc::emu
