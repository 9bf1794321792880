#include "charts/chartpalette.h"

#include <QHash>

namespace isc {

namespace {

/// The palette indexes series take, in order (all but the grey).
int autoIndex(int i)
{
    const int k = i % kDistinctSeriesColors;
    return k < kSeriesGreyIndex ? k : k + 1;
}

} // namespace

QColor seriesColor(const QString& name, QSet<int>* taken)
{
    // Window-wide: a name keeps the index it got when a chart first showed it.
    static QHash<QString, int> preferred;
    auto it = preferred.constFind(name);
    if (it == preferred.constEnd())
        it = preferred.insert(name, int(preferred.size()));
    int index = autoIndex(*it);
    if (taken) {
        for (int step = 0; step < kDistinctSeriesColors; ++step) {
            const int candidate = autoIndex(*it + step);
            if (!taken->contains(candidate)) {
                index = candidate;
                break;
            }
        }
        taken->insert(index);
    }
    return kSeriesPalette[index];
}

int seriesColorIndex(const QColor& c)
{
    for (int i = 0; i < int(std::size(kSeriesPalette)); ++i) {
        if (kSeriesPalette[i].rgb() == c.rgb())
            return i;
    }
    return -1;
}

} // namespace isc
