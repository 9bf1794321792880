#include "storedatabase.h"

#include "core/labels.h"
#include "store/packedrollup.h"
#include "store/queryengine.h"
#include "store/storeruns.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <algorithm>
#include <cmath>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <sqlite3.h>
#include <thread>

namespace isc {
namespace {

// Tables every schema-2 database has; migrations reuse the ones an older layout lacks.
const char* const kCreateMeta =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID";
const char* const kCreateSeries =
    "CREATE TABLE series(id INTEGER PRIMARY KEY, source TEXT NOT NULL, metric TEXT NOT NULL, "
    "aggregation TEXT NOT NULL, labels TEXT NOT NULL, unit TEXT NOT NULL DEFAULT '', "
    "UNIQUE(source, metric, aggregation, labels))";
const char* const kCreateSeriesIndex =
    "CREATE INDEX IF NOT EXISTS series_by_metric ON series(metric, aggregation, source)";
const char* const kCreateSamples =
    "CREATE TABLE samples(series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL, "
    "PRIMARY KEY(series_id, ts)) WITHOUT ROWID";
// The 5- and 15-minute rollups: one row of packed buckets per series and hour (6 hours), see
// packedrollup.h.
const char* const kCreateRollup5m =
    "CREATE TABLE IF NOT EXISTS rollup_5m(series_id INTEGER NOT NULL, start INTEGER NOT NULL, "
    "buckets BLOB NOT NULL, PRIMARY KEY(series_id, start)) WITHOUT ROWID";
const char* const kCreateRollup15m =
    "CREATE TABLE IF NOT EXISTS rollup_15m(series_id INTEGER NOT NULL, start INTEGER NOT NULL, "
    "buckets BLOB NOT NULL, PRIMARY KEY(series_id, start)) WITHOUT ROWID";
const char* const kCreateRollup1h =
    "CREATE TABLE IF NOT EXISTS rollup_1h(series_id INTEGER NOT NULL, ts INTEGER NOT NULL, "
    "min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL, "
    "PRIMARY KEY(series_id, ts)) WITHOUT ROWID";
// The 5-minute rollup of schemas 2 to 4: a row per bucket.
const char* const kCreateRollup5mV2 =
    "CREATE TABLE IF NOT EXISTS rollup_5m(series_id INTEGER NOT NULL, ts INTEGER NOT NULL, "
    "min REAL NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL, "
    "PRIMARY KEY(series_id, ts)) WITHOUT ROWID";
const char* const kCreateGaps =
    "CREATE TABLE gaps(id INTEGER PRIMARY KEY, source TEXT NOT NULL, from_ts INTEGER NOT NULL, "
    "to_ts INTEGER NOT NULL, reason TEXT NOT NULL, recorded_at INTEGER NOT NULL DEFAULT 0)";
const char* const kCreateGapsIndex =
    "CREATE INDEX IF NOT EXISTS gaps_by_source ON gaps(source, from_ts)";
const char* const kCreateDeployments =
    "CREATE TABLE IF NOT EXISTS deployments(source TEXT NOT NULL, name TEXT NOT NULL, "
    "model TEXT NOT NULL DEFAULT '', version TEXT NOT NULL DEFAULT '', sku TEXT NOT NULL "
    "DEFAULT '', capacity INTEGER NOT NULL DEFAULT 0, spillover_to TEXT NOT NULL DEFAULT '', "
    "state TEXT NOT NULL DEFAULT '', upgrade_option TEXT NOT NULL DEFAULT '', "
    "PRIMARY KEY(source, name)) WITHOUT ROWID";
// The deployments table of schemas 2 and 3, as the migration from schema 1 creates it (the
// migration to 4 then adds its upgrade_option).
const char* const kCreateDeploymentsV2 =
    "CREATE TABLE IF NOT EXISTS deployments(source TEXT NOT NULL, name TEXT NOT NULL, "
    "model TEXT NOT NULL DEFAULT '', version TEXT NOT NULL DEFAULT '', sku TEXT NOT NULL "
    "DEFAULT '', capacity INTEGER NOT NULL DEFAULT 0, spillover_to TEXT NOT NULL DEFAULT '', "
    "state TEXT NOT NULL DEFAULT '', PRIMARY KEY(source, name)) WITHOUT ROWID";

// Schema 1 (Inferscope 0.0.x): samples keyed by milliseconds with nullable values, no units, no
// rollups, no deployments, gaps without recorded_at.
const char* const kMigrate1to2[] = {
    "ALTER TABLE series ADD COLUMN unit TEXT NOT NULL DEFAULT ''",
    "CREATE TABLE samples_v2(series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL NOT "
    "NULL, PRIMARY KEY(series_id, ts)) WITHOUT ROWID",
    // Minute starts in seconds; a null value was "no data" in schema 1 and is simply absent now.
    "INSERT OR REPLACE INTO samples_v2(series_id, ts, value) SELECT series_id, "
    "(ts_ms / 60000) * 60, value FROM samples WHERE value IS NOT NULL AND ts_ms >= 0 "
    "ORDER BY series_id, ts_ms",
    "DROP TABLE samples",
    "ALTER TABLE samples_v2 RENAME TO samples",
    "CREATE TABLE gaps_v2(id INTEGER PRIMARY KEY, source TEXT NOT NULL, from_ts INTEGER NOT "
    "NULL, to_ts INTEGER NOT NULL, reason TEXT NOT NULL, recorded_at INTEGER NOT NULL DEFAULT 0)",
    "INSERT INTO gaps_v2(source, from_ts, to_ts, reason) SELECT source, from_ts, to_ts, reason "
    "FROM gaps ORDER BY rowid",
    "DROP TABLE gaps",
    "ALTER TABLE gaps_v2 RENAME TO gaps",
    kCreateSeriesIndex,
    kCreateGapsIndex,
    kCreateRollup5mV2,
    kCreateRollup1h,
    kCreateDeploymentsV2,
    kCreateMeta,
};

// Schema 3 -> 4: properties.versionUpgradeOption of each deployment (empty until re-read).
const char* const kMigrate3to4[] = {
    "ALTER TABLE deployments ADD COLUMN upgrade_option TEXT NOT NULL DEFAULT ''",
};

// Schema 1's rollups, rebuilt from its samples in the layout of schemas 2 to 4 (the migration to 5
// then packs them).
const char* const kRebuild5mV2 =
    "INSERT OR REPLACE INTO rollup_5m(series_id, ts, min, max, sum, count) SELECT series_id, "
    "ts - ts % 300, min(value), max(value), sum(value), count(*) FROM samples GROUP BY "
    "series_id, ts - ts % 300";
const char* const kRebuild1hV2 =
    "INSERT OR REPLACE INTO rollup_1h(series_id, ts, min, max, sum, count) SELECT series_id, "
    "ts - ts % 3600, min(min), max(max), sum(sum), sum(count) FROM rollup_5m GROUP BY "
    "series_id, ts - ts % 3600";

// The rollups recomputed from raw (rebuildRollups()): series_id, bucket, min, max, sum, count.
const char* const kRawBuckets =
    "SELECT series_id, ts - ts % %1, min(value), max(value), sum(value), count(*) FROM samples "
    "GROUP BY 1, 2 ORDER BY 1, 2";
const char* const kRebuild1h =
    "INSERT OR REPLACE INTO rollup_1h(series_id, ts, min, max, sum, count) SELECT series_id, "
    "ts - ts % 3600, min(value), max(value), sum(value), count(*) FROM samples GROUP BY "
    "series_id, ts - ts % 3600";

// The 5-minute buckets of series ?1 in [?2, ?3), recomputed from raw.
const char* const kFivesOfSamples =
    "SELECT ts - ts % 300, min(value), max(value), sum(value), count(*) FROM samples WHERE "
    "series_id = ?1 AND ts >= ?2 AND ts < ?3 GROUP BY ts - ts % 300 ORDER BY 1";

const char* const kInsertSample = "INSERT INTO samples(series_id, ts, value) VALUES(?1, ?2, ?3) "
                                  "ON CONFLICT(series_id, ts) DO UPDATE SET value = excluded.value";

constexpr int kInsertChunk = 64;

/// The upsert of kInsertChunk samples of one series (?1) in one statement.
QByteArray chunkInsertSql()
{
    QByteArray sql = "INSERT INTO samples(series_id, ts, value) VALUES";
    for (int k = 0; k < kInsertChunk; ++k) {
        sql += k ? ",(?1,?" : "(?1,?";
        sql += QByteArray::number(2 + 2 * k) + ",?" + QByteArray::number(3 + 2 * k) + ")";
    }
    return sql + " ON CONFLICT(series_id, ts) DO UPDATE SET value = excluded.value";
}

constexpr int kPutChunk = 32;

/// The replacement of kPutChunk rollup rows of one series (?1) in one statement.
QByteArray chunkPutSql(const char* table)
{
    QByteArray sql = QByteArray("INSERT OR REPLACE INTO ") + table +
                     "(series_id, ts, min, max, sum, count) VALUES";
    for (int k = 0; k < kPutChunk; ++k) {
        sql += k ? ",(?1" : "(?1";
        for (int c = 0; c < 5; ++c)
            sql += ",?" + QByteArray::number(2 + 5 * k + c);
        sql += ")";
    }
    return sql;
}

QString qs(const char* utf8)
{
    return QString::fromUtf8(utf8);
}

bool isCorruptionCode(int rc)
{
    const int primary = rc & 0xff;
    return primary == SQLITE_NOTADB || primary == SQLITE_CORRUPT;
}

QString damagedRefusal()
{
    return QStringLiteral("The history database is damaged, so nothing new is stored in it. At "
                          "the next start it is moved aside and a new one is created.");
}

/// Owns one prepared statement.
class Stmt
{
public:
    Stmt() = default;
    ~Stmt() { sqlite3_finalize(m_stmt); }
    Stmt(const Stmt&) = delete;
    Stmt& operator=(const Stmt&) = delete;

    void finalize()
    {
        sqlite3_finalize(m_stmt);
        m_stmt = nullptr;
    }
    bool prepare(sqlite3* db, const char* sql)
    {
        finalize();
        return sqlite3_prepare_v3(db, sql, -1, SQLITE_PREPARE_PERSISTENT, &m_stmt, nullptr) ==
               SQLITE_OK;
    }
    sqlite3_stmt* get() const { return m_stmt; }
    explicit operator bool() const { return m_stmt != nullptr; }
    void reset()
    {
        sqlite3_reset(m_stmt);
        sqlite3_clear_bindings(m_stmt);
    }
    void bind(int i, qint64 v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, int v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, double v) { sqlite3_bind_double(m_stmt, i, v); }
    void bind(int i, const QString& v)
    {
        const QByteArray utf8 = v.toUtf8();
        // SQLITE_TRANSIENT: SQLite copies the text before bind returns.
        sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()),
                          reinterpret_cast<sqlite3_destructor_type>(static_cast<intptr_t>(-1)));
    }
    int step() { return sqlite3_step(m_stmt); }
    qint64 int64(int col) const { return sqlite3_column_int64(m_stmt, col); }
    double real(int col) const { return sqlite3_column_double(m_stmt, col); }
    QString text(int col) const
    {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
        return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, col)) : QString();
    }

private:
    sqlite3_stmt* m_stmt = nullptr;
};

/// Copies the write-ahead log into the database file on its own thread and connection, so a
/// write never waits for a checkpoint's reads, writes and disk flushes (SQLite's advice for WAL:
/// checkpoint from a separate thread). The writer's WAL hook wakes it every kCheckpointPages.
class Checkpointer
{
public:
    ~Checkpointer() { stop(); }

    /// Asks for a passive checkpoint soon; starts the thread on first use. Any thread.
    void request(const QByteArray& path)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_disabled)
            return;
        m_pending = true;
        if (!m_thread.joinable()) {
            m_quit = false;
            m_thread = std::thread([this, path] { run(path); });
        }
        m_wake.notify_one();
    }
    /// Returns once no checkpoint runs or is pending.
    void waitIdle()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_idle.wait(lock, [this] { return !m_thread.joinable() || (!m_pending && !m_running); });
    }
    /// No more checkpoints (a damaged file stays as found); waits for a running one.
    void disable()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_disabled = true;
        m_pending = false;
        m_idle.wait(lock, [this] { return !m_running; });
    }
    /// Ends the thread and closes its connection; request() starts afresh (enable() first).
    void stop()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
            m_wake.notify_one();
        }
        if (m_thread.joinable())
            m_thread.join();
        m_pending = m_running = false;
    }
    void enable()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_disabled = false;
    }

private:
    void run(const QByteArray& path)
    {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            nullptr) == SQLITE_OK) {
            // The writer's connection checkpoints on close; this one never does.
            sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        }
        std::unique_lock<std::mutex> lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] { return m_quit || m_pending; });
            if (m_quit)
                break;
            m_pending = false;
            if (!m_disabled && db) {
                m_running = true;
                lock.unlock();
                // Passive: never blocks the writer or readers; what it cannot copy yet waits
                // for the next request.
                sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
                lock.lock();
                m_running = false;
            }
            m_idle.notify_all();
        }
        m_running = false;
        m_idle.notify_all();
        lock.unlock();
        sqlite3_close_v2(db);
    }

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    bool m_pending = false;
    bool m_running = false;
    bool m_quit = false;
    bool m_disabled = false;
};

/// WAL pages after which the background checkpointer is woken (SQLite's default threshold).
constexpr int kCheckpointPages = 1000;
/// WAL pages after which the writer checkpoints itself: a checkpointer that cannot keep up (or
/// is held back by a long reader) must not let the log grow without bound.
constexpr int kWalLimitPages = 65536;

struct SeriesInfo
{
    qint64 id = 0;
    QString unit;
};

QString windowText(const TimeRange& w)
{
    return QStringLiteral("%1 .. %2").arg(formatIsoUtc(w.from), formatIsoUtc(w.to));
}

QString rollupTable(Resolution r)
{
    switch (r) {
    case Resolution::Raw:
        break;
    case Resolution::FiveMinutes:
        return QStringLiteral("rollup_5m");
    case Resolution::FifteenMinutes:
        return QStringLiteral("rollup_15m");
    case Resolution::Hour:
        return QStringLiteral("rollup_1h");
    }
    return QStringLiteral("samples");
}

/// Calls f(start, end) for each run of consecutive buckets of `width` s in a sorted list.
template <typename F> bool forEachRun(const QVector<qint64>& buckets, qint64 width, F f)
{
    for (qsizetype i = 0; i < buckets.size();) {
        const qint64 start = buckets[i];
        qint64 last = start;
        for (++i; i < buckets.size() && buckets[i] == last + width; ++i)
            last = buckets[i];
        if (!f(start, last + width))
            return false;
    }
    return true;
}

} // namespace

struct StoreDatabase::Private
{
    sqlite3* db = nullptr;
    QString path;
    StoreSettings settings;
    QHash<SeriesKey, SeriesInfo> seriesCache;
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
    Checkpointer checkpointer;        ///< copies the WAL into the file beside the writer

    /// After each commit (SQLite's WAL hook): wakes the checkpointer past kCheckpointPages.
    static int walHook(void* self, sqlite3* conn, const char* schema, int pages)
    {
        auto* p = static_cast<Private*>(self);
        if (pages >= kWalLimitPages)
            sqlite3_wal_checkpoint_v2(conn, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
        else if (pages >= kCheckpointPages)
            p->checkpointer.request(QFile::encodeName(p->path));
        return SQLITE_OK;
    }

    /// The message of the failure just seen; remembers its code for noteFailure().
    QString lastError() const
    {
        failedRc = db ? sqlite3_extended_errcode(db) : SQLITE_MISUSE;
        return db ? qs(sqlite3_errmsg(db)) : QString();
    }

    bool exec(const char* sql, QString* error = nullptr)
    {
        char* msg = nullptr;
        const int rc = sqlite3_exec(db, sql, nullptr, nullptr, &msg);
        if (rc != SQLITE_OK) {
            failedRc = rc;
            if (error)
                *error = msg ? qs(msg) : qs(sqlite3_errstr(rc));
        }
        sqlite3_free(msg);
        return rc == SQLITE_OK;
    }

    /// After a failed read or write: when SQLite called the file corrupt, mark it damaged.
    void noteFailure(const QString& what, const QString& error)
    {
        if (isCorruptionCode(failedRc) && !damaged)
            markDamaged(damageMessage(QStringLiteral("%1: %2").arg(what, error)));
        failedRc = SQLITE_OK;
    }
    void markDamaged(const QString& message);

    /// Reads sqlite_master and the first row of every table: the cheap part of a check.
    int touchTables()
    {
        QVector<QByteArray> tables;
        {
            Stmt master;
            if (!master.prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table'"))
                return sqlite3_extended_errcode(db);
            int rc;
            while ((rc = master.step()) == SQLITE_ROW)
                tables.append(
                    master.text(0).replace(QLatin1Char('"'), QLatin1String("\"\"")).toUtf8());
            if (rc != SQLITE_DONE)
                return rc;
        }
        for (const QByteArray& table : std::as_const(tables)) {
            Stmt first;
            const QByteArray sql = "SELECT 1 FROM \"" + table + "\" LIMIT 1";
            if (!first.prepare(db, sql.constData()))
                return sqlite3_extended_errcode(db);
            const int rc = first.step();
            if (rc != SQLITE_ROW && rc != SQLITE_DONE)
                return rc;
        }
        return SQLITE_OK;
    }

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

    void closeDb()
    {
        checkpointer.stop();
        for (Stmt* s : {&insertSample, &findSeries, &insertSeries, &updateUnit, &put1h, &insertGap,
                        &insertSampleChunk, &put1hChunk, &fivesOfSamples, &get5mRow, &put5mRow,
                        &get15mRow, &put15mRow})
            s->finalize();
        if (db)
            sqlite3_close_v2(db);
        db = nullptr;
        seriesCache.clear();
        createdInTransaction.clear();
        damaged = false;
        failedRc = SQLITE_OK;
    }

    bool prepareStatements()
    {
        return insertSample.prepare(db, kInsertSample) &&
               insertSampleChunk.prepare(db, chunkInsertSql().constData()) &&
               put1hChunk.prepare(db, chunkPutSql("rollup_1h").constData()) &&
               findSeries.prepare(db, "SELECT id, unit FROM series WHERE source = ?1 AND "
                                      "metric = ?2 AND aggregation = ?3 AND labels = ?4") &&
               insertSeries.prepare(db, "INSERT INTO series(source, metric, aggregation, "
                                        "labels, unit) VALUES(?1, ?2, ?3, ?4, ?5)") &&
               updateUnit.prepare(db, "UPDATE series SET unit = ?2 WHERE id = ?1") &&
               put1h.prepare(db, "INSERT OR REPLACE INTO rollup_1h(series_id, ts, min, max, "
                                 "sum, count) VALUES(?1, ?2, ?3, ?4, ?5, ?6)") &&
               insertGap.prepare(db, "INSERT INTO gaps(source, from_ts, to_ts, reason, "
                                     "recorded_at, metric) VALUES(?1, ?2, ?3, ?4, ?5, ?6)") &&
               fivesOfSamples.prepare(db, kFivesOfSamples) &&
               get5mRow.prepare(db, "SELECT buckets FROM rollup_5m WHERE series_id = ?1 AND "
                                    "start = ?2") &&
               put5mRow.prepare(db, "INSERT OR REPLACE INTO rollup_5m(series_id, start, buckets) "
                                    "VALUES(?1, ?2, ?3)") &&
               get15mRow.prepare(db, "SELECT buckets FROM rollup_15m WHERE series_id = ?1 AND "
                                     "start = ?2") &&
               put15mRow.prepare(db, "INSERT OR REPLACE INTO rollup_15m(series_id, start, "
                                     "buckets) VALUES(?1, ?2, ?3)");
    }

    /// The id of a series, creating it (inside the current transaction) when new.
    bool seriesId(const SeriesKey& key, const QString& unit, qint64* id, QString* error)
    {
        auto it = seriesCache.find(key);
        if (it == seriesCache.end()) {
            findSeries.reset();
            findSeries.bind(1, key.source);
            findSeries.bind(2, key.metric);
            findSeries.bind(3, key.aggregation);
            findSeries.bind(4, key.labels);
            const int rc = findSeries.step();
            if (rc == SQLITE_ROW) {
                it = seriesCache.insert(key, {findSeries.int64(0), findSeries.text(1)});
            } else if (rc == SQLITE_DONE) {
                insertSeries.reset();
                insertSeries.bind(1, key.source);
                insertSeries.bind(2, key.metric);
                insertSeries.bind(3, key.aggregation);
                insertSeries.bind(4, key.labels);
                insertSeries.bind(5, unit);
                if (insertSeries.step() != SQLITE_DONE) {
                    *error = lastError();
                    return false;
                }
                it = seriesCache.insert(key, {sqlite3_last_insert_rowid(db), unit});
                createdInTransaction.append(key);
            } else {
                *error = lastError();
                return false;
            }
            findSeries.reset();
        }
        if (!unit.isEmpty() && it->unit != unit) {
            updateUnit.reset();
            updateUnit.bind(1, it->id);
            updateUnit.bind(2, unit);
            if (updateUnit.step() != SQLITE_DONE) {
                *error = lastError();
                return false;
            }
            // A rollback would leave the cache claiming the new unit: forget the entry then.
            it->unit = unit;
            createdInTransaction.append(key);
        }
        *id = it->id;
        return true;
    }

    /// Writes whole rollup rows of series `id`: kPutChunk per statement, then one by one.
    bool putBuckets(Stmt& chunk, Stmt& single, qint64 id, const QVector<StoredBucket>& rows,
                    QString* error)
    {
        qsizetype i = 0;
        auto run = [&](sqlite3_stmt* st, int count) {
            sqlite3_bind_int64(st, 1, id);
            for (int k = 0; k < count; ++k, ++i) {
                const StoredBucket& b = rows[i];
                sqlite3_bind_int64(st, 2 + 5 * k, b.ts);
                sqlite3_bind_double(st, 3 + 5 * k, b.min);
                sqlite3_bind_double(st, 4 + 5 * k, b.max);
                sqlite3_bind_double(st, 5 + 5 * k, b.sum);
                sqlite3_bind_int64(st, 6 + 5 * k, b.count);
            }
            const bool ok = sqlite3_step(st) == SQLITE_DONE;
            if (!ok)
                *error = lastError();
            sqlite3_reset(st);
            return ok;
        };
        while (i + kPutChunk <= rows.size()) {
            if (!run(chunk.get(), kPutChunk))
                return false;
        }
        while (i < rows.size()) {
            if (!run(single.get(), 1))
                return false;
        }
        return true;
    }

    /// Appends the 5-minute buckets of series `id` in [from, to), recomputed from raw.
    bool readFives(qint64 id, qint64 from, qint64 to, QVector<StoredBucket>* out, QString* error)
    {
        fivesOfSamples.reset();
        fivesOfSamples.bind(1, id);
        fivesOfSamples.bind(2, from);
        fivesOfSamples.bind(3, to);
        int rc;
        while ((rc = fivesOfSamples.step()) == SQLITE_ROW) {
            out->append({fivesOfSamples.int64(0), fivesOfSamples.real(1), fivesOfSamples.real(2),
                         fivesOfSamples.real(3), fivesOfSamples.int64(4)});
        }
        if (rc != SQLITE_DONE) {
            *error = lastError();
            return false;
        }
        return true;
    }

    /// The stored packed row of series `id` at `start` into `row` (left empty when there is
    /// none). A row of the wrong size is not trusted: it is made again from raw.
    bool readRow(Stmt& get, const packedrollup::Layout& layout, qint64 id, qint64 start,
                 packedrollup::Row* row, QString* error)
    {
        get.reset();
        get.bind(1, id);
        get.bind(2, start);
        const int rc = get.step();
        if (rc == SQLITE_DONE)
            return true;
        if (rc != SQLITE_ROW) {
            *error = lastError();
            return false;
        }
        sqlite3_stmt* st = get.get();
        const bool decoded = packedrollup::decode(layout, sqlite3_column_blob(st, 0),
                                                  sqlite3_column_bytes(st, 0), start, row);
        get.reset(); // no read cursor left open on the table the row is written back to
        if (decoded)
            return true;
        QVector<StoredBucket> fives;
        if (!readFives(id, start, start + layout.span, &fives, error))
            return false;
        for (const StoredBucket& f : std::as_const(fives)) {
            const qint64 bucket = f.ts - f.ts % layout.bucket;
            StoredBucket& slot = (*row)[std::size_t(layout.slotOf(bucket, start))];
            if (slot.count == 0) {
                slot = {bucket, f.min, f.max, 0, 0};
            }
            slot.min = std::min(slot.min, f.min);
            slot.max = std::max(slot.max, f.max);
            slot.sum += f.sum;
            slot.count += f.count;
        }
        return true;
    }

    bool putRow(Stmt& put, const packedrollup::Layout& layout, qint64 id, qint64 start,
                const packedrollup::Row& row, QString* error)
    {
        const QByteArray blob = packedrollup::encode(layout, row);
        put.reset();
        put.bind(1, id);
        put.bind(2, start);
        sqlite3_bind_blob(put.get(), 3, blob.constData(), int(blob.size()), SQLITE_STATIC);
        const bool ok = put.step() == SQLITE_DONE;
        if (!ok)
            *error = lastError();
        put.reset();
        return ok;
    }

    /// Brings the rollups a series' batch touched up to date. A 5-minute bucket whose every
    /// minute is in the batch holds exactly those values now (upsert replaced the rest), so it
    /// is computed here; any other touched bucket is recomputed from raw. Each touched hour's
    /// packed row is then patched (or written outright when the batch filled it), and the
    /// hour's current buckets give its hourly bucket and its touched 15-minute buckets exactly.
    bool updateRollups(qint64 id, const QVector<Sample>& samples, QString* error)
    {
        using namespace packedrollup;
        QVector<std::pair<qint64, double>>& minutes = scratchMinutes;
        minutes.clear();
        minutes.reserve(samples.size());
        for (const Sample& smp : samples)
            minutes.append({floorTo(smp.ts, 60), smp.value});
        const auto byTs = [](const auto& x, const auto& y) { return x.first < y.first; };
        if (!std::is_sorted(minutes.begin(), minutes.end(), byTs))
            std::stable_sort(minutes.begin(), minutes.end(), byTs);

        QVector<StoredBucket>& fives = scratchFives;
        fives.clear();
        QVector<qint64> partial;
        for (qsizetype i = 0; i < minutes.size();) {
            const qint64 bucket = minutes[i].first - minutes[i].first % 300;
            StoredBucket agg{bucket, std::numeric_limits<double>::infinity(),
                             -std::numeric_limits<double>::infinity(), 0, 0};
            while (i < minutes.size() && minutes[i].first < bucket + 300) {
                // The last write of a minute is the one stored.
                while (i + 1 < minutes.size() && minutes[i + 1].first == minutes[i].first)
                    ++i;
                const double v = minutes[i].second;
                agg.min = std::min(agg.min, v);
                agg.max = std::max(agg.max, v);
                agg.sum += v;
                ++agg.count;
                ++i;
            }
            if (agg.count == 5)
                fives.append(agg);
            else
                partial.append(bucket);
        }
        if (!partial.isEmpty()) {
            if (!forEachRun(partial, 300, [&](qint64 from, qint64 to) {
                    return readFives(id, from, to, &fives, error);
                }))
                return false;
            std::sort(fives.begin(), fives.end(),
                      [](const StoredBucket& a, const StoredBucket& b) { return a.ts < b.ts; });
        }

        // Hours: one packed 5-minute row each, and the hourly bucket.
        QVector<Row>& hourRows = scratchRows;
        if (!patchRows(kFiveMinutes, get5mRow, put5mRow, id, fives, &hourRows, error))
            return false;
        QVector<StoredBucket>& hours = scratchWhole;
        hours.clear();
        for (const Row& row : std::as_const(hourRows))
            hours.append(combine(row, 0, kFiveMinutes.slotCount()));
        if (!putBuckets(put1hChunk, put1h, id, hours, error))
            return false;

        // 15-minute buckets touched, each from its hour's current 5-minute buckets.
        QVector<StoredBucket>& quarters = scratchQuarters;
        quarters.clear();
        constexpr int kFivesPerQuarter = int(kFifteenMinutes.bucket / kFiveMinutes.bucket);
        qsizetype hour = 0;
        for (const StoredBucket& f : std::as_const(fives)) {
            const qint64 quarter = f.ts - f.ts % kFifteenMinutes.bucket;
            if (!quarters.isEmpty() && quarters.constLast().ts == quarter)
                continue;
            while (hourRows[hour][0].ts + kFiveMinutes.span <= quarter)
                ++hour;
            const Row& row = hourRows[hour];
            quarters.append(
                combine(row, kFiveMinutes.slotOf(quarter, row[0].ts), kFivesPerQuarter));
        }
        return patchRows(kFifteenMinutes, get15mRow, put15mRow, id, quarters, nullptr, error);
    }

    /// Writes the packed rows of `layout` that `buckets` (exact, sorted by time) touch: a row the
    /// buckets fill is written outright, any other is read, patched and written back. `written`
    /// (when given) receives the rows as written, in time order.
    bool patchRows(const packedrollup::Layout& layout, Stmt& get, Stmt& put, qint64 id,
                   const QVector<StoredBucket>& buckets, QVector<packedrollup::Row>* written,
                   QString* error)
    {
        if (written)
            written->clear();
        for (qsizetype i = 0; i < buckets.size();) {
            const qint64 start = layout.rowStart(buckets[i].ts);
            qsizetype end = i;
            while (end < buckets.size() && buckets[end].ts < start + layout.span)
                ++end;
            packedrollup::Row row = packedrollup::emptyRow(layout, start);
            if (end - i < layout.slotCount() && !readRow(get, layout, id, start, &row, error))
                return false;
            for (qsizetype k = i; k < end; ++k)
                row[std::size_t(layout.slotOf(buckets[k].ts, start))] = buckets[k];
            if (!putRow(put, layout, id, start, row, error))
                return false;
            if (written)
                written->append(row);
            i = end;
        }
        return true;
    }

    /// Rewrites `table` (a packed rollup) from `select`'s rows: series_id, bucket start, min,
    /// max, sum, count, sorted by series and time. For rebuilds and migrations, inside the
    /// caller's transaction.
    bool fillPacked(const char* table, const packedrollup::Layout& layout, const QString& select,
                    QString* error)
    {
        using namespace packedrollup;
        const QByteArray name(table);
        Stmt sel, put;
        if (!exec(("DELETE FROM " + name).constData(), error))
            return false;
        if (!sel.prepare(db, select.toUtf8().constData()) ||
            !put.prepare(db, ("INSERT OR REPLACE INTO " + name +
                              "(series_id, start, buckets) VALUES(?1, ?2, ?3)")
                                 .constData())) {
            *error = lastError();
            return false;
        }
        qint64 id = -1;
        Row row = emptyRow(layout, 0);
        bool pending = false;
        int rc;
        while ((rc = sel.step()) == SQLITE_ROW) {
            const qint64 seriesId = sel.int64(0);
            const qint64 bucket = sel.int64(1);
            const qint64 start = layout.rowStart(bucket);
            if (pending && (seriesId != id || start != row[0].ts)) {
                if (!putRow(put, layout, id, row[0].ts, row, error))
                    return false;
                pending = false;
            }
            if (!pending) {
                id = seriesId;
                row = emptyRow(layout, start);
                pending = true;
            }
            row[std::size_t(layout.slotOf(bucket, start))] = {bucket, sel.real(2), sel.real(3),
                                                              sel.real(4), sel.int64(5)};
        }
        if (rc != SQLITE_DONE) {
            *error = lastError();
            return false;
        }
        return !pending || putRow(put, layout, id, row[0].ts, row, error);
    }

    bool validSample(const SeriesKey& key, const Sample& sample, QString* error) const
    {
        if (!std::isfinite(sample.value)) {
            *error = QStringLiteral("the value of %1 at %2 is not a finite number (%3)")
                         .arg(key.metric, formatIsoUtc(sample.ts))
                         .arg(sample.value);
            return false;
        }
        if (sample.ts < 0) {
            *error = QStringLiteral("a sample of %1 has a time before 1970 (%2)")
                         .arg(key.metric)
                         .arg(sample.ts);
            return false;
        }
        return true;
    }

    /// Upserts one series' samples: kInsertChunk rows per statement, then one by one.
    bool insertSamples(qint64 id, const SeriesKey& key, const QVector<Sample>& samples,
                       qsizetype* written, QString* error)
    {
        const Sample* p = samples.constData();
        const qsizetype n = samples.size();
        qsizetype i = 0;
        sqlite3_stmt* multi = insertSampleChunk.get();
        sqlite3_bind_int64(multi, 1, id);
        for (; i + kInsertChunk <= n; i += kInsertChunk) {
            for (int k = 0; k < kInsertChunk; ++k) {
                const Sample& smp = p[i + k];
                if (!validSample(key, smp, error))
                    return false;
                sqlite3_bind_int64(multi, 2 + 2 * k, floorTo(smp.ts, 60));
                sqlite3_bind_double(multi, 3 + 2 * k, smp.value);
            }
            const bool ok = sqlite3_step(multi) == SQLITE_DONE;
            sqlite3_reset(multi);
            if (!ok) {
                *error = lastError();
                return false;
            }
            *written += kInsertChunk;
        }
        sqlite3_stmt* st = insertSample.get();
        sqlite3_bind_int64(st, 1, id);
        for (; i < n; ++i) {
            if (!validSample(key, p[i], error))
                return false;
            sqlite3_bind_int64(st, 2, floorTo(p[i].ts, 60));
            sqlite3_bind_double(st, 3, p[i].value);
            const bool ok = sqlite3_step(st) == SQLITE_DONE;
            sqlite3_reset(st);
            if (!ok) {
                *error = lastError();
                return false;
            }
            ++*written;
        }
        return true;
    }

    bool writeInTransaction(const PollBatch& batch, qsizetype* written, QString* error)
    {
        for (const SeriesSamples& s : batch.series) {
            SeriesKey key = s.key;
            if (key.source.isEmpty())
                key.source = batch.source;
            qint64 id = 0;
            if (!seriesId(key, s.unit, &id, error))
                return false;
            if (!insertSamples(id, key, s.samples, written, error))
                return false;
            if (settings.maintainRollups && !updateRollups(id, s.samples, error))
                return false;
        }
        return true;
    }

    bool insertGapRow(const GapMarker& gap)
    {
        insertGap.reset();
        insertGap.bind(1, gap.source);
        insertGap.bind(2, gap.window.from);
        insertGap.bind(3, gap.window.to);
        insertGap.bind(4, gap.reason);
        insertGap.bind(5, gap.recordedAt > 0 ? gap.recordedAt : nowUtc());
        insertGap.bind(6, gap.metric);
        const bool ok = insertGap.step() == SQLITE_DONE;
        insertGap.reset();
        return ok;
    }

    QVector<qint64> seriesIdsOf(const QString& source)
    {
        QVector<qint64> ids;
        Stmt s;
        if (!s.prepare(db, "SELECT id FROM series WHERE ?1 = '' OR source = ?1 ORDER BY id"))
            return ids;
        s.bind(1, source);
        while (s.step() == SQLITE_ROW)
            ids.append(s.int64(0));
        return ids;
    }

    OpenReport openFile(const QString& file, const StoreSettings& s);
    bool configureAndMigrate(OpenReport* r, bool* created);
};

namespace {

bool looksLikeSqlite(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return true; // unreadable is not "corrupt": let SQLite report the real reason
    static const QByteArray magic("SQLite format 3\0", 16);
    return f.read(16) == magic;
}

/// Moves a database and its -wal/-shm (and damage marker) aside; returns the new main path or empty
/// (and `error`).
QString moveAside(const QString& path, QString* error)
{
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = path + QStringLiteral(".corrupt-") + stamp;
    for (int n = 2; QFileInfo::exists(target) || QFileInfo::exists(target + QLatin1String("-wal"));
         ++n)
        target = path + QStringLiteral(".corrupt-") + stamp + QLatin1Char('-') + QString::number(n);
    for (const QLatin1String suffix : {QLatin1String(""), QLatin1String("-wal"),
                                       QLatin1String("-shm"), QLatin1String(".damaged")}) {
        const QString from = path + suffix;
        if (!QFileInfo::exists(from))
            continue;
        if (!QFile::rename(from, target + suffix)) {
            *error = QStringLiteral("could not move %1 to %2").arg(from, target + suffix);
            return {};
        }
    }
    return target;
}

} // namespace

void StoreDatabase::Private::markDamaged(const QString& message)
{
    if (!db || damaged)
        return;
    damaged = true;
    // Keep the file as found for the move aside: no checkpoint copies the WAL into it.
    sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
    sqlite3_wal_autocheckpoint(db, 0); // also drops walHook()
    checkpointer.disable();
    QFile marker(StoreDatabase::damageMarkerPath(path));
    if (marker.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        marker.write(
            QStringLiteral("%1\nFound at %2.\n").arg(message, formatIsoUtc(nowUtc())).toUtf8());
    }
    if (onDamaged)
        onDamaged(message);
}

bool StoreDatabase::Private::configureAndMigrate(OpenReport* r, bool* created)
{
    QString error;
    for (const QString& pragma : StoreDatabase::connectionPragmas()) {
        if (!exec(pragma.toUtf8().constData(), &error)) {
            r->message =
                QStringLiteral("Could not configure the history database %1: %2.").arg(path, error);
            return false;
        }
    }
    int rc = SQLITE_OK;
    if (scalar("PRAGMA journal_mode", &rc).compare(QLatin1String("wal"), Qt::CaseInsensitive)) {
        r->message = QStringLiteral("Could not switch the history database %1 to WAL mode "
                                    "(is it on a network file system?).")
                         .arg(path);
        return false;
    }
    int version = scalar("PRAGMA user_version", &rc).toInt();
    const int objects = scalar("SELECT count(*) FROM sqlite_master", &rc).toInt();
    if (version == 0 && objects > 0) {
        r->message = QStringLiteral("%1 is an SQLite database but not an Inferscope history "
                                    "database. Nothing was changed; choose another file.")
                         .arg(path);
        return false;
    }
    *created = version == 0;
    if (version < StoreDatabase::SchemaVersion) {
        if (!exec("BEGIN IMMEDIATE", &error)) {
            r->message = QStringLiteral("Could not open %1 for writing: %2.").arg(path, error);
            return false;
        }
        bool ok = true;
        if (version == 0) {
            for (const QString& sql : StoreDatabase::schemaStatements())
                ok = ok && exec(sql.toUtf8().constData(), &error);
        } else if (version >= 1 && version <= 4) {
            if (version == 1) {
                for (const char* sql : kMigrate1to2)
                    ok = ok && exec(sql, &error);
                ok = ok && exec(kRebuild5mV2, &error) && exec(kRebuild1hV2, &error);
            }
            if (version <= 2) {
                // 2 -> 3: the playground's run history.
                for (const QString& sql : StoreRuns::schemaStatements())
                    ok = ok && exec(sql.toUtf8().constData(), &error);
            }
            // 3 -> 4: the deployments' upgrade option, unless the table has it already (a
            // current file whose version was rewound).
            const bool hasUpgradeOption =
                scalar("SELECT count(*) FROM pragma_table_info('deployments') WHERE name = "
                       "'upgrade_option'",
                       &rc)
                    .toInt() > 0;
            if (!hasUpgradeOption) {
                for (const char* sql : kMigrate3to4)
                    ok = ok && exec(sql, &error);
            }
            // 4 -> 5: the 5-minute rollup packed an hour per row, and the 15-minute rollup made
            // from it (unless it is packed already: a current file whose version was rewound).
            const bool rowPerBucket =
                scalar("SELECT count(*) FROM pragma_table_info('rollup_5m') WHERE name = 'ts'", &rc)
                    .toInt() > 0;
            if (rowPerBucket) {
                ok = ok && exec("ALTER TABLE rollup_5m RENAME TO rollup_5m_v4", &error) &&
                     exec(kCreateRollup5m, &error) && exec(kCreateRollup15m, &error) &&
                     fillPacked("rollup_5m", packedrollup::kFiveMinutes,
                                QStringLiteral("SELECT series_id, ts, min, max, sum, count FROM "
                                               "rollup_5m_v4 ORDER BY 1, 2"),
                                &error) &&
                     fillPacked("rollup_15m", packedrollup::kFifteenMinutes,
                                QStringLiteral("SELECT series_id, ts - ts % 900, min(min), "
                                               "max(max), sum(sum), sum(count) FROM rollup_5m_v4 "
                                               "GROUP BY 1, 2 ORDER BY 1, 2"),
                                &error) &&
                     exec("DROP TABLE rollup_5m_v4", &error);
            } else {
                ok = ok && exec(kCreateRollup15m, &error);
            }
        } else {
            ok = false;
            error = QStringLiteral("schema %1 is unknown").arg(version);
        }
        const QByteArray setVersion =
            "PRAGMA user_version = " + QByteArray::number(StoreDatabase::SchemaVersion);
        ok = ok && exec(setVersion.constData(), &error);
        ok = ok && exec("INSERT OR REPLACE INTO meta(key, value) VALUES('written_by', "
                        "'Inferscope " INFERSCOPE_VERSION "')",
                        &error);
        if (!ok || !exec("COMMIT", &error)) {
            exec("ROLLBACK");
            r->message = QStringLiteral("Could not upgrade the history database %1 from schema "
                                        "%2 to %3: %4. Nothing was changed.")
                             .arg(path)
                             .arg(version)
                             .arg(StoreDatabase::SchemaVersion)
                             .arg(error);
            return false;
        }
        version = StoreDatabase::SchemaVersion;
    }
    // Gaps of one metric (a partial poll): files of every schema may lack the column; older
    // versions read past it, so the schema version stays.
    if (scalar("SELECT count(*) FROM pragma_table_info('gaps') WHERE name = 'metric'", &rc)
                .toInt() == 0 &&
        !exec("ALTER TABLE gaps ADD COLUMN metric TEXT NOT NULL DEFAULT ''", &error)) {
        r->message = QStringLiteral("Could not upgrade the history database %1: %2. Nothing was "
                                    "changed.")
                         .arg(path, error);
        return false;
    }
    r->schemaVersion = version;
    // Checkpoints run beside the writer from now on (walHook()) instead of inside its commits.
    checkpointer.enable();
    sqlite3_wal_hook(db, &Private::walHook, this);
    if (!prepareStatements()) {
        r->message =
            QStringLiteral("The history database %1 is not usable: %2.").arg(path, lastError());
        return false;
    }
    return true;
}

StoreDatabase::StoreDatabase() : d(std::make_unique<Private>()) {}

StoreDatabase::~StoreDatabase()
{
    close();
}

QStringList StoreDatabase::schemaStatements()
{
    QStringList out;
    for (const char* sql :
         {kCreateMeta, kCreateSeries, kCreateSeriesIndex, kCreateSamples, kCreateRollup5m,
          kCreateRollup15m, kCreateRollup1h, kCreateGaps, kCreateGapsIndex, kCreateDeployments})
        out.append(qs(sql));
    out.append(StoreRuns::schemaStatements());
    return out;
}

QStringList StoreDatabase::connectionPragmas()
{
    // NORMAL is durable across application crashes in WAL mode; only power loss can cost the
    // last commits, which the next poll re-fetches anyway.
    return {
        QStringLiteral("PRAGMA journal_mode = WAL"), QStringLiteral("PRAGMA synchronous = NORMAL"),
        QStringLiteral("PRAGMA busy_timeout = 5000"), QStringLiteral("PRAGMA temp_store = MEMORY"),
        QStringLiteral("PRAGMA cache_size = -16384"),
        // Chart queries read thousands of scattered rollup pages: mapped, not one pread each.
        QStringLiteral("PRAGMA mmap_size = 268435456")};
}

QString StoreDatabase::damageMessage(const QString& reason)
{
    return QStringLiteral("The history database is damaged (%1). Inferscope keeps showing what "
                          "it can read; at the next start the file is moved aside with its "
                          "-wal/-shm and a new one is created. Nothing is deleted.")
        .arg(reason);
}

QString StoreDatabase::damageMarkerPath(const QString& path)
{
    return path + QLatin1String(".damaged");
}

IntegrityReport StoreDatabase::quickCheck(const QString& path, const std::atomic_bool* cancel)
{
    IntegrityReport report;
    const auto stopped = [&]() { return cancel && cancel->load(); };
    if (stopped()) {
        report.message = QStringLiteral("The integrity check was stopped before it began.");
        return report;
    }
    sqlite3* db = nullptr;
    int rc = sqlite3_open_v2(QFile::encodeName(path).constData(), &db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
    QStringList problems;
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, 5000);
        if (cancel) {
            // Polled every few thousand VM steps: stopping costs microseconds, not the scan.
            sqlite3_progress_handler(
                db, 4096,
                [](void* flag) {
                    return static_cast<const std::atomic_bool*>(flag)->load() ? 1 : 0;
                },
                const_cast<std::atomic_bool*>(cancel));
        }
        Stmt check;
        // At most 10 problems: the first ones say enough, and listing them all takes longer.
        if (!check.prepare(db, "PRAGMA quick_check(10)")) {
            rc = sqlite3_extended_errcode(db);
        } else {
            while ((rc = check.step()) == SQLITE_ROW)
                problems.append(check.text(0));
            if (rc == SQLITE_DONE)
                rc = SQLITE_OK;
        }
    }
    const QString error = db ? qs(sqlite3_errmsg(db)) : qs(sqlite3_errstr(rc));
    sqlite3_close_v2(db);

    if (isCorruptionCode(rc)) {
        report.ok = false;
        report.message = damageMessage(QStringLiteral("quick_check: %1").arg(error));
    } else if (rc == SQLITE_INTERRUPT || (rc != SQLITE_OK && stopped())) {
        report.message = QStringLiteral("The integrity check was stopped before it finished.");
    } else if (rc != SQLITE_OK) {
        report.message =
            QStringLiteral("The integrity check of the history database could not run: %1.")
                .arg(error);
    } else if (problems != QStringList{QStringLiteral("ok")}) {
        report.ok = false;
        report.message = damageMessage(
            QStringLiteral("quick_check: %1").arg(problems.mid(0, 3).join(QLatin1String("; "))));
    }
    return report;
}

void StoreDatabase::markDamaged(const QString& path, const QString& message)
{
    if (path == d->path)
        d->markDamaged(message);
}

bool StoreDatabase::isDamaged() const
{
    return d->damaged;
}

void StoreDatabase::setDamageHandler(std::function<void(const QString&)> handler)
{
    d->onDamaged = std::move(handler);
}

bool StoreDatabase::isOpen() const
{
    return d->db != nullptr;
}

void StoreDatabase::close()
{
    d->closeDb();
}

OpenReport StoreDatabase::open(const QString& path, const StoreSettings& settings)
{
    close();
    d->path = path;
    d->settings = settings;
    OpenReport r;
    r.path = path;
    r.status = OpenReport::Status::Failed;
    const QFileInfo fi(path);
    if (path.isEmpty() || !QDir().mkpath(fi.absolutePath())) {
        r.message = QStringLiteral("Could not create the folder %1 for the history database.")
                        .arg(fi.absolutePath());
        return r;
    }
    const bool existed = fi.exists() && fi.size() > 0;
    // A marker is left by damage found after an earlier open (background check or a failed
    // read or write); it is moved aside with the database.
    const QString marker = damageMarkerPath(path);
    const bool marked = QFileInfo::exists(marker);
    if (marked && !existed)
        QFile::remove(marker); // it describes a database that is gone
    bool corrupt = existed && (marked || !looksLikeSqlite(path));
    const QByteArray nativePath = QFile::encodeName(path);
    auto connect = [&]() {
        const int rc = sqlite3_open_v2(
            nativePath.constData(), &d->db,
            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc == SQLITE_OK) {
            // Until the file is known to be sound, closing must not checkpoint its WAL into it
            // (a damaged database is moved aside as found).
            sqlite3_db_config(d->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        } else {
            r.message = QStringLiteral("Could not open the history database %1: %2.")
                            .arg(path, d->db ? d->lastError() : qs(sqlite3_errstr(rc)));
            close();
        }
        return rc;
    };

    if (!corrupt) {
        const int rc = connect();
        if (rc != SQLITE_OK) {
            if (!isCorruptionCode(rc))
                return r;
            corrupt = true;
        }
    }
    if (!corrupt) {
        int rc = SQLITE_OK;
        // Reading the version writes nothing: a newer database stays byte-for-byte untouched.
        const int version = d->scalar("PRAGMA user_version", &rc).toInt();
        if (isCorruptionCode(rc)) {
            corrupt = true;
        } else if (rc != SQLITE_OK) {
            r.message = QStringLiteral("Could not read the history database %1: %2.")
                            .arg(path, d->lastError());
            close();
            return r;
        } else if (version > SchemaVersion) {
            close();
            r.status = OpenReport::Status::NewerSchema;
            r.schemaVersion = version;
            r.message = QStringLiteral("This database was written by a newer Inferscope (schema "
                                       "%1; this build reads up to %2). Nothing was changed.")
                            .arg(version)
                            .arg(SchemaVersion);
            return r;
        } else if (existed) {
            // Cheap checks only; the full quick_check runs later beside the open database
            // (quickCheck()), since it reads the whole file.
            corrupt = isCorruptionCode(d->touchTables());
        }
    }
    if (corrupt) {
        close();
        QString error;
        const QString aside = moveAside(path, &error);
        if (aside.isEmpty()) {
            r.message = QStringLiteral("The history database %1 is damaged and %2. Nothing was "
                                       "changed; move or delete it and start again.")
                            .arg(path, error);
            return r;
        }
        r.movedAsidePath = aside;
        if (connect() != SQLITE_OK)
            return r;
    }

    sqlite3_db_config(d->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 0, nullptr);
    bool created = false;
    if (!d->configureAndMigrate(&r, &created)) {
        close();
        return r;
    }
    if (corrupt) {
        r.status = OpenReport::Status::RecoveredFromCorruption;
        r.message = QStringLiteral("The history database was damaged and could not be read. It "
                                   "was moved to %1 (with its -wal/-shm files) and a new, empty "
                                   "one was started.")
                        .arg(r.movedAsidePath);
    } else {
        r.status = created ? OpenReport::Status::Created : OpenReport::Status::Opened;
    }
    return r;
}

WriteReport StoreDatabase::write(const PollBatch& batch)
{
    WriteReport report;
    if (!d->db) {
        report.error = QStringLiteral("The history database is not open.");
        return report;
    }
    if (d->damaged) {
        report.error = damagedRefusal();
        return report;
    }
    QString error;
    qsizetype written = 0;
    d->createdInTransaction.clear();
    d->failedRc = SQLITE_OK;
    bool ok = d->exec("BEGIN IMMEDIATE", &error);
    bool corrupt = !ok && isCorruptionCode(d->failedRc);
    if (ok) {
        ok = d->writeInTransaction(batch, &written, &error) && d->exec("COMMIT", &error);
        corrupt = !ok && isCorruptionCode(d->failedRc);
        if (!ok)
            d->exec("ROLLBACK");
    }
    if (ok) {
        d->createdInTransaction.clear();
        report.ok = true;
        report.samplesWritten = written;
        return report;
    }
    for (const SeriesKey& k : std::as_const(d->createdInTransaction))
        d->seriesCache.remove(k);
    d->createdInTransaction.clear();
    if (corrupt) {
        // Nothing more goes into a damaged file, not even the gap marker.
        d->markDamaged(damageMessage(QStringLiteral("a write failed: %1").arg(error)));
        report.error = damagedRefusal();
        return report;
    }

    GapMarker gap;
    gap.source = batch.source;
    gap.window = batch.window;
    if (!gap.window.isValid()) {
        // No window given: the span of the samples that could not be stored.
        qint64 lo = std::numeric_limits<qint64>::max(), hi = std::numeric_limits<qint64>::min();
        for (const auto& s : batch.series) {
            for (const auto& smp : s.samples) {
                lo = std::min(lo, floorTo(smp.ts, 60));
                hi = std::max(hi, floorTo(smp.ts, 60) + 60);
            }
        }
        gap.window = lo < hi ? TimeRange{lo, hi} : TimeRange{};
    }
    gap.reason = QStringLiteral("Could not store the poll of %1 for %2: %3. Nothing of it was "
                                "stored.")
                     .arg(batch.source, windowText(gap.window), error);
    gap.recordedAt = nowUtc();
    d->insertGapRow(gap);
    report.error = gap.reason;
    return report;
}

void StoreDatabase::recordGap(GapMarker gap)
{
    if (d->db && !d->damaged && !d->insertGapRow(gap))
        d->noteFailure(QStringLiteral("recording a gap failed"), d->lastError());
}

bool StoreDatabase::checkpoint()
{
    if (!d->db || d->damaged)
        return false;
    d->checkpointer.waitIdle();
    int logPages = 0, copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(d->db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &logPages, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        d->noteFailure(QStringLiteral("a checkpoint failed"), d->lastError());
    return rc == SQLITE_OK && logPages == copied;
}

bool StoreDatabase::rebuildRollups(QString* error)
{
    QString e;
    if (d->damaged) {
        if (error)
            *error = damagedRefusal();
        return false;
    }
    const bool ok =
        d->db && d->exec("BEGIN IMMEDIATE", &e) && d->exec("DELETE FROM rollup_1h", &e) &&
        d->fillPacked("rollup_5m", packedrollup::kFiveMinutes,
                      QString::fromLatin1(kRawBuckets).arg(packedrollup::kFiveMinutes.bucket),
                      &e) &&
        d->fillPacked("rollup_15m", packedrollup::kFifteenMinutes,
                      QString::fromLatin1(kRawBuckets).arg(packedrollup::kFifteenMinutes.bucket),
                      &e) &&
        d->exec(kRebuild1h, &e) && d->exec("COMMIT", &e);
    if (!ok) {
        if (d->db) {
            d->noteFailure(QStringLiteral("rebuilding the rollups failed"), e);
            d->exec("ROLLBACK");
        }
        if (error)
            *error = d->db ? e : QStringLiteral("The history database is not open.");
    }
    return ok;
}

namespace {

/// Reads the packed rollup rows of one series over `range` (statement: start, buckets).
bool readPackedRows(Stmt& rows, const packedrollup::Layout& layout, qint64 seriesId,
                    const TimeRange& range, QVector<StoredBucket>* out, QString* error)
{
    const qint64 from = floorTo(range.from, layout.bucket);
    rows.reset();
    rows.bind(1, seriesId);
    rows.bind(2, layout.rowStart(from));
    rows.bind(3, range.to);
    sqlite3_stmt* st = rows.get();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const qint64 start = sqlite3_column_int64(st, 0);
        if (!packedrollup::appendBuckets(layout, sqlite3_column_blob(st, 1),
                                         sqlite3_column_bytes(st, 1), start, from, range.to, out)) {
            *error = QStringLiteral("The history database has a malformed %1-minute rollup row "
                                    "(series %2 at %3), so this range cannot be drawn at that "
                                    "resolution. Nothing was changed; the next poll that "
                                    "covers that time rewrites the row.")
                         .arg(layout.bucket / 60)
                         .arg(seriesId)
                         .arg(formatIsoUtc(start));
            return false;
        }
    }
    return rc == SQLITE_DONE;
}

} // namespace

QueryResult StoreDatabase::query(const SeriesQuery& q)
{
    QueryResult result;
    if (!d->db) {
        result.error = QStringLiteral("The history database is not open.");
        return result;
    }
    const qint64 now = q.now > 0 ? q.now : nowUtc();
    if (q.step > 0) {
        if (q.step % 60 != 0) {
            result.error = QStringLiteral("The step must be a whole number of minutes (got %1 s).")
                               .arg(q.step);
            return result;
        }
        result.step = q.step;
        result.resolution = queryengine::resolutionForStep(q.step, q.range, now, d->settings);
    } else {
        result.resolution = queryengine::chooseResolution(q.range, q.pixelWidth, now, d->settings);
        result.step = static_cast<qint64>(result.resolution);
    }
    if (!q.range.isValid())
        return result;

    Stmt sel;
    const auto readFailed = [&]() {
        const QString error = d->lastError();
        result.error = QStringLiteral("The history database could not be read: %1.").arg(error);
        d->noteFailure(QStringLiteral("a read failed"), error);
        return result;
    };
    if (!sel.prepare(d->db, "SELECT id, source, labels FROM series WHERE metric = ?1 AND "
                            "aggregation = ?2 AND (?3 = '' OR source = ?3) ORDER BY id"))
        return readFailed();
    sel.bind(1, q.metric);
    sel.bind(2, q.aggregation);
    sel.bind(3, q.source);
    struct Selected
    {
        qint64 id;
        QString source;
        QString labels;
    };
    QVector<Selected> selected;
    int selRc;
    while ((selRc = sel.step()) == SQLITE_ROW) {
        Selected s{sel.int64(0), sel.text(1), sel.text(2)};
        if (queryengine::matchesLabels(s.labels, q.labelEquals))
            selected.append(std::move(s));
    }
    if (selRc != SQLITE_DONE)
        return readFailed();

    const qint64 res = static_cast<qint64>(result.resolution);
    const bool raw = result.resolution == Resolution::Raw;
    const bool packed = result.resolution == Resolution::FiveMinutes ||
                        result.resolution == Resolution::FifteenMinutes;
    const packedrollup::Layout& layout = result.resolution == Resolution::FiveMinutes
                                             ? packedrollup::kFiveMinutes
                                             : packedrollup::kFifteenMinutes;
    const QByteArray table = rollupTable(result.resolution).toLatin1();
    const QByteArray sql =
        raw      ? QByteArray("SELECT ts, value FROM samples WHERE series_id = ?1 AND ts >= ?2 "
                                   "AND ts < ?3")
        : packed ? "SELECT start, buckets FROM " + table +
                       " WHERE series_id = ?1 AND start >= ?2 AND start < ?3"
                 : "SELECT ts, min, max, sum, count FROM " + table +
                       " WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3";
    Stmt rows;
    if (!rows.prepare(d->db, sql.constData()))
        return readFailed();
    // Buffers outlive the query: re-touching fresh pages cost more than reading the rows.
    QVector<StoredSeries>& input = d->readBuffers;
    if (input.size() < selected.size())
        input.resize(selected.size());
    const qsizetype expected =
        qsizetype(std::min<qint64>(q.range.duration() / res + 2, qint64(1) << 22));
    for (qsizetype i = 0; i < input.size(); ++i) {
        StoredSeries& series = input[i];
        series.buckets.resize(0);
        if (i >= selected.size())
            continue;
        series.source = selected[i].source;
        series.labels = selected[i].labels;
        if (packed) {
            if (!readPackedRows(rows, layout, selected[i].id, q.range, &series.buckets,
                                &result.error))
                return result.error.isEmpty() ? readFailed() : result;
            continue;
        }
        series.buckets.resize(expected);
        StoredBucket* out = series.buckets.data();
        qsizetype n = 0;
        rows.reset();
        rows.bind(1, selected[i].id);
        rows.bind(2, floorTo(q.range.from, res));
        rows.bind(3, q.range.to);
        sqlite3_stmt* st = rows.get();
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (n == series.buckets.size()) {
                series.buckets.resize(n * 2 + 16);
                out = series.buckets.data();
            }
            StoredBucket& b = out[n++];
            b.ts = sqlite3_column_int64(st, 0);
            if (raw) {
                b.min = b.max = b.sum = sqlite3_column_double(st, 1);
                b.count = 1;
            } else {
                b.min = sqlite3_column_double(st, 1);
                b.max = sqlite3_column_double(st, 2);
                b.sum = sqlite3_column_double(st, 3);
                b.count = sqlite3_column_int64(st, 4);
            }
        }
        series.buckets.resize(n);
        if (rc != SQLITE_DONE)
            return readFailed();
    }
    result.series = queryengine::assemble(q, result.step, input);
    const auto gapMarkers = gaps(q.source, q.range);
    for (const GapMarker& g : gapMarkers) {
        if (g.metric.isEmpty() || q.metric.isEmpty() || g.metric == q.metric)
            result.gaps.append(g.window); // a gap of one metric does not cut the others
    }
    return result;
}

void StoreDatabase::applyRetention(qint64 now)
{
    if (!d->db || d->damaged)
        return;
    // Whole hours only, so every remaining rollup bucket can still be recomputed from raw.
    const qint64 rawCut = floorTo(now - qint64(d->settings.rawRetentionDays) * 86400, 3600);
    const qint64 fiveCut = floorTo(now - qint64(d->settings.fiveMinuteRetentionDays) * 86400, 3600);
    Stmt delRaw, delFive, delQuarter;
    if (!delRaw.prepare(d->db, "DELETE FROM samples WHERE series_id = ?1 AND ts < ?2") ||
        !delFive.prepare(d->db, "DELETE FROM rollup_5m WHERE series_id = ?1 AND start <= ?2") ||
        // Rows wholly before the cut; one that straddles it stays until it is past.
        !delQuarter.prepare(d->db, "DELETE FROM rollup_15m WHERE series_id = ?1 AND start <= ?2"))
        return;
    const QVector<qint64> ids = d->seriesIdsOf({});
    if (!d->exec("BEGIN IMMEDIATE"))
        return;
    bool ok = true;
    for (const qint64 id : ids) {
        if (d->settings.rawRetentionDays > 0) {
            delRaw.reset();
            delRaw.bind(1, id);
            delRaw.bind(2, rawCut);
            ok = delRaw.step() == SQLITE_DONE;
        }
        if (ok && d->settings.fiveMinuteRetentionDays > 0) {
            delFive.reset();
            delFive.bind(1, id);
            delFive.bind(2, fiveCut - packedrollup::kFiveMinutes.span);
            ok = delFive.step() == SQLITE_DONE;
            delQuarter.reset();
            delQuarter.bind(1, id);
            delQuarter.bind(2, fiveCut - packedrollup::kFifteenMinutes.span);
            ok = ok && delQuarter.step() == SQLITE_DONE;
        }
        if (!ok)
            break;
    }
    QString error = ok ? QString() : d->lastError();
    if (!ok || !d->exec("COMMIT", &error)) {
        d->noteFailure(QStringLiteral("applying the retention failed"), error);
        d->exec("ROLLBACK");
    }
}

void StoreDatabase::saveDeployments(const QString& source, const Deployments& deployments)
{
    if (!d->db || d->damaged)
        return;
    QString error;
    if (!d->exec("BEGIN IMMEDIATE", &error)) {
        d->noteFailure(QStringLiteral("saving the deployments failed"), error);
        return;
    }
    Stmt del, ins;
    bool ok = del.prepare(d->db, "DELETE FROM deployments WHERE source = ?1") &&
              ins.prepare(d->db, "INSERT OR REPLACE INTO deployments(source, name, model, "
                                 "version, sku, capacity, spillover_to, state, upgrade_option) "
                                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    if (ok) {
        del.bind(1, source);
        ok = del.step() == SQLITE_DONE;
    }
    for (const Deployment& dep : deployments) {
        if (!ok)
            break;
        ins.reset();
        ins.bind(1, source);
        ins.bind(2, dep.name);
        ins.bind(3, dep.model);
        ins.bind(4, dep.version);
        ins.bind(5, dep.sku);
        ins.bind(6, dep.capacity);
        ins.bind(7, dep.spilloverTo);
        ins.bind(8, dep.state);
        ins.bind(9, dep.upgradeOption);
        ok = ins.step() == SQLITE_DONE;
    }
    if (!ok)
        error = d->lastError();
    if (!ok || !d->exec("COMMIT", &error)) {
        d->noteFailure(QStringLiteral("saving the deployments failed"), error);
        d->exec("ROLLBACK");
    }
}

Deployments StoreDatabase::deployments(const QString& source)
{
    Deployments out;
    Stmt s;
    if (!d->db ||
        !s.prepare(d->db, "SELECT source, name, model, version, sku, capacity, spillover_to, "
                          "state, upgrade_option FROM deployments WHERE ?1 = '' OR source = ?1 "
                          "ORDER BY source, name"))
        return out;
    s.bind(1, source);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        Deployment dep;
        dep.source = s.text(0);
        dep.name = s.text(1);
        dep.model = s.text(2);
        dep.version = s.text(3);
        dep.sku = s.text(4);
        dep.capacity = int(s.int64(5));
        dep.spilloverTo = s.text(6);
        dep.state = s.text(7);
        dep.upgradeOption = s.text(8);
        out.append(dep);
    }
    if (rc != SQLITE_DONE)
        d->noteFailure(QStringLiteral("a read failed"), d->lastError());
    return out;
}

SourceExtent StoreDatabase::extent(const QString& source)
{
    SourceExtent e;
    Stmt first, last;
    if (!d->db ||
        !first.prepare(d->db, "SELECT ts FROM samples WHERE series_id = ?1 ORDER BY ts LIMIT 1") ||
        !last.prepare(d->db,
                      "SELECT ts FROM samples WHERE series_id = ?1 ORDER BY ts DESC LIMIT 1"))
        return e;
    // Per series: each is one B-tree probe; a min() over a join would scan every sample.
    for (const qint64 id : d->seriesIdsOf(source)) {
        first.reset();
        first.bind(1, id);
        int rc = first.step();
        if (rc == SQLITE_ROW) {
            const qint64 ts = first.int64(0);
            e.oldest = e.oldest == 0 ? ts : std::min(e.oldest, ts);
        }
        if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
            last.reset();
            last.bind(1, id);
            rc = last.step();
            if (rc == SQLITE_ROW)
                e.newest = std::max(e.newest, last.int64(0));
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            d->noteFailure(QStringLiteral("a read failed"), d->lastError());
            break;
        }
    }
    return e;
}

QVector<GapMarker> StoreDatabase::gaps(const QString& source, const TimeRange& range)
{
    QVector<GapMarker> out;
    Stmt s;
    if (!d->db ||
        !s.prepare(d->db, "SELECT source, from_ts, to_ts, reason, recorded_at, metric FROM gaps "
                          "WHERE "
                          "(?1 = '' OR source = ?1) AND from_ts < ?3 AND to_ts > ?2 ORDER BY "
                          "from_ts, id"))
        return out;
    s.bind(1, source);
    s.bind(2, range.from);
    s.bind(3, range.to);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.append({s.text(0), {s.int64(1), s.int64(2)}, s.text(3), s.int64(4), s.text(5)});
    if (rc != SQLITE_DONE)
        d->noteFailure(QStringLiteral("a read failed"), d->lastError());
    return out;
}

RunSaveReport StoreDatabase::saveRun(const StoredRun& run)
{
    if (d->damaged)
        return {false, 0, damagedRefusal()};
    return StoreRuns::save(d->db, run);
}

QVector<StoredRun> StoreDatabase::listRuns(const RunFilter& filter)
{
    QString error;
    return StoreRuns::list(d->db, filter, &error);
}

bool StoreDatabase::setRunStarred(qint64 id, bool starred)
{
    QString error;
    return !d->damaged && StoreRuns::setStarred(d->db, id, starred, &error);
}

bool StoreDatabase::deleteRun(qint64 id)
{
    QString error;
    return !d->damaged && StoreRuns::remove(d->db, id, &error);
}

} // namespace isc
