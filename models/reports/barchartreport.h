#pragma once

#include <QStringList>
#include <QVector>
#include <optional>

namespace isc {

/// A named colour of the series palette (Tableau 10, in its order); the chart maps it to a
/// colour for the current palette. Auto: the chart picks the next one.
enum class SeriesColor {
    Auto = -1,
    Blue,
    Orange,
    Green,
    Red,
    Teal,
    Yellow,
    Purple,
    Pink,
    Brown,
    Grey
};

/// What a bar chart of a report draws, without colours or widgets (see BarChartData).
struct BarChartReport
{
    /// One set of bars: a legend entry with one value per category (NaN: no bar).
    struct Set
    {
        QString name;
        QVector<double> values; ///< one per category, in the value axis' unit
        SeriesColor color = SeriesColor::Auto;
    };

    QString title;
    QString note; ///< a short line after the title; '\n' starts lines of their own
    QString valueAxisTitle;
    QString categoryAxisTitle;
    QStringList categories;
    QVector<Set> sets;
    bool stacked = true;
    std::optional<double> threshold; ///< a horizontal reference line, in the value unit
    QString thresholdLabel;
    QString emptyMessage; ///< shown when there is nothing to draw
};

} // namespace isc
