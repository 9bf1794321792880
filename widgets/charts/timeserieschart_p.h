#pragma once

// TimeSeriesChart's insides, shared by its files (timeserieschart.cpp draws,
// timeserieschartaxes.cpp lays out the axes and zooms, timeserieschartinfo.cpp answers what is
// drawn): not for use outside the charts library.

#include "timeserieschart.h"

#include "chartbands.h"
#include "chartpalette.h"
#include "chartstyle.h"
#include "denselinesitem.h"
#include "itemmodels/chartmodel.h"
#include "theme/theme.h"
#include "timechartview.h"

#include <QDateTime>
#include <QGraphicsLayout>
#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QLabel>
#include <QLocale>
#include <QMouseEvent>
#include <QPointer>
#include <QSet>
#include <QToolTip>
#include <QVBoxLayout>
#include <QtCharts/QAreaSeries>
#include <QtCharts/QCategoryAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace isc {

// One series as the user sees it: lines are drawn by DenseLinesItem, areas as QtCharts series
// (one per segment, in `parts`).
struct DrawnSeries
{
    QString name;
    QString colorKey;
    bool dashed = false;
    QVector<QPointF> values; // x ms, y the series' own value (for tooltips)
    QVector<double> lower;   // stacked: the band's lower edge per value; empty for lines
    QVector<QAbstractSeries*> parts;
    qsizetype drawnPoints = 0;
    double pendingFromMs = 0; // points from here on may still fill in (drawn faint, dashed)
    bool previous = false;    // the previous period: faint and dashed, a line over a stack
};

struct TimeSeriesChart::Private
{
    TimeSeriesChart* q = nullptr;
    QPointer<ChartModel> model;
    QChart* chart = nullptr;
    TimeChartView* view = nullptr;
    QCategoryAxis* xAxis = nullptr; // ms since the epoch; gridlines on whole local times
    QString xFormat;                // the tick labels' main format, "HH:mm" or "MMM d"
    QCategoryAxis* yAxis = nullptr; // log charts: laid out in log10 space, labelled in values
    DenseLinesItem* lines = nullptr;
    QVector<QLineSeries*> legendSeries; // empty series: only their legend entries show
    QVector<QPair<QString, QColor>> legendKeys;
    QLineSeries* threshold = nullptr;
    QGraphicsSimpleTextItem* thresholdText = nullptr;
    QGraphicsRectItem* thresholdBack = nullptr; // keeps the label readable over data
    std::unique_ptr<ChartBands> bands;          // when alerts fired
    std::unique_ptr<ChartBands> pendingBand;    // the newest minutes, still arriving
    QLabel* overlay = nullptr;
    QVector<DrawnSeries> drawn;
    QHash<QString, QColor> hints;
    QHash<QString, QColor> assigned; // stable colours across refreshes
    QSet<int> takenColors;           // palette indexes this chart shows
    QVector<QPair<QString, int>> shape;
    QVector<bool> shapePending; // which pieces of the stack were drawn as still arriving
    State state = State::Loading;
    TimeRange home; // before a zoom of a chart whose window routes no zoom (it zooms alone)
    double yMax = 1;
    double yMinPositive = 0; // the smallest value above zero, for a log axis' lower end

    QColor colorFor(const QString& key)
    {
        if (auto it = hints.constFind(key); it != hints.constEnd()) {
            takenColors.insert(seriesColorIndex(*it));
            return *it;
        }
        if (auto it = assigned.constFind(key); it != assigned.constEnd())
            return *it;
        // The window's colour for this name (a deployment looks the same on every page).
        const QColor c = isc::seriesColor(key, &takenColors);
        assigned.insert(key, c);
        return c;
    }

    bool stacked() const { return model && model->spec().kind == ChartSpec::Kind::StackedArea; }
    bool logScale() const { return model && model->spec().logScale && !stacked(); }
    // A value in the chart's unit on the value axis' own (linear or log10) scale.
    double axisValue(double v) const
    {
        if (!logScale())
            return v;
        return v > 0 ? std::log10(v) : yAxis->min() - 1; // below the axis: clipped away
    }
    QPointF toPos(QPointF value) const { return lines->map({value.x(), axisValue(value.y())}); }
    QPointF toValue(QPointF pos) const;
    void syncMapping();

    // What a snapshot will draw: per series its values and, per segment, upper/lower points.
    struct Layout
    {
        QVector<DrawnSeries> series;
        QVector<QVector<QVector<QPointF>>> upper;
        QVector<QVector<QVector<QPointF>>> lower;
        QVector<bool> pendingPieces = {}; // stacks: per piece, minutes still arriving
    };

    void setupChart();
    void restyle(); // the theme's colours on the chart, its title and overlay (again on a switch)
    void apply();
    Layout prepare(const ChartSnapshot& s); // also sets yMax
    void commit(Layout layout);
    void commitLines(Layout layout);
    // Hands the lines item its runs: every series of a line chart, the previous period's over
    // a stack. Keeps the legend's line entries in step.
    void setLineRuns(QVector<DrawnSeries>& series, const Layout& layout, bool overlaysOnly);
    void placePending();
    QString titleHtml() const;
    void updateAxes(TimeRange range);
    void updateState();
    void placeThresholdText();
    void placeBands()
    {
        if (bands && xAxis)
            bands->place(chart->plotArea(), xAxis->min(), xAxis->max());
        if (pendingBand && xAxis)
            pendingBand->place(chart->plotArea(), xAxis->min(), xAxis->max());
    }
    QString tooltipAt(QPointF chartPos) const;
    void updateTimeAxis(TimeRange range);
    void zoomTo(TimeRange range);
    bool resetZoom();
};

} // namespace isc
