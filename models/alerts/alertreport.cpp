#include "alerts/alertreport.h"

#include "alerts/delivery/alertnotice.h"

#include <QDateTime>
#include <QLocale>
#include <QSet>
#include <algorithm>
#include <cmath>

namespace isc {

namespace {

QString opSymbol(AlertOp op)
{
    switch (op) {
    case AlertOp::Greater:
        return QStringLiteral(">");
    case AlertOp::GreaterEqual:
        return QStringLiteral("≥");
    case AlertOp::Less:
        return QStringLiteral("<");
    case AlertOp::LessEqual:
        return QStringLiteral("≤");
    }
    return {};
}

QString reduceWords(AlertReduce reduce)
{
    switch (reduce) {
    case AlertReduce::Avg:
        return QStringLiteral("average");
    case AlertReduce::Min:
        return QStringLiteral("minimum");
    case AlertReduce::Max:
        return QStringLiteral("maximum");
    case AlertReduce::Sum:
        return QStringLiteral("sum");
    case AlertReduce::Last:
        return QStringLiteral("latest");
    }
    return {};
}

QString inputWords(const AlertRule& rule)
{
    switch (rule.input) {
    case AlertInput::None:
        break;
    case AlertInput::SpendTodayPercent:
        return QStringLiteral("today's spend (share of the monthly budget)");
    case AlertInput::SpendForecastPercent:
        return QStringLiteral("month-end forecast (share of the monthly budget)");
    case AlertInput::PollsMissed:
        return QStringLiteral("polls missed");
    case AlertInput::DaysToRetirement:
        return QStringLiteral("days to retirement");
    }
    QString what = rule.metric;
    if (rule.isShare)
        what = QStringLiteral("share of %1").arg(what);
    return rule.aggregation == QLatin1String("average") || rule.aggregation.isEmpty()
               ? what
               : QStringLiteral("%1 %2").arg(what, rule.aggregation);
}

QString target(const QList<Label>& labels)
{
    QMap<QString, QString> map;
    for (const Label& l : labels)
        map.insert(l.first == QLatin1String("ModelDeploymentName") ? QStringLiteral("deployment")
                                                                   : l.first,
                   l.second);
    AlertNotice n;
    n.labels = map;
    const QString t = noticeTarget(n);
    if (!t.isEmpty())
        return t;
    QStringList parts;
    for (const Label& l : labels)
        parts << QStringLiteral("%1: %2").arg(l.first, l.second);
    return parts.isEmpty() ? QStringLiteral("all") : parts.join(QStringLiteral(", "));
}

QString localTime(qint64 at, const QTimeZone& zone)
{
    return QDateTime::fromSecsSinceEpoch(at, zone).toString(QStringLiteral("yyyy-MM-dd HH:mm"));
}

QString ruleTitle(const AlertRule& rule)
{
    return rule.name.isEmpty() ? rule.id : rule.name;
}

QString transitionWords(AlertTransition::Kind kind)
{
    QString name = alertTransitionName(kind);
    if (!name.isEmpty())
        name[0] = name[0].toUpper();
    return name;
}

} // namespace

QString AlertReport::summary() const
{
    if (firing == 0 && pending == 0)
        return QStringLiteral("Nothing is firing");
    QStringList parts;
    if (firing > 0)
        parts << QStringLiteral("%1 firing").arg(firing);
    if (pending > 0)
        parts << QStringLiteral("%1 pending").arg(pending);
    return parts.join(QStringLiteral(", "));
}

QString AlertReport::quantity(const AlertRule& rule, double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("—");
    if (rule.input == AlertInput::DaysToRetirement && value < 0) {
        const qint64 days = qint64(std::ceil(-value));
        return days == 1 ? QStringLiteral("retired 1 day ago")
                         : QStringLiteral("retired %1 days ago").arg(days);
    }
    if (rule.unit == QLatin1String("%"))
        return noticeQuantity(value, Unit::Percent);
    if (rule.unit == QLatin1String("ms"))
        return noticeQuantity(value, Unit::Milliseconds);
    const double rounded = std::round(value * 100) / 100;
    const QString number = QLocale::c().toString(rounded, 'g', 12);
    return rule.unit.isEmpty() ? number : QStringLiteral("%1 %2").arg(number, rule.unit);
}

QString AlertReport::condition(const AlertRule& rule)
{
    return QStringLiteral("%1 %2").arg(opSymbol(rule.op), quantity(rule, rule.threshold));
}

QString AlertReport::ruleLine(const AlertRule& rule)
{
    QString line = QStringLiteral("%1 of %2 %3")
                       .arg(reduceWords(rule.reduce), inputWords(rule), condition(rule));
    if (rule.input == AlertInput::None && rule.windowSeconds > 60)
        line += QStringLiteral(" over %1").arg(durationWords(rule.windowSeconds));
    if (rule.forSeconds > 0)
        line += QStringLiteral(", for %1").arg(durationWords(rule.forSeconds));
    if (!rule.deployments.isEmpty())
        line += QStringLiteral(" (%1)").arg(rule.deployments.join(QStringLiteral(", ")));
    return line;
}

QVector<TimeRange> AlertReport::firingBands(const QVector<AlertTransition>& history,
                                            const QVector<ActiveAlert>& active, qint64 now)
{
    // Per instance, in time order: a Firing opens a period, its Resolved closes it.
    QVector<AlertTransition> sorted = history;
    std::stable_sort(
        sorted.begin(), sorted.end(),
        [](const AlertTransition& a, const AlertTransition& b) { return a.at < b.at; });
    QHash<QString, qint64> open; // rule|instance -> firing since
    QVector<TimeRange> periods;
    for (const AlertTransition& t : std::as_const(sorted)) {
        const QString key = t.ruleId + QLatin1Char('|') + t.instance;
        if (t.kind == AlertTransition::Kind::Firing) {
            if (!open.contains(key))
                open.insert(key, t.at);
        } else if (t.kind == AlertTransition::Kind::Resolved) {
            if (const auto it = open.constFind(key); it != open.cend()) {
                if (t.at > *it)
                    periods.append({*it, t.at});
                open.erase(it);
            }
        }
    }
    for (const ActiveAlert& a : active) {
        if (a.state.phase != AlertPhase::Firing)
            continue;
        const QString key = a.rule.id + QLatin1Char('|') + a.state.instance;
        // Its Firing may be older than the history kept: the state knows when it began.
        const qint64 since = open.contains(key) ? open.value(key) : a.state.firingSince;
        open.remove(key);
        if (since > 0 && since < now)
            periods.append({since, now});
    }
    std::sort(periods.begin(), periods.end(),
              [](const TimeRange& a, const TimeRange& b) { return a.from < b.from; });
    QVector<TimeRange> merged;
    for (const TimeRange& p : std::as_const(periods)) {
        if (!merged.isEmpty() && p.from <= merged.last().to)
            merged.last().to = std::max(merged.last().to, p.to);
        else
            merged.append(p);
    }
    return merged;
}

QString AlertReport::backtestSummary(const AlertBacktestResult& result, const QString& span)
{
    if (result.series.isEmpty())
        return QStringLiteral("No stored minutes of this metric %1: nothing to backtest.")
            .arg(span);
    QSet<QString> instances;
    qint64 seconds = 0;
    for (const AlertPeriod& p : result.firing) {
        instances.insert(p.instance);
        seconds += p.to - p.from;
    }
    const int episodes = int(result.firing.size());
    if (episodes == 0)
        return QStringLiteral("%1 it would not have fired (%2 series checked), and sent no "
                              "notification.")
            .arg(span.left(1).toUpper() + span.mid(1))
            .arg(result.series.size());
    return QStringLiteral("%1 it would have fired %2 on %3 (%4 in all) and sent %5.")
        .arg(span.left(1).toUpper() + span.mid(1),
             episodes == 1 ? QStringLiteral("once") : QStringLiteral("%1 times").arg(episodes),
             instances.size() == 1 ? QStringLiteral("1 series")
                                   : QStringLiteral("%1 series").arg(instances.size()),
             durationWords(seconds),
             result.notifications == 1
                 ? QStringLiteral("1 notification")
                 : QStringLiteral("%1 notifications").arg(result.notifications));
}

AlertReport AlertReport::build(const QVector<AlertRule>& rules, const QVector<ActiveAlert>& active,
                               const QVector<AlertTransition>& history,
                               const QVector<AlertSilence>& silences,
                               const QStringList& configErrors, qint64 now, const QTimeZone& zone)
{
    AlertReport r;
    r.configErrors = configErrors;
    QHash<QString, AlertRule> byId;
    for (const AlertRule& rule : rules)
        byId.insert(rule.id, rule);

    for (const ActiveAlert& a : active) {
        if (a.state.phase == AlertPhase::Inactive)
            continue;
        NowRow row;
        row.ruleId = a.rule.id;
        row.instance = a.state.instance;
        row.labels = a.state.labels;
        row.firing = a.state.phase == AlertPhase::Firing;
        row.state = row.firing ? QStringLiteral("Firing") : QStringLiteral("Pending");
        row.rule = ruleTitle(a.rule);
        row.target = target(a.state.labels);
        row.value = quantity(a.rule, a.state.lastValue);
        row.condition = condition(a.rule);
        row.activeSince =
            row.firing && a.state.firingSince > 0 ? a.state.firingSince : a.state.activeSince;
        row.since = localTime(row.activeSince, zone);
        row.duration = durationWords(now - row.activeSince);
        if (a.state.acknowledged)
            row.acknowledged = a.state.acknowledgedBy.isEmpty()
                                   ? QStringLiteral("yes")
                                   : QStringLiteral("by %1").arg(a.state.acknowledgedBy);
        (row.firing ? r.firing : r.pending) += 1;
        r.now.append(row);
    }
    std::stable_sort(r.now.begin(), r.now.end(), [](const NowRow& a, const NowRow& b) {
        if (a.firing != b.firing)
            return a.firing;
        return a.activeSince < b.activeSince;
    });

    for (const AlertTransition& t : history) {
        HistoryRow row;
        row.at = t.at;
        row.ruleId = t.ruleId;
        row.time = localTime(t.at, zone);
        row.transition = transitionWords(t.kind);
        const auto rule = byId.constFind(t.ruleId);
        row.rule = rule == byId.cend() ? t.ruleId : ruleTitle(*rule);
        row.target = target(t.labels);
        row.value = rule == byId.cend() ? quantity(AlertRule{}, t.value) : quantity(*rule, t.value);
        if ((t.kind == AlertTransition::Kind::Resolved ||
             t.kind == AlertTransition::Kind::Cancelled) &&
            t.episodeStart > 0 && t.at >= t.episodeStart)
            row.duration = durationWords(t.at - t.episodeStart);
        if (t.kind == AlertTransition::Kind::Firing || t.kind == AlertTransition::Kind::Resolved)
            row.delivery =
                t.notify ? QStringLiteral("notified")
                         : (t.suppressed.isEmpty() ? QStringLiteral("not notified") : t.suppressed);
        r.history.append(row);
    }
    std::stable_sort(r.history.begin(), r.history.end(),
                     [](const HistoryRow& a, const HistoryRow& b) { return a.at > b.at; });

    for (const AlertSilence& s : silences) {
        SilenceRow row;
        row.id = s.id;
        const auto rule = byId.constFind(s.ruleId);
        row.rule = s.ruleId.isEmpty()    ? QStringLiteral("every rule")
                   : rule == byId.cend() ? s.ruleId
                                         : ruleTitle(*rule);
        QStringList m;
        for (const LabelMatcher& matcher : s.matchers)
            m << matcher.toString();
        row.matches = m.isEmpty() ? QStringLiteral("every instance") : m.join(QStringLiteral(", "));
        row.ends = localTime(s.endsAt, zone);
        row.active = s.endsAt > now;
        row.remaining = row.active ? durationWords(s.endsAt - now) : QStringLiteral("ended");
        row.by = s.createdBy;
        row.comment = s.comment;
        r.silences.append(row);
    }
    std::stable_sort(r.silences.begin(), r.silences.end(),
                     [](const SilenceRow& a, const SilenceRow& b) {
                         if (a.active != b.active)
                             return a.active;
                         return a.ends < b.ends;
                     });

    for (const AlertRule& rule : rules) {
        RuleRow row;
        row.id = rule.id;
        row.name = ruleTitle(rule);
        row.condition = ruleLine(rule);
        row.severity = alertSeverityName(rule.severity);
        row.origin = rule.templateId.isEmpty()    ? QStringLiteral("custom")
                     : rule.templateId == rule.id ? QStringLiteral("built-in")
                                                  : QStringLiteral("from a built-in");
        row.enabled = rule.enabled;
        for (const ActiveAlert& a : active)
            row.firing += a.rule.id == rule.id && a.state.phase == AlertPhase::Firing ? 1 : 0;
        r.rules.append(row);
    }
    std::stable_sort(r.rules.begin(), r.rules.end(), [](const RuleRow& a, const RuleRow& b) {
        return a.name.localeAwareCompare(b.name) < 0;
    });
    return r;
}

} // namespace isc
