#include "charts/chartstyle.h"

#include "theme/theme.h"

#include <QGraphicsRectItem>
#include <QGraphicsSimpleTextItem>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>
#include <QtCharts/QLineSeries>

namespace isc {

void styleChart(QChartView* view)
{
    QChart* chart = view->chart();
    const QColor background = themeColor(ThemeColor::ChartBackground);
    const QColor text = themeColor(ThemeColor::ChartText);
    const QColor grid = themeColor(ThemeColor::ChartGrid);
    const QColor axisLine = themeColor(ThemeColor::ChartAxisLine);
    // A chart with its background hidden shows the view's behind it.
    view->setBackgroundBrush(background);
    chart->setBackgroundBrush(background);
    chart->setPlotAreaBackgroundVisible(false);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    const QList<QAbstractAxis*> axes = chart->axes();
    for (QAbstractAxis* axis : axes) {
        axis->setLabelsColor(text);
        axis->setTitleBrush(text);
        axis->setGridLineColor(grid);
        axis->setMinorGridLineColor(grid);
        axis->setLinePenColor(axisLine);
    }
}

void styleThreshold(QLineSeries* line, QGraphicsSimpleTextItem* label, QGraphicsRectItem* labelBack)
{
    const QColor threshold = themeColor(ThemeColor::Threshold);
    if (line) {
        QPen pen = line->pen();
        pen.setColor(threshold);
        line->setPen(pen);
    }
    if (label)
        label->setBrush(threshold);
    if (labelBack)
        labelBack->setBrush(themeColor(ThemeColor::ChartLabelBackground));
}

QString chartMessageCss(bool overPlot)
{
    if (!overPlot)
        return QStringLiteral("color: %1; padding: 12px;").arg(themeCss(ThemeColor::MutedText));
    return QStringLiteral("QLabel { color: %1; background: %2; border: 1px solid %3; "
                          "border-radius: 4px; padding: 8px 14px; }")
        .arg(themeCss(ThemeColor::MutedText), themeCss(ThemeColor::ChartLabelBackground),
             themeCss(ThemeColor::CardBorder));
}

} // namespace isc
