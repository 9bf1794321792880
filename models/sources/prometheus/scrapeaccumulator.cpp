#include "scrapeaccumulator.h"

#include "core/labels.h"
#include "core/timerange.h"
#include "counterrate.h"

#include <QMap>
#include <QSet>
#include <cmath>

namespace isc::prometheus {
namespace {

QString keyOf(const QString& metric, const QString& model, qint64 minute)
{
    return metric + QLatin1Char('\n') + model + QLatin1Char('\n') + QString::number(minute);
}

struct KeyParts
{
    QString metric;
    QString model;
    qint64 minute = 0;
};

KeyParts splitKey(const QString& key)
{
    const QStringList parts = key.split(QLatin1Char('\n'));
    return {parts.value(0), parts.value(1), parts.value(2).toLongLong()};
}

QString unitOf(const QString& metric)
{
    if (metric.endsWith(QLatin1String("Ms")))
        return QStringLiteral("Milliseconds");
    if (metric.endsWith(QLatin1String("Percent")))
        return QStringLiteral("Percent");
    return QStringLiteral("Count");
}

// Adds `add` into `into`, matching buckets by upper bound.
void addBuckets(QVector<HistogramBucket>& into, const QVector<HistogramBucket>& add, double factor)
{
    for (const auto& b : add) {
        bool found = false;
        for (auto& t : into) {
            if (t.upperBound == b.upperBound) {
                t.count += b.count * factor;
                found = true;
                break;
            }
        }
        if (!found)
            into.append({b.upperBound, b.count * factor});
    }
}

} // namespace

void ScrapeAccumulator::clear()
{
    m_previous.reset();
    m_counters.clear();
    m_histograms.clear();
    m_gauges.clear();
}

PollBatch ScrapeAccumulator::add(const LocalScrape& scrape, const QString& source)
{
    QSet<QString> touched;
    const qint64 minuteNow = floorTo(scrape.atMs, 60000) / 1000;

    for (const auto& g : scrape.gauges) {
        const QString key = keyOf(g.metric, g.model, minuteNow);
        auto& acc = m_gauges[key];
        acc.first += g.value;
        ++acc.second;
        touched.insert(key);
    }

    if (m_previous && scrape.atMs > m_previous->atMs &&
        scrape.atMs - m_previous->atMs <= maxGapMs) {
        const qint64 from = m_previous->atMs;
        const qint64 to = scrape.atMs;
        QHash<QString, const LocalScrape::Counter*> before;
        for (const auto& c : m_previous->counters)
            before.insert(c.metric + QLatin1Char('\n') + c.series, &c);
        for (const auto& c : scrape.counters) {
            const auto* p = before.value(c.metric + QLatin1Char('\n') + c.series);
            // A series new since the last scrape started within the window: all of it is new.
            const double inc =
                p ? counterIncrease(p->value, c.value, p->created, c.created) : c.value;
            if (std::isnan(inc))
                continue;
            for (const Sample& part : spreadOverMinutes(from, to, inc)) {
                const QString key = keyOf(c.metric, c.model, part.ts);
                m_counters[key] += part.value;
                touched.insert(key);
            }
        }
        QHash<QString, const LocalScrape::Histogram*> beforeH;
        for (const auto& h : m_previous->histograms)
            beforeH.insert(h.metric + QLatin1Char('\n') + h.series, &h);
        for (const auto& h : scrape.histograms) {
            const auto* p = beforeH.value(h.metric + QLatin1Char('\n') + h.series);
            QVector<HistogramBucket> inc;
            if (!p || (p->created != h.created))
                inc = h.buckets;
            else
                inc = bucketIncrease(p->buckets, h.buckets);
            for (const Sample& part : spreadOverMinutes(from, to, 1.0)) {
                const QString key = keyOf(h.metric, h.model, part.ts);
                HistogramMinute& m = m_histograms[key];
                m.scale = h.scale;
                addBuckets(m.buckets, inc, part.value);
                touched.insert(key);
            }
        }
    }
    m_previous = scrape;

    // Whole minutes to emit, grouped into series.
    QMap<QString, SeriesSamples> series; // "metric\naggregation\nmodel" -> samples
    auto push = [&](const QString& metric, const QString& aggregation, const QString& model,
                    qint64 minute, double value) {
        const QString id = metric + QLatin1Char('\n') + aggregation + QLatin1Char('\n') + model;
        SeriesSamples& s = series[id];
        if (s.key.metric.isEmpty()) {
            s.key = SeriesKey{source, metric, aggregation,
                              labels::canonical({{QStringLiteral("ModelDeploymentName"), model}})};
            s.unit = unitOf(metric);
        }
        s.samples.append({minute, value});
    };
    qint64 first = minuteNow, last = minuteNow;
    QStringList keys(touched.cbegin(), touched.cend());
    std::sort(keys.begin(), keys.end());
    for (const QString& key : keys) {
        const KeyParts k = splitKey(key);
        first = std::min(first, k.minute);
        last = std::max(last, k.minute);
        if (m_counters.contains(key))
            push(k.metric, QStringLiteral("total"), k.model, k.minute, m_counters.value(key));
        if (m_gauges.contains(key)) {
            const auto g = m_gauges.value(key);
            push(k.metric, QStringLiteral("average"), k.model, k.minute, g.first / g.second);
        }
        if (m_histograms.contains(key)) {
            const HistogramMinute& h = m_histograms[key];
            static const std::pair<double, const char*> quantiles[] = {
                {0.5, "p50"}, {0.95, "p95"}, {0.99, "p99"}};
            for (const auto& [q, name] : quantiles) {
                const double v = histogramQuantile(q, h.buckets);
                if (std::isfinite(v)) // no observations in the minute: no point
                    push(k.metric, QLatin1String(name), k.model, k.minute, v * h.scale);
            }
        }
    }
    for (auto& s : series)
        std::sort(s.samples.begin(), s.samples.end(),
                  [](const Sample& a, const Sample& b) { return a.ts < b.ts; });

    // Minutes before the previous scrape's can no longer change.
    const qint64 keepFrom = floorTo(scrape.atMs, 60000) / 1000 - 60;
    auto prune = [keepFrom](auto& hash) {
        for (auto it = hash.begin(); it != hash.end();) {
            if (splitKey(it.key()).minute < keepFrom)
                it = hash.erase(it);
            else
                ++it;
        }
    };
    prune(m_counters);
    prune(m_histograms);
    prune(m_gauges);

    PollBatch batch;
    batch.source = source;
    batch.window = {first, last + 60};
    for (auto& s : series)
        batch.series.append(s);
    return batch;
}

} // namespace isc::prometheus
