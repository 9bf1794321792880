#pragma once

#include "reports/exporttable.h"
#include "reports/heatmapreport.h"

#include <QStringList>
#include <QWidget>

namespace isc {

/// A latency heatmap (as Grafana draws histogram buckets): local time on x, one row per bucket
/// on y labelled with its bounds, each cell coloured by its count on the theme's sequential
/// ramp (square-root scale, so a few slow requests still show), a colour legend on the right
/// and a tooltip with the step, the bucket and the count. Painted by hand: no QtCharts.
class HeatmapChart : public QWidget
{
    Q_OBJECT
public:
    explicit HeatmapChart(QWidget* parent = nullptr);

    /// Replaces everything drawn.
    void setData(const HeatmapReport& data);
    const HeatmapReport& data() const { return m_data; }

    /// The column and row under a widget position, or {-1, -1} outside the cells.
    std::pair<int, int> cellAt(const QPoint& pos) const;
    /// The centre of a cell, in widget pixels (for tests).
    QPoint cellCenter(int column, int row) const;
    /// The hover text at a widget position ("10:35–10:40 · 250 ms – 500 ms: 42 requests"),
    /// empty outside the cells.
    QString toolTipAt(const QPoint& pos) const;
    /// The fill of a cell with `count` on the current palette (invalid for 0: not painted).
    QColor colorFor(double count) const;
    /// The labels of the y axis, bottom to top ("0 ms", "100 ms", ..., "+Inf").
    QStringList rowLabels() const;
    /// The time axis labels as drawn, left to right.
    QStringList timeLabels() const;
    /// The colour legend's labels, bottom to top ("0", ..., the largest count).
    QStringList legendLabels() const;
    /// The message drawn instead of cells, empty when there are cells.
    QString stateMessage() const;
    /// One row per non-empty cell: step start (ISO 8601 UTC), bucket bounds (ms), count.
    ExportTable exportTable() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;

private:
    struct Geometry
    {
        QRect plot;
        QRect legend;
        int titleHeight = 0;
    };
    Geometry geometry() const;
    double xOf(qint64 ts, const QRect& plot) const;
    /// The time ticks (s UTC) and their labels over the range.
    QVector<std::pair<qint64, QString>> timeTicks() const;
    QString boundText(double ms) const;

    HeatmapReport m_data;
    double m_max = 0;
};

} // namespace isc
