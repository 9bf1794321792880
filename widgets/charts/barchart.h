#pragma once

#include "reports/barchartreport.h"

#include <QColor>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <memory>
#include <optional>

namespace isc {

/// What a BarChart draws: categories on x (time buckets, deployments, scenarios), one or more
/// sets of values on y, stacked or side by side, an optional dashed reference line.
struct BarChartData
{
    /// One set of bars: a legend entry with one value per category.
    struct Set
    {
        QString name;
        QVector<double> values; ///< one per category, in the value axis' unit
        QColor color;           ///< invalid = from the palette
    };

    QString title;
    /// A short line after the title; a note with line breaks ('\n') starts below the title, a
    /// line each, so a sentence is not cut to fit beside it.
    QString note;
    QString valueAxisTitle; ///< the unit, e.g. "USD" or "% of reserved capacity"
    QString categoryAxisTitle;
    QStringList categories;
    QVector<Set> sets;
    bool stacked = true;
    std::optional<double> threshold; ///< a horizontal reference line, in the value unit
    QString thresholdLabel;
    QString emptyMessage; ///< shown when there is nothing to draw

    /// A report's chart with its named colours taken from the series palette.
    static BarChartData fromReport(const BarChartReport& report);
};

/// A bar chart over categories, for values the pages compute themselves (spend per day, PTU
/// utilization per deployment, the advisor's monthly costs). QtCharts stays inside the .cpp.
class BarChart : public QWidget
{
    Q_OBJECT
public:
    explicit BarChart(QWidget* parent = nullptr);
    ~BarChart() override;

    /// Replaces everything drawn.
    void setData(const BarChartData& data);
    const BarChartData& data() const;

    /// Number of bar sets (legend entries) drawn.
    int setCount() const;
    QStringList setNames() const;
    int categoryCount() const;
    /// 1 when every category is labelled, n when every n-th is (the rest would not fit).
    int categoryLabelStep() const;
    QStringList shownCategoryLabels() const;
    /// The value axis' range (max includes the threshold and the stacked sums).
    double valueAxisMax() const;
    QString valueAxisTitle() const;
    bool hasThreshold() const;
    /// True when the chart shows its empty message instead of bars.
    bool isEmpty() const;
    /// The message over the plot when empty, else empty.
    QString stateMessage() const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
