#pragma once

#include "sources/openai/pagedusagesource.h"

namespace isc::anthropic {

/// Polls one Anthropic organisation through the admin API (`x-api-key: sk-ant-admin...`,
/// `anthropic-version: 2023-06-01`): `/organizations/usage_report/messages` grouped by model,
/// workspace_id and service_tier, and `/organizations/cost_report` per day grouped by
/// workspace_id and description. A 529 (overloaded) is retried by the HTTP client; a 429
/// `enforced_spend_limit_reached` is not, and fails the window in words. See PagedUsageSource
/// for the backfill and poll plan; the connection's endpoint is the API base (…/v1).
class AnthropicSource : public PagedUsageSource
{
    Q_OBJECT
public:
    AnthropicSource(Connection connection, HttpClient* http, SecretProvider adminKey,
                    QObject* parent = nullptr);

    /// The API version sent with every request.
    static QByteArray apiVersion() { return QByteArrayLiteral("2023-06-01"); }
    /// Usage buckets per page at most, per width (1m: 1440, 1h: 168, 1d: 31).
    static int maxUsageBuckets(qint64 bucketSeconds);
    /// Cost days per page at most.
    static constexpr int maxCostDays = 31;

protected:
    QString serviceName() const override;
    QUrl reportUrl(Report report, const TimeRange& window, qint64 bucketSeconds, int limit,
                   const QString& page) const override;
    void addAuthHeaders(QList<HttpHeader>* headers, const QString& key) const override;
    PageParser parser(Report report) const override;
    int maxPageLimit(Report report, qint64 bucketSeconds) const override;
    QString errorWords(const QByteArray& body, QString* type) const override;
};

} // namespace isc::anthropic
