#include "alertconfig.h"

#include "alerttemplates.h"

#include <QHash>
#include <QJsonArray>

namespace isc {

AlertConfig AlertConfig::fromJson(const QJsonObject& alerts)
{
    AlertConfig config;
    for (auto it = alerts.begin(); it != alerts.end(); ++it) {
        if (it.key() != QLatin1String("builtins") && it.key() != QLatin1String("rules"))
            config.errors << QStringLiteral("alerts.%1: unknown field (alerts takes builtins, "
                                            "rules)")
                                 .arg(it.key());
    }
    const QJsonValue builtins = alerts.value(QStringLiteral("builtins"));
    if (builtins.isBool())
        config.builtins = builtins.toBool();
    else if (!builtins.isUndefined())
        config.errors << QStringLiteral("alerts.builtins: is not true or false");
    const QJsonValue rules = alerts.value(QStringLiteral("rules"));
    if (!rules.isUndefined() && !rules.isArray()) {
        config.errors << QStringLiteral("alerts.rules: is not a list of rules");
        return config;
    }
    QHash<QString, QString> seen; // id -> where
    const QJsonArray list = rules.toArray();
    for (qsizetype i = 0; i < list.size(); ++i) {
        const QString where = QStringLiteral("alerts.rules[%1]").arg(i);
        if (!list.at(i).isObject()) {
            config.errors << where + QStringLiteral(": is not a rule object");
            continue;
        }
        const QJsonObject o = list.at(i).toObject();
        const QJsonValue templateId = o.value(QStringLiteral("template"));
        std::optional<AlertTemplate> base;
        if (!templateId.isUndefined()) {
            base = builtinAlertTemplate(templateId.toString());
            if (!base) {
                QStringList ids;
                for (const AlertTemplate& t : builtinAlertTemplates())
                    ids << t.rule.id;
                config.errors << where + QStringLiteral(".template: \"%1\" is not a built-in "
                                                        "template (%2)")
                                             .arg(templateId.toString(),
                                                  ids.join(QStringLiteral(", ")));
                continue;
            }
        }
        auto rule = AlertRule::parse(o, where, &config.errors, base ? &base->rule : nullptr);
        if (!rule)
            continue;
        if (seen.contains(rule->id)) {
            config.errors << where + QStringLiteral(".id: \"%1\" is already used by %2")
                                         .arg(rule->id, seen.value(rule->id));
            continue;
        }
        seen.insert(rule->id, where);
        config.rules.append(*rule);
    }
    return config;
}

QJsonObject AlertConfig::toJson() const
{
    QJsonArray list;
    for (const AlertRule& r : rules)
        list.append(r.toJson());
    QJsonObject o{{QStringLiteral("rules"), list}};
    if (!builtins)
        o.insert(QStringLiteral("builtins"), false);
    return o;
}

QVector<AlertRule> AlertConfig::effectiveRules(const Workspace& workspace,
                                               const Deployments& inventory) const
{
    QVector<AlertRule> out;
    QHash<QString, AlertRule> applicable;
    const QVector<AlertRule> builtin = applicableBuiltinRules(workspace, inventory);
    for (const AlertRule& r : builtin)
        applicable.insert(r.id, r);
    auto scoped = [&](AlertRule rule) {
        const auto it = applicable.constFind(rule.templateId);
        if (it != applicable.cend()) {
            if (rule.connections.isEmpty())
                rule.connections = it->connections;
            if (rule.deployments.isEmpty())
                rule.deployments = it->deployments;
        }
        return rule;
    };
    QHash<QString, int> overridden;
    for (int i = 0; i < rules.size(); ++i) {
        if (!rules[i].templateId.isEmpty() && rules[i].id == rules[i].templateId)
            overridden.insert(rules[i].id, i);
    }
    if (builtins) {
        for (const AlertRule& r : builtin) {
            const auto it = overridden.constFind(r.id);
            out.append(it == overridden.cend() ? r : scoped(rules[*it]));
        }
    }
    for (const AlertRule& r : rules) {
        if (builtins && overridden.contains(r.id) && applicable.contains(r.id))
            continue; // already in place of its built-in
        out.append(scoped(r));
    }
    return out;
}

} // namespace isc
