#pragma once

#include "alerts/alertrule.h"
#include "alerts/alertsignal.h"
#include "core/sample.h"
#include "core/timerange.h"
#include "cost/costquery.h"

#include <QString>
#include <QVector>
#include <optional>

namespace isc {

class CostEngine;
class JobToken;
class StoreBackend;

/// What a rule reads from the store, on the store's thread (AlertService's evaluation and
/// backtest jobs): the stored minutes of its metric over `range` (and of its denominator's
/// metric when it is a share of another one), grouped as composeAlertSeries() expects. The
/// first error in words goes to `error` when it is empty.
QVector<SeriesSamples> readAlertSeries(StoreBackend& db, const AlertRule& rule,
                                       const TimeRange& range, qint64 now, const JobToken& token,
                                       QString* error);

/// Spend today and the month-end forecast as of `now`, priced as the Cost page does (`request`
/// names the connections' kinds, the inventory and the PTU billing; its range is set here).
std::optional<AlertInputs::Spend> readAlertSpend(StoreBackend& db, const CostEngine& engine,
                                                 CostQueryRequest request, qint64 now,
                                                 const JobToken& token, QString* error);

} // namespace isc
