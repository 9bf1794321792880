#include "routing/routingpolicy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSaveFile>

namespace isc {

namespace {

QStringList stringList(const QJsonValue& v, bool* ok)
{
    QStringList out;
    if (v.isUndefined() || v.isNull())
        return out;
    if (v.isString()) {
        out << v.toString();
        return out;
    }
    if (!v.isArray()) {
        *ok = false;
        return out;
    }
    for (const QJsonValue& e : v.toArray()) {
        if (!e.isString()) {
            *ok = false;
            return {};
        }
        out << e.toString();
    }
    return out;
}

QJsonArray toArray(const QStringList& list)
{
    QJsonArray a;
    for (const QString& s : list)
        a.append(s);
    return a;
}

// Reads an optional non-negative number; -1 when absent.
bool optionalNumber(const QJsonObject& o, const char* key, double* out)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined() || v.isNull()) {
        *out = -1;
        return true;
    }
    if (!v.isDouble() || v.toDouble() < 0)
        return false;
    *out = v.toDouble();
    return true;
}

bool parseCondition(const QJsonObject& w, RuleCondition* c, QString* field)
{
    if (w.contains(QLatin1String("promptTokens"))) {
        const QJsonObject p = w.value(QLatin1String("promptTokens")).toObject();
        if (!optionalNumber(p, "min", &c->minPromptTokens) ||
            !optionalNumber(p, "max", &c->maxPromptTokens)) {
            *field = QStringLiteral("promptTokens (min and max must be numbers >= 0)");
            return false;
        }
    }
    bool ok = true;
    c->models = stringList(w.value(QLatin1String("models")), &ok);
    if (!ok) {
        *field = QStringLiteral("models (a list of names)");
        return false;
    }
    c->tags = stringList(w.value(QLatin1String("tags")), &ok);
    if (!ok) {
        *field = QStringLiteral("tags (a list of names)");
        return false;
    }
    if (w.contains(QLatin1String("timeOfDay"))) {
        const QJsonObject t = w.value(QLatin1String("timeOfDay")).toObject();
        const auto from = parseMinuteOfDay(t.value(QLatin1String("from")).toString());
        const auto to = parseMinuteOfDay(t.value(QLatin1String("to")).toString());
        if (!from || !to) {
            *field = QStringLiteral("timeOfDay (from and to as \"HH:MM\" UTC)");
            return false;
        }
        c->fromMinute = *from;
        c->toMinute = *to;
    }
    if (w.contains(QLatin1String("utilizationAbove"))) {
        const QJsonObject u = w.value(QLatin1String("utilizationAbove")).toObject();
        c->utilizationTarget = u.value(QLatin1String("target")).toString();
        if (c->utilizationTarget.isEmpty() ||
            !optionalNumber(u, "percent", &c->utilizationAbovePct) || c->utilizationAbovePct < 0) {
            *field = QStringLiteral("utilizationAbove (a target and a percent >= 0)");
            return false;
        }
    }
    if (w.contains(QLatin1String("errorRateAbove"))) {
        const QJsonObject h = w.value(QLatin1String("errorRateAbove")).toObject();
        c->healthTarget = h.value(QLatin1String("target")).toString();
        if (c->healthTarget.isEmpty() || !optionalNumber(h, "percent", &c->errorRateAbovePct) ||
            c->errorRateAbovePct < 0) {
            *field = QStringLiteral("errorRateAbove (a target and a percent >= 0)");
            return false;
        }
    }
    return true;
}

QJsonObject conditionToJson(const RuleCondition& c)
{
    QJsonObject w;
    if (c.hasPromptRange()) {
        QJsonObject p;
        if (c.minPromptTokens >= 0)
            p.insert(QStringLiteral("min"), c.minPromptTokens);
        if (c.maxPromptTokens >= 0)
            p.insert(QStringLiteral("max"), c.maxPromptTokens);
        w.insert(QStringLiteral("promptTokens"), p);
    }
    if (!c.models.isEmpty())
        w.insert(QStringLiteral("models"), toArray(c.models));
    if (!c.tags.isEmpty())
        w.insert(QStringLiteral("tags"), toArray(c.tags));
    if (c.hasTimeWindow())
        w.insert(QStringLiteral("timeOfDay"),
                 QJsonObject{{QStringLiteral("from"), formatMinuteOfDay(qMax(0, c.fromMinute))},
                             {QStringLiteral("to"), formatMinuteOfDay(qMax(0, c.toMinute))}});
    if (c.hasUtilization())
        w.insert(QStringLiteral("utilizationAbove"),
                 QJsonObject{{QStringLiteral("target"), c.utilizationTarget},
                             {QStringLiteral("percent"), c.utilizationAbovePct}});
    if (c.hasHealth())
        w.insert(QStringLiteral("errorRateAbove"),
                 QJsonObject{{QStringLiteral("target"), c.healthTarget},
                             {QStringLiteral("percent"), c.errorRateAbovePct}});
    return w;
}

} // namespace

bool RuleCondition::operator==(const RuleCondition& o) const
{
    return minPromptTokens == o.minPromptTokens && maxPromptTokens == o.maxPromptTokens &&
           models == o.models && tags == o.tags && fromMinute == o.fromMinute &&
           toMinute == o.toMinute && utilizationTarget == o.utilizationTarget &&
           utilizationAbovePct == o.utilizationAbovePct && healthTarget == o.healthTarget &&
           errorRateAbovePct == o.errorRateAbovePct;
}

RoutingPolicy RoutingPolicy::identity()
{
    RoutingPolicy p;
    p.name = QStringLiteral("Identity (as recorded)");
    p.fallbackTarget = kOrigin;
    return p;
}

RoutingPolicy RoutingPolicy::demoDefault()
{
    RoutingPolicy p;
    p.name = QStringLiteral("Demo: local first, PTU with spillover");
    RoutingRule local;
    local.name = QStringLiteral("Small mini prompts run locally");
    local.when.maxPromptTokens = 1000;
    local.when.tags = QStringList{QStringLiteral("gpt-4o-mini")};
    local.target = QStringLiteral("demo-vllm/meta-llama/Llama-3.1-8B-Instruct");
    RoutingRule spill;
    spill.name = QStringLiteral("PTU busy: spill over early");
    spill.when.models = QStringList{QStringLiteral("gpt-4o")};
    spill.when.utilizationTarget = QStringLiteral("gpt-4o-ptu");
    spill.when.utilizationAbovePct = 95;
    spill.target = QStringLiteral("gpt-4o-std");
    RoutingRule ptu;
    ptu.name = QStringLiteral("gpt-4o on reserved capacity");
    ptu.when.models = QStringList{QStringLiteral("gpt-4o")};
    ptu.target = QStringLiteral("gpt-4o-ptu");
    p.rules = {local, spill, ptu};
    p.fallbackTarget = kOrigin;
    return p;
}

std::optional<RoutingPolicy> RoutingPolicy::fromJson(const QByteArray& json, QString* error)
{
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        *error = QStringLiteral("The routing policy is not a JSON object (%1 at offset %2).")
                     .arg(pe.errorString())
                     .arg(pe.offset);
        return std::nullopt;
    }
    return fromJsonObject(doc.object(), error);
}

std::optional<RoutingPolicy> RoutingPolicy::fromJsonObject(const QJsonObject& o, QString* error)
{
    RoutingPolicy p;
    p.name = o.value(QLatin1String("name")).toString();
    const QJsonValue fb = o.value(QLatin1String("fallback"));
    if (!fb.isUndefined() && !fb.isString()) {
        *error = QStringLiteral("The routing policy's \"fallback\" must be a target name.");
        return std::nullopt;
    }
    p.fallbackTarget = fb.isString() ? fb.toString() : kOrigin;
    const QJsonValue rules = o.value(QLatin1String("rules"));
    if (!rules.isUndefined() && !rules.isArray()) {
        *error = QStringLiteral("The routing policy's \"rules\" must be a list.");
        return std::nullopt;
    }
    const QJsonArray list = rules.toArray();
    for (int i = 0; i < list.size(); ++i) {
        const QJsonObject r = list.at(i).toObject();
        RoutingRule rule;
        rule.name = r.value(QLatin1String("name")).toString();
        rule.target = r.value(QLatin1String("target")).toString();
        const QString label = rule.name.isEmpty()
                                  ? QStringLiteral("Rule %1").arg(i + 1)
                                  : QStringLiteral("Rule %1 (\"%2\")").arg(i + 1).arg(rule.name);
        if (!list.at(i).isObject() || rule.target.isEmpty()) {
            *error = QStringLiteral("%1 of the routing policy needs a \"target\".").arg(label);
            return std::nullopt;
        }
        QString field;
        if (!parseCondition(r.value(QLatin1String("when")).toObject(), &rule.when, &field)) {
            *error =
                QStringLiteral("%1 of the routing policy has an invalid %2.").arg(label, field);
            return std::nullopt;
        }
        p.rules.append(rule);
    }
    return p;
}

QJsonObject RoutingPolicy::toJsonObject() const
{
    QJsonArray list;
    for (const RoutingRule& r : rules) {
        QJsonObject o{{QStringLiteral("target"), r.target}};
        if (!r.name.isEmpty())
            o.insert(QStringLiteral("name"), r.name);
        const QJsonObject w = conditionToJson(r.when);
        if (!w.isEmpty())
            o.insert(QStringLiteral("when"), w);
        list.append(o);
    }
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("fallback"), fallbackTarget},
                       {QStringLiteral("rules"), list}};
}

QByteArray RoutingPolicy::toJson() const
{
    return QJsonDocument(toJsonObject()).toJson(QJsonDocument::Indented);
}

std::optional<RoutingPolicy> RoutingPolicy::load(const QString& path, QString* error)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *error =
            QStringLiteral("Cannot read the routing policy %1: %2.").arg(path, f.errorString());
        return std::nullopt;
    }
    return fromJson(f.readAll(), error);
}

bool RoutingPolicy::save(const QString& path, QString* error) const
{
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(toJson()) < 0 || !f.commit()) {
        *error =
            QStringLiteral("Cannot write the routing policy %1: %2.").arg(path, f.errorString());
        return false;
    }
    return true;
}

QStringList RoutingPolicy::targets() const
{
    QStringList out;
    for (const RoutingRule& r : rules) {
        if (!out.contains(r.target))
            out << r.target;
    }
    if (!fallbackTarget.isEmpty() && !out.contains(fallbackTarget))
        out << fallbackTarget;
    return out;
}

QString formatMinuteOfDay(int minute)
{
    return QStringLiteral("%1:%2")
        .arg(minute / 60, 2, 10, QLatin1Char('0'))
        .arg(minute % 60, 2, 10, QLatin1Char('0'));
}

std::optional<int> parseMinuteOfDay(const QString& text)
{
    const QStringList parts = text.trimmed().split(QLatin1Char(':'));
    if (parts.size() != 2 || parts[0].isEmpty() || parts[1].size() != 2)
        return std::nullopt;
    bool okH = false, okM = false;
    const int h = parts[0].toInt(&okH);
    const int m = parts[1].toInt(&okM);
    // Hours above a day are refused before multiplying: a fuzzed "794885210:00" overflowed.
    if (!okH || !okM || h < 0 || h > 24 || m < 0 || m > 59 || h * 60 + m > 1440)
        return std::nullopt;
    return h * 60 + m;
}

} // namespace isc
