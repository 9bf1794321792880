#include "measure.h"

#include <algorithm>
#include <cmath>

namespace isc::emu::detail {

void Measure::add(const Measure& o)
{
    total += o.total;
    count += o.count;
    min = std::min(min, o.min);
    max = std::max(max, o.max);
}

std::optional<double> Measure::value(const QString& agg, bool countsZero) const
{
    if (agg == QLatin1String("total") || agg == QLatin1String("count")) {
        if (!(count > 0) && !countsZero)
            return std::nullopt;
        return agg == QLatin1String("total") ? total : count;
    }
    if (!(count > 0))
        return std::nullopt;
    if (agg == QLatin1String("average"))
        return total / count;
    if (agg == QLatin1String("minimum"))
        return min;
    return max;
}

Measure perRequest(double n)
{
    Measure m;
    m.total = n;
    m.count = n;
    if (n > 0)
        m.min = m.max = 1;
    return m;
}

Measure tokens(double total, double requests)
{
    Measure m;
    m.total = total;
    m.count = requests;
    if (requests > 0) {
        const double avg = total / requests;
        m.min = std::floor(avg * 0.25);
        m.max = std::ceil(avg * 2.6);
    }
    return m;
}

Measure latency(double avg, double mn, double mx, double requests)
{
    Measure m;
    if (requests <= 0 || avg <= 0)
        return m;
    m.total = avg * requests;
    m.count = requests;
    m.min = mn;
    m.max = mx;
    return m;
}

Measure gauge(double value)
{
    Measure m;
    if (value < 0)
        return m;
    m.total = value;
    m.count = 1;
    m.min = m.max = value;
    return m;
}

} // namespace isc::emu::detail
