#pragma once

#include <QPointF>
#include <QVector>

namespace isc {

/// One input point for M4 decimation: the value drawn, and the extremes it stands for (a rollup
/// bucket's min/max, so a one-minute spike survives even when the bucket's average hides it).
struct EnvelopePoint
{
    double x = 0;
    double y = 0;  ///< the value (first/last of a column use it)
    double lo = 0; ///< smallest value the point stands for (min of a column uses it)
    double hi = 0; ///< largest value the point stands for (max of a column uses it)
};

/// M4 decimation (Jugel et al.): per pixel column keep the first, minimum, maximum and last point,
/// so a line drawn from the result is pixel-identical to one drawn from every point.
class M4Decimator
{
public:
    /// Splits [xFrom, xTo) into `columns` equal columns and keeps at most 4 points of each, in x
    /// order. `points` must be sorted by x; points outside the span fall into the edge columns.
    /// `columns` <= 0 or an empty span returns every point (its y) unchanged.
    static QVector<QPointF> decimate(const QVector<EnvelopePoint>& points, double xFrom, double xTo,
                                     int columns);

    /// The same for plain points (the envelope is the value itself).
    static QVector<QPointF> decimate(const QVector<QPointF>& points, double xFrom, double xTo,
                                     int columns);
};

} // namespace isc
