#pragma once

#include "alerts/delivery/alertnotice.h"
#include "alerts/delivery/webhookconfig.h"

#include <QByteArray>
#include <QJsonObject>
#include <QTimeZone>

namespace isc {

/// The bodies POSTed to webhooks, pure functions of a notice (docs/alerts-delivery.md shows
/// each). `receiver` is the webhook's id; `zone` is the one times are worded in.
namespace webhookpayload {

/// Inferscope's generic body, version "1": Alertmanager's field names where they fit
/// (status, labels, annotations, startsAt, endsAt, fingerprint) plus rule, value, threshold.
QJsonObject generic(const AlertNotice& notice, const QString& receiver, const QTimeZone& zone);

/// A Slack incoming-webhook message: "text" (the notification fallback) and Block Kit "blocks".
QJsonObject slack(const AlertNotice& notice, const QTimeZone& zone);

/// A Teams workflow ("When a Teams webhook request is received") message carrying one Adaptive
/// Card 1.4: Workflows accept Adaptive Cards only; the older MessageCard was for the retired
/// Office 365 connectors.
QJsonObject teams(const AlertNotice& notice, const QTimeZone& zone);

/// The body for `format`, compact UTF-8 JSON.
QByteArray body(WebhookConfig::Format format, const AlertNotice& notice, const QString& receiver,
                const QTimeZone& zone = QTimeZone::systemTimeZone());

/// RFC 3339 in UTC with milliseconds ("2024-05-01T14:05:00.000Z"); Alertmanager's zero time
/// "0001-01-01T00:00:00Z" for an invalid `t` (a firing alert has no end yet).
QString rfc3339(const QDateTime& t);

} // namespace webhookpayload
} // namespace isc
