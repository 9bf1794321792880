#pragma once

#include "store/queryengine.h"

#include <QByteArray>
#include <QVector>
#include <array>

namespace isc::packedrollup {

/// The 5- and 15-minute rollups are stored packed: one row per series and span (an hour, six
/// hours) whose BLOB holds the span's buckets, kSlotBytes each (min, max and sum as IEEE
/// doubles, then count as a 64-bit integer, all little-endian), an empty bucket having count 0.
/// A 30-day chart then reads 720 (5 min) or 120 (15 min) rows per series instead of 8640 or
/// 2880, a write of an hour of minutes is one B-tree insert per table, and a row of at most
/// 768 bytes stays inside its B-tree page (no overflow pages).
struct Layout
{
    qint64 bucket; ///< seconds per bucket
    qint64 span;   ///< seconds per row, a multiple of `bucket`

    constexpr int slotCount() const { return int(span / bucket); }
    constexpr int rowBytes() const;
    /// The start of the row holding `ts`.
    constexpr qint64 rowStart(qint64 ts) const { return ts - ts % span; }
    /// The slot of a bucket start within the row starting at `start`.
    constexpr int slotOf(qint64 ts, qint64 start) const { return int((ts - start) / bucket); }
};

constexpr int kSlotBytes = 32;
constexpr int kMaxSlots = 24;
constexpr int Layout::rowBytes() const
{
    return slotCount() * kSlotBytes;
}

constexpr Layout kFiveMinutes{300, 3600};
constexpr Layout kFifteenMinutes{900, 6 * 3600};
static_assert(kFiveMinutes.slotCount() <= kMaxSlots && kFifteenMinutes.slotCount() <= kMaxSlots);

/// The buckets of one row, slot i starting at the row's start + i * bucket; count 0 = no data.
/// Only the layout's first slotCount() entries are used.
using Row = std::array<StoredBucket, kMaxSlots>;

/// An empty row starting at `start` (every slot's ts set, counts 0).
Row emptyRow(const Layout& layout, qint64 start);
/// The BLOB of a row.
QByteArray encode(const Layout& layout, const Row& row);
/// Reads a BLOB into `out` (a row starting at `start`); false when its size is wrong.
bool decode(const Layout& layout, const void* data, int size, qint64 start, Row* out);
/// Appends the non-empty buckets of a BLOB whose start lies in [from, to), in time order.
/// Returns false (appending nothing) when the BLOB's size is wrong.
bool appendBuckets(const Layout& layout, const void* data, int size, qint64 start, qint64 from,
                   qint64 to, QVector<StoredBucket>* out);
/// Min, max, sum and count over `count` slots from `first` (count 0 when all are empty); its ts
/// is the first slot's.
StoredBucket combine(const Row& row, int first, int count);

} // namespace isc::packedrollup
