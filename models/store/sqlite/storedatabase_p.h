#pragma once

// The private part of StoreDatabase, shared by its files (storeopen.cpp, storeschema.cpp,
// storewriter.cpp, storequeries.cpp and storedatabase.cpp). Not a public API.

#include "store/sqlite/storedatabase.h"

#include "core/labels.h"
#include "store/plausiblesamples.h"
#include "store/queryengine.h"
#include "store/sqlite/packedrollup.h"
#include "store/sqlite/storecheckpointer.h"
#include "store/sqlite/storesqlite.h"

#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QLoggingCategory>
#include <QVector>
#include <sqlite3.h>

Q_DECLARE_LOGGING_CATEGORY(lcStore)

namespace isc {
namespace storeimpl {

inline QString damagedRefusal()
{
    return QStringLiteral("The history database is damaged, so nothing new is stored in it. At "
                          "the next start it is moved aside and a new one is created.");
}

struct SeriesInfo
{
    qint64 id = 0;
    QString unit;
};

/// The current row of a SELECT of source, name, model, version, sku, capacity, spillover_to,
/// state, upgrade_option (in that order) from deployments.
Deployment deploymentAt(const Stmt& s);

} // namespace storeimpl

struct StoreDatabase::Private
{
    using Stmt = storeimpl::Stmt;

    sqlite3* db = nullptr;
    QString path;
    StoreSettings settings;
    QHash<SeriesKey, storeimpl::SeriesInfo> seriesCache;
    QVector<SeriesKey> createdInTransaction; ///< dropped from the cache on rollback

    Stmt insertSample;
    Stmt insertSampleChunk; ///< kInsertChunk rows per step: fewer VM round trips per sample
    Stmt findSeries;
    Stmt insertSeries;
    Stmt updateUnit;
    Stmt put1h;
    Stmt put1hChunk;
    Stmt fivesOfSamples; ///< kFivesOfSamples
    Stmt get5mRow;
    Stmt put5mRow;
    Stmt get15mRow;
    Stmt put15mRow;
    QVector<StoredBucket> scratchWhole;     ///< reused by updateRollups()
    QVector<StoredBucket> scratchQuarters;  ///< reused by updateRollups()
    QVector<packedrollup::Row> scratchRows; ///< reused by updateRollups()
    Stmt insertGap;
    QVector<std::pair<qint64, double>> scratchMinutes; ///< reused by updateRollups()
    QVector<StoredBucket> scratchFives;                ///< reused by updateRollups()
    QVector<StoredSeries> readBuffers;                 ///< reused by query()
    bool damaged = false; ///< damage was found: writes are refused until the next open()
    std::function<void(const QString&)> onDamaged;
    mutable int failedRc = SQLITE_OK; ///< the code behind the last lastError(), for noteFailure()
    storeimpl::Checkpointer checkpointer; ///< copies the WAL into the file beside the writer
    std::function<void(const QString&)> onNotice;
    QElapsedTimer busyClock;  ///< since the current wait for another connection's lock began
    bool busyNoticed = false; ///< the current wait was announced

    /// SQLite's busy handler: waits for another connection's lock up to busyTimeoutMs and says
    /// so once the wait outlasts busyNoticeMs.
    static int busyHandler(void* self, int attempt);
    /// Logs a passing notice and hands it to onNotice.
    void notice(const QString& message);

    /// After each commit (SQLite's WAL hook): wakes the checkpointer past kCheckpointPages.
    static int walHook(void* self, sqlite3* conn, const char* schema, int pages)
    {
        auto* p = static_cast<Private*>(self);
        if (pages >= storeimpl::kWalLimitPages)
            sqlite3_wal_checkpoint_v2(conn, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        else if (pages >= storeimpl::kCheckpointPages)
            p->checkpointer.request(QFile::encodeName(p->path));
        return SQLITE_OK;
    }

    /// The message of the failure just seen; remembers its code for noteFailure().
    QString lastError() const
    {
        failedRc = db ? sqlite3_extended_errcode(db) : SQLITE_MISUSE;
        return db ? storeimpl::qs(sqlite3_errmsg(db)) : QString();
    }

    bool exec(const char* sql, QString* error = nullptr)
    {
        char* msg = nullptr;
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
        if (rc != SQLITE_OK) {
            failedRc = rc;
            if (error)
                *error = msg ? storeimpl::qs(msg) : storeimpl::qs(sqlite3_errstr(rc));
        }
        sqlite3_free(msg);
        return rc == SQLITE_OK;
    }

    /// After a failed read or write: when SQLite called the file corrupt, mark it damaged.
    void noteFailure(const QString& what, const QString& error)
    {
        if (storeimpl::isCorruptionCode(failedRc) && !damaged)
            markDamaged(damageMessage(QStringLiteral("%1: %2").arg(what, error)));
        failedRc = SQLITE_OK;
    }

    void markDamaged(const QString& message);

    /// Reads sqlite_master and the first row of every table: the cheap part of a check.
    int touchTables();

    /// Runs a one-row statement and returns its first column as text, or sets `rc`.
    QString scalar(const char* sql, int* rc)
    {
        Stmt s;
        if (!s.prepare(db, sql)) {
            *rc = sqlite3_errcode(db);
            return {};
        }
        const int r = s.step();
        *rc = r == SQLITE_ROW || r == SQLITE_DONE ? SQLITE_OK : r;
        if (r != SQLITE_ROW)
            return {};
        return s.text(0);
    }

    void closeDb();

    bool prepareStatements();

    /// The id of a series, creating it (inside the current transaction) when new.
    bool seriesId(const SeriesKey& key, const QString& unit, qint64* id, QString* error);

    /// Writes whole rollup rows of series `id`: kPutChunk per statement, then one by one.
    bool putBuckets(Stmt& chunk, Stmt& single, qint64 id, const QVector<StoredBucket>& rows,
                    QString* error);

    /// Appends the 5-minute buckets of series `id` in [from, to), recomputed from raw.
    bool readFives(qint64 id, qint64 from, qint64 to, QVector<StoredBucket>* out, QString* error);

    /// The stored packed row of series `id` at `start` into `row` (left empty when there is
    /// none). A row of the wrong size is not trusted: it is made again from raw.
    bool readRow(Stmt& get, const packedrollup::Layout& layout, qint64 id, qint64 start,
                 packedrollup::Row* row, QString* error);

    bool putRow(Stmt& put, const packedrollup::Layout& layout, qint64 id, qint64 start,
                const packedrollup::Row& row, QString* error);

    /// Brings the rollups a series' batch touched up to date. A 5-minute bucket whose every
    /// minute is in the batch holds exactly those values now (upsert replaced the rest), so it
    /// is computed here; any other touched bucket is recomputed from raw. Each touched hour's
    /// packed row is then patched (or written outright when the batch filled it), and the
    /// hour's current buckets give its hourly bucket and its touched 15-minute buckets exactly.
    bool updateRollups(qint64 id, const QVector<Sample>& samples, QString* error);

    /// Writes the packed rows of `layout` that `buckets` (exact, sorted by time) touch: a row the
    /// buckets fill is written outright, any other is read, patched and written back. `written`
    /// (when given) receives the rows as written, in time order.
    bool patchRows(const packedrollup::Layout& layout, Stmt& get, Stmt& put, qint64 id,
                   const QVector<StoredBucket>& buckets, QVector<packedrollup::Row>* written,
                   QString* error);

    /// Rewrites `table` (a packed rollup) from `select`'s rows: series_id, bucket start, min,
    /// max, sum, count, sorted by series and time. For rebuilds and migrations, inside the
    /// caller's transaction.
    bool fillPacked(const char* table, const packedrollup::Layout& layout, const QString& select,
                    QString* error);

    /// Upserts one series' samples: kInsertChunk rows per statement, then one by one.
    bool insertSamples(qint64 id, const QVector<Sample>& samples, qsizetype* written,
                       QString* error);

    bool writeInTransaction(const PollBatch& batch, qsizetype* written, QString* error);

    bool insertGapRow(const GapMarker& gap);

    QVector<qint64> seriesIdsOf(const QString& source);

    bool configureAndMigrate(OpenReport* r, bool* created);
};

} // namespace isc
