#pragma once

#include "core/deployment.h"
#include "core/sample.h"
#include "store/queryengine.h"
#include "store/runrecord.h"
#include "store/storedocument.h"

#include <QString>
#include <QVector>

// The raw rows a history moves between databases in (StoreMigration), one table at a time.
namespace isc {

/// The tables a migration copies, in the order it copies them.
enum class StoreTable {
    Series,
    Samples,
    Rollup5m,
    Rollup15m,
    Rollup1h,
    Gaps,
    Inventory,
    Runs,
    Documents
};

/// Every table, in copy order.
constexpr StoreTable kStoreTables[] = {
    StoreTable::Series,    StoreTable::Samples,  StoreTable::Rollup5m,
    StoreTable::Rollup15m, StoreTable::Rollup1h, StoreTable::Gaps,
    StoreTable::Inventory, StoreTable::Runs,     StoreTable::Documents};

/// The table's name as both schemas spell it ("samples", "rollup_5m", ...).
QString storeTableName(StoreTable table);

/// Where an export stands in a table's order: the rows after (major, minor) come next.
/// Series, gaps and runs are ordered by id (major); samples and rollups by (series id, ts).
/// Deployments and documents have no integer key: they continue at the `copied`-th row in
/// (source, name) order and in (scope: user first, kind, key) order.
struct RowCursor
{
    qint64 major = -1; ///< -1: before the first row
    qint64 minor = -1;
    qint64 copied = 0; ///< rows exported before this position

    /// "major minor copied", as a migration stores it in the destination's meta table.
    QString toText() const;
    /// Reads toText(); a default cursor when `text` is not one.
    static RowCursor fromText(const QString& text);
    bool operator==(const RowCursor& o) const
    {
        return major == o.major && minor == o.minor && copied == o.copied;
    }
};

struct SeriesRow
{
    qint64 id = 0; ///< in the database it was read from
    SeriesKey key;
    QString unit;
};

struct SampleRow
{
    qint64 seriesId = 0;
    qint64 ts = 0; ///< minute start, s UTC
    double value = 0;
};

/// One rollup bucket (5 min, 15 min or 1 h) as stored.
struct BucketRow
{
    qint64 seriesId = 0;
    StoredBucket bucket;
};

/// A chunk of one table's rows; only the vector of `table` is used.
struct TableChunk
{
    StoreTable table = StoreTable::Series;
    QVector<SeriesRow> series;
    QVector<SampleRow> samples;
    QVector<BucketRow> buckets; ///< the three rollup tables
    QVector<GapMarker> gaps;
    Deployments deployments;
    QVector<StoredRun> runs;
    QVector<StoredDocument> documents; ///< the reader's User ones and the Shared ones
    RowCursor next; ///< the position after the last row; equal to the one asked for at the end
    QString error;  ///< in words when the read failed

    qsizetype size() const
    {
        return series.size() + samples.size() + buckets.size() + gaps.size() + deployments.size() +
               runs.size() + documents.size();
    }
};

/// The outcome of importing one chunk.
struct ImportReport
{
    bool ok = false;
    QString error;             ///< in words when !ok; nothing of the chunk landed then
    QVector<qint64> seriesIds; ///< for a chunk of series: this database's id of each, in order
};

/// What verification compares of one table: its rows and two totals over them.
struct TableTotals
{
    qint64 rows = 0;
    double sum = 0;   ///< samples: the values; rollups: the bucket sums; documents: characters
    qint64 total = 0; ///< rollups: the samples counted; gaps: seconds covered; deployments:
                      ///< capacity; runs: the starred ones; documents: the shared ones
    QString error;    ///< in words when the count failed
};

/// The samples of one series, for a per-series comparison.
struct SeriesTotals
{
    SeriesKey key;
    qint64 rows = 0;
    double sum = 0;
};

} // namespace isc
