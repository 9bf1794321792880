#include "timechartview.h"

#include "chartzoom.h"

#include <QDateTime>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QRubberBand>
#include <QToolTip>
#include <QWheelEvent>
#include <QtCharts/QChart>
#include <cmath>

namespace isc {

namespace {

constexpr double kWheelFactor = 0.8; // one notch in: 80 % of the span
constexpr double kKeyPanShare = 0.1; // an arrow key moves a tenth of the span
constexpr int kMinBandPx = 6;        // a narrower band is a click, not a zoom

} // namespace

TimeChartView::TimeChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent)
{
    setMouseTracking(true);
    setRenderHint(QPainter::Antialiasing, true);
    setFrameShape(QFrame::NoFrame);
    setFocusPolicy(Qt::StrongFocus); // a click gives the keys to the chart
    setRubberBand(QChartView::NoRubberBand);
}

QRectF TimeChartView::plotInView() const
{
    const QRectF area = chart()->plotArea();
    return QRectF(mapFromScene(chart()->mapToScene(area.topLeft())),
                  mapFromScene(chart()->mapToScene(area.bottomRight())));
}

double TimeChartView::timeAt(double viewX) const
{
    const TimeRange r = shownRange ? shownRange() : TimeRange{};
    const QRectF plot = plotInView();
    if (!r.isValid() || plot.width() < 1)
        return 0;
    return double(r.from) + (viewX - plot.left()) / plot.width() * double(r.duration());
}

qint64 TimeChartView::latest() const
{
    // Not past the range shown, or the current minute's end when that is later.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    const qint64 end = shownRange ? shownRange().to : 0;
    return std::max(end, (now / 60 + 1) * 60);
}

void TimeChartView::ask(TimeRange range)
{
    if (requestRange && range.isValid() && !(shownRange && range == shownRange()))
        requestRange(range);
}

void TimeChartView::mousePressEvent(QMouseEvent* event)
{
    const QPoint at = event->position().toPoint();
    if (event->button() != Qt::LeftButton || !plotInView().contains(at) || !shownRange) {
        QChartView::mousePressEvent(event);
        return;
    }
    m_pressAt = at;
    m_pressRange = shownRange();
    if (event->modifiers() & Qt::ShiftModifier) {
        m_drag = Drag::Band;
        if (!m_band)
            m_band = new QRubberBand(QRubberBand::Rectangle, viewport());
        const QRectF plot = plotInView();
        m_band->setGeometry(QRect(at.x(), int(plot.top()), 1, int(plot.height())));
        m_band->show();
    } else {
        m_drag = Drag::Pan;
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
    QToolTip::hideText();
    event->accept();
}

void TimeChartView::mouseMoveEvent(QMouseEvent* event)
{
    const QPoint at = event->position().toPoint();
    const QRectF plot = plotInView();
    if (m_drag == Drag::Pan && plot.width() >= 1) {
        const double seconds =
            double(m_pressAt.x() - at.x()) / plot.width() * double(m_pressRange.duration());
        ask(chartzoom::pan(m_pressRange, seconds, latest()));
        return;
    }
    if (m_drag == Drag::Band) {
        const int left =
            int(std::clamp(double(std::min(at.x(), m_pressAt.x())), plot.left(), plot.right()));
        const int right =
            int(std::clamp(double(std::max(at.x(), m_pressAt.x())), plot.left(), plot.right()));
        m_band->setGeometry(
            QRect(left, int(plot.top()), std::max(1, right - left), int(plot.height())));
        return;
    }
    QChartView::mouseMoveEvent(event);
    const QPointF chartPos = chart()->mapFromScene(mapToScene(at));
    const QString text = tooltipAt ? tooltipAt(chartPos) : QString();
    if (text.isEmpty())
        QToolTip::hideText();
    else
        QToolTip::showText(event->globalPosition().toPoint(), text, this);
}

void TimeChartView::mouseReleaseEvent(QMouseEvent* event)
{
    if (m_drag == Drag::None || event->button() != Qt::LeftButton) {
        QChartView::mouseReleaseEvent(event);
        return;
    }
    if (m_drag == Drag::Band) {
        m_band->hide();
        const QRect band = m_band->geometry();
        if (band.width() >= kMinBandPx)
            ask(chartzoom::between(timeAt(band.left()), timeAt(band.right()), latest()));
    }
    m_drag = Drag::None;
    viewport()->unsetCursor();
    event->accept();
}

void TimeChartView::mouseDoubleClickEvent(QMouseEvent* event)
{
    if (event->button() == Qt::LeftButton && plotInView().contains(event->position()) &&
        requestReset) {
        requestReset();
        event->accept();
        return;
    }
    QChartView::mouseDoubleClickEvent(event);
}

void TimeChartView::wheelEvent(QWheelEvent* event)
{
    const QPointF at = event->position();
    const int delta = event->angleDelta().y();
    if (!shownRange || delta == 0 || !plotInView().contains(at)) {
        event->ignore(); // the page scrolls
        return;
    }
    const double factor = std::pow(kWheelFactor, double(delta) / 120.0);
    ask(chartzoom::zoomAround(shownRange(), timeAt(at.x()), factor, latest()));
    event->accept();
}

void TimeChartView::keyPressEvent(QKeyEvent* event)
{
    if (!shownRange) {
        QChartView::keyPressEvent(event);
        return;
    }
    const TimeRange r = shownRange();
    const double centre = (double(r.from) + double(r.to)) / 2;
    const double step = double(r.duration()) * kKeyPanShare;
    switch (event->key()) {
    case Qt::Key_Left:
        ask(chartzoom::pan(r, -step, latest()));
        break;
    case Qt::Key_Right:
        ask(chartzoom::pan(r, step, latest()));
        break;
    case Qt::Key_Up:
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        ask(chartzoom::zoomAround(r, centre, kWheelFactor, latest()));
        break;
    case Qt::Key_Down:
    case Qt::Key_Minus:
        ask(chartzoom::zoomAround(r, centre, 1 / kWheelFactor, latest()));
        break;
    case Qt::Key_Escape:
        if (!requestReset || !requestReset()) {
            QChartView::keyPressEvent(event); // nothing zoomed: a dialog may close on Esc
            return;
        }
        break;
    default:
        QChartView::keyPressEvent(event);
        return;
    }
    event->accept();
}

void TimeChartView::leaveEvent(QEvent* event)
{
    QToolTip::hideText();
    QChartView::leaveEvent(event);
}

} // namespace isc
