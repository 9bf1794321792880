#include "denselinesitem.h"

#include <QPainter>
#include <algorithm>
#include <cmath>
#include <utility>

namespace isc {

namespace {

constexpr double kDotRadius = 2.6;   // a lone point between gaps, px
constexpr double kDashOn = 7.0;      // dashed series in dense columns: 7 px drawn ...
constexpr double kDashPeriod = 11.0; // ... then 4 px left out, close to Qt::DashLine at 1.8 px
constexpr double kFar = 1e5;         // px beyond the plot area; keeps the rasterizer in range

} // namespace

DenseLinesItem::DenseLinesItem(QGraphicsItem* parent) : QGraphicsItem(parent)
{
    setAcceptedMouseButtons(Qt::NoButton);
    setFlag(QGraphicsItem::ItemHasNoContents, false);
}

void DenseLinesItem::setRuns(QVector<Style> styles, QVector<Run> runs)
{
    m_styles = std::move(styles);
    m_runs = std::move(runs);
    update();
}

void DenseLinesItem::setMapping(const QRectF& plotArea, double xMin, double xMax, double yMin,
                                double yMax)
{
    if (plotArea == m_area && xMin == m_xMin && xMax == m_xMax && yMin == m_yMin && yMax == m_yMax)
        return;
    if (plotArea != m_area)
        prepareGeometryChange();
    m_area = plotArea;
    m_xMin = xMin;
    m_xMax = xMax > xMin ? xMax : xMin + 1;
    m_yMin = yMin;
    m_yMax = yMax > yMin ? yMax : yMin + 1;
    update();
}

int DenseLinesItem::runCount() const
{
    return int(m_runs.size());
}

qsizetype DenseLinesItem::pointCount() const
{
    qsizetype n = 0;
    for (const auto& r : m_runs)
        n += r.points.size();
    return n;
}

QPointF DenseLinesItem::map(QPointF value) const
{
    const double x = m_area.left() + (value.x() - m_xMin) / (m_xMax - m_xMin) * m_area.width();
    const double y = m_area.bottom() - (value.y() - m_yMin) / (m_yMax - m_yMin) * m_area.height();
    return {std::clamp(x, m_area.left() - kFar, m_area.right() + kFar),
            std::clamp(y, m_area.top() - kFar, m_area.bottom() + kFar)};
}

QRectF DenseLinesItem::boundingRect() const
{
    return m_area.adjusted(-kDotRadius, -kDotRadius, kDotRadius, kDotRadius);
}

void DenseLinesItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    if (!m_area.isValid() || m_runs.isEmpty())
        return;
    painter->save();
    // A little room beyond the plot area so a line along its edge keeps its full width.
    painter->setClipRect(m_area.adjusted(-1, -1, 1, 1), Qt::IntersectClip);
    painter->setRenderHint(QPainter::Antialiasing, true);
    for (const Run& run : std::as_const(m_runs)) {
        if (run.style >= 0 && run.style < m_styles.size())
            paintRun(painter, m_styles[run.style], run);
    }
    painter->restore();
}

void DenseLinesItem::paintRun(QPainter* painter, const Style& style, const Run& run)
{
    // Only what the axis shows, and one point either side for the lines that cross its edges:
    // zoomed into a long series, most of it lies outside the plot.
    const auto byX = [](const QPointF& p, double x) { return p.x() < x; };
    auto first = std::lower_bound(run.points.cbegin(), run.points.cend(), m_xMin, byX);
    auto last = std::lower_bound(first, run.points.cend(), m_xMax, byX);
    if (first != run.points.cbegin())
        --first;
    if (last != run.points.cend())
        ++last;
    const qsizetype n = qsizetype(last - first);
    if (n == 0)
        return;
    m_mapped.resize(n);
    for (qsizetype i = 0; i < n; ++i)
        m_mapped[i] = map(first[i]);
    if (n == 1) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(style.color);
        painter->drawEllipse(m_mapped[0], kDotRadius, kDotRadius);
        return;
    }

    // Points in one pixel column, and the step into the next column, become one filled column
    // from the lowest to the highest point (widened by the pen); longer steps stay lines.
    const double half = style.width / 2;
    const double firstColumn = std::floor(m_mapped[0].x());
    m_columns.clear();
    m_lines.clear();
    auto flush = [&](double column, double lo, double hi) {
        if (style.dashed && std::fmod(column - firstColumn, kDashPeriod) >= kDashOn)
            return;
        m_columns.push_back(QRectF(column, lo - half, 1.0, hi - lo + 2 * half));
    };
    double column = firstColumn;
    double lo = m_mapped[0].y();
    double hi = lo;
    bool filled = false; // the current column holds more than its first point
    for (qsizetype i = 1; i < n; ++i) {
        const QPointF p = m_mapped[i];
        const double c = std::floor(p.x());
        if (c == column) {
            lo = std::min(lo, p.y());
            hi = std::max(hi, p.y());
            filled = true;
            continue;
        }
        if (c == column + 1) {
            flush(column, std::min(lo, p.y()), std::max(hi, p.y()));
        } else {
            if (filled)
                flush(column, lo, hi);
            m_lines.push_back(QLineF(m_mapped[i - 1], p));
        }
        column = c;
        lo = hi = p.y();
        filled = false;
    }
    if (filled)
        flush(column, lo, hi);

    if (!m_columns.isEmpty())
        fillColumns(painter, style.color);
    if (!m_lines.isEmpty()) {
        // drawLines, not drawPolyline: Qt strokes a thick polyline's joins on the slow path.
        QPen pen(style.color, style.width);
        pen.setStyle(style.dashed ? Qt::DashLine : Qt::SolidLine);
        painter->setPen(pen);
        painter->setBrush(Qt::NoBrush);
        painter->drawLines(m_lines.constData(), int(m_lines.size()));
    }
}

void DenseLinesItem::fillColumns(QPainter* painter, const QColor& color)
{
    // Whole pixels as solid rectangles, each end pixel in one of kLevels alpha levels for its
    // coverage: the raster engine fills batches of pixel-aligned rectangles directly, where
    // antialiased QRectFs would go through its path rasterizer one by one.
    const QTransform& t = painter->worldTransform();
    if (t.type() > QTransform::TxTranslate) {
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawRects(m_columns.constData(), int(m_columns.size()));
        return;
    }
    const double dx = t.dx(), dy = t.dy();
    m_full.clear();
    for (auto& level : m_partial)
        level.clear();
    auto partial = [&](int x, double y, double coverage) {
        const int level = int(std::lround(coverage * kLevels));
        if (level > 0)
            m_partial[std::min(level, kLevels) - 1].push_back(QRect(x, int(std::floor(y)), 1, 1));
    };
    for (const QRectF& r : std::as_const(m_columns)) {
        const int x = int(std::lround(r.left() + dx));
        const double top = r.top() + dy, bottom = r.bottom() + dy;
        const double firstFull = std::ceil(top), lastFull = std::floor(bottom);
        if (firstFull >= lastFull) { // the whole span inside one pixel row
            partial(x, top, bottom - top);
            continue;
        }
        m_full.push_back(QRect(x, int(firstFull), 1, int(lastFull - firstFull)));
        if (firstFull > top)
            partial(x, top, firstFull - top);
        if (bottom > lastFull)
            partial(x, lastFull, bottom - lastFull);
    }
    painter->save();
    painter->resetTransform();
    painter->setRenderHint(QPainter::Antialiasing, false);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawRects(m_full.constData(), int(m_full.size()));
    for (int i = 0; i < kLevels; ++i) {
        if (m_partial[i].isEmpty())
            continue;
        QColor c = color;
        c.setAlphaF(float(color.alphaF() * (i + 1) / kLevels));
        painter->setBrush(c);
        painter->drawRects(m_partial[i].constData(), int(m_partial[i].size()));
    }
    painter->restore();
}

} // namespace isc
