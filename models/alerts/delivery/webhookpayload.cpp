#include "webhookpayload.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace isc::webhookpayload {
namespace {

QJsonObject labelsObject(const AlertNotice& n)
{
    QJsonObject o;
    for (auto it = n.labels.cbegin(); it != n.labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

// Slack's mrkdwn treats &, < and > as control characters.
QString slackEscape(QString s)
{
    s.replace(QLatin1Char('&'), QLatin1String("&amp;"));
    s.replace(QLatin1Char('<'), QLatin1String("&lt;"));
    s.replace(QLatin1Char('>'), QLatin1String("&gt;"));
    return s;
}

QString headline(const AlertNotice& n)
{
    switch (n.transition) {
    case AlertNotice::Transition::Firing:
        return QStringLiteral("Firing (%1)").arg(severityName(n.severity));
    case AlertNotice::Transition::Resolved:
        return QStringLiteral("Resolved");
    case AlertNotice::Transition::Pending:
        return QStringLiteral("Pending (%1)").arg(severityName(n.severity));
    }
    return {};
}

// Label name/value pairs as facts, the deployment-ish ones first.
QList<std::pair<QString, QString>> facts(const AlertNotice& n)
{
    QList<std::pair<QString, QString>> out;
    out.append({QStringLiteral("Rule"), n.ruleName});
    for (auto it = n.labels.cbegin(); it != n.labels.cend(); ++it)
        out.append({it.key(), it.value()});
    return out;
}

} // namespace

QString rfc3339(const QDateTime& t)
{
    if (!t.isValid())
        return QStringLiteral("0001-01-01T00:00:00Z");
    return t.toUTC().toString(Qt::ISODateWithMs);
}

QJsonObject generic(const AlertNotice& n, const QString& receiver, const QTimeZone& zone)
{
    const NoticeWording w = wordNotice(n, zone);
    QJsonObject o;
    o.insert(QStringLiteral("version"), QStringLiteral("1"));
    o.insert(QStringLiteral("receiver"), receiver);
    o.insert(QStringLiteral("status"), transitionName(n.transition));
    o.insert(QStringLiteral("rule"),
             QJsonObject{{QStringLiteral("id"), n.ruleId},
                         {QStringLiteral("name"), n.ruleName},
                         {QStringLiteral("severity"), severityName(n.severity)}});
    o.insert(QStringLiteral("labels"), labelsObject(n));
    o.insert(QStringLiteral("annotations"), QJsonObject{{QStringLiteral("summary"), w.title},
                                                        {QStringLiteral("description"), w.body}});
    o.insert(QStringLiteral("metric"), n.metric.isEmpty() ? n.ruleName : n.metric);
    o.insert(QStringLiteral("value"), n.value);
    o.insert(QStringLiteral("threshold"), n.threshold);
    o.insert(QStringLiteral("comparison"), comparisonOperator(n.comparison));
    o.insert(QStringLiteral("unit"), unitSymbol(n.unit));
    o.insert(QStringLiteral("aggregation"), aggregationName(n.aggregation));
    o.insert(QStringLiteral("windowSeconds"), n.windowSeconds);
    o.insert(QStringLiteral("startsAt"), rfc3339(n.startsAt));
    o.insert(QStringLiteral("endsAt"),
             rfc3339(n.transition == AlertNotice::Transition::Resolved ? n.at : QDateTime()));
    o.insert(QStringLiteral("transitionAt"), rfc3339(n.at));
    o.insert(QStringLiteral("fingerprint"), n.dedupKey);
    return o;
}

QJsonObject slack(const AlertNotice& n, const QTimeZone& zone)
{
    const NoticeWording w = wordNotice(n, zone);
    QJsonArray fields;
    for (const auto& [name, value] : facts(n)) {
        fields.append(
            QJsonObject{{QStringLiteral("type"), QStringLiteral("mrkdwn")},
                        {QStringLiteral("text"),
                         QStringLiteral("*%1*\n%2").arg(slackEscape(name), slackEscape(value))}});
        if (fields.size() == 10) // Slack's limit per section
            break;
    }
    const QJsonObject section{{QStringLiteral("type"), QStringLiteral("section")},
                              {QStringLiteral("text"),
                               QJsonObject{{QStringLiteral("type"), QStringLiteral("mrkdwn")},
                                           {QStringLiteral("text"),
                                            QStringLiteral("*%1*\n%2\n%3")
                                                .arg(slackEscape(headline(n)), slackEscape(w.title),
                                                     slackEscape(w.body))}}},
                              {QStringLiteral("fields"), fields}};
    const QJsonObject context{
        {QStringLiteral("type"), QStringLiteral("context")},
        {QStringLiteral("elements"),
         QJsonArray{
             QJsonObject{{QStringLiteral("type"), QStringLiteral("mrkdwn")},
                         {QStringLiteral("text"), QStringLiteral("Inferscope · rule %1 · %2")
                                                      .arg(slackEscape(n.ruleId), n.dedupKey)}}}}};
    return QJsonObject{
        {QStringLiteral("text"), QStringLiteral("%1: %2 — %3").arg(headline(n), w.title, w.body)},
        {QStringLiteral("blocks"), QJsonArray{section, context}}};
}

QJsonObject teams(const AlertNotice& n, const QTimeZone& zone)
{
    const NoticeWording w = wordNotice(n, zone);
    const bool resolved = n.transition == AlertNotice::Transition::Resolved;
    const QString color = resolved ? QStringLiteral("Good")
                          : n.severity == AlertNotice::Severity::Critical
                              ? QStringLiteral("Attention")
                              : QStringLiteral("Warning");
    QJsonArray factList;
    for (const auto& [name, value] : facts(n))
        factList.append(
            QJsonObject{{QStringLiteral("title"), name}, {QStringLiteral("value"), value}});
    const QJsonArray body{QJsonObject{{QStringLiteral("type"), QStringLiteral("TextBlock")},
                                      {QStringLiteral("text"), headline(n)},
                                      {QStringLiteral("weight"), QStringLiteral("Bolder")},
                                      {QStringLiteral("color"), color}},
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("TextBlock")},
                                      {QStringLiteral("text"), w.title},
                                      {QStringLiteral("size"), QStringLiteral("Medium")},
                                      {QStringLiteral("weight"), QStringLiteral("Bolder")},
                                      {QStringLiteral("wrap"), true}},
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("TextBlock")},
                                      {QStringLiteral("text"), w.body},
                                      {QStringLiteral("wrap"), true}},
                          QJsonObject{{QStringLiteral("type"), QStringLiteral("FactSet")},
                                      {QStringLiteral("facts"), factList}}};
    const QJsonObject card{{QStringLiteral("$schema"),
                            QStringLiteral("http://adaptivecards.io/schemas/adaptive-card.json")},
                           {QStringLiteral("type"), QStringLiteral("AdaptiveCard")},
                           {QStringLiteral("version"), QStringLiteral("1.4")},
                           {QStringLiteral("body"), body}};
    return QJsonObject{
        {QStringLiteral("type"), QStringLiteral("message")},
        {QStringLiteral("attachments"),
         QJsonArray{QJsonObject{{QStringLiteral("contentType"),
                                 QStringLiteral("application/vnd.microsoft.card.adaptive")},
                                {QStringLiteral("contentUrl"), QJsonValue::Null},
                                {QStringLiteral("content"), card}}}}};
}

QByteArray body(WebhookConfig::Format format, const AlertNotice& notice, const QString& receiver,
                const QTimeZone& zone)
{
    QJsonObject o;
    switch (format) {
    case WebhookConfig::Format::Generic:
        o = generic(notice, receiver, zone);
        break;
    case WebhookConfig::Format::Slack:
        o = slack(notice, zone);
        break;
    case WebhookConfig::Format::Teams:
        o = teams(notice, zone);
        break;
    }
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

} // namespace isc::webhookpayload
