#pragma once

// The private part of PostgresStore, shared by its files (not a public API).

#include "store/postgres/pgbinaryrows.h"
#include "store/postgres/pgconnection.h"
#include "store/postgres/postgresstore.h"

#include <QHash>
#include <QMap>
#include <QSet>
#include <QSocketNotifier>
#include <limits>
#include <memory>

namespace isc {

struct PostgresStore::Private
{
    pg::Connection conn;
    QString address; ///< as given to open(), for reconnecting; messages use `shown`
    QString shown;   ///< the address without any secret
    StoreSettings settings;
    QHash<SeriesKey, qint64> seriesCache;
    QHash<SeriesKey, QString> unitCache;
    /// Per series id, the newest minute this connection knows to be stored (kNothingStored when
    /// none): minutes after it are new, COPY puts them straight into `samples`.
    QHash<qint64, qint64> lastStored;
    QSet<QString> partitions; ///< the partition tables known to exist
    std::function<void(const QString&)> onDamaged;
    std::function<void(const QString&)> onNotice;
    std::function<void(const QString&, const TimeRange&)> onRemoteWrite;
    std::unique_ptr<QSocketNotifier> listener; ///< the connection's socket, for NOTIFY
    QSet<QString> owned;                       ///< sources whose writer lock this connection holds
    QSet<QString> claimed; ///< sources claimed here: writing them needs their lock from then on
    QString holder;        ///< how this connection names itself
    bool incomingReady = false; ///< this session's temporary tables `incoming`, `touched` exist

    /// LISTENs for other connections' polls and watches the socket (after open and reset).
    bool listen(QString* error);
    /// Hands the notifications libpq has read to onRemoteWrite (never this connection's own).
    void drainNotifications();
    /// pg_try_advisory_lock for `source`; true when this connection holds it now.
    bool tryLock(const QString& source, QString* error);
    /// After a reconnect the session's locks are gone: takes back those it still can.
    void relock();

    /// The refusal of a write to a source claimed here whose lock another collector holds now
    /// (this one was cut off and it took over); empty when this connection may write it.
    QString lostWriter(const QString& source) const;
    /// The refusal of a write while not connected; empty when writable.
    QString unwritable() const;

    /// Creates (each in its own short transaction) the partitions that the samples of `batch`
    /// and their rollups need.
    bool ensurePartitions(const PollBatch& batch, QString* error);
    /// Creates the partitions number `keys` (ts / span) of `table` that do not exist yet.
    bool ensurePartitionKeys(const char* table, qint64 span, const QSet<qint64>& keys,
                             QString* error);
    /// Reads the existing partitions into `partitions`.
    bool loadPartitions(QString* error);

    /// Forgets the series ids and what is known stored (after a rollback, a reconnect, a copy).
    void forgetSeries();
    /// Reads lastStored for the ids it does not know yet.
    bool loadLastStored(const QVector<qint64>& ids, QString* error);
    /// The id of a series, creating it (inside the current transaction) when new.
    bool seriesId(const SeriesKey& key, const QString& unit, qint64* id, QString* error);
    /// Creates this session's temporary table the polls' rows are copied into.
    bool ensureIncoming(QString* error);
    /// The poll's statements inside its transaction. With `direct`, minutes after lastStored
    /// are copied straight into `samples`, and whole rollup buckets after it into the rollup
    /// tables; a duplicate there (another writer stored them, or rollups outlived their minutes)
    /// sets `duplicate` and fails, and the caller sends the poll again without `direct`.
    bool writeInTransaction(const PollBatch& batch, bool direct, qsizetype* written,
                            bool* duplicate, QString* error);
    bool insertGapRow(const GapMarker& gap, QString* error);

    /// The user's words for a failed document statement (`what`: "save the kind \"key\""); a
    /// refusal by privileges or row-level security says who may write what.
    QString documentRefusal(const pg::Result& r, const QString& what);

    /// Creates or migrates the schema; false with `r` saying why.
    bool migrate(OpenReport* r, bool* created);
};

namespace pgimpl {

/// The name of the partition of `table` holding `ts` and its bounds [from, to).
QString partitionName(const char* table, qint64 ts, qint64 span);

/// lastStored's value for a series without samples.
constexpr qint64 kNothingStored = std::numeric_limits<qint64>::min();

/// The rollup tables a poll's buckets go to, finest first, with their widths in seconds.
struct RollupTable
{
    const char* table;
    qint64 width;
};
inline constexpr RollupTable kRollupTables[] = {
    {"rollup_5m", 300}, {"rollup_15m", 900}, {"rollup_1h", 3600}};
inline constexpr int kRollupTableCount = 3;

/// A poll's minutes per series id (the last sample of a minute wins), as COPY binary rows.
struct PollRows
{
    pg::BinaryRows fresh;    ///< (series_id, ts, value) of minutes after the series' lastStored
    pg::BinaryRows replaced; ///< the same for minutes that may be stored already
    /// Per rollup table (kRollupTables' order), the buckets that hold all their minutes in
    /// this poll and none stored before (they start after lastStored): (series_id, ts, min,
    /// max, sum, count), copied straight into the table.
    pg::BinaryRows newBuckets[kRollupTableCount];
    /// Every other bucket the minutes touch: (width, merge, series_id, ts, min, max, sum,
    /// count). A bucket holding all its minutes in this poll carries its aggregate (replacing
    /// the row); one whose stored minutes all precede the poll's carries the poll's part
    /// (merge = 1: combined with the row); any other NULLs (recomputed from the stored
    /// minutes, or from the finer rollup). See appendBuckets() in pgpollrows.cpp.
    pg::BinaryRows touched;
    bool replacedBuckets[kRollupTableCount] = {}; ///< `touched` has merge = 0 rows of the table
    bool mergedBuckets[kRollupTableCount] = {};   ///< `touched` has merge = 1 rows of the table
    qsizetype count = 0;
    qint64 first = 0, last = 0; ///< the first and last minute, s UTC
};

/// The rows of `minutes` (series id -> minute -> value); `lastStored` splits fresh from replaced
/// (nullptr sends every minute as replaced and every bucket through `touched`).
PollRows pollRows(const QMap<qint64, QMap<qint64, double>>& minutes,
                  const QHash<qint64, qint64>* lastStored);

/// Row `i` of a SELECT of source, name, model, version, sku, capacity, spillover_to, state,
/// upgrade_option (in that order) from deployments.
Deployment deploymentAt(const pg::Result& r, int i);
/// Row `i` of a SELECT of id, created_at, target, connection, dialect, url, model, parameters,
/// messages, output, metrics, headers, error, error_kind, starred, redacted (in that order) from
/// runs.
StoredRun runAt(const pg::Result& r, int i);
/// Row `i` of a SELECT of owner, kind, key, body, revision, updated_at from documents.
StoredDocument documentAt(const pg::Result& r, int i);

} // namespace pgimpl
} // namespace isc
