#include "m4decimator.h"

#include <algorithm>
#include <cmath>

namespace isc {
namespace {

struct Column
{
    int first = -1;
    int last = -1;
    int min = -1;
    int max = -1;
};

} // namespace

QVector<QPointF> M4Decimator::decimate(const QVector<EnvelopePoint>& points, double xFrom,
                                       double xTo, int columns)
{
    QVector<QPointF> out;
    if (columns <= 0 || !(xTo > xFrom)) {
        out.reserve(points.size());
        for (const auto& p : points)
            out.append({p.x, p.y});
        return out;
    }
    out.reserve(std::min<qsizetype>(points.size() * 3, qsizetype(columns) * 4));
    const double width = (xTo - xFrom) / columns;
    auto columnOf = [&](double x) {
        const double c = std::floor((x - xFrom) / width);
        return c < 0 ? 0 : (c >= columns ? columns - 1 : static_cast<int>(c));
    };

    auto flush = [&](const Column& c) {
        if (c.first < 0)
            return;
        // Emit in x order; equal x keeps first, min/max (by position), last.
        struct Item
        {
            int index;
            int rank;
            double y;
        };
        Item items[4] = {{c.first, 0, points[c.first].y},
                         {c.min, 1, points[c.min].lo},
                         {c.max, 1, points[c.max].hi},
                         {c.last, 2, points[c.last].y}};
        std::stable_sort(std::begin(items), std::end(items), [](const Item& a, const Item& b) {
            return a.index != b.index ? a.index < b.index : a.rank < b.rank;
        });
        for (const Item& it : items) {
            const QPointF p(points[it.index].x, it.y);
            if (!out.isEmpty() && out.constLast() == p)
                continue;
            out.append(p);
        }
    };

    Column current;
    int currentColumn = -1;
    for (int i = 0; i < points.size(); ++i) {
        const EnvelopePoint& p = points[i];
        const int col = columnOf(p.x);
        if (col != currentColumn) {
            flush(current);
            current = Column{i, i, i, i};
            currentColumn = col;
            continue;
        }
        current.last = i;
        if (p.lo < points[current.min].lo)
            current.min = i;
        if (p.hi > points[current.max].hi)
            current.max = i;
    }
    flush(current);
    return out;
}

QVector<QPointF> M4Decimator::decimate(const QVector<QPointF>& points, double xFrom, double xTo,
                                       int columns)
{
    QVector<EnvelopePoint> env;
    env.reserve(points.size());
    for (const QPointF& p : points)
        env.append({p.x(), p.y(), p.y(), p.y()});
    return decimate(env, xFrom, xTo, columns);
}

} // namespace isc
