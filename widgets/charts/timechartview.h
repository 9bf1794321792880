#pragma once

#include "core/timerange.h"

#include <QtCharts/QChartView>
#include <functional>

class QRubberBand;

namespace isc {

/// Draws a time chart and turns the user's gestures into the range to show: the wheel zooms
/// around the cursor, a drag pans, Shift+drag zooms to the band drawn, double-click and Esc
/// reset, the arrow keys pan and Up/Down (or +/-) zoom. Hovering shows the nearest value.
/// (Internal to the charts library: QtCharts stays behind TimeSeriesChart.)
class TimeChartView : public QChartView
{
public:
    TimeChartView(QChart* chart, QWidget* parent);

    std::function<QString(QPointF chartPos)> tooltipAt;
    /// The range shown now (s UTC); gestures start from it.
    std::function<TimeRange()> shownRange;
    /// A gesture asks for this range.
    std::function<void(TimeRange)> requestRange;
    /// Double-click or Esc: true when there was a zoom to undo (else Esc goes on to the parent).
    std::function<bool()> requestReset;

    /// The time (s UTC, fractional) under a widget x position, on the shown range.
    double timeAt(double viewX) const;

protected:
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void leaveEvent(QEvent* event) override;

private:
    enum class Drag { None, Pan, Band };
    QRectF plotInView() const;
    qint64 latest() const;
    void ask(TimeRange range);

    Drag m_drag = Drag::None;
    QPoint m_pressAt;
    TimeRange m_pressRange;
    QRubberBand* m_band = nullptr;
};

} // namespace isc
