#include "alertevaluator.h"

#include <QJsonArray>
#include <algorithm>
#include <cmath>

namespace isc {
namespace {

constexpr int kStateVersion = 1;

// What one minute's window says.
struct Reading
{
    enum class Kind { Hold, Clear, Value };
    Kind kind = Kind::Hold;
    double value = std::numeric_limits<double>::quiet_NaN();
    bool conclusive = false; ///< a share over enough requests, or any other value
};

// Nothing in the window: the phase holds while the data may still come (or when nothing is
// known before), and clears once the newest earlier point is `noData` old.
Reading noReading(qint64 previous, qint64 minute, qint64 noData)
{
    Reading r;
    r.kind =
        previous > 0 && minute - previous >= noData ? Reading::Kind::Clear : Reading::Kind::Hold;
    return r;
}

// `lastSeen`: the newest point an earlier evaluation saw (s UTC, 0 = none), for inputs and
// series handed without their history.
Reading readWindow(const AlertRule& rule, const AlertSeries* s, qint64 minute, qint64 noData,
                   qint64 lastSeen)
{
    const qint64 seen = lastSeen <= minute ? lastSeen : 0;
    if (!s)
        return noReading(seen, minute, noData);
    Reading r;
    const qint64 lo = minute - rule.windowSeconds + 60;
    const auto& pts = s->points;
    auto it = std::lower_bound(pts.cbegin(), pts.cend(), lo,
                               [](const AlertPoint& p, qint64 ts) { return p.ts < ts; });
    double sum = 0, den = 0, mn = 0, mx = 0, last = 0;
    int n = 0;
    for (; it != pts.cend() && it->ts <= minute; ++it) {
        mn = n == 0 ? it->value : std::min(mn, it->value);
        mx = n == 0 ? it->value : std::max(mx, it->value);
        sum += it->value;
        if (rule.isShare)
            den += it->denominator;
        last = it->value;
        ++n;
    }
    if (n == 0) {
        auto before = std::upper_bound(pts.cbegin(), pts.cend(), minute,
                                       [](qint64 ts, const AlertPoint& p) { return ts < p.ts; });
        return noReading(before != pts.cbegin() ? std::max(seen, std::prev(before)->ts) : seen,
                         minute, noData);
    }
    r.kind = Reading::Kind::Value;
    r.conclusive = true;
    if (rule.isShare) {
        r.value = den > 0 ? 100.0 * sum / den : std::numeric_limits<double>::quiet_NaN();
        r.conclusive = den > 0 && den >= rule.minDenominator;
        return r;
    }
    switch (rule.reduce) {
    case AlertReduce::Avg:
        r.value = sum / n;
        break;
    case AlertReduce::Min:
        r.value = mn;
        break;
    case AlertReduce::Max:
        r.value = mx;
        break;
    case AlertReduce::Sum:
        r.value = sum;
        break;
    case AlertReduce::Last:
        r.value = last;
        break;
    }
    return r;
}

// Pairs in order (an object would sort the keys): "connection" stays first.
QJsonArray labelsJson(const QList<Label>& labelSet)
{
    QJsonArray a;
    for (const auto& [k, v] : labelSet)
        a.append(QJsonArray{k, v});
    return a;
}

QList<Label> labelsFromJson(const QJsonArray& a)
{
    QList<Label> out;
    for (const auto& pair : a)
        out.append({pair.toArray().at(0).toString(), pair.toArray().at(1).toString()});
    return out;
}

AlertPhase phaseFromName(const QString& name, bool* ok)
{
    *ok = true;
    for (auto p : {AlertPhase::Inactive, AlertPhase::Pending, AlertPhase::Firing}) {
        if (alertPhaseName(p) == name)
            return p;
    }
    *ok = false;
    return AlertPhase::Inactive;
}

} // namespace

struct AlertEvaluator::Step
{
    QVector<AlertTransition> transitions;
    double value = std::numeric_limits<double>::quiet_NaN();
};

AlertEvaluator::AlertEvaluator(AlertRule rule, AlertEvaluatorOptions options)
    : m_rule(std::move(rule)), m_options(options)
{}

void AlertEvaluator::setRule(AlertRule rule)
{
    m_rule = std::move(rule);
}

TimeRange AlertEvaluator::dataRange(qint64 now) const
{
    const qint64 end = floorTo(now, 60);
    qint64 from = m_origin ? m_origin : firstMinute(end);
    for (const Instance& in : m_instances)
        from = std::min(from, in.cursor);
    from = std::max(from, end - m_options.maxCatchUpSeconds);
    return {from - std::max(m_rule.windowSeconds, m_options.noDataSeconds), end};
}

qint64 AlertEvaluator::firstMinute(qint64 end) const
{
    return m_options.origin ? floorTo(m_options.origin, 60) : end - m_rule.forSeconds - 60;
}

AlertEvaluator::Step AlertEvaluator::step(Machine& m, const AlertSeries* series, qint64 minute,
                                          qint64 lastSeen) const
{
    Step out;
    const Reading r = readWindow(m_rule, series, minute, m_options.noDataSeconds, lastSeen);
    out.value = r.value;
    if (r.kind == Reading::Kind::Hold)
        return out;
    const bool active = r.conclusive && m_rule.conditionMet(r.value);
    const bool keep = r.conclusive && m_rule.stillFiring(r.value);
    auto push = [&](AlertTransition::Kind kind, qint64 at) {
        AlertTransition t;
        t.ruleId = m_rule.id;
        t.kind = kind;
        t.at = at;
        t.episodeStart = m.activeSince;
        t.value = r.value;
        t.threshold =
            kind == AlertTransition::Kind::Resolved ? m_rule.clearThreshold() : m_rule.threshold;
        out.transitions.append(t);
    };
    switch (m.phase) {
    case AlertPhase::Inactive:
        if (!active)
            break;
        m.activeSince = minute;
        m.firingNotified = false;
        if (m_rule.forSeconds == 0) {
            m.phase = AlertPhase::Firing;
            m.firingSince = minute;
            push(AlertTransition::Kind::Firing, minute);
            break;
        }
        m.phase = AlertPhase::Pending;
        push(AlertTransition::Kind::Pending, minute);
        [[fallthrough]];
    case AlertPhase::Pending:
        if (!active) {
            m.phase = AlertPhase::Inactive;
            push(AlertTransition::Kind::Cancelled, minute);
        } else if (minute + 60 - m.activeSince >= m_rule.forSeconds) {
            m.phase = AlertPhase::Firing;
            m.firingSince = m.activeSince + m_rule.forSeconds;
            push(AlertTransition::Kind::Firing, m.firingSince);
        }
        break;
    case AlertPhase::Firing:
        if (!keep) {
            m.phase = AlertPhase::Inactive;
            push(AlertTransition::Kind::Resolved, minute);
        }
        break;
    }
    return out;
}

void AlertEvaluator::announce(AlertTransition& t, const QList<Label>& labels, Machine& m,
                              qint64 now, const QVector<AlertSilence>& silences)
{
    t.emittedAt = now;
    t.notify = false;
    if (t.kind != AlertTransition::Kind::Firing && t.kind != AlertTransition::Kind::Resolved)
        return;
    if (t.kind == AlertTransition::Kind::Resolved && !m.firingNotified) {
        t.suppressed = QStringLiteral("its firing was not announced");
        return;
    }
    for (const AlertSilence& s : silences) {
        if (s.matches(m_rule.id, labels, now)) {
            t.suppressed =
                QStringLiteral("silenced (%1) until %2").arg(s.id, formatIsoUtc(s.endsAt));
            return;
        }
    }
    if (m_rule.rateLimitCount > 0) {
        const qint64 since = now - m_rule.rateLimitSeconds;
        m_notifications.erase(std::remove_if(m_notifications.begin(), m_notifications.end(),
                                             [since](qint64 ts) { return ts <= since; }),
                              m_notifications.end());
        if (m_notifications.size() >= m_rule.rateLimitCount) {
            t.suppressed = QStringLiteral("rate limit: at most %1 per %2")
                               .arg(m_rule.rateLimitCount)
                               .arg(formatDuration(m_rule.rateLimitSeconds));
            return;
        }
        m_notifications.append(now);
    }
    t.notify = true;
    if (t.kind == AlertTransition::Kind::Firing)
        m.firingNotified = true;
}

QVector<AlertTransition> AlertEvaluator::evaluate(qint64 now, const QVector<AlertSeries>& data,
                                                  const QVector<AlertSilence>& silences)
{
    QVector<AlertTransition> out;
    if (!m_rule.enabled)
        return out;
    const qint64 end = floorTo(now, 60); // minutes before it are complete
    if (m_origin == 0)
        m_origin = firstMinute(end);
    QHash<QString, const AlertSeries*> byInstance;
    for (const AlertSeries& s : data) {
        byInstance.insert(s.instance, &s);
        if (!m_instances.contains(s.instance) && !s.points.isEmpty()) {
            Instance in;
            in.labels = s.labels;
            in.cursor = std::max(m_origin, floorTo(s.points.constFirst().ts, 60));
            m_instances.insert(s.instance, in);
        }
    }
    QStringList ids = m_instances.keys();
    std::sort(ids.begin(), ids.end());
    for (const QString& id : std::as_const(ids)) {
        Instance& in = m_instances[id];
        in.cursor = std::max(in.cursor, end - m_options.maxCatchUpSeconds);
        const AlertSeries* series = byInstance.value(id);
        Machine m = in.committed;
        for (qint64 minute = in.cursor; minute < end; minute += 60) {
            Step st = step(m, series, minute, in.lastSeen);
            in.lastValue = st.value;
            bool settled = minute + 60 <= now - m_options.settleSeconds;
            for (AlertTransition& t : st.transitions) {
                t.instance = id;
                t.labels = in.labels;
                announce(t, in.labels, m, now, silences);
                if (t.kind == AlertTransition::Kind::Resolved) {
                    in.ackBy.clear();
                    in.ackAt = 0;
                }
                out.append(t);
                settled = true; // an emitted transition is never replayed
            }
            if (settled) {
                in.committed = m;
                in.cursor = minute + 60;
            }
        }
        in.live = m;
        if (series) {
            for (auto p = series->points.crbegin(); p != series->points.crend(); ++p) {
                if (p->ts < end) {
                    in.lastSeen = std::max(in.lastSeen, p->ts);
                    break;
                }
            }
        }
    }
    std::stable_sort(
        out.begin(), out.end(),
        [](const AlertTransition& a, const AlertTransition& b) { return a.at < b.at; });
    return out;
}

bool AlertEvaluator::acknowledge(const QString& instance, const QString& by, qint64 at)
{
    const auto it = m_instances.find(instance);
    if (it == m_instances.end() || it->live.phase != AlertPhase::Firing)
        return false;
    it->ackBy = by;
    it->ackAt = at;
    return true;
}

QVector<AlertInstanceState> AlertEvaluator::instances() const
{
    QVector<AlertInstanceState> out;
    for (auto it = m_instances.cbegin(); it != m_instances.cend(); ++it) {
        AlertInstanceState s;
        s.instance = it.key();
        s.labels = it->labels;
        s.phase = it->live.phase;
        s.activeSince = it->live.phase == AlertPhase::Inactive ? 0 : it->live.activeSince;
        s.firingSince = it->live.phase == AlertPhase::Firing ? it->live.firingSince : 0;
        s.lastValue = it->lastValue;
        s.acknowledged = !it->ackBy.isEmpty();
        s.acknowledgedBy = it->ackBy;
        s.acknowledgedAt = it->ackAt;
        out.append(s);
    }
    std::sort(out.begin(), out.end(), [](const AlertInstanceState& a, const AlertInstanceState& b) {
        return a.instance < b.instance;
    });
    return out;
}

QJsonObject AlertEvaluator::stateJson() const
{
    auto machineJson = [](const Machine& m) {
        return QJsonObject{{QStringLiteral("phase"), alertPhaseName(m.phase)},
                           {QStringLiteral("activeSince"), m.activeSince},
                           {QStringLiteral("firingSince"), m.firingSince},
                           {QStringLiteral("firingNotified"), m.firingNotified}};
    };
    QStringList ids = m_instances.keys();
    std::sort(ids.begin(), ids.end());
    QJsonArray instances;
    for (const QString& id : std::as_const(ids)) {
        const Instance& in = m_instances[id];
        QJsonObject o{{QStringLiteral("instance"), id},
                      {QStringLiteral("labels"), labelsJson(in.labels)},
                      {QStringLiteral("cursor"), in.cursor},
                      {QStringLiteral("lastSeen"), in.lastSeen},
                      {QStringLiteral("committed"), machineJson(in.committed)},
                      {QStringLiteral("live"), machineJson(in.live)}};
        if (!in.ackBy.isEmpty())
            o.insert(QStringLiteral("ack"), QJsonObject{{QStringLiteral("by"), in.ackBy},
                                                        {QStringLiteral("at"), in.ackAt}});
        instances.append(o);
    }
    QJsonArray notifications;
    for (qint64 ts : m_notifications)
        notifications.append(ts);
    return QJsonObject{{QStringLiteral("version"), kStateVersion},
                       {QStringLiteral("rule"), m_rule.id},
                       {QStringLiteral("origin"), m_origin},
                       {QStringLiteral("notifications"), notifications},
                       {QStringLiteral("instances"), instances}};
}

AlertDocument AlertEvaluator::stateDocument() const
{
    AlertDocument doc;
    doc.kind = AlertDocument::stateKind();
    doc.key = m_rule.id;
    doc.body = stateJson();
    return doc;
}

bool AlertEvaluator::restoreState(const QJsonObject& json, QString* error)
{
    if (json.value(QStringLiteral("version")).toInt() != kStateVersion) {
        *error = QStringLiteral("alert state of rule \"%1\": version %2 is not readable by this "
                                "version of Inferscope")
                     .arg(m_rule.id)
                     .arg(json.value(QStringLiteral("version")).toInt());
        return false;
    }
    if (json.value(QStringLiteral("rule")).toString() != m_rule.id) {
        *error = QStringLiteral("alert state of rule \"%1\" was handed to rule \"%2\"")
                     .arg(json.value(QStringLiteral("rule")).toString(), m_rule.id);
        return false;
    }
    QHash<QString, Instance> instances;
    const QJsonArray list = json.value(QStringLiteral("instances")).toArray();
    for (const auto& v : list) {
        const QJsonObject o = v.toObject();
        Instance in;
        in.labels = labelsFromJson(o.value(QStringLiteral("labels")).toArray());
        in.cursor = o.value(QStringLiteral("cursor")).toInteger();
        in.lastSeen = o.value(QStringLiteral("lastSeen")).toInteger();
        bool ok = true;
        auto machine = [&](const QString& field, Machine* m) {
            const QJsonObject mo = o.value(field).toObject();
            bool known = false;
            m->phase = phaseFromName(mo.value(QStringLiteral("phase")).toString(), &known);
            ok = ok && known;
            m->activeSince = mo.value(QStringLiteral("activeSince")).toInteger();
            m->firingSince = mo.value(QStringLiteral("firingSince")).toInteger();
            m->firingNotified = mo.value(QStringLiteral("firingNotified")).toBool();
        };
        machine(QStringLiteral("committed"), &in.committed);
        machine(QStringLiteral("live"), &in.live);
        const QString id = o.value(QStringLiteral("instance")).toString();
        if (!ok || id.isEmpty()) {
            *error = QStringLiteral("alert state of rule \"%1\": instance \"%2\" has an unknown "
                                    "phase")
                         .arg(m_rule.id, id);
            return false;
        }
        const QJsonObject ack = o.value(QStringLiteral("ack")).toObject();
        in.ackBy = ack.value(QStringLiteral("by")).toString();
        in.ackAt = ack.value(QStringLiteral("at")).toInteger();
        instances.insert(id, in);
    }
    m_notifications.clear();
    for (const auto& v : json.value(QStringLiteral("notifications")).toArray())
        m_notifications.append(v.toInteger());
    m_origin = json.value(QStringLiteral("origin")).toInteger();
    m_instances = instances;
    return true;
}

} // namespace isc
