#include "timeserieschart_p.h"

#include "itemmodels/chartmodel.h"

namespace isc {

QString TimeSeriesChart::Private::tooltipAt(QPointF chartPos) const
{
    if (drawn.isEmpty() || !chart->plotArea().contains(chartPos) || !model)
        return {};
    const QPointF value = toValue(chartPos);
    const double pxPerMs = chart->plotArea().width() / std::max(1.0, xAxis->max() - xAxis->min());
    const bool isStacked = stacked();

    int best = -1;
    int bestIndex = -1;
    double bestDist = 1e300;
    for (int i = 0; i < drawn.size(); ++i) {
        const auto& vals = drawn[i].values;
        if (vals.isEmpty())
            continue;
        // Binary search on x: hovering costs O(series x log points), whatever the density.
        auto it = std::lower_bound(vals.begin(), vals.end(), value.x(),
                                   [](const QPointF& p, double x) { return p.x() < x; });
        int idx = int(it - vals.begin());
        if (idx == vals.size() ||
            (idx > 0 && value.x() - vals[idx - 1].x() < vals[idx].x() - value.x()))
            --idx;
        const double dxPx = std::fabs(vals[idx].x() - value.x()) * pxPerMs;
        if (dxPx > 24)
            continue;
        if (isStacked) {
            const double lo = drawn[i].lower[idx];
            const double hi = lo + vals[idx].y();
            if (value.y() >= lo && value.y() <= hi && vals[idx].y() > 0) {
                best = i;
                bestIndex = idx;
                break;
            }
        } else {
            const QPointF p = toPos(vals[idx]);
            const double dist = std::hypot(p.x() - chartPos.x(), p.y() - chartPos.y());
            if (dist < bestDist && dist < 28) {
                bestDist = dist;
                best = i;
                bestIndex = idx;
            }
        }
    }
    if (best < 0)
        return {};
    const QPointF p = drawn[best].values[bestIndex];
    const QString when = QLocale().toString(QDateTime::fromMSecsSinceEpoch(qint64(p.x())),
                                            QStringLiteral("ddd d MMM, HH:mm"));
    return QStringLiteral("<b>%1</b><br>%2<br><span style='color:%3'>%4</span>")
        .arg(drawn[best].name.toHtmlEscaped(), formatQuantity(p.y(), model->spec().unit),
             themeCss(ThemeColor::MutedText), when);
}

ChartModel* TimeSeriesChart::model() const
{
    return d->model;
}

void TimeSeriesChart::setLegendAlignment(Qt::Alignment alignment)
{
    d->chart->legend()->setAlignment(alignment);
}

void TimeSeriesChart::setColorHint(const QString& colorKey, const QColor& color)
{
    d->hints.insert(colorKey, color);
    d->shape.clear(); // rebuild with the new colour on the next snapshot
    if (d->model && d->model->isLoaded())
        d->apply();
}

int TimeSeriesChart::seriesCount() const
{
    return int(d->drawn.size());
}

QStringList TimeSeriesChart::seriesNames() const
{
    QStringList names;
    for (const auto& dr : d->drawn)
        names << dr.name;
    return names;
}

QVector<QPointF> TimeSeriesChart::seriesPoints(const QString& name) const
{
    for (const auto& dr : d->drawn) {
        if (dr.name == name)
            return dr.values;
    }
    return {};
}

QColor TimeSeriesChart::seriesColor(const QString& name) const
{
    for (const auto& dr : d->drawn) {
        if (dr.name == name)
            return d->colorFor(dr.colorKey);
    }
    return {};
}

int TimeSeriesChart::segmentCount() const
{
    int n = d->stacked() ? 0 : d->lines->runCount();
    for (const auto& dr : d->drawn)
        n += int(dr.parts.size());
    return n;
}

qsizetype TimeSeriesChart::pointCount() const
{
    qsizetype n = 0;
    for (const auto& dr : d->drawn)
        n += dr.drawnPoints;
    return n;
}

double TimeSeriesChart::pendingFromMs() const
{
    double from = 0;
    for (const auto& dr : d->drawn) {
        if (dr.pendingFromMs > 0 && (from == 0 || dr.pendingFromMs < from))
            from = dr.pendingFromMs;
    }
    return from;
}

TimeSeriesChart::AxisRange TimeSeriesChart::axisRange() const
{
    const bool log = d->logScale();
    return {qint64(std::llround(d->xAxis->min())), qint64(std::llround(d->xAxis->max())),
            log ? std::pow(10.0, d->yAxis->min()) : d->yAxis->min(),
            log ? std::pow(10.0, d->yAxis->max()) : d->yAxis->max()};
}

QString TimeSeriesChart::timeFormat() const
{
    return d->xFormat;
}

QString TimeSeriesChart::valueAxisTitle() const
{
    return d->yAxis->titleText();
}

bool TimeSeriesChart::isLogScale() const
{
    return d->logScale();
}

QStringList TimeSeriesChart::valueAxisLabels() const
{
    return d->yAxis->categoriesLabels();
}

QPointF TimeSeriesChart::positionOf(QPointF value) const
{
    const QPointF inChart = d->toPos(value);
    return QPointF(d->view->mapFromScene(d->chart->mapToScene(inChart))) + QPointF(d->view->pos());
}

QString TimeSeriesChart::toolTipAt(const QPoint& pos) const
{
    const QPoint inView = pos - d->view->pos();
    return d->tooltipAt(d->chart->mapFromScene(d->view->mapToScene(inView)));
}

bool TimeSeriesChart::hasThreshold() const
{
    return d->threshold && d->threshold->isVisible();
}

QString TimeSeriesChart::thresholdLabel() const
{
    return d->thresholdText ? d->thresholdText->text() : QString();
}

TimeSeriesChart::State TimeSeriesChart::state() const
{
    return d->state;
}

QString TimeSeriesChart::stateMessage() const
{
    return d->state == State::Data ? QString() : d->overlay->text();
}

QSize TimeSeriesChart::sizeHint() const
{
    return {640, 360};
}

QSize TimeSeriesChart::minimumSizeHint() const
{
    return {320, 220};
}

void TimeSeriesChart::setAlertBands(const QVector<TimeRange>& bands)
{
    if (!d->bands)
        d->bands = std::make_unique<ChartBands>(d->chart);
    d->bands->setBands(bands, tr("An alert was firing"));
    d->placeBands();
}

int TimeSeriesChart::alertBandCount() const
{
    return d->bands ? d->bands->visibleCount() : 0;
}

void TimeSeriesChart::resizeEvent(QResizeEvent* event)
{
    QWidget::resizeEvent(event);
    if (d->model)
        d->updateState();
}

} // namespace isc
