#include "charts/alertbacktestchart.h"
#include "charts/chartpalette.h"
#include "charts/chartstyle.h"
#include "theme/theme.h"

#include <QAreaSeries>
#include <QChart>
#include <QChartView>
#include <QDateTimeAxis>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QStackedLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>

namespace isc {

struct AlertBacktestChart::Private
{
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QLabel* message = nullptr;
    QStackedLayout* stack = nullptr;
    int lines = 0;
    int bands = 0;
    bool threshold = false;
    QString axisTitle;
    // Drawn in the theme's threshold colour (owned by the chart).
    QVector<QAreaSeries*> firingBands;
    QVector<QLineSeries*> references;

    /// The theme's colours on the chart, the firing bands and the reference lines.
    void restyle();
};

void AlertBacktestChart::Private::restyle()
{
    styleChart(view);
    QColor band = themeColor(ThemeColor::Threshold);
    band.setAlpha(70);
    for (QAreaSeries* area : std::as_const(firingBands))
        area->setBrush(band);
    for (QLineSeries* line : std::as_const(references))
        styleThreshold(line);
}

AlertBacktestChart::AlertBacktestChart(QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->chart = new QChart;
    d->chart->setBackgroundVisible(false);
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->view = new QChartView(d->chart);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    d->message = new QLabel;
    d->message->setAlignment(Qt::AlignCenter);
    d->message->setWordWrap(true);
    d->stack = new QStackedLayout(this);
    d->stack->setContentsMargins(0, 0, 0, 0);
    d->stack->addWidget(d->view);
    d->stack->addWidget(d->message);
    setMessage(tr("Pick a rule to see how often it would have fired."));
    watchTheme(this, [this] { d->restyle(); });
}

AlertBacktestChart::~AlertBacktestChart() = default;

QSize AlertBacktestChart::sizeHint() const
{
    return {640, 280};
}

void AlertBacktestChart::setMessage(const QString& message)
{
    d->message->setText(message);
    d->stack->setCurrentWidget(d->message);
}

QString AlertBacktestChart::message() const
{
    return d->stack->currentWidget() == d->message ? d->message->text() : QString();
}

int AlertBacktestChart::lineCount() const
{
    return d->lines;
}

int AlertBacktestChart::bandCount() const
{
    return d->bands;
}

QString AlertBacktestChart::valueAxisTitle() const
{
    return d->axisTitle;
}

bool AlertBacktestChart::hasThreshold() const
{
    return d->threshold;
}

void AlertBacktestChart::setResult(const AlertBacktestResult& result, const QTimeZone& zone,
                                   const QString& title)
{
    d->chart->removeAllSeries();
    const QList<QAbstractAxis*> axes = d->chart->axes();
    for (QAbstractAxis* axis : axes) {
        d->chart->removeAxis(axis);
        delete axis;
    }
    d->lines = d->bands = 0;
    d->threshold = false;
    d->firingBands.clear();
    d->references.clear();
    if (result.series.isEmpty()) {
        setMessage(tr("No stored minutes of this metric in the range."));
        return;
    }
    // The instances that fired longest first: those are the ones worth seeing.
    QHash<QString, qint64> firedFor;
    for (const AlertPeriod& p : result.firing)
        firedFor[p.instance] += p.to - p.from;
    QVector<const AlertValueSeries*> order;
    for (const AlertValueSeries& s : result.series)
        order.append(&s);
    std::stable_sort(order.begin(), order.end(),
                     [&](const AlertValueSeries* a, const AlertValueSeries* b) {
                         return firedFor.value(a->instance) > firedFor.value(b->instance);
                     });
    if (order.size() > kMaxLines)
        order.resize(kMaxLines);

    double yMax = std::max(result.threshold, result.clearThreshold);
    double yMin = std::min({0.0, result.threshold, result.clearThreshold});
    auto* x = new QDateTimeAxis;
    x->setFormat(result.range.to - result.range.from > 2 * 86400 ? QStringLiteral("MMM d")
                                                                 : QStringLiteral("HH:mm"));
    x->setTitleText(tr("Time (%1)").arg(QString::fromUtf8(zone.id())));
    x->setRange(QDateTime::fromSecsSinceEpoch(result.range.from, zone),
                QDateTime::fromSecsSinceEpoch(result.range.to, zone));
    auto* y = new QValueAxis;
    d->axisTitle =
        result.unit.isEmpty() ? tr("Compared value") : tr("Compared value (%1)").arg(result.unit);
    d->chart->setTitle(title);
    y->setTitleText(d->axisTitle);
    d->chart->addAxis(x, Qt::AlignBottom);
    d->chart->addAxis(y, Qt::AlignLeft);

    QSet<int> taken;
    for (const AlertValueSeries* s : order) {
        auto* line = new QLineSeries;
        QString name;
        for (const Label& l : s->labels)
            if (l.first == QLatin1String("ModelDeploymentName") ||
                l.first == QLatin1String("model"))
                name = l.second;
        line->setName(name.isEmpty() ? s->instance : name);
        QPen pen(seriesColor(line->name(), &taken)); // the deployment's colour elsewhere
        pen.setWidthF(1.5);
        line->setPen(pen);
        QVector<QPointF> points;
        points.reserve(s->values.size());
        for (const Sample& v : s->values) {
            points.append({double(v.ts) * 1000.0, v.value});
            yMax = std::max(yMax, v.value);
            yMin = std::min(yMin, v.value);
        }
        line->replace(points);
        d->chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        ++d->lines;
    }
    const double top = yMax + (yMax - yMin) * 0.05 + (yMax == yMin ? 1 : 0);
    y->setRange(yMin, top);
    y->applyNiceNumbers();
    const double bandTop = y->max();
    const double bandBottom = y->min();

    // Firing periods as bands from the bottom to the top of the plot (coloured by restyle()).
    bool bandNamed = false;
    for (const AlertPeriod& p : result.firing) {
        auto* upper = new QLineSeries;
        auto* lower = new QLineSeries;
        upper->append(double(p.from) * 1000.0, bandTop);
        upper->append(double(p.to) * 1000.0, bandTop);
        lower->append(double(p.from) * 1000.0, bandBottom);
        lower->append(double(p.to) * 1000.0, bandBottom);
        auto* area = new QAreaSeries(upper, lower);
        upper->setParent(area); // the area does not own its edges; removing it deletes them
        lower->setParent(area);
        area->setPen(Qt::NoPen);
        area->setName(tr("would have fired"));
        d->chart->addSeries(area);
        area->attachAxis(x);
        area->attachAxis(y);
        const auto markers = d->chart->legend()->markers(area);
        for (auto* m : markers)
            m->setVisible(!bandNamed);
        bandNamed = true;
        d->firingBands.append(area);
        ++d->bands;
    }

    const auto reference = [&](double value, Qt::PenStyle style, const QString& name) {
        auto* line = new QLineSeries;
        line->append(double(result.range.from) * 1000.0, value);
        line->append(double(result.range.to) * 1000.0, value);
        QPen pen; // coloured by restyle()
        pen.setStyle(style);
        pen.setWidthF(1.5);
        line->setPen(pen);
        line->setName(name);
        d->chart->addSeries(line);
        line->attachAxis(x);
        line->attachAxis(y);
        d->references.append(line);
    };
    reference(result.threshold, Qt::DashLine, tr("threshold"));
    d->threshold = true;
    if (result.clearThreshold != result.threshold)
        reference(result.clearThreshold, Qt::DotLine, tr("resolves at"));
    d->restyle();
    d->stack->setCurrentWidget(d->view);
}

} // namespace isc
