#include "timeserieschart_p.h"

#include "charts/axisticks.h"
#include "charts/chartzoom.h"
#include "charts/timeaxis.h"

// TimeSeriesChart's axes: the time axis on whole local times, the value axis with its unit,
// the threshold line, the mapping between values and pixels, and zooming a chart alone.

namespace isc {

namespace {

constexpr int kTickLabelPx = 75; // room one "MMM d" / "HH:mm" tick label needs

} // namespace

void TimeSeriesChart::Private::updateAxes(TimeRange range)
{
    if (!model)
        return;
    const ChartSpec& spec = model->spec();
    if (!range.isValid())
        range = model->timeRange();
    if (!range.isValid())
        return;

    updateTimeAxis(range);

    // Value axis: from zero, nice ticks with compact labels, the unit as title. A log axis runs
    // between 1/2/5 x 10^n values around the data, laid out in log10 space, labelled in values.
    double top = yMax;
    if (spec.threshold)
        top = std::max(top, *spec.threshold * (logScale() ? 1.0 : 1.08));
    if (!(top > 0))
        top = spec.unit == Unit::Percent ? 100 : 1;
    QVector<double> ticksY;
    QVector<double> positions;
    QStringList labels;
    if (logScale()) {
        double bottom = yMinPositive > 0 ? yMinPositive : top;
        if (spec.threshold && *spec.threshold > 0)
            bottom = std::min(bottom, *spec.threshold);
        ticksY = logTicks(bottom, top);
        for (double v : ticksY) {
            positions.push_back(std::log10(v));
            labels << logTickLabel(v, spec.unit);
        }
    } else {
        const double plotHeight =
            chart->plotArea().height() > 50 ? chart->plotArea().height() : 240.0;
        ticksY = niceTicks(top * 1.04, std::clamp(int(plotHeight / 45), 3, 7));
        positions = ticksY;
        for (double v : ticksY)
            labels << tickLabel(v);
    }
    // Unchanged ticks are left alone: each axis change re-lays out the axes and area series.
    if (labels != yAxis->categoriesLabels() || yAxis->max() != positions.back() ||
        yAxis->min() != positions.front()) {
        for (const QString& label : yAxis->categoriesLabels())
            yAxis->remove(label);
        yAxis->setStartValue(positions.front());
        for (int i = 0; i < positions.size(); ++i)
            yAxis->append(labels[i], positions[i]);
        yAxis->setRange(positions.front(), positions.back());
    }
    const QString unit = unitSymbol(spec.unit);
    // A log axis keeps the unit as its title: its 1-2-5 tick labels already show the scale.
    const QString title = unit.isEmpty() ? QObject::tr("count") : unit;
    if (yAxis->titleText() != title)
        yAxis->setTitleText(title);

    // Threshold line across the whole range.
    if (spec.threshold) {
        if (!threshold) {
            threshold = new QLineSeries;
            QPen pen(themeColor(ThemeColor::Threshold), 1.5);
            pen.setStyle(Qt::DashLine);
            threshold->setPen(pen);
            threshold->setName(spec.thresholdLabel);
            chart->addSeries(threshold);
            threshold->attachAxis(xAxis);
            threshold->attachAxis(yAxis);
            for (QLegendMarker* marker : chart->legend()->markers(threshold))
                marker->setVisible(false);
            thresholdText = new QGraphicsSimpleTextItem(spec.thresholdLabel, chart);
            QFont f = q->font();
            f.setPointSizeF(f.pointSizeF() * 0.9);
            thresholdText->setFont(f);
            thresholdText->setZValue(21);
            thresholdBack = new QGraphicsRectItem(chart);
            thresholdBack->setPen(Qt::NoPen);
            thresholdBack->setZValue(20);
            styleThreshold(threshold, thresholdText, thresholdBack);
        }
        const double at = axisValue(*spec.threshold);
        threshold->replace(
            {QPointF(double(range.from) * 1000.0, at), QPointF(double(range.to) * 1000.0, at)});
    }
    syncMapping();
    placeThresholdText();
    placeBands();
}

void TimeSeriesChart::Private::updateTimeAxis(TimeRange range)
{
    // Local time: gridlines on whole minutes or hours, days on local midnight.
    const double fromMs = double(range.from) * 1000.0;
    const double toMs = double(range.to) * 1000.0;
    const double plotWidth = chart->plotArea().width() > 50 ? chart->plotArea().width() : 600.0;
    const int maxTicks = std::max(3, int(plotWidth / kTickLabelPx) + 1);
    TimeTicks ticks = timeTicks(range.from * 1000, range.to * 1000, maxTicks);
    xFormat = ticks.format;
    // A label centred on a tick at the right edge would be cut by the chart's margin.
    const double lastMs = toMs - kTickLabelPx / 2.0 / plotWidth * (toMs - fromMs);
    while (!ticks.positionsMs.isEmpty() && ticks.positionsMs.back() > lastMs) {
        ticks.positionsMs.removeLast();
        ticks.labels.removeLast();
    }
    QStringList labels;
    for (int i = 0; i < ticks.labels.size(); ++i) {
        // A category axis keys its labels by text: repeats ("00:00" on two days) get a
        // zero-width tail to stay distinct.
        QString label = ticks.labels[i];
        while (labels.contains(label))
            label += QChar(0x200B);
        labels << label;
    }
    if (labels != xAxis->categoriesLabels() || xAxis->min() != fromMs || xAxis->max() != toMs) {
        for (const QString& label : xAxis->categoriesLabels())
            xAxis->remove(label);
        xAxis->setStartValue(fromMs);
        for (int i = 0; i < labels.size(); ++i)
            xAxis->append(labels[i], ticks.positionsMs[i]);
        xAxis->setRange(fromMs, toMs);
        placeBands();
    }
}

void TimeSeriesChart::Private::zoomTo(TimeRange range)
{
    if (!model || !range.isValid())
        return;
    if (ChartZoomRouter::hasHandler(q)) {
        ChartZoomRouter::zoom(q, range); // the window's range: every chart follows
        return;
    }
    if (!home.isValid())
        home = model->timeRange();
    model->setTimeRange(range);
}

bool TimeSeriesChart::Private::resetZoom()
{
    if (ChartZoomRouter::hasHandler(q))
        return ChartZoomRouter::reset(q);
    if (!model || !home.isValid())
        return false;
    model->setTimeRange(std::exchange(home, TimeRange{}));
    return true;
}

void TimeSeriesChart::Private::syncMapping()
{
    if (!lines || !xAxis || !yAxis)
        return;
    lines->setMapping(chart->plotArea(), xAxis->min(), xAxis->max(), yAxis->min(), yAxis->max());
}

QPointF TimeSeriesChart::Private::toValue(QPointF pos) const
{
    const QRectF area = chart->plotArea();
    const double xMin = xAxis->min();
    const double xMax = xAxis->max();
    const double x = xMin + (pos.x() - area.left()) / std::max(1.0, area.width()) * (xMax - xMin);
    const double ya = yAxis->min() + (area.bottom() - pos.y()) / std::max(1.0, area.height()) *
                                         (yAxis->max() - yAxis->min());
    return {x, logScale() ? std::pow(10.0, ya) : ya};
}

void TimeSeriesChart::Private::placeThresholdText()
{
    if (!threshold || !thresholdText || !model || !model->spec().threshold)
        return;
    const QRectF area = chart->plotArea();
    const QPointF at = toPos(QPointF(0, *model->spec().threshold));
    const QRectF box = thresholdText->boundingRect();
    thresholdText->setPos(area.right() - box.width() - 6, at.y() - box.height() - 2);
    thresholdText->setVisible(area.isValid());
    thresholdBack->setRect(thresholdText->pos().x() - 3, thresholdText->pos().y(), box.width() + 6,
                           box.height());
    thresholdBack->setVisible(area.isValid());
}

} // namespace isc
