#pragma once

#include "core/timerange.h"

#include <QColor>
#include <QStringList>
#include <QWidget>
#include <memory>

namespace isc {

class ChartModel;

/// Draws a ChartModel's snapshot: lines or stacked areas over local time (gridlines on whole
/// local hours and midnights), a value axis titled with the unit, an optional dashed threshold,
/// a legend, hover tooltips, and the loading and empty states. Gaps (recorded gap markers,
/// missing buckets) break the lines. Wheel, drag, Shift+drag, arrows and double-click/Esc zoom
/// and pan: through the window's ChartZoomRouter handler when it has one (every chart follows),
/// else on this chart's model alone.
/// QtCharts stays inside the .cpp (it is deprecated upstream; keep it replaceable).
class TimeSeriesChart : public QWidget
{
    Q_OBJECT
public:
    /// What the chart currently shows.
    enum class State { Loading, Empty, Error, Data };
    Q_ENUM(State)

    /// The axes' ranges: x in ms since the epoch (UTC), y in the chart's unit (also on a log axis).
    struct AxisRange
    {
        qint64 xFromMs = 0;
        qint64 xToMs = 0;
        double yMin = 0;
        double yMax = 0;
    };

    explicit TimeSeriesChart(ChartModel* model, QWidget* parent = nullptr);
    ~TimeSeriesChart() override;

    ChartModel* model() const;

    /// Fixes the colour of every series whose colour key (e.g. "429") matches.
    void setColorHint(const QString& colorKey, const QColor& color);
    /// Where the legend sits: Qt::AlignBottom (the default, one row) or Qt::AlignRight (one
    /// entry per line, for many or long series names).
    void setLegendAlignment(Qt::Alignment alignment);

    /// Number of displayed series (a series broken by gaps still counts once).
    int seriesCount() const;
    /// Display names of the series, in drawing order.
    QStringList seriesNames() const;
    /// The points of the series `name` as drawn (x ms since the epoch UTC, y in the unit; a
    /// stacked series' own values, not the stack's top), empty when not shown.
    QVector<QPointF> seriesPoints(const QString& name) const;
    /// The colour the series `name` is drawn in (invalid when not shown).
    QColor seriesColor(const QString& name) const;
    /// Pieces drawn for the data: one per unbroken run of each series (line runs or area pieces).
    int segmentCount() const;
    /// Points handed to the chart over all series (stacked charts: after alignment).
    qsizetype pointCount() const;
    AxisRange axisRange() const;
    /// The x axis label format ("HH:mm" or "MMM d").
    QString timeFormat() const;
    /// The value axis title, the unit ("tokens/min"), on a log axis too.
    QString valueAxisTitle() const;
    /// True when the value axis is logarithmic (ChartSpec::logScale on a line chart).
    bool isLogScale() const;
    /// The value axis' tick labels, bottom to top ("100 ms", "1 s", "10 s").
    QStringList valueAxisLabels() const;
    /// Where a value (x ms since the epoch, y in the chart's unit) is drawn, in widget pixels.
    QPointF positionOf(QPointF value) const;
    /// The hover text at a widget position (series, value with unit, local time); empty if none.
    QString toolTipAt(const QPoint& pos) const;
    /// True when a threshold line is drawn; its label in thresholdLabel().
    bool hasThreshold() const;
    QString thresholdLabel() const;
    State state() const;
    /// The message shown over the plot ("No data in this range yet"), empty with data.
    QString stateMessage() const;

    /// Where the minutes still arriving start (ms UTC; drawn faint and dashed, under a grey
    /// band), 0 when none are (ChartSpec::pendingSeconds).
    double pendingFromMs() const;

    /// Shades the periods when an alert fired (s UTC; AlertReport::firingBands()).
    void setAlertBands(const QVector<TimeRange>& bands);
    /// Alert bands drawn inside the current time range.
    int alertBandCount() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

signals:
    /// A snapshot was drawn (after the model's changed()).
    void rendered();
    /// The axes moved to a new range (s UTC) before its data arrived: a zoom, a pan, the picker.
    void rangeShown(isc::TimeRange range);

protected:
    void resizeEvent(QResizeEvent* event) override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
