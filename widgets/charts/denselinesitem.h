#pragma once

#include <QColor>
#include <QGraphicsItem>
#include <QPointF>
#include <QRect>
#include <QRectF>
#include <QVector>

namespace isc {

/// Draws every line series of a chart in one graphics item over the plot area. Points stay in
/// axis coordinates (x ms since the epoch, y in the value axis' space) and are mapped at paint
/// time, so a resize or range change costs no per-point work until the next paint. Where several
/// points fall in one pixel column (M4 output) the column is filled from its lowest to its highest
/// point, which is what a stroked polyline looks like there, at a fraction of the stroking cost.
class DenseLinesItem : public QGraphicsItem
{
public:
    /// How one series is drawn.
    struct Style
    {
        QColor color;
        double width = 1.8; ///< px
        bool dashed = false;
    };
    /// One unbroken run of a series' points, sorted by x.
    struct Run
    {
        int style = 0; ///< index into the styles
        QVector<QPointF> points;
    };

    explicit DenseLinesItem(QGraphicsItem* parent = nullptr);

    /// Replaces everything drawn: whole series at once, never point by point.
    void setRuns(QVector<Style> styles, QVector<Run> runs);
    /// The plot area (in the parent's coordinates) and the axis ranges it shows.
    void setMapping(const QRectF& plotArea, double xMin, double xMax, double yMin, double yMax);

    int runCount() const;
    /// Points over all runs.
    qsizetype pointCount() const;
    /// A point in axis coordinates mapped into the parent's coordinates.
    QPointF map(QPointF value) const;

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option,
               QWidget* widget = nullptr) override;

private:
    void paintRun(QPainter* painter, const Style& style, const Run& run);
    void fillColumns(QPainter* painter, const QColor& color);

    QVector<Style> m_styles;
    QVector<Run> m_runs;
    QRectF m_area;
    double m_xMin = 0, m_xMax = 1, m_yMin = 0, m_yMax = 1;
    QVector<QPointF> m_mapped; // scratch, reused across paints
    QVector<QRectF> m_columns;
    QVector<QLineF> m_lines;
    static constexpr int kLevels = 16; // alpha levels for the partly covered end pixels
    QVector<QRect> m_full;
    QVector<QRect> m_partial[kLevels];
};

} // namespace isc
