#include "store/sqlite/storeruns.h"

#include "store/sqlite/storesqlite.h"

#include <cstdint>
#include <sqlite3.h>

namespace isc {
namespace {

const char* const kCreateRuns =
    "CREATE TABLE IF NOT EXISTS runs(id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, "
    "target TEXT NOT NULL, connection TEXT NOT NULL DEFAULT '', dialect TEXT NOT NULL DEFAULT "
    "'', url TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '', parameters TEXT NOT NULL "
    "DEFAULT '{}', messages TEXT NOT NULL DEFAULT '', output TEXT NOT NULL DEFAULT '', metrics "
    "TEXT NOT NULL DEFAULT '{}', headers TEXT NOT NULL DEFAULT '{}', error TEXT NOT NULL DEFAULT "
    "'', error_kind TEXT NOT NULL DEFAULT '', starred INTEGER NOT NULL DEFAULT 0, redacted "
    "INTEGER NOT NULL DEFAULT 0)";
const char* const kCreateRunsIndex =
    "CREATE INDEX IF NOT EXISTS runs_by_time ON runs(created_at DESC)";

/// One prepared statement, finalized on scope exit.
class Query
{
public:
    Query(sqlite3* db, const char* sql) : m_db(db)
    {
        if (sqlite3_prepare_v2(db, sql, -1, &m_stmt, nullptr) != SQLITE_OK)
            m_stmt = nullptr;
    }
    ~Query() { sqlite3_finalize(m_stmt); }
    Query(const Query&) = delete;
    Query& operator=(const Query&) = delete;

    explicit operator bool() const { return m_stmt != nullptr; }
    void bind(int i, qint64 v) { sqlite3_bind_int64(m_stmt, i, v); }
    void bind(int i, const QString& v)
    {
        const QByteArray utf8 = v.toUtf8();
        sqlite3_bind_text(m_stmt, i, utf8.constData(), int(utf8.size()),
                          reinterpret_cast<sqlite3_destructor_type>(static_cast<intptr_t>(-1)));
    }
    int step() { return sqlite3_step(m_stmt); }
    qint64 int64(int col) const { return sqlite3_column_int64(m_stmt, col); }
    QString text(int col) const
    {
        const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(m_stmt, col));
        return p ? QString::fromUtf8(p, sqlite3_column_bytes(m_stmt, col)) : QString();
    }
    QString error() const { return QString::fromUtf8(sqlite3_errmsg(m_db)); }

private:
    sqlite3* m_db;
    sqlite3_stmt* m_stmt = nullptr;
};

} // namespace

QStringList StoreRuns::schemaStatements()
{
    return {QString::fromUtf8(kCreateRuns), QString::fromUtf8(kCreateRunsIndex)};
}

RunSaveReport StoreRuns::save(sqlite3* db, const StoredRun& run)
{
    RunSaveReport r;
    if (!db) {
        r.error = storeimpl::notOpen();
        return r;
    }
    Query q(db, "INSERT INTO runs(created_at, target, connection, dialect, url, model, "
                "parameters, messages, output, metrics, headers, error, error_kind, starred, "
                "redacted) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, "
                "?15)");
    if (!q) {
        r.error = QStringLiteral("Could not store the run: %1.").arg(q.error());
        return r;
    }
    q.bind(1, run.createdAtMs);
    q.bind(2, run.target);
    q.bind(3, run.connection);
    q.bind(4, run.dialect);
    q.bind(5, run.url);
    q.bind(6, run.model);
    q.bind(7, run.parametersJson.isEmpty() ? QStringLiteral("{}") : run.parametersJson);
    // Redaction is enforced here too: whatever the caller passed, no prompt or answer text.
    q.bind(8, run.redacted ? QString() : run.messagesJson);
    q.bind(9, run.redacted ? QString() : run.output);
    q.bind(10, run.metricsJson.isEmpty() ? QStringLiteral("{}") : run.metricsJson);
    q.bind(11, run.headersJson.isEmpty() ? QStringLiteral("{}") : run.headersJson);
    q.bind(12, run.error);
    q.bind(13, run.errorKind);
    q.bind(14, qint64(run.starred ? 1 : 0));
    q.bind(15, qint64(run.redacted ? 1 : 0));
    if (q.step() != SQLITE_DONE) {
        r.error = QStringLiteral("Could not store the run: %1.").arg(q.error());
        return r;
    }
    r.ok = true;
    r.id = sqlite3_last_insert_rowid(db);
    return r;
}

QVector<StoredRun> StoreRuns::list(sqlite3* db, const RunFilter& filter, QString* error)
{
    QVector<StoredRun> out;
    if (!db) {
        *error = storeimpl::notOpen();
        return out;
    }
    Query q(db, "SELECT id, created_at, target, connection, dialect, url, model, parameters, "
                "messages, output, metrics, headers, error, error_kind, starred, redacted FROM "
                "runs WHERE (?1 = '' OR target = ?1) AND (?2 = 0 OR starred = 1) AND (?3 = '' OR "
                "target LIKE ?4 ESCAPE '\\' OR model LIKE ?4 ESCAPE '\\' OR messages LIKE ?4 "
                "ESCAPE '\\' OR output LIKE ?4 ESCAPE '\\' OR error LIKE ?4 ESCAPE '\\') ORDER BY "
                "created_at DESC, id DESC LIMIT ?5");
    if (!q) {
        *error = QStringLiteral("Could not read the run history: %1.").arg(q.error());
        return out;
    }
    q.bind(1, filter.target);
    q.bind(2, qint64(filter.starredOnly ? 1 : 0));
    q.bind(3, filter.search);
    q.bind(4, filter.likePattern());
    q.bind(5, qint64(filter.limit > 0 ? filter.limit : -1));
    int rc;
    while ((rc = q.step()) == SQLITE_ROW) {
        StoredRun run;
        run.id = q.int64(0);
        run.createdAtMs = q.int64(1);
        run.target = q.text(2);
        run.connection = q.text(3);
        run.dialect = q.text(4);
        run.url = q.text(5);
        run.model = q.text(6);
        run.parametersJson = q.text(7);
        run.messagesJson = q.text(8);
        run.output = q.text(9);
        run.metricsJson = q.text(10);
        run.headersJson = q.text(11);
        run.error = q.text(12);
        run.errorKind = q.text(13);
        run.starred = q.int64(14) != 0;
        run.redacted = q.int64(15) != 0;
        out.append(run);
    }
    if (rc != SQLITE_DONE)
        *error = QStringLiteral("Could not read the run history: %1.").arg(q.error());
    return out;
}

bool StoreRuns::setStarred(sqlite3* db, qint64 id, bool starred, QString* error)
{
    if (!db) {
        *error = storeimpl::notOpen();
        return false;
    }
    Query q(db, "UPDATE runs SET starred = ?2 WHERE id = ?1");
    q.bind(1, id);
    q.bind(2, qint64(starred ? 1 : 0));
    if (!q || q.step() != SQLITE_DONE) {
        *error = QStringLiteral("Could not star the run: %1.").arg(q.error());
        return false;
    }
    if (sqlite3_changes(db) == 0) {
        *error = QStringLiteral("There is no run %1 in the history.").arg(id);
        return false;
    }
    return true;
}

bool StoreRuns::remove(sqlite3* db, qint64 id, QString* error)
{
    if (!db) {
        *error = storeimpl::notOpen();
        return false;
    }
    Query q(db, "DELETE FROM runs WHERE id = ?1");
    q.bind(1, id);
    if (!q || q.step() != SQLITE_DONE) {
        *error = QStringLiteral("Could not delete the run: %1.").arg(q.error());
        return false;
    }
    if (sqlite3_changes(db) == 0) {
        *error = QStringLiteral("There is no run %1 in the history.").arg(id);
        return false;
    }
    return true;
}

} // namespace isc
