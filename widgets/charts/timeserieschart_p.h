#pragma once

// TimeSeriesChart's insides, shared by its files (timeserieschart.cpp draws,
// timeserieschartinfo.cpp answers what is drawn): not for use outside the charts library.

#include "timeserieschart.h"

#include "chartbands.h"
#include "chartpalette.h"
#include "chartstyle.h"
#include "denselinesitem.h"
#include "itemmodels/chartmodel.h"
#include "theme/theme.h"

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
#include <QtCharts/QDateTimeAxis>
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
};

// Draws the view and answers hovering with the nearest series' value.
class TimeChartView : public QChartView
{
public:
    TimeChartView(QChart* chart, QWidget* parent) : QChartView(chart, parent)
    {
        setMouseTracking(true);
        setRenderHint(QPainter::Antialiasing, true);
        setFrameShape(QFrame::NoFrame);
    }

    std::function<QString(QPointF chartPos)> tooltipAt;

protected:
    void mouseMoveEvent(QMouseEvent* event) override
    {
        QChartView::mouseMoveEvent(event);
        const QPointF chartPos = chart()->mapFromScene(mapToScene(event->position().toPoint()));
        const QString text = tooltipAt ? tooltipAt(chartPos) : QString();
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), text, this);
    }
    void leaveEvent(QEvent* event) override
    {
        QToolTip::hideText();
        QChartView::leaveEvent(event);
    }
};

struct TimeSeriesChart::Private
{
    TimeSeriesChart* q = nullptr;
    QPointer<ChartModel> model;
    QChart* chart = nullptr;
    TimeChartView* view = nullptr;
    QDateTimeAxis* xAxis = nullptr;
    QCategoryAxis* yAxis = nullptr; // log charts: laid out in log10 space, labelled in values
    DenseLinesItem* lines = nullptr;
    QVector<QLineSeries*> legendSeries; // empty series: only their legend entries show
    QVector<QPair<QString, QColor>> legendKeys;
    QLineSeries* threshold = nullptr;
    QGraphicsSimpleTextItem* thresholdText = nullptr;
    QGraphicsRectItem* thresholdBack = nullptr; // keeps the label readable over data
    std::unique_ptr<ChartBands> bands;          // when alerts fired
    QLabel* overlay = nullptr;
    QVector<DrawnSeries> drawn;
    QHash<QString, QColor> hints;
    QHash<QString, QColor> assigned; // stable colours across refreshes
    QSet<int> takenColors;           // palette indexes this chart shows
    QVector<QPair<QString, int>> shape;
    State state = State::Loading;
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
    };

    void setupChart();
    void restyle(); // the theme's colours on the chart, its title and overlay (again on a switch)
    void apply();
    Layout prepare(const ChartSnapshot& s); // also sets yMax
    void commit(Layout layout);
    void commitLines(Layout layout);
    void updateAxes(TimeRange range);
    void updateState();
    void placeThresholdText();
    void placeBands()
    {
        if (bands && xAxis)
            bands->place(chart->plotArea(), double(xAxis->min().toMSecsSinceEpoch()),
                         double(xAxis->max().toMSecsSinceEpoch()));
    }
    QString tooltipAt(QPointF chartPos) const;
};

} // namespace isc
