#pragma once

#include "alerts/delivery/alertnotice.h"

#include <QDateTime>
#include <QMetaType>
#include <QString>
#include <QUrl>
#include <QVector>

namespace isc {

/// One attempt to deliver one notice to one webhook, as the delivery log keeps it. Holds no
/// secret: the target is redactWebhookUrl()'s form, every message went through
/// scrubWebhookUrl().
struct DeliveryAttempt
{
    enum class Outcome {
        Delivered, ///< the receiver answered 2xx
        Retrying,  ///< failed; another attempt follows after `retryInMs`
        Failed,    ///< failed for good (not retryable, or retries exhausted)
    };

    QString webhookId;
    QString target;   ///< e.g. "https://hooks.slack.com/…"
    QString dedupKey; ///< the notice's
    AlertNotice::Transition transition = AlertNotice::Transition::Firing;
    QString ruleName;
    int attempt = 0; ///< 1-based
    QDateTime at;    ///< when the attempt ended (UTC)
    int status = 0;  ///< HTTP status, 0 when no answer came
    Outcome outcome = Outcome::Failed;
    qint64 retryInMs = 0; ///< Retrying: the wait before the next attempt, ms
    QString detail;       ///< words: "HTTP 500 Internal Server Error: database down"

    /// One line: "14:05:03 ops-slack (https://hooks.slack.com/…) firing \"PTU\" attempt 2: ...".
    QString toText() const;
};

/// The last attempts (oldest first), in memory only, bounded.
class DeliveryLog
{
public:
    explicit DeliveryLog(int capacity = 500);

    void append(const DeliveryAttempt& attempt);
    const QVector<DeliveryAttempt>& entries() const { return m_entries; }
    /// Every entry's toText(), one per line.
    QString text() const;
    void clear() { m_entries.clear(); }

private:
    int m_capacity;
    QVector<DeliveryAttempt> m_entries;
};

/// The form of a webhook URL that may be shown: scheme, host (and an explicit port), then "…".
QString redactWebhookUrl(const QUrl& url);

/// `text` with every spelling of `url`, its path and its query replaced by "…" (for error
/// messages from lower layers that might quote the URL).
QString scrubWebhookUrl(QString text, const QUrl& url);

} // namespace isc

Q_DECLARE_METATYPE(isc::DeliveryAttempt)
