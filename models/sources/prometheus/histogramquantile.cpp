#include "histogramquantile.h"

#include "counterrate.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace isc::prometheus {
namespace {

constexpr double kSmallDeltaTolerance = 1e-12;

// Merges buckets with the same upper bound (input sorted).
void coalesce(QVector<HistogramBucket>& b)
{
    int out = 0;
    for (int i = 1; i < b.size(); ++i) {
        if (b[i].upperBound == b[out].upperBound) {
            b[out].count += b[i].count;
        } else {
            b[++out] = b[i];
        }
    }
    b.resize(out + 1);
}

// Differences this small relative to the bucket are float noise, not a decrease.
void correctPrecisionErrors(QVector<HistogramBucket>& b)
{
    double prev = b[0].count;
    for (int i = 1; i < b.size(); ++i) {
        const double curr = b[i].count;
        const double delta = std::abs(curr - prev);
        if (delta == 0)
            continue;
        if (delta / curr <= kSmallDeltaTolerance)
            b[i].count = prev;
        else
            prev = curr;
    }
}

// The envelope: no bucket counts fewer than the one below it.
void ensureMonotonic(QVector<HistogramBucket>& b)
{
    double max = b[0].count;
    for (int i = 1; i < b.size(); ++i) {
        if (b[i].count > max)
            max = b[i].count;
        else if (b[i].count < max)
            b[i].count = max;
    }
}

} // namespace

double histogramQuantile(double q, QVector<HistogramBucket> buckets)
{
    const double nan = std::numeric_limits<double>::quiet_NaN();
    if (std::isnan(q))
        return nan;
    if (q < 0)
        return -std::numeric_limits<double>::infinity();
    if (q > 1)
        return std::numeric_limits<double>::infinity();
    if (buckets.isEmpty())
        return nan;
    std::stable_sort(buckets.begin(), buckets.end(),
                     [](const HistogramBucket& a, const HistogramBucket& b) {
                         return a.upperBound < b.upperBound;
                     });
    const double top = buckets.last().upperBound;
    if (!(std::isinf(top) && top > 0))
        return nan;
    coalesce(buckets);
    correctPrecisionErrors(buckets);
    ensureMonotonic(buckets);
    const int n = static_cast<int>(buckets.size());
    if (n < 2)
        return nan;
    const double observations = buckets[n - 1].count;
    if (observations == 0)
        return nan;
    double rank = q * observations;
    // The first bucket among all but +Inf whose count reaches the rank (sort.Search).
    int b = 0;
    while (b < n - 1 && !(buckets[b].count >= rank))
        ++b;
    if (b == n - 1)
        return buckets[n - 2].upperBound;
    if (b == 0 && buckets[0].upperBound <= 0)
        return buckets[0].upperBound;
    double bucketStart = 0;
    const double bucketEnd = buckets[b].upperBound;
    double count = buckets[b].count;
    if (b > 0) {
        bucketStart = buckets[b - 1].upperBound;
        count -= buckets[b - 1].count;
        rank -= buckets[b - 1].count;
    }
    return bucketStart + (bucketEnd - bucketStart) * (rank / count);
}

QVector<HistogramBucket> bucketIncrease(const QVector<HistogramBucket>& previous,
                                        const QVector<HistogramBucket>& current)
{
    QVector<HistogramBucket> out;
    out.reserve(current.size());
    for (const auto& c : current) {
        double before = 0;
        bool found = false;
        for (const auto& p : previous) {
            if (p.upperBound == c.upperBound) {
                before = p.count;
                found = true;
                break;
            }
        }
        out.append({c.upperBound, found ? counterIncrease(before, c.count) : c.count});
    }
    return out;
}

} // namespace isc::prometheus
