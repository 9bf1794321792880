#include "timeserieschart_p.h"

#include "charts/axisticks.h"

namespace isc {

namespace {

constexpr int kTickLabelPx = 75; // room one "MMM d" / "HH:mm" tick label needs

// Splits sorted x values into runs, breaking where two neighbours are further apart than
// `maxGapMs` or a recorded gap marker lies between them. Returns [begin, end) index pairs.
QVector<QPair<int, int>> segmentsOf(const QVector<double>& xs, double maxGapMs,
                                    const QVector<TimeRange>& gaps, double stepMs)
{
    QVector<QPair<int, int>> out;
    int begin = 0;
    for (int i = 1; i <= xs.size(); ++i) {
        bool cut = i == xs.size();
        if (!cut) {
            const double a = xs[i - 1], b = xs[i];
            cut = b - a > maxGapMs;
            for (const auto& g : gaps) {
                if (cut)
                    break;
                // The gap covers time after the bucket at `a` ends and before `b` starts.
                cut = double(g.from) * 1000.0 < b && double(g.to) * 1000.0 > a + stepMs;
            }
        }
        if (cut) {
            if (i > begin)
                out.push_back({begin, i});
            begin = i;
        }
    }
    return out;
}

} // namespace

void TimeSeriesChart::Private::setupChart()
{
    chart = new QChart;
    chart->setTheme(QChart::ChartThemeLight);
    chart->setAnimationOptions(QChart::NoAnimation);
    chart->setBackgroundRoundness(0);
    chart->setMargins(QMargins(6, 4, 10, 4));
    chart->layout()->setContentsMargins(0, 0, 0, 0);
    QFont titleFont = q->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);

    QFont axisFont = q->font();
    axisFont.setPointSizeF(axisFont.pointSizeF() * 0.9);
    xAxis = new QDateTimeAxis;
    yAxis = new QCategoryAxis;
    yAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    for (QAbstractAxis* axis :
         {static_cast<QAbstractAxis*>(xAxis), static_cast<QAbstractAxis*>(yAxis)}) {
        axis->setLabelsFont(axisFont);
        axis->setTitleFont(axisFont);
    }
    chart->addAxis(xAxis, Qt::AlignBottom);
    chart->addAxis(yAxis, Qt::AlignLeft);
    xAxis->setTitleVisible(false);
    // Line series are drawn by one item of ours: QtCharts' line items re-stroke every point for
    // their hit-test shape on each geometry change, which dominated a first paint.
    lines = new DenseLinesItem(chart);
    lines->setZValue(8); // over the grid and axis lines; it clips itself to the plot area

    QLegend* legend = chart->legend();
    legend->setAlignment(Qt::AlignBottom);
    legend->setFont(axisFont);
    legend->setMarkerShape(QLegend::MarkerShapeRectangle);

    view = new TimeChartView(chart, q);
    view->tooltipAt = [this](QPointF pos) { return tooltipAt(pos); };
    QObject::connect(chart, &QChart::plotAreaChanged, q, [this](const QRectF& area) {
        syncMapping();
        placeThresholdText();
        placeBands();
        if (model)
            model->setPixelWidth(int(area.width()));
        if (xAxis)
            updateAxes(model ? model->snapshot().range : TimeRange{});
    });

    overlay = new QLabel(view);
    overlay->setAlignment(Qt::AlignCenter);
    overlay->setWordWrap(true);
    overlay->setAttribute(Qt::WA_TransparentForMouseEvents);
}

void TimeSeriesChart::Private::restyle()
{
    styleChart(view);
    overlay->setStyleSheet(chartMessageCss(true));
    styleThreshold(threshold, thresholdText, thresholdBack);
    if (!model)
        return;
    const ChartSpec& spec = model->spec();
    QString title = spec.title.toHtmlEscaped();
    if (!spec.note.isEmpty())
        title += QStringLiteral(" <span style='font-weight:normal; color:%1'>· %2</span>")
                     .arg(themeCss(ThemeColor::MutedText), spec.note.toHtmlEscaped());
    chart->setTitle(title);
}

void TimeSeriesChart::Private::apply()
{
    if (!model)
        return;
    const ChartSnapshot& s = model->snapshot();
    Layout layout = prepare(s);
    // Axes first: every range change re-lays out each attached series' points in QtCharts.
    updateAxes(s.range.isValid() ? s.range : model->timeRange());
    commit(std::move(layout));
    updateState();
    emit q->rendered();
}

TimeSeriesChart::Private::Layout TimeSeriesChart::Private::prepare(const ChartSnapshot& s)
{
    const ChartSpec& spec = model->spec();
    const double stepMs = double(s.step) * 1000.0;
    const double columnMs =
        s.pixelWidth > 0 ? double(s.range.duration()) * 1000.0 / s.pixelWidth : 0.0;
    const double maxGapMs = 2.5 * std::max(stepMs, columnMs);

    // Lay the data out: per series its values and, per segment, the points to draw.
    QVector<DrawnSeries> next;
    QVector<QVector<QVector<QPointF>>> upper; // per series, per segment
    QVector<QVector<QVector<QPointF>>> lowerPts;
    yMax = 0;
    yMinPositive = 0;
    if (spec.kind == ChartSpec::Kind::StackedArea) {
        QVector<double> xs;
        for (const auto& cs : s.series) {
            for (const auto& p : cs.points)
                xs.push_back(p.x());
        }
        std::sort(xs.begin(), xs.end());
        xs.erase(std::unique(xs.begin(), xs.end()), xs.end());
        const auto segs = segmentsOf(xs, maxGapMs, s.gaps, stepMs);
        QVector<double> base(xs.size(), 0.0);
        for (const auto& cs : s.series) {
            DrawnSeries dr{cs.name, cs.colorKey, cs.dashed, {}, base, {}, 0};
            dr.values.reserve(xs.size());
            // Missing buckets count as zero in a stack (no 5xx that minute), not interpolated.
            int j = 0;
            for (int i = 0; i < xs.size(); ++i) {
                while (j < cs.points.size() && cs.points[j].x() < xs[i])
                    ++j;
                const double v =
                    j < cs.points.size() && cs.points[j].x() == xs[i] ? cs.points[j].y() : 0.0;
                dr.values.push_back({xs[i], v});
            }
            QVector<QVector<QPointF>> up, lo;
            for (const auto& [b, e] : segs) {
                QVector<QPointF> u, l;
                u.reserve(e - b);
                l.reserve(e - b);
                for (int i = b; i < e; ++i) {
                    u.push_back({xs[i], base[i] + dr.values[i].y()});
                    l.push_back({xs[i], base[i]});
                }
                dr.drawnPoints += u.size();
                up.push_back(std::move(u));
                lo.push_back(std::move(l));
            }
            for (int i = 0; i < xs.size(); ++i) {
                base[i] += dr.values[i].y();
                yMax = std::max(yMax, base[i]);
            }
            next.push_back(std::move(dr));
            upper.push_back(std::move(up));
            lowerPts.push_back(std::move(lo));
        }
    } else {
        for (const auto& cs : s.series) {
            DrawnSeries dr{cs.name, cs.colorKey, cs.dashed, cs.points, {}, {}, 0};
            QVector<double> xs;
            xs.reserve(cs.points.size());
            for (const auto& p : cs.points) {
                xs.push_back(p.x());
                yMax = std::max(yMax, p.y());
                if (p.y() > 0 && (yMinPositive <= 0 || p.y() < yMinPositive))
                    yMinPositive = p.y();
            }
            QVector<QVector<QPointF>> up;
            for (const auto& [b, e] : segmentsOf(xs, maxGapMs, s.gaps, stepMs)) {
                up.push_back(cs.points.mid(b, e - b));
                dr.drawnPoints += e - b;
            }
            next.push_back(std::move(dr));
            upper.push_back(std::move(up));
        }
    }

    return {std::move(next), std::move(upper), std::move(lowerPts)};
}

void TimeSeriesChart::Private::commitLines(Layout layout)
{
    QVector<DrawnSeries>& next = layout.series;
    QVector<DenseLinesItem::Style> styles;
    QVector<DenseLinesItem::Run> runs;
    QVector<QPair<QString, QColor>> keys;
    for (int i = 0; i < next.size(); ++i) {
        const QColor color = colorFor(next[i].colorKey);
        styles.push_back({color, 1.8, next[i].dashed});
        const bool known = std::any_of(keys.cbegin(), keys.cend(),
                                       [&](const auto& k) { return k.first == next[i].colorKey; });
        if (!known)
            keys.push_back({next[i].colorKey, color});
        for (const auto& segment : layout.upper[i]) {
            if (!logScale()) {
                runs.push_back({int(i), segment});
                continue;
            }
            // A log axis has no zero: a bucket at zero (no requests) breaks the line instead.
            DenseLinesItem::Run run{int(i), {}};
            for (const QPointF& p : segment) {
                if (p.y() > 0) {
                    run.points.push_back({p.x(), std::log10(p.y())});
                    continue;
                }
                --next[i].drawnPoints;
                if (!run.points.isEmpty()) {
                    runs.push_back(run);
                    run.points.clear();
                }
            }
            if (!run.points.isEmpty())
                runs.push_back(std::move(run));
        }
    }
    // The legend: one empty series per colour key (TTFT and TTLT of a deployment share one).
    if (keys != legendKeys) {
        for (QLineSeries* series : std::as_const(legendSeries)) {
            chart->removeSeries(series);
            delete series;
        }
        legendSeries.clear();
        for (const auto& [key, color] : std::as_const(keys)) {
            auto* series = new QLineSeries;
            series->setPen(QPen(color, 1.8));
            series->setName(key);
            chart->addSeries(series);
            series->attachAxis(xAxis);
            series->attachAxis(yAxis);
            legendSeries.push_back(series);
        }
        legendKeys = keys;
    }
    lines->setRuns(std::move(styles), std::move(runs));
    drawn = std::move(next);
}

void TimeSeriesChart::Private::commit(Layout layout)
{
    if (!stacked()) {
        commitLines(std::move(layout));
        return;
    }
    // Stacked areas stay QtCharts series: a stack has ~1 point per 3 px, far from dense.
    QVector<DrawnSeries>& next = layout.series;
    const auto& upper = layout.upper;
    const auto& lowerPts = layout.lower;
    QVector<QPair<QString, int>> nextShape;
    for (int i = 0; i < next.size(); ++i)
        nextShape.push_back({next[i].name, int(upper[i].size())});

    auto fill = [&] {
        for (int i = 0; i < next.size(); ++i) {
            for (int k = 0; k < next[i].parts.size(); ++k) {
                auto* area = static_cast<QAreaSeries*>(next[i].parts[k]);
                area->upperSeries()->replace(upper[i][k]);
                if (area->lowerSeries())
                    area->lowerSeries()->replace(lowerPts[i][k]);
            }
        }
    };
    if (nextShape == shape) {
        // Same series and segments: hand each QtCharts series its whole new point list.
        for (int i = 0; i < next.size(); ++i)
            next[i].parts = drawn[i].parts;
        fill();
        drawn = std::move(next);
        return;
    }

    // Structure changed: rebuild every series (the threshold line is kept).
    for (const auto& dr : std::as_const(drawn)) {
        for (QAbstractSeries* part : dr.parts) {
            chart->removeSeries(part);
            delete part;
        }
    }
    QSet<QString> inLegend;
    for (int i = 0; i < next.size(); ++i) {
        DrawnSeries& dr = next[i];
        const QColor color = colorFor(dr.colorKey);
        for (int k = 0; k < upper[i].size(); ++k) {
            auto* up = new QLineSeries;
            QLineSeries* lo = i > 0 ? new QLineSeries : nullptr;
            auto* area = new QAreaSeries(up, lo);
            up->setParent(area); // QAreaSeries does not own its bounds: delete them with it
            if (lo)
                lo->setParent(area);
            QColor fillColor = color;
            fillColor.setAlpha(215);
            area->setBrush(fillColor);
            area->setPen(QPen(color.darker(115), 1.0));
            area->setName(dr.colorKey);
            chart->addSeries(area);
            area->attachAxis(xAxis);
            area->attachAxis(yAxis);
            const bool showInLegend = k == 0 && !inLegend.contains(dr.colorKey);
            inLegend.insert(dr.colorKey);
            for (QLegendMarker* marker : chart->legend()->markers(area))
                marker->setVisible(showInLegend);
            dr.parts.push_back(area);
        }
    }
    // Points last, once the legend has taken its room: QtCharts re-lays out every point of every
    // series on each attach and plot-area change.
    chart->layout()->activate();
    fill();
    drawn = std::move(next);
    shape = nextShape;
}

void TimeSeriesChart::Private::updateAxes(TimeRange range)
{
    if (!model)
        return;
    const ChartSpec& spec = model->spec();
    if (!range.isValid())
        range = model->timeRange();
    if (!range.isValid())
        return;

    // Time axis: local time, a format that fits the span, ticks on whole intervals if possible.
    const qint64 duration = range.duration();
    const QString format = duration <= 86400 ? QStringLiteral("HH:mm") : QStringLiteral("MMM d");
    if (xAxis->format() != format)
        xAxis->setFormat(format);
    const QDateTime xFrom = QDateTime::fromSecsSinceEpoch(range.from);
    const QDateTime xTo = QDateTime::fromSecsSinceEpoch(range.to);
    if (xAxis->min() != xFrom || xAxis->max() != xTo) {
        xAxis->setRange(xFrom, xTo);
        placeBands();
    }
    const double plotWidth = chart->plotArea().width() > 50 ? chart->plotArea().width() : 600.0;
    const int maxTicks = std::max(3, int(plotWidth / kTickLabelPx) + 1);
    static constexpr qint64 intervals[] = {60,    120,    300,    600,   900,   1800,
                                           3600,  7200,   10800,  14400, 21600, 43200,
                                           86400, 172800, 432000, 604800};
    int ticks = 0;
    for (qint64 iv : intervals) {
        if (duration % iv == 0 && duration / iv + 1 <= maxTicks) {
            ticks = int(duration / iv) + 1;
            break;
        }
    }
    const int tickCount = ticks >= 3 ? ticks : std::min(maxTicks, 7);
    if (xAxis->tickCount() != tickCount)
        xAxis->setTickCount(tickCount);

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

void TimeSeriesChart::Private::syncMapping()
{
    if (!lines || !xAxis || !yAxis)
        return;
    lines->setMapping(chart->plotArea(), double(xAxis->min().toMSecsSinceEpoch()),
                      double(xAxis->max().toMSecsSinceEpoch()), yAxis->min(), yAxis->max());
}

QPointF TimeSeriesChart::Private::toValue(QPointF pos) const
{
    const QRectF area = chart->plotArea();
    const double xMin = double(xAxis->min().toMSecsSinceEpoch());
    const double xMax = double(xAxis->max().toMSecsSinceEpoch());
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

void TimeSeriesChart::Private::updateState()
{
    const ChartSnapshot& s = model->snapshot();
    if (!model->isLoaded())
        state = State::Loading;
    else if (!s.error.isEmpty() && s.isEmpty())
        state = State::Error;
    else if (s.isEmpty())
        state = State::Empty;
    else
        state = State::Data;

    switch (state) {
    case State::Loading:
        overlay->setText(TimeSeriesChart::tr("Loading…"));
        break;
    case State::Empty:
        overlay->setText(TimeSeriesChart::tr("No data in this range yet"));
        break;
    case State::Error:
        overlay->setText(s.error);
        break;
    case State::Data:
        overlay->clear();
        break;
    }
    overlay->setVisible(state != State::Data);
    if (overlay->isVisible()) {
        overlay->setMaximumWidth(std::max(160, view->width() - 40));
        overlay->adjustSize();
        const QRectF area = chart->plotArea();
        const QPoint center = area.isValid() ? view->mapFromScene(chart->mapToScene(area.center()))
                                             : view->rect().center();
        overlay->move(center - QPoint(overlay->width() / 2, overlay->height() / 2));
        overlay->raise();
    }
    view->setAccessibleDescription(overlay->text());
}

TimeSeriesChart::TimeSeriesChart(ChartModel* model, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->model = model;
    d->setupChart();
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view);
    watchTheme(this, [this] { d->restyle(); });

    if (model) {
        const ChartSpec& spec = model->spec();
        setAccessibleName(spec.title);
        // Line charts antialias only their data (DenseLinesItem does): the grid and axis lines
        // stay crisp, and antialiasing them cost more than drawing the data.
        d->view->setRenderHint(QPainter::Antialiasing, spec.kind == ChartSpec::Kind::StackedArea);
        connect(model, &ChartModel::changed, this, [this] { d->apply(); });
        connect(model, &ChartModel::loadingChanged, this, [this] { d->updateState(); });
        d->updateAxes(model->timeRange());
        if (model->isLoaded())
            d->apply();
    }
    d->updateState();
}

TimeSeriesChart::~TimeSeriesChart() = default;

} // namespace isc
