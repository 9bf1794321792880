#include "openaiadminservice.h"

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

const QString kOpenAiPrefix = QStringLiteral("/providers/openai/v1/organization/");
constexpr CloudFleet::Provider kOpenAi = CloudFleet::Provider::OpenAi;

using Query = QList<std::pair<QString, QString>>;

void respondError(HttpServerResponder& r, int status, const QString& type, const QString& code,
                  const QString& message, const QString& param = {})
{
    QJsonObject error{{QStringLiteral("message"), message},
                      {QStringLiteral("type"), type},
                      {QStringLiteral("param"), param.isEmpty() ? QJsonValue() : QJsonValue(param)},
                      {QStringLiteral("code"), code.isEmpty() ? QJsonValue() : QJsonValue(code)}};
    r.respondJson(status, QJsonDocument(QJsonObject{{QStringLiteral("error"), error}})
                              .toJson(QJsonDocument::Compact));
}

void invalid(HttpServerResponder& r, const QString& message, const QString& param)
{
    respondError(r, 400, QStringLiteral("invalid_request_error"), QString(), message, param);
}

// The time range and paging parameters every endpoint shares; false after answering an error.
struct Window
{
    qint64 from = 0;
    qint64 to = 0;
};

bool readWindow(const Query& q, qint64 now, HttpServerResponder& r, Window* w)
{
    bool ok = false;
    const QString start = queryValue(q, QStringLiteral("start_time"));
    if (start.isNull()) {
        invalid(r, QStringLiteral("Missing required parameter: 'start_time'."),
                QStringLiteral("start_time"));
        return false;
    }
    w->from = start.toLongLong(&ok);
    if (!ok || w->from < 0) {
        invalid(r, QStringLiteral("Invalid 'start_time': expected a Unix timestamp in seconds."),
                QStringLiteral("start_time"));
        return false;
    }
    const QString end = queryValue(q, QStringLiteral("end_time"));
    w->to = end.isNull() ? now : end.toLongLong(&ok);
    if (!end.isNull() && (!ok || w->to <= w->from)) {
        invalid(r,
                QStringLiteral("Invalid 'end_time': expected a Unix timestamp after 'start_time'."),
                QStringLiteral("end_time"));
        return false;
    }
    return true;
}

bool readLimit(const Query& q, int defaultLimit, int maxLimit, HttpServerResponder& r, int* limit)
{
    const QString text = queryValue(q, QStringLiteral("limit"));
    if (text.isNull()) {
        *limit = defaultLimit;
        return true;
    }
    bool ok = false;
    *limit = text.toInt(&ok);
    if (!ok || *limit < 1 || *limit > maxLimit) {
        invalid(r,
                QStringLiteral("Invalid 'limit': expected 1 to %1 for this bucket width.")
                    .arg(maxLimit),
                QStringLiteral("limit"));
        return false;
    }
    return true;
}

QJsonValue orNull(bool grouped, const QJsonValue& v)
{
    return grouped ? v : QJsonValue();
}

QJsonObject pageObject(const QJsonArray& data, const QString& nextPage)
{
    return {
        {QStringLiteral("object"), QStringLiteral("page")},
        {QStringLiteral("data"), data},
        {QStringLiteral("has_more"), !nextPage.isEmpty()},
        {QStringLiteral("next_page"), nextPage.isEmpty() ? QJsonValue() : QJsonValue(nextPage)}};
}

} // namespace

OpenAiAdminService::OpenAiAdminService(const TrafficModel& traffic) : m_fleet(traffic.seed()) {}

bool OpenAiAdminService::accepts(const HttpServerRequest& req) const
{
    return req.path().startsWith(kOpenAiPrefix);
}

void OpenAiAdminService::serve(const HttpServerRequest& req, HttpServerResponder& r,
                               const ServiceContext& ctx)
{
    const QByteArray auth = req.header("Authorization");
    if (!isAcceptedBearer(auth)) {
        respondError(r, 401, QStringLiteral("invalid_request_error"),
                     QStringLiteral("invalid_api_key"),
                     auth.isEmpty() ? QStringLiteral("You didn't provide an API key. Provide your "
                                                     "admin key in an Authorization header "
                                                     "(Authorization: Bearer YOUR_KEY).")
                                    : QStringLiteral("Incorrect API key provided. Admin endpoints "
                                                     "need an admin key (sk-admin-...)."));
        return;
    }
    if (req.method != "GET") {
        respondError(
            r, 405, QStringLiteral("invalid_request_error"), QString(),
            QStringLiteral("Method %1 is not allowed here.").arg(QString::fromLatin1(req.method)));
        return;
    }
    QString path = req.path().mid(kOpenAiPrefix.size());
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    const Query q = parseQueryAll(req.rawQuery());
    const bool usage = path == QLatin1String("usage/completions");
    if (!usage && path != QLatin1String("costs")) {
        respondError(r, 404, QStringLiteral("invalid_request_error"), QStringLiteral("unknown_url"),
                     QStringLiteral("Unknown request URL: GET %1.").arg(req.path()));
        return;
    }

    Window w;
    if (!readWindow(q, ctx.nowUtc, r, &w))
        return;
    const QString widthText = queryValue(q, QStringLiteral("bucket_width")).isNull()
                                  ? QStringLiteral("1d")
                                  : queryValue(q, QStringLiteral("bucket_width"));
    std::optional<BucketWidth> width = usageBucketWidth(widthText);
    if (!usage && width)
        width = widthText == QLatin1String("1d") ? BucketWidth{86400, 7, kMaxCostDays}
                                                 : std::optional<BucketWidth>();
    if (!width) {
        invalid(r,
                QStringLiteral("Invalid 'bucket_width': '%1'. Supported values are %2.")
                    .arg(widthText,
                         usage ? QStringLiteral("'1m', '1h' and '1d'") : QStringLiteral("'1d'")),
                QStringLiteral("bucket_width"));
        return;
    }
    int limit = 0;
    if (!readLimit(q, width->defaultLimit, width->maxLimit, r, &limit))
        return;
    const QStringList groupBy = queryValues(q, QStringLiteral("group_by"));
    const QStringList allowed =
        usage ? QStringList{QStringLiteral("project_id"), QStringLiteral("user_id"),
                            QStringLiteral("api_key_id"), QStringLiteral("model"),
                            QStringLiteral("batch"),      QStringLiteral("service_tier")}
              : QStringList{QStringLiteral("project_id"), QStringLiteral("line_item")};
    for (const QString& g : groupBy) {
        if (!allowed.contains(g)) {
            invalid(r,
                    QStringLiteral("Invalid 'group_by' value '%1'. Supported: %2.")
                        .arg(g, allowed.join(QLatin1String(", "))),
                    QStringLiteral("group_by"));
            return;
        }
    }
    const auto page =
        planPage(w.from, w.to, width->seconds, limit, queryValue(q, QStringLiteral("page")));
    if (!page) {
        invalid(r,
                QStringLiteral("Invalid 'page' cursor: use the next_page of the previous response "
                               "with the same parameters."),
                QStringLiteral("page"));
        return;
    }

    const qint64 dataEnd = std::min(w.to, floorTo(ctx.nowUtc, 60)); // the current minute is open
    const QVector<CloudStream> streams = CloudFleet::streams(kOpenAi);
    const bool byProject = groupBy.contains(QLatin1String("project_id"));
    const bool byModel = groupBy.contains(QLatin1String("model"));
    const bool byBatch = groupBy.contains(QLatin1String("batch"));
    const bool byTier = groupBy.contains(QLatin1String("service_tier"));
    const bool byLineItem = groupBy.contains(QLatin1String("line_item"));

    QJsonArray data;
    for (const qint64 b : page->starts) {
        const qint64 from = std::max(b, w.from);
        const qint64 to = std::min(b + width->seconds, dataEnd);
        QJsonArray results;
        if (usage) {
            QMap<QString, std::pair<int, CloudMinute>> groups; // group key -> (a stream, sum)
            for (int i = 0; i < streams.size(); ++i) {
                const CloudStream& s = streams[i];
                const CloudMinute sum =
                    from < to ? m_fleet.sum(kOpenAi, i, from, to) : CloudMinute{};
                if (sum.requests == 0)
                    continue;
                const QString key =
                    QStringList{byProject ? s.project : QString(), byModel ? s.model : QString(),
                                byBatch ? QString::number(s.batch) : QString(),
                                byTier ? s.serviceTier : QString()}
                        .join(QLatin1Char('|'));
                auto& g = groups[key];
                g.first = i;
                g.second += sum;
            }
            for (const auto& [index, sum] : groups) {
                const CloudStream& s = streams[index];
                results.append(
                    QJsonObject{{QStringLiteral("object"),
                                 QStringLiteral("organization.usage.completions.result")},
                                {QStringLiteral("input_tokens"), sum.inputTokens},
                                {QStringLiteral("output_tokens"), sum.outputTokens},
                                {QStringLiteral("input_cached_tokens"), sum.cachedTokens},
                                {QStringLiteral("input_audio_tokens"), 0},
                                {QStringLiteral("output_audio_tokens"), 0},
                                {QStringLiteral("num_model_requests"), sum.requests},
                                {QStringLiteral("project_id"), orNull(byProject, s.project)},
                                {QStringLiteral("user_id"), QJsonValue()},
                                {QStringLiteral("api_key_id"), QJsonValue()},
                                {QStringLiteral("model"), orNull(byModel, s.model)},
                                {QStringLiteral("batch"), orNull(byBatch, s.batch)},
                                {QStringLiteral("service_tier"), orNull(byTier, s.serviceTier)}});
            }
        } else {
            QMap<QString, std::pair<QJsonObject, qint64>> groups; // key -> (fields, pico-USD)
            for (int i = 0; i < streams.size(); ++i) {
                const CloudStream& s = streams[i];
                if (from >= to)
                    break;
                const CloudMinute sum = m_fleet.sum(kOpenAi, i, from, to);
                for (const CloudCostLine& line : cloudCostLines(kOpenAi, s, sum)) {
                    const QString key = (byLineItem ? line.item : QString()) + QLatin1Char('|') +
                                        (byProject ? s.project : QString());
                    auto& g = groups[key];
                    g.first =
                        QJsonObject{{QStringLiteral("line_item"), orNull(byLineItem, line.item)},
                                    {QStringLiteral("project_id"), orNull(byProject, s.project)}};
                    g.second += line.picoUsd;
                }
            }
            for (const auto& [fields, pico] : groups) {
                QJsonObject o = fields;
                o.insert(QStringLiteral("object"), QStringLiteral("organization.costs.result"));
                o.insert(QStringLiteral("amount"),
                         QJsonObject{{QStringLiteral("value"), static_cast<double>(pico) / 1e12},
                                     {QStringLiteral("currency"), QStringLiteral("usd")}});
                o.insert(QStringLiteral("organization_id"), QStringLiteral("org-inferscopedemo"));
                results.append(o);
            }
        }
        data.append(QJsonObject{{QStringLiteral("object"), QStringLiteral("bucket")},
                                {QStringLiteral("start_time"), b},
                                {QStringLiteral("end_time"), b + width->seconds},
                                {QStringLiteral("results"), results}});
    }
    r.respondJson(200,
                  QJsonDocument(pageObject(data, page->nextPage)).toJson(QJsonDocument::Compact),
                  {{"x-request-id", "req_emulator"}});
}

} // namespace isc::emu
