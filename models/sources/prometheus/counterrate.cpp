#include "counterrate.h"

#include "core/timerange.h"

#include <cmath>

namespace isc::prometheus {

double counterIncrease(double previous, double current, double previousCreated,
                       double currentCreated)
{
    if (std::isnan(previous) || std::isnan(current))
        return std::nan("");
    const bool recreated = !std::isnan(previousCreated) && !std::isnan(currentCreated) &&
                           previousCreated != currentCreated;
    if (current < previous || recreated)
        return current;
    return current - previous;
}

double counterRate(double previous, double current, double seconds)
{
    if (seconds <= 0)
        return 0;
    return counterIncrease(previous, current) / seconds;
}

QVector<Sample> spreadOverMinutes(qint64 fromMs, qint64 toMs, double amount)
{
    QVector<Sample> out;
    if (toMs <= fromMs)
        return out;
    const double span = static_cast<double>(toMs - fromMs);
    for (qint64 minute = floorTo(fromMs, 60000); minute < toMs; minute += 60000) {
        const qint64 a = std::max(minute, fromMs);
        const qint64 b = std::min(minute + 60000, toMs);
        out.append({minute / 1000, amount * static_cast<double>(b - a) / span});
    }
    return out;
}

} // namespace isc::prometheus
