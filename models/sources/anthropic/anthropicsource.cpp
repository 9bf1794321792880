#include "anthropicsource.h"

#include "sources/anthropic/anthropicusageparser.h"

namespace isc::anthropic {

AnthropicSource::AnthropicSource(Connection connection, HttpClient* http, SecretProvider adminKey,
                                 QObject* parent)
    : PagedUsageSource(std::move(connection), http, std::move(adminKey), parent)
{}

int AnthropicSource::maxUsageBuckets(qint64 bucketSeconds)
{
    return bucketSeconds >= 86400 ? 31 : (bucketSeconds >= 3600 ? 168 : 1440);
}

QString AnthropicSource::serviceName() const
{
    return QStringLiteral("Anthropic");
}

QUrl AnthropicSource::reportUrl(Report report, const TimeRange& window, qint64 bucketSeconds,
                                int limit, const QString& page) const
{
    const bool usage = report == Report::Usage;
    const QString width = bucketSeconds >= 86400 ? QStringLiteral("1d")
                                                 : (bucketSeconds >= 3600 ? QStringLiteral("1h")
                                                                          : QStringLiteral("1m"));
    QList<std::pair<QString, QString>> q{{QStringLiteral("starting_at"), formatIsoUtc(window.from)},
                                         {QStringLiteral("ending_at"), formatIsoUtc(window.to)},
                                         {QStringLiteral("bucket_width"), width}};
    const QStringList groups =
        usage ? QStringList{QStringLiteral("model"), QStringLiteral("workspace_id"),
                            QStringLiteral("service_tier")}
              : QStringList{QStringLiteral("workspace_id"), QStringLiteral("description")};
    for (const QString& g : groups)
        q.append({QStringLiteral("group_by[]"), g});
    q.append({QStringLiteral("limit"), QString::number(limit)});
    if (!page.isEmpty())
        q.append({QStringLiteral("page"), page});
    return buildUrl(connection().endpoint,
                    usage ? QStringLiteral("/organizations/usage_report/messages")
                          : QStringLiteral("/organizations/cost_report"),
                    q);
}

void AnthropicSource::addAuthHeaders(QList<HttpHeader>* headers, const QString& key) const
{
    headers->append({QByteArrayLiteral("x-api-key"), key.toUtf8()});
    headers->append({QByteArrayLiteral("anthropic-version"), apiVersion()});
}

PagedUsageSource::PageParser AnthropicSource::parser(Report report) const
{
    return report == Report::Usage ? &parseUsageReport : &parseCostReport;
}

int AnthropicSource::maxPageLimit(Report report, qint64 bucketSeconds) const
{
    return report == Report::Usage ? maxUsageBuckets(bucketSeconds) : maxCostDays;
}

QString AnthropicSource::errorWords(const QByteArray& body, QString* type) const
{
    return errorText(body, type);
}

} // namespace isc::anthropic
