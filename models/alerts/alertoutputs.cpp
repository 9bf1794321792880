#include "alerts/alertoutputs.h"

#include "core/labels.h"

#include <QDateTime>
#include <algorithm>

namespace isc {

QVector<MetricFamily> alertMetricFamilies(const QVector<AlertRule>& rules,
                                          const QVector<ActiveAlert>& active)
{
    MetricFamily firing{QStringLiteral("inferscope_alerts_firing"),
                        QStringLiteral("gauge"),
                        QStringLiteral("Alert instances firing now, per rule."),
                        QString(),
                        {}};
    MetricFamily state{QStringLiteral("inferscope_alert"),
                       QStringLiteral("gauge"),
                       QStringLiteral("1 per pending or firing alert instance (as Prometheus' "
                                      "ALERTS): rule, severity, state and the instance labels."),
                       QString(),
                       {}};
    QVector<AlertRule> sorted = rules;
    std::sort(sorted.begin(), sorted.end(),
              [](const AlertRule& a, const AlertRule& b) { return a.id < b.id; });
    for (const AlertRule& rule : std::as_const(sorted)) {
        const QString severity = alertSeverityName(rule.severity);
        int count = 0;
        for (const ActiveAlert& a : active) {
            if (a.rule.id != rule.id || a.state.phase == AlertPhase::Inactive)
                continue;
            count += a.state.phase == AlertPhase::Firing ? 1 : 0;
            MetricSample sample{{{QStringLiteral("rule"), rule.id},
                                 {QStringLiteral("severity"), severity},
                                 {QStringLiteral("state"), alertPhaseName(a.state.phase)}},
                                1};
            for (const Label& l : a.state.labels) {
                const QString key = l.first == QLatin1String("ModelDeploymentName")
                                        ? QStringLiteral("deployment")
                                        : l.first;
                if (key == QLatin1String("connection") || key == QLatin1String("deployment"))
                    sample.labels.append({key, l.second});
            }
            state.samples.append(sample);
        }
        firing.samples.append(
            {{{QStringLiteral("rule"), rule.id}, {QStringLiteral("severity"), severity}},
             double(count)});
    }
    return {firing, state};
}

AlertNotice alertNoticeFor(const AlertTransition& t, const AlertRule& rule)
{
    AlertNotice n;
    n.ruleId = rule.id;
    n.ruleName = rule.name;
    n.severity = rule.severity == AlertSeverity::Critical ? AlertNotice::Severity::Critical
                 : rule.severity == AlertSeverity::Info   ? AlertNotice::Severity::Info
                                                          : AlertNotice::Severity::Warning;
    n.transition = t.kind == AlertTransition::Kind::Resolved  ? AlertNotice::Transition::Resolved
                   : t.kind == AlertTransition::Kind::Pending ? AlertNotice::Transition::Pending
                                                              : AlertNotice::Transition::Firing;
    for (const Label& l : t.labels) {
        const QString key = l.first == QLatin1String("ModelDeploymentName")
                                ? QStringLiteral("deployment")
                                : l.first;
        n.labels.insert(key, l.second);
    }
    n.value = t.value;
    n.threshold = t.kind == AlertTransition::Kind::Resolved ? rule.clearThreshold() : t.threshold;
    switch (rule.op) {
    case AlertOp::Greater:
        n.comparison = AlertNotice::Comparison::Above;
        break;
    case AlertOp::GreaterEqual:
        n.comparison = AlertNotice::Comparison::AtOrAbove;
        break;
    case AlertOp::Less:
        n.comparison = AlertNotice::Comparison::Below;
        break;
    case AlertOp::LessEqual:
        n.comparison = AlertNotice::Comparison::AtOrBelow;
        break;
    }
    n.unit = rule.unit == QLatin1String("%")    ? Unit::Percent
             : rule.unit == QLatin1String("ms") ? Unit::Milliseconds
                                                : Unit::Count;
    n.aggregation = rule.aggregation == QLatin1String("p95") ? AlertNotice::Aggregation::P95
                    : rule.reduce == AlertReduce::Last       ? AlertNotice::Aggregation::Latest
                                                             : AlertNotice::Aggregation::Average;
    n.windowSeconds = int(rule.windowSeconds);
    n.at = QDateTime::fromSecsSinceEpoch(t.at, Qt::UTC);
    n.startsAt = QDateTime::fromSecsSinceEpoch(t.episodeStart, Qt::UTC);
    n.dedupKey = AlertNotice::dedupKeyFor(rule.id, n.labels);
    return n;
}

QList<Label> alertLabelsOf(const AlertNotice& notice)
{
    QList<Label> out;
    for (auto it = notice.labels.cbegin(); it != notice.labels.cend(); ++it)
        out.append({it.key() == QLatin1String("deployment") ? QStringLiteral("ModelDeploymentName")
                                                            : it.key(),
                    it.value()});
    return labels::parse(labels::canonical(out)); // sorted as the evaluator keeps them
}

} // namespace isc
