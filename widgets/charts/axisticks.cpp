#include "charts/axisticks.h"

#include <algorithm>
#include <cmath>

namespace isc {

QVector<double> niceTicks(double maxValue, int maxTicks)
{
    if (!(maxValue > 0))
        maxValue = 1;
    const double raw = maxValue / std::max(1, maxTicks - 1);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag * 10;
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    }
    QVector<double> ticks;
    for (double v = 0; v < maxValue + step * 0.999; v += step)
        ticks.push_back(v);
    if (ticks.size() < 2)
        ticks.push_back(step);
    return ticks;
}

QString tickLabel(double v)
{
    QString text = formatCompact(std::fabs(v) < 1e-9 ? 0.0 : v);
    const int dot = int(text.indexOf(QLatin1Char('.')));
    if (dot < 0)
        return text;
    int end = dot + 1;
    while (end < text.size() && text[end].isDigit())
        ++end;
    int last = end - 1;
    while (last > dot && text[last] == QLatin1Char('0'))
        --last;
    if (last == dot)
        --last;
    return text.left(last + 1) + text.mid(end);
}

QVector<double> logTicks(double bottom, double top)
{
    auto nice = [](double v, bool up) {
        const int d = int(std::floor(std::log10(v)));
        double best = up ? 10 * std::pow(10.0, d) : std::pow(10.0, d);
        for (double m : {1.0, 2.0, 5.0}) {
            const double c = m * std::pow(10.0, d);
            if (up && c >= v * (1 - 1e-9))
                return std::min(best, c);
            if (!up && c <= v * (1 + 1e-9))
                best = c;
        }
        return best;
    };
    const double lo = nice(bottom, false);
    double hi = nice(top, true);
    if (hi <= lo)
        hi = nice(lo * 1.5, true);
    const bool fine = std::log10(hi / lo) <= 2.5;
    QVector<double> ticks{lo};
    for (int d = int(std::floor(std::log10(lo))); d <= int(std::ceil(std::log10(hi))); ++d) {
        for (double m : {1.0, 2.0, 5.0}) {
            const double v = m * std::pow(10.0, d);
            if ((m == 1.0 || fine) && v > lo * (1 + 1e-9) && v < hi * (1 - 1e-9))
                ticks.push_back(v);
        }
    }
    ticks.push_back(hi);
    return ticks;
}

QString logTickLabel(double v, Unit unit)
{
    if (unit == Unit::Milliseconds) {
        return v >= 1000 ? tickLabel(v / 1000) + QLatin1String(" s")
                         : tickLabel(v) + QLatin1String(" ms");
    }
    return tickLabel(v);
}

} // namespace isc
