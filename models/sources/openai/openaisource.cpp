#include "openaisource.h"

#include "sources/openai/openaiusageparser.h"

namespace isc::openai {

namespace {

QString widthName(qint64 seconds)
{
    return seconds >= 86400 ? QStringLiteral("1d")
                            : (seconds >= 3600 ? QStringLiteral("1h") : QStringLiteral("1m"));
}

} // namespace

OpenAiSource::OpenAiSource(Connection connection, HttpClient* http, SecretProvider adminKey,
                           QObject* parent)
    : PagedUsageSource(std::move(connection), http, std::move(adminKey), parent)
{}

int OpenAiSource::maxUsageBuckets(qint64 bucketSeconds)
{
    return bucketSeconds >= 86400 ? 31 : (bucketSeconds >= 3600 ? 168 : 1440);
}

QString OpenAiSource::serviceName() const
{
    return QStringLiteral("OpenAI");
}

QUrl OpenAiSource::reportUrl(Report report, const TimeRange& window, qint64 bucketSeconds,
                             int limit, const QString& page) const
{
    const bool usage = report == Report::Usage;
    QList<std::pair<QString, QString>> q{
        {QStringLiteral("start_time"), QString::number(window.from)},
        {QStringLiteral("end_time"), QString::number(window.to)},
        {QStringLiteral("bucket_width"), widthName(bucketSeconds)}};
    const QStringList groups =
        usage ? QStringList{QStringLiteral("model"), QStringLiteral("project_id"),
                            QStringLiteral("batch"), QStringLiteral("service_tier")}
              : QStringList{QStringLiteral("line_item"), QStringLiteral("project_id")};
    for (const QString& g : groups)
        q.append({QStringLiteral("group_by[]"), g});
    q.append({QStringLiteral("limit"), QString::number(limit)});
    if (!page.isEmpty())
        q.append({QStringLiteral("page"), page});
    return buildUrl(connection().endpoint,
                    usage ? QStringLiteral("/organization/usage/completions")
                          : QStringLiteral("/organization/costs"),
                    q);
}

void OpenAiSource::addAuthHeaders(QList<HttpHeader>* headers, const QString& key) const
{
    headers->append({QByteArrayLiteral("Authorization"), "Bearer " + key.toUtf8()});
}

PagedUsageSource::PageParser OpenAiSource::parser(Report report) const
{
    return report == Report::Usage ? &parseUsagePage : &parseCostsPage;
}

int OpenAiSource::maxPageLimit(Report report, qint64 bucketSeconds) const
{
    return report == Report::Usage ? maxUsageBuckets(bucketSeconds) : maxCostDays;
}

QString OpenAiSource::errorWords(const QByteArray& body, QString* type) const
{
    return errorText(body, type);
}

} // namespace isc::openai
