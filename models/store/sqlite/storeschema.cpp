#include "store/sqlite/storedatabase_p.h"

#include "store/sqlite/storedocuments.h"
#include "store/sqlite/storeruns.h"

namespace isc {

using namespace storeimpl;

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

} // namespace

bool StoreDatabase::Private::fillPacked(const char* table, const packedrollup::Layout& layout,
                                        const QString& select, QString* error)
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

bool StoreDatabase::Private::configureAndMigrate(OpenReport* r, bool* created)
{
    QString error;
    for (const QString& pragma : StoreDatabase::connectionPragmas()) {
        // open() installed a busy handler that waits as long and says so.
        if (pragma.startsWith(QLatin1String("PRAGMA busy_timeout")))
            continue;
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
        } else if (version >= 1 && version <= 5) {
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
            // 5 -> 6: documents (IF NOT EXISTS: a current file whose version was rewound).
            for (const QString& sql : StoreDocuments::schemaStatements())
                ok = ok && exec(sql.toUtf8().constData(), &error);
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

QStringList StoreDatabase::schemaStatements()
{
    QStringList out;
    for (const char* sql :
         {kCreateMeta, kCreateSeries, kCreateSeriesIndex, kCreateSamples, kCreateRollup5m,
          kCreateRollup15m, kCreateRollup1h, kCreateGaps, kCreateGapsIndex, kCreateDeployments})
        out.append(qs(sql));
    out.append(StoreRuns::schemaStatements());
    out.append(StoreDocuments::schemaStatements());
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

} // namespace isc
