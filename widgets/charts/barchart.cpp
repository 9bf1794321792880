#include "charts/barchart.h"
#include "charts/chartpalette.h"
#include "charts/chartstyle.h"
#include "theme/theme.h"

#include <QBarCategoryAxis>
#include <QBarSeries>
#include <QBarSet>
#include <QCategoryAxis>
#include <QChart>
#include <QChartView>
#include <QFontMetricsF>
#include <QHash>
#include <QLabel>
#include <QLegend>
#include <QLineSeries>
#include <QStackedBarSeries>
#include <QVBoxLayout>
#include <QValueAxis>
#include <algorithm>
#include <cmath>
#include <iterator>

namespace isc {
namespace {

/// A round axis maximum at or above `v` (1, 2, 2.5, 5 x 10^n).
double niceMax(double v)
{
    if (v <= 0)
        return 1;
    const double exp = std::pow(10.0, std::floor(std::log10(v)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * exp >= v * 1.0001)
            return m * exp;
    }
    return 10 * exp;
}

} // namespace

struct BarChart::Private
{
    BarChartData data;
    QChart* chart = nullptr;
    QChartView* view = nullptr;
    QLabel* empty = nullptr;
    QLineSeries* threshold = nullptr;         // owned by the chart
    QBarCategoryAxis* categoryAxis = nullptr; // positions the bars
    QCategoryAxis* sparseAxis = nullptr;      // every step-th label, when all do not fit
    int labelStep = 1;
    double axisMax = 0;
    bool isEmpty = true;

    /// Labels every category when they fit the plot's width, else every step-th one (the
    /// last included) on its bar, each with room for its whole text: never "…".
    void fitCategoryLabels();

    /// The title in rich text: the note after it (or below it) in the muted colour.
    QString title() const;
    /// The theme's colours on the chart, the title and the empty message (again on a switch).
    void restyle();
};

QString BarChart::Private::title() const
{
    if (data.note.isEmpty())
        return data.title;
    const bool noteLines = data.note.contains(QLatin1Char('\n'));
    return QStringLiteral("%1%2<span style='font-weight:normal; color:%3'>%4</span>")
        .arg(data.title.toHtmlEscaped(), noteLines ? QStringLiteral("<br>") : QStringLiteral("  "),
             themeCss(ThemeColor::MutedText),
             data.note.toHtmlEscaped().replace(QLatin1Char('\n'), QLatin1String("<br>")));
}

void BarChart::Private::fitCategoryLabels()
{
    const QStringList& cats = data.categories;
    const int n = int(cats.size());
    const double width = chart->plotArea().width();
    if (!categoryAxis || isEmpty || n == 0 || width <= 0)
        return;
    const QFontMetricsF fm(categoryAxis->labelsFont());
    double widest = 0;
    for (const QString& c : cats)
        widest = std::max(widest, fm.horizontalAdvance(c));
    const double slot = width / n;
    const double need = widest + 2 * fm.averageCharWidth(); // a gap between neighbours
    int step = 1;
    while (step < n && slot * step < need)
        ++step;
    if (step == labelStep && (step == 1 || sparseAxis))
        return;
    labelStep = step;
    if (sparseAxis) {
        chart->removeAxis(sparseAxis);
        delete sparseAxis;
        sparseAxis = nullptr;
    }
    categoryAxis->setVisible(step == 1);
    if (step == 1)
        return;
    sparseAxis = new QCategoryAxis;
    sparseAxis->setLabelsPosition(QCategoryAxis::AxisLabelsPositionOnValue);
    sparseAxis->setLabelsFont(categoryAxis->labelsFont());
    sparseAxis->setTitleFont(categoryAxis->titleFont());
    sparseAxis->setTitleText(categoryAxis->titleText());
    sparseAxis->setTitleVisible(categoryAxis->isTitleVisible());
    sparseAxis->setGridLineVisible(false);
    sparseAxis->setStartValue(-0.5);
    // An axis refuses a label twice (day 6 of two months): invisible zero-width spaces tell
    // repeats apart.
    QHash<QString, int> seen;
    for (int i = (n - 1) % step; i < n; i += step) {
        const int repeat = seen[cats.at(i)]++;
        sparseAxis->append(cats.at(i) + QString(repeat, QChar(0x200B)), i); // on its bar
    }
    sparseAxis->setRange(-0.5, n - 0.5);
    chart->addAxis(sparseAxis, Qt::AlignBottom);
    restyle();
}

void BarChart::Private::restyle()
{
    styleChart(view);
    styleThreshold(threshold);
    chart->setTitle(title());
    const QString css = chartMessageCss(false);
    if (empty->styleSheet() != css) // setData restyles too: no re-polish for nothing
        empty->setStyleSheet(css);
}

BarChart::BarChart(QWidget* parent) : QWidget(parent), d(std::make_unique<Private>())
{
    d->chart = new QChart;
    d->chart->setBackgroundVisible(false);
    d->chart->setMargins(QMargins(4, 4, 4, 4));
    d->chart->legend()->setAlignment(Qt::AlignBottom);
    d->chart->legend()->setMarkerShape(QLegend::MarkerShapeRectangle);
    d->chart->setAnimationOptions(QChart::NoAnimation);
    d->view = new QChartView(d->chart, this);
    d->view->setRenderHint(QPainter::Antialiasing);
    d->view->setFrameShape(QFrame::NoFrame);
    d->empty = new QLabel(this);
    d->empty->setAlignment(Qt::AlignCenter);
    d->empty->setWordWrap(true);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(d->view, 1);
    layout->addWidget(d->empty, 1);
    d->view->hide();
    d->empty->setText(tr("No data"));
    watchTheme(this, [this] { d->restyle(); });
    connect(d->chart, &QChart::plotAreaChanged, this, [this] { d->fitCategoryLabels(); });
}

BarChart::~BarChart() = default;

void BarChart::setData(const BarChartData& data)
{
    d->data = data;
    QChart* chart = d->chart;
    chart->removeAllSeries();
    d->threshold = nullptr;
    d->categoryAxis = nullptr;
    d->sparseAxis = nullptr; // deleted with the other axes below
    d->labelStep = 1;
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }

    QFont titleFont = font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.1);
    titleFont.setBold(true);
    chart->setTitleFont(titleFont);
    QFont axisFont = font();
    axisFont.setPointSizeF(axisFont.pointSizeF() * 0.9);
    chart->legend()->setFont(axisFont);

    // Nothing to draw: no categories, or every value is zero.
    bool any = false;
    for (const BarChartData::Set& s : data.sets) {
        for (double v : s.values)
            any = any || (std::isfinite(v) && v != 0);
    }
    d->isEmpty = data.categories.isEmpty() || !any;
    if (d->isEmpty) {
        d->axisMax = 0;
        d->empty->setText(QStringLiteral("<b>%1</b><br>%2")
                              .arg(data.title.toHtmlEscaped(),
                                   (data.emptyMessage.isEmpty() ? tr("No data in this range.")
                                                                : data.emptyMessage)
                                       .toHtmlEscaped()));
        d->restyle();
        d->view->hide();
        d->empty->show();
        return;
    }

    QAbstractBarSeries* series = data.stacked
                                     ? static_cast<QAbstractBarSeries*>(new QStackedBarSeries)
                                     : static_cast<QAbstractBarSeries*>(new QBarSeries);
    QVector<double> sums(data.categories.size(), 0.0);
    double top = 0;
    QSet<int> taken; // the explicit colours first, then each name's own (as on other pages)
    for (const BarChartData::Set& s : data.sets) {
        if (s.color.isValid())
            taken.insert(seriesColorIndex(s.color));
    }
    for (const BarChartData::Set& s : data.sets) {
        auto* set = new QBarSet(s.name);
        // One set (e.g. costs by option) is not a series of the window: the first hue.
        const QColor c = s.color.isValid()       ? s.color
                         : data.sets.size() == 1 ? kSeriesPalette[0]
                                                 : seriesColor(s.name, &taken);
        set->setColor(c);
        set->setBorderColor(c.darker(115));
        for (int i = 0; i < data.categories.size(); ++i) {
            const double v = std::isfinite(s.values.value(i)) ? s.values.value(i) : 0.0;
            *set << v;
            sums[i] += v;
            top = std::max(top, data.stacked ? sums[i] : v);
        }
        series->append(set);
    }
    series->setBarWidth(data.stacked ? 0.7 : 0.8);
    chart->addSeries(series);

    auto* x = new QBarCategoryAxis;
    x->append(data.categories);
    x->setLabelsFont(axisFont);
    x->setGridLineVisible(false);
    x->setTitleText(data.categoryAxisTitle);
    x->setTitleFont(axisFont);
    x->setTitleVisible(!data.categoryAxisTitle.isEmpty());
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    d->categoryAxis = x;

    auto* y = new QValueAxis;
    if (data.threshold)
        top = std::max(top, *data.threshold);
    d->axisMax = niceMax(top);
    y->setRange(0, d->axisMax);
    y->setTickCount(6);
    y->setLabelFormat(d->axisMax >= 10 ? QStringLiteral("%.0f") : QStringLiteral("%.2f"));
    y->setLabelsFont(axisFont);
    y->setTitleText(data.valueAxisTitle);
    y->setTitleFont(axisFont);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(y);

    if (data.threshold) {
        // A line across the plot on a hidden 0..1 x axis sharing the value axis.
        auto* line = new QLineSeries;
        line->setName(data.thresholdLabel);
        line->append(0, *data.threshold);
        line->append(1, *data.threshold);
        QPen pen(themeColor(ThemeColor::Threshold));
        pen.setStyle(Qt::DashLine);
        pen.setWidthF(1.5);
        line->setPen(pen);
        chart->addSeries(line);
        auto* hx = new QValueAxis;
        hx->setRange(0, 1);
        hx->setVisible(false);
        chart->addAxis(hx, Qt::AlignTop);
        line->attachAxis(hx);
        line->attachAxis(y);
        d->threshold = line;
    }
    chart->legend()->setVisible(data.sets.size() > 1 || data.threshold.has_value());
    d->restyle(); // the new axes
    d->empty->hide();
    d->view->show();
    d->fitCategoryLabels();
}

BarChartData BarChartData::fromReport(const BarChartReport& report)
{
    BarChartData d;
    d.title = report.title;
    d.note = report.note;
    d.valueAxisTitle = report.valueAxisTitle;
    d.categoryAxisTitle = report.categoryAxisTitle;
    d.categories = report.categories;
    for (const BarChartReport::Set& s : report.sets) {
        const int i = int(s.color);
        d.sets.append(
            {s.name, s.values,
             i >= 0 && i < int(std::size(kSeriesPalette)) ? kSeriesPalette[i] : QColor()});
    }
    d.stacked = report.stacked;
    d.threshold = report.threshold;
    d.thresholdLabel = report.thresholdLabel;
    d.emptyMessage = report.emptyMessage;
    return d;
}

const BarChartData& BarChart::data() const
{
    return d->data;
}

int BarChart::setCount() const
{
    return d->isEmpty ? 0 : int(d->data.sets.size());
}

QStringList BarChart::setNames() const
{
    QStringList names;
    if (!d->isEmpty) {
        for (const BarChartData::Set& s : d->data.sets)
            names << s.name;
    }
    return names;
}

int BarChart::categoryLabelStep() const
{
    return d->isEmpty ? 0 : d->labelStep;
}

QStringList BarChart::shownCategoryLabels() const
{
    if (d->isEmpty)
        return {};
    if (!d->sparseAxis)
        return d->data.categories;
    QStringList labels = d->sparseAxis->categoriesLabels();
    labels.replaceInStrings(QString(QChar(0x200B)), QString());
    return labels;
}

int BarChart::categoryCount() const
{
    return d->isEmpty ? 0 : int(d->data.categories.size());
}

double BarChart::valueAxisMax() const
{
    return d->axisMax;
}

QString BarChart::valueAxisTitle() const
{
    return d->data.valueAxisTitle;
}

bool BarChart::hasThreshold() const
{
    return !d->isEmpty && d->data.threshold.has_value();
}

bool BarChart::isEmpty() const
{
    return d->isEmpty;
}

QString BarChart::stateMessage() const
{
    return d->isEmpty ? d->empty->text() : QString();
}

QSize BarChart::sizeHint() const
{
    return {480, 260};
}

QSize BarChart::minimumSizeHint() const
{
    return {240, 160};
}

} // namespace isc
