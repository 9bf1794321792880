#pragma once

#include "store/storetransfer.h"
#include "store/storetypes.h"

#include <QString>
#include <QVector>
#include <functional>

namespace isc {

/// How far a migration is, after each chunk it copied.
struct MigrationProgress
{
    StoreTable table = StoreTable::Series;
    qint64 copied = 0;    ///< rows of `table` in the destination so far, earlier runs included
    qint64 total = 0;     ///< rows of `table` in the source
    qint64 elapsedMs = 0; ///< since this run started
};

/// One table's verification: the source's totals beside the destination's.
struct MigrationCheck
{
    QString table;
    TableTotals source;
    TableTotals destination;
    bool ok = false;
    QString problem; ///< in words when !ok ("3 rows in the source, 2 in the destination")
};

/// The outcome of StoreMigration::run().
struct MigrationReport
{
    enum class Status {
        Done,        ///< copied and verified
        Refused,     ///< nothing was copied: the message says why
        Failed,      ///< stopped by an error; run again to continue where it stopped
        Interrupted, ///< stopped by setStopWhen(); run again to continue
        Mismatch,    ///< copied, but verification found a table that differs
    };
    Status status = Status::Failed;
    QString message;                ///< one line for the user; never a password
    QVector<MigrationCheck> checks; ///< per table, when verification ran
    qint64 rowsCopied = 0;          ///< rows written by this run (series included)
    bool resumed = false;           ///< continued a copy an earlier run began
    qint64 elapsedMs = 0;

    bool ok() const { return status == Status::Done; }
};

/// Copies a whole history (series, samples, rollups, gaps, inventory, runs, documents) from one
/// database to another, SQLite or PostgreSQL either way, then verifies per-table counts and sums.
///
/// Rollups are copied as stored, not recomputed from raw: rollups outlive the raw samples
/// (retention keeps 5-minute buckets 400 days and hourly ones forever, raw 35 days), so a
/// recomputation would lose the older history; copied, every chart reads the same numbers.
///
/// Resumable: each chunk lands in one destination transaction together with a marker
/// ("migration.<table>" in its meta table) saying how far that table is; a run that finds a
/// marker of the same source continues after it. Keyed rows are upserted besides, so a series
/// copied twice stays one. Refuses a destination holding other history.
/// Synchronous, on the calling thread; the source should not be written to meanwhile.
class StoreMigration
{
public:
    StoreMigration(const QString& from, const QString& to);

    /// Rows per chunk (per destination transaction); default 5000.
    void setChunkRows(int rows) { m_chunkRows = rows > 0 ? rows : 1; }
    /// Called after each chunk, on the calling thread.
    void setProgressHandler(std::function<void(const MigrationProgress&)> handler)
    {
        m_onProgress = std::move(handler);
    }
    /// Asked after each committed chunk: true stops the run there (status Interrupted), as a
    /// process killed between two commits would (tests; a cancel button).
    void setStopWhen(std::function<bool(const MigrationProgress&)> stop)
    {
        m_stop = std::move(stop);
    }
    /// Used for both databases (a PostgreSQL password handed in, in memory only).
    void setSettings(const StoreSettings& settings) { m_fromSettings = m_toSettings = settings; }
    /// One for each side (each server database has its own password).
    void setSettings(const StoreSettings& from, const StoreSettings& to)
    {
        m_fromSettings = from;
        m_toSettings = to;
    }

    MigrationReport run();

    /// What identifies a database for "same database" and resume checks: a file's canonical
    /// path, or a server address without its password.
    static QString identity(const QString& address);
    /// The meta key of a table's resume marker in the destination.
    static QString markerKey(StoreTable table);

private:
    QString m_from, m_to;
    int m_chunkRows = 5000;
    StoreSettings m_fromSettings, m_toSettings;
    std::function<void(const MigrationProgress&)> m_onProgress;
    std::function<bool(const MigrationProgress&)> m_stop;
};

} // namespace isc
