#pragma once

#include "alerts/alertevaluator.h"
#include "alerts/alertrule.h"
#include "alerts/alerttypes.h"
#include "alerts/delivery/alertnotice.h"
#include "exposition/prometheusexposition.h"

#include <QVector>

namespace isc {

/// One pending or firing instance, for the Alerts page, the tray and /metrics.
struct ActiveAlert
{
    AlertRule rule;
    AlertInstanceState state;
};

/// The alert state as Prometheus families: inferscope_alerts_firing{rule,severity} (every rule,
/// 0 when none fires) and inferscope_alert{rule,severity,state,connection,deployment} = 1 per
/// pending or firing instance, as Prometheus' own ALERTS series.
QVector<MetricFamily> alertMetricFamilies(const QVector<AlertRule>& rules,
                                          const QVector<ActiveAlert>& active);

/// What delivery announces for transition `t` of `rule`: the words, value, threshold (the clear
/// line for a resolve), labels and dedup key of an AlertNotice.
AlertNotice alertNoticeFor(const AlertTransition& t, const AlertRule& rule);

/// The instance labels a notice was made from ("deployment" back to ModelDeploymentName).
QList<Label> alertLabelsOf(const AlertNotice& notice);

} // namespace isc
