#include "scrapeaccumulator.h"

#include "core/labels.h"
#include "core/timerange.h"
#include "counterrate.h"

#include <QMap>
#include <QSet>
#include <cmath>

namespace isc::prometheus {
namespace {

// The stored labels of an entry: the model as ModelDeploymentName (a local server), else its
// own (a selector's series, which has no model).
template <typename Entry> QString storedLabels(const Entry& e)
{
    return e.model.isEmpty()
               ? e.labels
               : labels::canonical({{QStringLiteral("ModelDeploymentName"), e.model}});
}

template <typename Entry> QString identity(const Entry& e)
{
    return e.metric + QLatin1Char('\n') + e.series;
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

// `labels` (canonical) with `le` added.
QString withLe(const QString& labels, const QString& le)
{
    QList<Label> pairs = labels::parse(labels);
    pairs.append({QStringLiteral("le"), le});
    return labels::canonical(pairs);
}

} // namespace

const QStringList& ScrapeAccumulator::bucketMetrics()
{
    static const QStringList metrics{QStringLiteral("TtftMs"),
                                     QStringLiteral("InterTokenLatencyMs"),
                                     QStringLiteral("E2eLatencyMs")};
    return metrics;
}

QString ScrapeAccumulator::bucketMetric(const QString& metric)
{
    return metric + QLatin1String("Bucket");
}

QString ScrapeAccumulator::leLabel(double upperBoundMs)
{
    if (std::isinf(upperBoundMs))
        return QStringLiteral("+Inf");
    return QString::number(upperBoundMs, 'g', 6);
}

void ScrapeAccumulator::clear()
{
    m_previous.reset();
    m_units.clear();
    m_counters.clear();
    m_histograms.clear();
    m_gauges.clear();
}

PollBatch ScrapeAccumulator::add(const LocalScrape& scrape, const QString& source)
{
    QSet<Cell> touched;
    const qint64 minuteNow = floorTo(scrape.atMs, 60000) / 1000;
    auto noteUnit = [this](const auto& e) {
        if (!e.unit.isEmpty())
            m_units.insert(e.metric, e.unit);
    };

    for (const auto& g : scrape.gauges) {
        const Cell cell{g.metric, storedLabels(g), minuteNow};
        auto& acc = m_gauges[cell];
        acc.first += g.value;
        ++acc.second;
        touched.insert(cell);
        noteUnit(g);
    }

    if (m_previous && scrape.atMs > m_previous->atMs &&
        scrape.atMs - m_previous->atMs <= maxGapMs) {
        const qint64 from = m_previous->atMs;
        const qint64 to = scrape.atMs;
        QHash<QString, const LocalScrape::Counter*> before;
        for (const auto& c : m_previous->counters)
            before.insert(identity(c), &c);
        for (const auto& c : scrape.counters) {
            const auto* p = before.value(identity(c));
            // A series new since the last scrape started within the window: all of it is new.
            const double inc =
                p ? counterIncrease(p->value, c.value, p->created, c.created) : c.value;
            if (std::isnan(inc))
                continue;
            const QString stored = storedLabels(c);
            noteUnit(c);
            for (const Sample& part : spreadOverMinutes(from, to, inc)) {
                const Cell cell{c.metric, stored, part.ts};
                m_counters[cell] += part.value;
                touched.insert(cell);
            }
        }
        QHash<QString, const LocalScrape::Histogram*> beforeH;
        for (const auto& h : m_previous->histograms)
            beforeH.insert(identity(h), &h);
        for (const auto& h : scrape.histograms) {
            const auto* p = beforeH.value(identity(h));
            QVector<HistogramBucket> inc;
            if (!p || (p->created != h.created))
                inc = h.buckets;
            else
                inc = bucketIncrease(p->buckets, h.buckets);
            const QString stored = storedLabels(h);
            noteUnit(h);
            for (const Sample& part : spreadOverMinutes(from, to, 1.0)) {
                const Cell cell{h.metric, stored, part.ts};
                HistogramMinute& m = m_histograms[cell];
                m.scale = h.scale;
                addBuckets(m.buckets, inc, part.value);
                touched.insert(cell);
            }
        }
    }
    m_previous = scrape;

    // Whole minutes to emit, grouped into series.
    QMap<std::pair<QString, QString>, SeriesSamples> series; // (metric+aggregation, labels)
    auto push = [&](const Cell& cell, const QString& aggregation, double value) {
        SeriesSamples& s = series[{cell.metric + QLatin1Char('\n') + aggregation, cell.labels}];
        if (s.key.metric.isEmpty()) {
            s.key = SeriesKey{source, cell.metric, aggregation, cell.labels};
            s.unit = m_units.value(cell.metric, unitOf(cell.metric));
        }
        s.samples.append({cell.minute, value});
    };
    // The cumulative count of each bucket, in bound order, when the minute observed anything.
    auto pushBuckets = [&](const Cell& cell, const HistogramMinute& m) {
        if (!bucketMetrics().contains(cell.metric) || m.buckets.size() > maxStoredBuckets)
            return;
        QVector<HistogramBucket> sorted = m.buckets;
        std::sort(sorted.begin(), sorted.end(),
                  [](const HistogramBucket& a, const HistogramBucket& b) {
                      return a.upperBound < b.upperBound;
                  });
        if (sorted.isEmpty() || !(sorted.last().count > 0))
            return;
        const QString metric = bucketMetric(cell.metric);
        for (const HistogramBucket& b : std::as_const(sorted)) {
            const Cell bucket{metric, withLe(cell.labels, leLabel(b.upperBound * m.scale)),
                              cell.minute};
            push(bucket, QStringLiteral("total"), b.count);
        }
    };
    qint64 first = minuteNow, last = minuteNow;
    for (const Cell& cell : std::as_const(touched)) {
        first = std::min(first, cell.minute);
        last = std::max(last, cell.minute);
        const auto c = m_counters.constFind(cell);
        if (c != m_counters.cend())
            push(cell, QStringLiteral("total"), c.value());
        const auto g = m_gauges.constFind(cell);
        if (g != m_gauges.cend())
            push(cell, QStringLiteral("average"), g.value().first / g.value().second);
        const auto h = m_histograms.constFind(cell);
        if (h != m_histograms.cend()) {
            static const std::pair<double, const char*> quantiles[] = {
                {0.5, "p50"}, {0.95, "p95"}, {0.99, "p99"}};
            for (const auto& [q, name] : quantiles) {
                const double v = histogramQuantile(q, h.value().buckets);
                if (std::isfinite(v)) // no observations in the minute: no point
                    push(cell, QLatin1String(name), v * h.value().scale);
            }
            pushBuckets(cell, h.value());
        }
    }
    for (auto& s : series)
        std::sort(s.samples.begin(), s.samples.end(),
                  [](const Sample& a, const Sample& b) { return a.ts < b.ts; });

    // Minutes before the previous scrape's can no longer change.
    const qint64 keepFrom = floorTo(scrape.atMs, 60000) / 1000 - 60;
    auto prune = [keepFrom](auto& hash) {
        for (auto it = hash.begin(); it != hash.end();) {
            if (it.key().minute < keepFrom)
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
