#include "webhookconfig.h"

#include <QJsonArray>
#include <QSet>

namespace isc {
namespace {

const char* const kWebhookFields[] = {"id", "format", "url", "minSeverity"};

std::optional<WebhookConfig::Format> webhookFormatFromName(const QString& name)
{
    for (const auto f : {WebhookConfig::Format::Generic, WebhookConfig::Format::Slack,
                         WebhookConfig::Format::Teams}) {
        if (webhookFormatName(f) == name)
            return f;
    }
    return std::nullopt;
}

std::optional<AlertNotice::Severity> webhookSeverityFromName(const QString& name)
{
    for (const auto s : {AlertNotice::Severity::Info, AlertNotice::Severity::Warning,
                         AlertNotice::Severity::Critical}) {
        if (severityName(s) == name)
            return s;
    }
    return std::nullopt;
}

const QString kUrlHowTo = QStringLiteral(
    "name an environment variable ({\"env\": \"OPS_SLACK_WEBHOOK\"}) or a keychain entry "
    "({\"keychain\": \"ENTRY\"})");

// The URL reference of one webhook; never repeats what was written, in case it was the URL.
std::optional<SecretRef> parseWebhookUrl(const QJsonValue& v, const QString& where, QString* error)
{
    if (v.isString()) {
        *error = where +
                 QStringLiteral(": a webhook URL is a secret and never goes in the "
                                "workspace file; ") +
                 kUrlHowTo;
        return std::nullopt;
    }
    if (!v.isObject()) {
        *error = where + QStringLiteral(": missing; ") + kUrlHowTo;
        return std::nullopt;
    }
    const QJsonObject o = v.toObject();
    SecretRef ref;
    if (o.size() == 1 && o.value(QLatin1String("env")).isString()) {
        ref.kind = SecretRef::Kind::Env;
        ref.name = o.value(QLatin1String("env")).toString();
    } else if (o.size() == 1 && o.value(QLatin1String("keychain")).isString()) {
        ref.kind = SecretRef::Kind::Keychain;
        ref.name = o.value(QLatin1String("keychain")).toString();
    } else {
        *error = where + QStringLiteral(": expected exactly one of \"env\" or \"keychain\"; ") +
                 kUrlHowTo;
        return std::nullopt;
    }
    if (ref.name.trimmed().isEmpty()) {
        *error = where + QStringLiteral(": the name is empty; ") + kUrlHowTo;
        return std::nullopt;
    }
    if (ref.name.contains(QLatin1String("://"))) {
        *error = where + QStringLiteral(": that looks like the URL itself, which is a secret; ") +
                 kUrlHowTo;
        return std::nullopt;
    }
    return ref;
}

} // namespace

QString webhookFormatName(WebhookConfig::Format format)
{
    switch (format) {
    case WebhookConfig::Format::Generic:
        return QStringLiteral("generic");
    case WebhookConfig::Format::Slack:
        return QStringLiteral("slack");
    case WebhookConfig::Format::Teams:
        return QStringLiteral("teams");
    }
    return {};
}

std::optional<QVector<WebhookConfig>> WebhookConfig::listFromJson(const QJsonValue& webhooks,
                                                                  QString* error)
{
    QVector<WebhookConfig> out;
    if (webhooks.isUndefined() || webhooks.isNull())
        return out;
    if (!webhooks.isArray()) {
        *error = QStringLiteral("alerts.webhooks: expected an array of webhooks");
        return std::nullopt;
    }
    const QJsonArray list = webhooks.toArray();
    QSet<QString> ids;
    for (int i = 0; i < list.size(); ++i) {
        const QString where = QStringLiteral("alerts.webhooks[%1]").arg(i);
        if (!list.at(i).isObject()) {
            *error = where + QStringLiteral(": expected an object");
            return std::nullopt;
        }
        const QJsonObject o = list.at(i).toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            bool known = false;
            for (const char* f : kWebhookFields)
                known = known || it.key() == QLatin1String(f);
            if (!known) {
                *error = where + QStringLiteral(".%1: unknown field (known: id, format, url, "
                                                "minSeverity)")
                                     .arg(it.key());
                return std::nullopt;
            }
        }
        WebhookConfig c;
        c.id = o.value(QLatin1String("id")).toString().trimmed();
        if (c.id.isEmpty()) {
            *error = where + QStringLiteral(".id: missing; give the webhook a name, e.g. "
                                            "\"ops-slack\"");
            return std::nullopt;
        }
        if (ids.contains(c.id)) {
            *error = where + QStringLiteral(".id: \"%1\" is used by another webhook").arg(c.id);
            return std::nullopt;
        }
        ids.insert(c.id);
        const QString format = o.value(QLatin1String("format")).toString();
        const auto f = webhookFormatFromName(format);
        if (!f) {
            *error =
                where +
                (format.isEmpty() ? QStringLiteral(".format: missing")
                                  : QStringLiteral(".format: unknown format \"%1\"").arg(format)) +
                QStringLiteral(" (supported: generic, slack, teams)");
            return std::nullopt;
        }
        c.format = *f;
        const auto url =
            parseWebhookUrl(o.value(QLatin1String("url")), where + QLatin1String(".url"), error);
        if (!url)
            return std::nullopt;
        c.url = *url;
        if (o.contains(QLatin1String("minSeverity"))) {
            const QString s = o.value(QLatin1String("minSeverity")).toString();
            const auto severity = webhookSeverityFromName(s);
            if (!severity) {
                *error = where + QStringLiteral(".minSeverity: unknown severity \"%1\" "
                                                "(supported: info, warning, critical)")
                                     .arg(s);
                return std::nullopt;
            }
            c.minSeverity = *severity;
        }
        out.append(c);
    }
    return out;
}

std::optional<QVector<WebhookConfig>> WebhookConfig::fromAlertsJson(const QJsonObject& alerts,
                                                                    QString* error)
{
    return listFromJson(alerts.value(QLatin1String("webhooks")), error);
}

QJsonObject WebhookConfig::toJson() const
{
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("format"), webhookFormatName(format)}};
    o.insert(QStringLiteral("url"),
             QJsonObject{{url.kind == SecretRef::Kind::Keychain ? QStringLiteral("keychain")
                                                                : QStringLiteral("env"),
                          url.name}});
    if (minSeverity != AlertNotice::Severity::Info)
        o.insert(QStringLiteral("minSeverity"), severityName(minSeverity));
    return o;
}

} // namespace isc
