#include "alerttypes.h"

#include "core/labels.h"
#include "core/timerange.h"

#include <QJsonArray>
#include <cmath>

namespace isc {
namespace {

constexpr AlertTransition::Kind kKinds[] = {
    AlertTransition::Kind::Pending, AlertTransition::Kind::Firing, AlertTransition::Kind::Resolved,
    AlertTransition::Kind::Cancelled};

} // namespace

QString alertPhaseName(AlertPhase phase)
{
    switch (phase) {
    case AlertPhase::Inactive:
        return QStringLiteral("inactive");
    case AlertPhase::Pending:
        return QStringLiteral("pending");
    case AlertPhase::Firing:
        return QStringLiteral("firing");
    }
    return {};
}

QString alertTransitionName(AlertTransition::Kind kind)
{
    switch (kind) {
    case AlertTransition::Kind::Pending:
        return QStringLiteral("pending");
    case AlertTransition::Kind::Firing:
        return QStringLiteral("firing");
    case AlertTransition::Kind::Resolved:
        return QStringLiteral("resolved");
    case AlertTransition::Kind::Cancelled:
        return QStringLiteral("cancelled");
    }
    return {};
}

QString AlertTransition::key() const
{
    return ruleId + QLatin1Char('|') + instance + QLatin1Char('|') + alertTransitionName(kind) +
           QLatin1Char('|') + QString::number(at);
}

bool AlertTransition::operator==(const AlertTransition& o) const
{
    const bool sameValue = (std::isnan(value) && std::isnan(o.value)) || value == o.value;
    return ruleId == o.ruleId && instance == o.instance && labels == o.labels && kind == o.kind &&
           at == o.at && episodeStart == o.episodeStart && sameValue && threshold == o.threshold &&
           emittedAt == o.emittedAt && notify == o.notify && suppressed == o.suppressed;
}

QJsonObject AlertTransition::toJson() const
{
    QJsonArray labelArray;
    for (const auto& [k, v] : labels)
        labelArray.append(QJsonArray{k, v});
    QJsonObject o{{QStringLiteral("rule"), ruleId},
                  {QStringLiteral("instance"), instance},
                  {QStringLiteral("labels"), labelArray},
                  {QStringLiteral("kind"), alertTransitionName(kind)},
                  {QStringLiteral("at"), at},
                  {QStringLiteral("episodeStart"), episodeStart},
                  {QStringLiteral("threshold"), threshold},
                  {QStringLiteral("emittedAt"), emittedAt},
                  {QStringLiteral("notify"), notify}};
    if (std::isfinite(value))
        o.insert(QStringLiteral("value"), value);
    if (!suppressed.isEmpty())
        o.insert(QStringLiteral("suppressed"), suppressed);
    return o;
}

std::optional<AlertTransition> AlertTransition::fromJson(const QJsonObject& json, QString* error)
{
    AlertTransition t;
    t.ruleId = json.value(QStringLiteral("rule")).toString();
    t.instance = json.value(QStringLiteral("instance")).toString();
    for (const auto& pair : json.value(QStringLiteral("labels")).toArray()) {
        const QJsonArray p = pair.toArray();
        t.labels.append({p.at(0).toString(), p.at(1).toString()});
    }
    const QString kind = json.value(QStringLiteral("kind")).toString();
    bool known = false;
    for (auto k : kKinds) {
        if (alertTransitionName(k) == kind) {
            t.kind = k;
            known = true;
        }
    }
    if (!known || t.ruleId.isEmpty()) {
        *error = QStringLiteral("alert transition: kind \"%1\" of rule \"%2\" is not readable")
                     .arg(kind, t.ruleId);
        return std::nullopt;
    }
    t.at = json.value(QStringLiteral("at")).toInteger();
    t.episodeStart = json.value(QStringLiteral("episodeStart")).toInteger();
    if (json.contains(QStringLiteral("value")))
        t.value = json.value(QStringLiteral("value")).toDouble();
    t.threshold = json.value(QStringLiteral("threshold")).toDouble();
    t.emittedAt = json.value(QStringLiteral("emittedAt")).toInteger();
    t.notify = json.value(QStringLiteral("notify")).toBool();
    t.suppressed = json.value(QStringLiteral("suppressed")).toString();
    return t;
}

bool AlertSilence::matches(const QString& rule, const QList<Label>& labelSet, qint64 at) const
{
    if (at < startsAt || at >= endsAt || (!ruleId.isEmpty() && ruleId != rule))
        return false;
    for (const auto& m : matchers) {
        QString v;
        for (const auto& [k, value] : labelSet) {
            if (k.compare(m.name, Qt::CaseInsensitive) == 0)
                v = value;
        }
        if (!m.matches(v))
            return false;
    }
    return true;
}

QJsonObject AlertSilence::toJson() const
{
    QJsonArray m;
    for (const auto& matcher : matchers)
        m.append(matcher.toString());
    QJsonObject o{{QStringLiteral("id"), id},
                  {QStringLiteral("matchers"), m},
                  {QStringLiteral("startsAt"), formatIsoUtc(startsAt)},
                  {QStringLiteral("endsAt"), formatIsoUtc(endsAt)}};
    if (!ruleId.isEmpty())
        o.insert(QStringLiteral("rule"), ruleId);
    if (!createdBy.isEmpty())
        o.insert(QStringLiteral("createdBy"), createdBy);
    if (!comment.isEmpty())
        o.insert(QStringLiteral("comment"), comment);
    return o;
}

std::optional<AlertSilence> AlertSilence::fromJson(const QJsonObject& json, const QString& where,
                                                   QString* error)
{
    AlertSilence s;
    s.id = json.value(QStringLiteral("id")).toString();
    s.ruleId = json.value(QStringLiteral("rule")).toString();
    s.createdBy = json.value(QStringLiteral("createdBy")).toString();
    s.comment = json.value(QStringLiteral("comment")).toString();
    if (s.id.isEmpty()) {
        *error = where + QStringLiteral(".id: is required");
        return std::nullopt;
    }
    const QJsonArray matchers = json.value(QStringLiteral("matchers")).toArray();
    for (qsizetype i = 0; i < matchers.size(); ++i) {
        QString inner;
        const auto m = parseLabelMatcher(matchers.at(i).toString(), &inner);
        if (!m) {
            *error = where + QStringLiteral(".matchers[%1]: %2").arg(i).arg(inner);
            return std::nullopt;
        }
        s.matchers.append(*m);
    }
    const struct
    {
        const char* field;
        qint64* out;
    } times[] = {{"startsAt", &s.startsAt}, {"endsAt", &s.endsAt}};
    for (const auto& t : times) {
        const QString text = json.value(QLatin1String(t.field)).toString();
        const auto ts = parseIsoUtc(text);
        if (!ts) {
            *error = where + QStringLiteral(".%1: \"%2\" is not a time such as "
                                            "2026-09-01T12:00:00Z")
                                 .arg(QLatin1String(t.field), text);
            return std::nullopt;
        }
        *t.out = *ts;
    }
    if (s.endsAt <= s.startsAt) {
        *error = where + QStringLiteral(".endsAt: must be after startsAt");
        return std::nullopt;
    }
    return s;
}

AlertSilence AlertSilence::forInstance(const QString& ruleId, const QList<Label>& labels,
                                       qint64 from, qint64 seconds, const QString& by,
                                       const QString& comment)
{
    AlertSilence s;
    s.id = QStringLiteral("%1@%2@%3").arg(ruleId, labels::canonical(labels)).arg(from);
    s.ruleId = ruleId;
    for (const Label& l : labels) {
        LabelMatcher m;
        m.name = l.first;
        m.value = l.second;
        s.matchers.append(m);
    }
    s.startsAt = from;
    s.endsAt = from + seconds;
    s.createdBy = by;
    s.comment = comment;
    return s;
}

} // namespace isc
