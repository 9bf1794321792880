#include "timeserieschart_p.h"

namespace isc {

namespace {

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
    xAxis = new QCategoryAxis;
    xAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
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
    view->shownRange = [this] { return model ? model->timeRange() : TimeRange{}; };
    view->requestRange = [this](TimeRange range) { zoomTo(range); };
    view->requestReset = [this] { return resetZoom(); };
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
    chart->setTitle(titleHtml());
}

QString TimeSeriesChart::Private::titleHtml() const
{
    const ChartSpec& spec = model->spec();
    QString title = spec.title.toHtmlEscaped();
    if (!spec.note.isEmpty())
        title += QStringLiteral(" <span style='font-weight:normal; color:%1'>· %2</span>")
                     .arg(themeCss(ThemeColor::MutedText), spec.note.toHtmlEscaped());
    return title;
}

void TimeSeriesChart::Private::apply()
{
    if (!model)
        return;
    const ChartSnapshot& s = model->snapshot();
    Layout layout = prepare(s);
    // Axes first: every range change re-lays out each attached series' points in QtCharts. The
    // model's range, not the snapshot's: a zoom shows at once, before its data arrives.
    updateAxes(model->timeRange().isValid() ? model->timeRange() : s.range);
    commit(std::move(layout));
    placePending();
    const QString title = titleHtml();
    if (chart->title() != title)
        chart->setTitle(title);
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
    QVector<bool> pendingPieces; // stacks: per piece, whether its minutes are still arriving
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
        // Pieces of the stack: each unbroken run, cut where minutes still arriving begin (the
        // pending piece starts at the last final point, so the two join).
        double pendingFrom = 0;
        for (const auto& cs : s.series) {
            if (cs.pendingFromMs > 0 && (pendingFrom == 0 || cs.pendingFromMs < pendingFrom))
                pendingFrom = cs.pendingFromMs;
        }
        QVector<QPair<int, int>> segs;
        for (const auto& [b, e] : segmentsOf(xs, maxGapMs, s.gaps, stepMs)) {
            int k = e;
            if (pendingFrom > 0)
                k = int(std::lower_bound(xs.cbegin() + b, xs.cbegin() + e, pendingFrom) -
                        xs.cbegin());
            if (k > b) {
                segs.push_back({b, k});
                pendingPieces.push_back(false);
            }
            if (k < e) {
                segs.push_back({std::max(b, k - 1), e});
                pendingPieces.push_back(true);
            }
        }
        QVector<double> base(xs.size(), 0.0);
        QVector<const ChartSeries*> overlays; // the previous period: a line over the stack
        for (const auto& cs : s.series) {
            if (cs.previous) {
                overlays.push_back(&cs);
                continue;
            }
            DrawnSeries dr{cs.name, cs.colorKey, cs.dashed,        {},   base,
                           {},      0,           cs.pendingFromMs, false};
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
            for (int g = 0; g < segs.size(); ++g) {
                const auto [b, e] = segs[g];
                QVector<QPointF> u, l;
                u.reserve(e - b);
                l.reserve(e - b);
                for (int i = b; i < e; ++i) {
                    u.push_back({xs[i], base[i] + dr.values[i].y()});
                    l.push_back({xs[i], base[i]});
                }
                // The point a pending piece shares with the final one before it counts once.
                const bool joined = pendingPieces[g] && g > 0 && segs[g - 1].second > b;
                dr.drawnPoints += u.size() - (joined ? 1 : 0);
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
        for (const ChartSeries* cs : std::as_const(overlays)) {
            DrawnSeries dr{cs->name, cs->colorKey, true, cs->points, {}, {}, 0, 0, true};
            dr.lower.fill(0.0, cs->points.size()); // hovering a stack reads lower edges
            QVector<double> px;
            for (const auto& p : cs->points) {
                px.push_back(p.x());
                yMax = std::max(yMax, p.y());
            }
            QVector<QVector<QPointF>> up;
            for (const auto& [b, e] : segmentsOf(px, maxGapMs, {}, stepMs)) {
                up.push_back(cs->points.mid(b, e - b));
                dr.drawnPoints += e - b;
            }
            next.push_back(std::move(dr));
            upper.push_back(std::move(up));
            lowerPts.push_back({});
        }
    } else {
        for (const auto& cs : s.series) {
            DrawnSeries dr{cs.name, cs.colorKey, cs.dashed,        cs.points,  {},
                           {},      0,           cs.pendingFromMs, cs.previous};
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

    return {std::move(next), std::move(upper), std::move(lowerPts), std::move(pendingPieces)};
}

void TimeSeriesChart::Private::setLineRuns(QVector<DrawnSeries>& next, const Layout& layout,
                                           bool overlaysOnly)
{
    QVector<DenseLinesItem::Style> styles;
    QVector<DenseLinesItem::Run> runs;
    QVector<QPair<QString, QColor>> keys;
    // A run in the value axis' own space: on a log axis a zero (no requests) breaks the line.
    auto push = [&](int i, int style, const QVector<QPointF>& points) {
        if (!logScale()) {
            runs.push_back({style, points});
            return;
        }
        DenseLinesItem::Run run{style, {}};
        for (const QPointF& p : points) {
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
    };
    for (int i = 0; i < next.size(); ++i) {
        if (overlaysOnly && !next[i].previous)
            continue;
        // The previous period's total over a stack has no hue of its own: the chart's text colour.
        QColor color = overlaysOnly ? themeColor(ThemeColor::ChartText, view->palette())
                                    : colorFor(next[i].colorKey);
        const bool known = std::any_of(keys.cbegin(), keys.cend(),
                                       [&](const auto& k) { return k.first == next[i].colorKey; });
        if (!known)
            keys.push_back({next[i].colorKey, color});
        QColor faint = color;
        faint.setAlphaF(0.45);
        const int style = int(styles.size());
        styles.push_back({next[i].previous ? faint : color, 1.8, next[i].dashed});
        const int pendingStyle = int(styles.size());
        styles.push_back({faint, 1.8, true});
        const double pendingFrom = next[i].pendingFromMs;
        for (const auto& segment : layout.upper[i]) {
            // Minutes that may still fill in: faint and dashed from the last final point on.
            const auto split =
                pendingFrom > 0
                    ? std::lower_bound(segment.cbegin(), segment.cend(), pendingFrom,
                                       [](const QPointF& p, double x) { return p.x() < x; })
                    : segment.cend();
            const int k = int(split - segment.cbegin());
            if (k == segment.size()) {
                push(i, style, segment);
                continue;
            }
            if (k > 0)
                push(i, style, segment.mid(0, k));
            push(i, pendingStyle, segment.mid(std::max(0, k - 1)));
        }
    }
    // The previous period shares its series' colours: one legend entry says what the faint
    // dashes are (over a stack, its total line has an entry of its own already).
    if (!overlaysOnly && model && model->snapshot().previousShift > 0) {
        QColor faint = themeColor(ThemeColor::ChartText, view->palette());
        faint.setAlphaF(0.45);
        keys.push_back({previousPeriodName(model->snapshot().previousShift), faint});
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
            QPen pen(color, 1.8);
            if (overlaysOnly || color.alphaF() < 1)
                pen.setStyle(Qt::DashLine);
            series->setPen(pen);
            series->setName(key);
            chart->addSeries(series);
            series->attachAxis(xAxis);
            series->attachAxis(yAxis);
            legendSeries.push_back(series);
        }
        legendKeys = keys;
    }
    lines->setRuns(std::move(styles), std::move(runs));
}

void TimeSeriesChart::Private::commitLines(Layout layout)
{
    setLineRuns(layout.series, layout, false);
    drawn = std::move(layout.series);
}

void TimeSeriesChart::Private::placePending()
{
    // One band from the earliest minute still arriving to the end of the range.
    const double from = q->pendingFromMs();
    if (from == 0 && !pendingBand)
        return;
    if (!pendingBand)
        pendingBand = std::make_unique<ChartBands>(chart, ThemeColor::MutedText, 40);
    QVector<TimeRange> band;
    if (from > 0 && model)
        band.push_back(
            {qint64(from / 1000.0), std::max(model->timeRange().to, qint64(from / 1000.0) + 60)});
    pendingBand->setBands(band, TimeSeriesChart::tr("Still arriving: the provider fills in its "
                                                    "newest minutes over a few minutes"));
    placeBands();
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
    if (nextShape == shape && layout.pendingPieces == shapePending) {
        // Same series and segments: hand each QtCharts series its whole new point list.
        for (int i = 0; i < next.size(); ++i)
            next[i].parts = drawn[i].parts;
        fill();
        setLineRuns(next, layout, true);
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
        if (dr.previous)
            continue; // a line, drawn by the lines item
        const QColor color = colorFor(dr.colorKey);
        for (int k = 0; k < upper[i].size(); ++k) {
            auto* up = new QLineSeries;
            QLineSeries* lo = i > 0 ? new QLineSeries : nullptr;
            auto* area = new QAreaSeries(up, lo);
            up->setParent(area); // QAreaSeries does not own its bounds: delete them with it
            if (lo)
                lo->setParent(area);
            // Minutes still arriving: faint, with a dashed edge (not a drop to zero).
            const bool pending = k < layout.pendingPieces.size() && layout.pendingPieces[k];
            QColor fillColor = color;
            fillColor.setAlpha(pending ? 70 : 215);
            area->setBrush(fillColor);
            QPen edge(color.darker(115), 1.0);
            if (pending)
                edge.setStyle(Qt::DashLine);
            area->setPen(edge);
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
    setLineRuns(next, layout, true);
    drawn = std::move(next);
    shape = nextShape;
    shapePending = layout.pendingPieces;
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
        // A new range (a zoom, a pan, the picker) moves the axes at once; its data follows.
        connect(model, &ChartModel::timeRangeChanged, this, [this](TimeRange range) {
            d->updateAxes(range);
            emit rangeShown(range);
        });
        d->updateAxes(model->timeRange());
        if (model->isLoaded())
            d->apply();
    }
    d->updateState();
}

TimeSeriesChart::~TimeSeriesChart() = default;

} // namespace isc
