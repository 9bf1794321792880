#pragma once

#include <QVector>

namespace isc::prometheus {

/// One cumulative bucket of a classic histogram: observations <= upperBound (`le`).
struct HistogramBucket
{
    double upperBound = 0; ///< the `le` label; +Inf for the last bucket
    double count = 0;      ///< cumulative count (or its increase over a window)
};

/// The q-quantile of `buckets`, exactly as PromQL's histogram_quantile() computes it for
/// classic histograms: buckets sorted by upper bound, equal bounds merged, float noise below a
/// relative 1e-12 flattened, monotonicity forced; linear interpolation inside the bucket, a
/// lower bound of 0 for the lowest bucket when its upper bound is > 0 (its upper bound when
/// <= 0), the second-highest upper bound when the rank falls in the +Inf bucket. NaN when q is
/// NaN, the highest bucket is not +Inf, fewer than 2 buckets remain, or there are no
/// observations; -Inf for q < 0 and +Inf for q > 1.
double histogramQuantile(double q, QVector<HistogramBucket> buckets);

/// The per-bucket increase between two scrapes of one histogram (matched by upper bound).
/// Each bucket is a counter: one that went down was reset, and its increase is its new value.
/// Buckets only in `current` count from zero.
QVector<HistogramBucket> bucketIncrease(const QVector<HistogramBucket>& previous,
                                        const QVector<HistogramBucket>& current);

} // namespace isc::prometheus
