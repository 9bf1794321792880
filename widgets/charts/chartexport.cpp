#include "charts/chartexport.h"

#include "charts/barchart.h"
#include "charts/timeserieschart.h"
#include "itemmodels/chartmodel.h"

#include <QDateTime>

namespace isc {

namespace {

QString isoUtc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODate);
}

} // namespace

ExportTable exportChart(const TimeSeriesChart& chart)
{
    ExportTable t;
    const QString unit = chart.valueAxisTitle();
    t.title = chart.model() ? chart.model()->spec().title : chart.accessibleName();
    t.columns = {QStringLiteral("series"), QStringLiteral("time_utc"),
                 unit.isEmpty() ? QStringLiteral("value") : QStringLiteral("value (%1)").arg(unit)};
    const TimeSeriesChart::AxisRange range = chart.axisRange();
    t.meta.insert(QStringLiteral("unit"), unit);
    t.meta.insert(QStringLiteral("from_utc"), isoUtc(range.xFromMs));
    t.meta.insert(QStringLiteral("to_utc"), isoUtc(range.xToMs));
    for (const QString& name : chart.seriesNames()) {
        for (const QPointF& p : chart.seriesPoints(name)) {
            const qint64 ms = qint64(p.x());
            if (ms < range.xFromMs || ms > range.xToMs)
                continue;
            t.rows.append({name, isoUtc(ms), p.y()});
        }
    }
    return t;
}

ExportTable exportChart(const BarChart& chart)
{
    const BarChartData& d = chart.data();
    ExportTable t;
    t.title = d.title;
    t.columns << (d.categoryAxisTitle.isEmpty() ? QStringLiteral("category") : d.categoryAxisTitle);
    for (const BarChartData::Set& s : d.sets)
        t.columns << s.name;
    t.meta.insert(QStringLiteral("unit"), d.valueAxisTitle);
    if (d.threshold)
        t.meta.insert(QStringLiteral("threshold"), *d.threshold);
    if (chart.isEmpty())
        return t;
    for (int i = 0; i < d.categories.size(); ++i) {
        QVariantList row{d.categories.at(i)};
        for (const BarChartData::Set& s : d.sets)
            row << s.values.value(i);
        t.rows << row;
    }
    return t;
}

} // namespace isc
