#pragma once

#include "store/storetypes.h"

#include <QHash>
#include <QString>
#include <QVector>

namespace isc {

/// One stored bucket as read from the database: a raw minute (min = max = sum = value,
/// count = 1) or a 5-minute/hourly rollup.
struct StoredBucket
{
    qint64 ts = 0; ///< bucket start, s UTC
    double min = 0;
    double max = 0;
    double sum = 0;
    qint64 count = 0;
};

/// The buckets of one stored series over the queried range, sorted by ts.
struct StoredSeries
{
    QString source;
    QString labels; ///< canonical, see labels::canonical()
    QVector<StoredBucket> buckets;
};

/// The pure half of a query: resolution choice, label matching, grouping, reduce/combine and
/// M4 decimation over buckets already read from the database.
namespace queryengine {

/// Automatic mode: the coarsest resolution with at least `pixelWidth` buckets over the range
/// (else raw), moved coarser while its retention (as of `now`, s UTC) does not cover range.from.
Resolution chooseResolution(const TimeRange& range, int pixelWidth, qint64 now,
                            const StoreSettings& settings);

/// Explicit step (s): the coarsest resolution that divides the step, whose retention covers
/// range.from and whose buckets the range's ends do not cut (its steps then hold exactly the
/// minutes they would from raw, from fewer rows); raw when it covers and no rollup fits; else
/// the finest dividing one that covers, else the coarsest that divides the step.
Resolution resolutionForStep(qint64 step, const TimeRange& range, qint64 now,
                             const StoreSettings& settings);

/// "200" -> "2xx", "429" -> "429", "503" -> "5xx"; anything that is not a status code unchanged.
QString statusClass(const QString& code);

/// True when every key of `labelEquals` (matched case-insensitively) has exactly that value.
bool matchesLabels(const QString& canonicalLabels, const QHash<QString, QString>& labelEquals);

/// The name of the group a series falls in: its (transformed) `groupBy` label value,
/// "(none)" when it lacks the label, or `metric` when not grouping.
QString groupName(const QString& canonicalLabels, const SeriesQuery& q);

/// The plan every backend follows: `result`'s step and resolution for `q` (explicit step or
/// automatic, retention-aware as of q.now or the wall clock). False with result->error in words
/// when the query cannot be answered (a step that is not whole minutes).
bool plan(const SeriesQuery& q, const StoreSettings& settings, QueryResult* result);

/// The windows of `markers` that cut `q`'s series: a gap of one metric does not cut the others.
QVector<TimeRange> gapsFor(const SeriesQuery& q, const QVector<GapMarker>& markers);

/// Reduces each series per output step (s), combines the series of each group per timestamp,
/// and M4-decimates to q.pixelWidth columns. Output sorted by name.
QVector<QueriedSeries> assemble(const SeriesQuery& q, qint64 step,
                                const QVector<StoredSeries>& input);

} // namespace queryengine
} // namespace isc
