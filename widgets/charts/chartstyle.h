#pragma once

// The theme's colours on a QtCharts chart's furniture (never its series). Each chart class calls
// these from one restyle function run through watchTheme, so a light/dark switch recolours it.

#include <QString>

class QChartView;
class QGraphicsRectItem;
class QGraphicsSimpleTextItem;
class QLineSeries;

namespace isc {

/// Colours the view's chart from the application's theme: its background (and the view's around
/// a chart without one), title, legend labels and every axis' labels, title, line and grid. Call
/// again after adding axes.
void styleChart(QChartView* view);
/// Recolours a reference line (a threshold, a budget) in the theme's Threshold colour, keeping
/// its pen's width and dash, and its label on a translucent backing. Each may be null.
void styleThreshold(QLineSeries* line, QGraphicsSimpleTextItem* label = nullptr,
                    QGraphicsRectItem* labelBack = nullptr);
/// The style sheet of a message shown instead of a plot ("No data"): muted text; `overPlot` puts
/// it on a translucent box with a border, for a message drawn over the chart.
QString chartMessageCss(bool overPlot);

} // namespace isc
