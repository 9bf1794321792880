#pragma once

#include "alerts/delivery/alertnotice.h"
#include "core/workspace.h"

#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QVector>
#include <optional>

namespace isc {

/// One webhook alerts are POSTed to, as the workspace names it under `alerts.webhooks`. The
/// URL is a secret: only where to find it is kept (an environment variable or a keychain
/// entry), never the URL itself. See docs/alerts-delivery.md.
struct WebhookConfig
{
    /// The body shape: Inferscope's generic JSON (Alertmanager-like field names), a Slack
    /// incoming webhook, or a Microsoft Teams workflow webhook (Adaptive Card message).
    enum class Format { Generic, Slack, Teams };

    QString id; ///< unique among the webhooks, e.g. "ops-slack"; shown in the delivery log
    Format format = Format::Generic;
    SecretRef url; ///< Env or Keychain: where the URL is kept
    /// Notices below this severity are not sent to this webhook.
    AlertNotice::Severity minSeverity = AlertNotice::Severity::Info;

    /// Parses the `alerts.webhooks` array; on failure nullopt and `error` naming the field,
    /// e.g. "alerts.webhooks[1].format: unknown format \"discord\" (supported: ...)".
    static std::optional<QVector<WebhookConfig>> listFromJson(const QJsonValue& webhooks,
                                                              QString* error);
    /// The `webhooks` of an `alerts` object (absent: none).
    static std::optional<QVector<WebhookConfig>> fromAlertsJson(const QJsonObject& alerts,
                                                                QString* error);
    /// The object listFromJson() reads back (never holding the URL).
    QJsonObject toJson() const;

    bool operator==(const WebhookConfig& o) const
    {
        return id == o.id && format == o.format && url == o.url && minSeverity == o.minSeverity;
    }
};

/// "generic", "slack" or "teams".
QString webhookFormatName(WebhookConfig::Format format);

} // namespace isc
