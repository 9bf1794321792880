#pragma once

#include "core/timerange.h"
#include "theme/theme.h"

#include <QRectF>
#include <QVector>

class QChart;
class QGraphicsRectItem;

namespace isc {

/// Shaded vertical bands over a time chart's plot (when an alert fired, minutes still
/// arriving), behind the grid and the series. Placed again whenever the plot area or the time
/// axis changes.
class ChartBands
{
public:
    /// Bands tinted with `role` at `alpha` (0-255).
    explicit ChartBands(QChart* chart, ThemeColor role = ThemeColor::Threshold, int alpha = 38);

    void setBands(const QVector<TimeRange>& bands, const QString& toolTip);
    /// Lays the bands over `plotArea` for a time axis from `xFromMs` to `xToMs` (ms UTC).
    void place(const QRectF& plotArea, double xFromMs, double xToMs);
    /// Bands drawn (at least partly inside the axis' range).
    int visibleCount() const;

private:
    QChart* m_chart;
    ThemeColor m_role;
    int m_alpha;
    QVector<TimeRange> m_bands;
    QString m_toolTip;
    QVector<QGraphicsRectItem*> m_items;
};

} // namespace isc
