#pragma once

#include "alerts/delivery/alertnotice.h"
#include "alerts/delivery/deliverylog.h"
#include "alerts/delivery/webhookconfig.h"

#include <QObject>
#include <QVector>
#include <memory>

namespace isc {

class HttpClient;
class SecretStore;

/// POSTs each alert transition once to every configured webhook (generic JSON, Slack, Teams),
/// retrying 5xx, 429 (honouring Retry-After) and network errors with exponential backoff and
/// jitter, within a bounded number of attempts and time; other 4xx are not retried. Every
/// attempt lands in an in-memory log that never holds the URL (a secret, read from the
/// environment or the keychain when a notice is sent).
class WebhookNotifier : public QObject
{
    Q_OBJECT
public:
    struct RetrySettings
    {
        int maxAttempts = 6;                ///< attempts per notice and webhook, the first included
        int baseDelayMs = 2000;             ///< the wait before the first retry; doubles each time
        int maxDelayMs = 5 * 60 * 1000;     ///< no backoff wait is longer, ms
        double jitter = 0.25;               ///< each wait is shortened by up to this share (0..0.5)
        qint64 maxTotalMs = 15 * 60 * 1000; ///< no retry starts later than this after the first
        int maxRetryAfterMs = 10 * 60 * 1000; ///< a longer Retry-After ends the delivery, ms
        int attemptTimeoutMs = 15000;         ///< one attempt, connect to last byte, ms
        int secretTimeoutMs = 10000;          ///< the most time to wait for the keychain, ms
    };

    /// A notifier reading keychain URLs from `secrets` (SecretStore::shared() when null).
    explicit WebhookNotifier(SecretStore* secrets = nullptr, QObject* parent = nullptr);
    ~WebhookNotifier() override;

    /// The webhooks to deliver to; keychain entries start loading now.
    void setWebhooks(const QVector<WebhookConfig>& webhooks);
    QVector<WebhookConfig> webhooks() const;
    void setRetrySettings(const RetrySettings& settings);
    RetrySettings retrySettings() const;
    /// Also send pending transitions (off by default).
    void setDeliverPending(bool deliver);
    /// The zone times are worded in (the user's by default).
    void setTimeZone(const QTimeZone& zone);

    /// Sends `notice` to every webhook whose minSeverity it meets, unless this transition of
    /// this alert was sent to it already. Returns at once.
    void notify(const AlertNotice& notice);

    /// Every attempt so far (bounded), oldest first.
    const DeliveryLog& log() const;
    /// Deliveries still running (sending or waiting to retry).
    int pending() const;

signals:
    /// An attempt ended (also in log()).
    void attempted(const isc::DeliveryAttempt& attempt);
    /// `webhookId` accepted `notice`.
    void delivered(const QString& webhookId, const isc::AlertNotice& notice);
    /// `webhookId` did not get `notice`; `reason` in words, without the URL.
    void failed(const QString& webhookId, const isc::AlertNotice& notice, const QString& reason);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
