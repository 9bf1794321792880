#pragma once

#include "core/timerange.h"
#include "routing/routeclass.h"

#include <QColor>
#include <QStringList>
#include <QVector>
#include <QWidget>
#include <array>

namespace isc {

/// Stacked bars of a per-minute quantity per route class over a window (requests or tokens per
/// minute, or each route's share in %), with an optional dashed overlay (spillover). Buckets are
/// averages of the minutes they cover, so the unit stays "per minute" at every zoom.
class RouteStackChart : public QWidget
{
    Q_OBJECT
public:
    using PerRoute = std::array<QVector<float>, kRouteClassCount>;

    explicit RouteStackChart(QWidget* parent = nullptr);

    /// The data: one value per minute of `range` per route class; `overlay` (may be empty) is
    /// drawn as a dashed line named `overlayName`. `unitLabel` e.g. "requests/min".
    void setData(TimeRange range, const PerRoute& perMinute, const QVector<float>& overlay,
                 const QString& unitLabel, const QString& overlayName);
    void clear(const QString& message);

    /// Each bucket as shares of its total, in % (the overlay as % of the total too).
    void setShareMode(bool share);
    bool shareMode() const { return m_share; }
    /// A fixed top of the value axis (count mode), e.g. to compare two charts; 0 = automatic.
    void setFixedMaximum(double max);
    /// The largest stacked bucket total (count mode), for setFixedMaximum() of a sibling.
    double dataMaximum() const;

    void setTitle(const QString& title);

    /// Route classes drawn (with any non-zero value), in stacking order.
    int seriesCount() const;
    QStringList seriesNames() const;
    int bucketCount() const { return static_cast<int>(m_buckets.size()); }
    /// Seconds per bar.
    qint64 bucketSeconds() const { return m_step; }
    QString valueAxisTitle() const;
    QString message() const { return m_message; }

    /// The colour of a route class, shared by every routing view.
    static QColor routeColor(RouteClass c);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent* event) override;

private:
    void rebucket();

    TimeRange m_range;
    PerRoute m_perMinute;
    QVector<float> m_overlay;
    QString m_unit, m_overlayName, m_title, m_message;
    bool m_share = false;
    double m_fixedMax = 0;
    qint64 m_step = 60;
    QVector<std::array<double, kRouteClassCount>> m_buckets; ///< per-minute averages
    QVector<double> m_overlayBuckets;
    std::array<bool, kRouteClassCount> m_present{};
};

} // namespace isc
