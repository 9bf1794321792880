#pragma once

// The chart benchmarks' dataset (bench_chart, bench_zoom): `series` series of "BenchTokens"
// from connection "bench", split by "Dep", one value a minute over a range.

#include "core/labels.h"
#include "store/samplestore.h"

#include <cmath>

namespace isc::bench {

/// A daily cycle, a per-series level and deterministic jitter.
inline double chartValueAt(int series, qint64 ts)
{
    const double day = std::sin(double(ts % 86400) / 86400.0 * 2 * M_PI);
    const double jitter =
        double((ts / 60 * 2654435761u + quint64(series) * 40503u) % 1000) / 1000.0;
    return 1000.0 * (series + 1) + 800.0 * day + 300.0 * jitter;
}

/// Writes the dataset over `range` (whole days), one write per day (a moderate transaction).
inline void writeChartDataset(SampleStore& store, TimeRange range, int series)
{
    for (qint64 day = range.from; day < range.to; day += 86400) {
        PollBatch b;
        b.source = QStringLiteral("bench");
        b.window = {day, day + 86400};
        for (int s = 0; s < series; ++s) {
            SeriesSamples ss;
            ss.key = {
                b.source, QStringLiteral("BenchTokens"), QStringLiteral("total"),
                labels::canonical({{QStringLiteral("Dep"), QStringLiteral("dep-%1").arg(s)}})};
            for (qint64 ts = day; ts < day + 86400; ts += 60)
                ss.samples.push_back({ts, chartValueAt(s, ts)});
            b.series.push_back(std::move(ss));
        }
        store.write(b).waitForFinished();
    }
}

} // namespace isc::bench
