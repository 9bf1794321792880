#include "usagepage.h"

#include <algorithm>

namespace isc {

void SeriesAccumulator::add(const QString& metric, const QString& labels, const QString& unit,
                            qint64 ts, double value)
{
    const SeriesKey key{m_source, metric, QStringLiteral("total"), labels};
    auto it = m_index.constFind(key);
    int index = 0;
    if (it == m_index.constEnd()) {
        index = static_cast<int>(m_series.size());
        m_index.insert(key, index);
        m_series.append(SeriesSamples{key, unit, {}});
    } else {
        index = it.value();
    }
    QVector<Sample>& samples = m_series[index].samples;
    // Buckets arrive in time order: the last sample is the one a re-read would replace.
    for (auto s = samples.rbegin(); s != samples.rend() && s->ts >= ts; ++s) {
        if (s->ts == ts) {
            s->value = value;
            return;
        }
    }
    samples.append(Sample{ts, value});
}

void SeriesAccumulator::add(const QVector<SeriesSamples>& series, qint64 bucketSeconds)
{
    const qint64 minutes = std::max<qint64>(1, bucketSeconds / 60);
    for (const SeriesSamples& s : series) {
        for (const Sample& p : s.samples) {
            const double perMinute = p.value / double(minutes);
            for (qint64 m = 0; m < minutes; ++m)
                add(s.key.metric, s.key.labels, s.unit, p.ts + m * 60, perMinute);
        }
    }
}

QVector<SeriesSamples> SeriesAccumulator::take()
{
    for (SeriesSamples& s : m_series)
        std::sort(s.samples.begin(), s.samples.end(),
                  [](const Sample& a, const Sample& b) { return a.ts < b.ts; });
    m_index.clear();
    return std::exchange(m_series, {});
}

} // namespace isc
