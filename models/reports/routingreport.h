#pragma once

#include "core/timerange.h"
#include "reports/kpifigure.h"
#include "routing/replayengine.h"

#include <QCoreApplication>

namespace isc {

/// What the Routing page shows above its charts, computed and worded from the recorded window.
struct RoutingReport
{
    QVector<KpiFigure> tiles; ///< cost, cost avoided, spillover rate, local share, 429s
    QString baselineNote;     ///< how cost avoided is measured (rich text)
    QString pricesNote;       ///< the prices it used (plain text, shown muted after the note)

    /// From the recorded `summary`; `error` (a failed read) leaves every tile without data.
    static RoutingReport build(const ReplaySummary& summary, const QString& error);
    /// The titles of the tiles, in order.
    static QStringList tileTitles();
    /// The chart's title and unit for requests or tokens.
    static QString chartTitle(bool tokens);
    static QString chartUnit(bool tokens);

    Q_DECLARE_TR_FUNCTIONS(RoutingReport)
};

} // namespace isc
