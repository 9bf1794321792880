#pragma once

#include "sources/openai/pagedusagesource.h"

namespace isc::openai {

/// Polls one OpenAI organisation through the admin API (`Authorization: Bearer sk-admin-...`):
/// `/organization/usage/completions` grouped by model, project_id, batch and service_tier, and
/// `/organization/costs` per day grouped by line_item and project_id. See PagedUsageSource for
/// the backfill and poll plan; the connection's endpoint is the API base (…/v1).
class OpenAiSource : public PagedUsageSource
{
    Q_OBJECT
public:
    OpenAiSource(Connection connection, HttpClient* http, SecretProvider adminKey,
                 QObject* parent = nullptr);

    /// Usage buckets per page at most, per width (1m: 1440, 1h: 168, 1d: 31).
    static int maxUsageBuckets(qint64 bucketSeconds);
    /// Cost days per page at most.
    static constexpr int maxCostDays = 180;

protected:
    QString serviceName() const override;
    QUrl reportUrl(Report report, const TimeRange& window, qint64 bucketSeconds, int limit,
                   const QString& page) const override;
    void addAuthHeaders(QList<HttpHeader>* headers, const QString& key) const override;
    PageParser parser(Report report) const override;
    int maxPageLimit(Report report, qint64 bucketSeconds) const override;
    QString errorWords(const QByteArray& body, QString* type) const override;
};

} // namespace isc::openai
