#include "store/sqlite/storedocuments.h"

#include "store/sqlite/storesqlite.h"

#include <QDateTime>
#include <sqlite3.h>

namespace isc {

using namespace storeimpl;

namespace {

const char* const kCreateDocuments =
    "CREATE TABLE IF NOT EXISTS documents(scope TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT "
    "NULL, body TEXT NOT NULL, revision INTEGER NOT NULL, updated_at INTEGER NOT NULL, "
    "PRIMARY KEY(scope, kind, key)) WITHOUT ROWID";

QString errorOf(sqlite3* db)
{
    return QString::fromUtf8(sqlite3_errmsg(db));
}

StoredDocument documentAt(const Stmt& s)
{
    StoredDocument doc;
    doc.scope = s.text(0) == QLatin1String("shared") ? DocumentScope::Shared : DocumentScope::User;
    doc.kind = s.text(1);
    doc.key = s.text(2);
    doc.json = s.text(3);
    doc.revision = s.int64(4);
    doc.updatedAtMs = s.int64(5);
    if (doc.scope == DocumentScope::User)
        doc.owner = StoreDocuments::localUser();
    return doc;
}

} // namespace

QStringList StoreDocuments::schemaStatements()
{
    return {QString::fromUtf8(kCreateDocuments)};
}

QString StoreDocuments::localUser()
{
    for (const char* name : {"USER", "LOGNAME", "USERNAME"}) {
        const QString user = qEnvironmentVariable(name);
        if (!user.isEmpty())
            return user;
    }
    return QStringLiteral("this computer's user");
}

DocumentWriteReport StoreDocuments::put(sqlite3* db, const StoredDocument& doc,
                                        qint64 expectedRevision)
{
    DocumentWriteReport r;
    if (!db) {
        r.error = notOpen();
        return r;
    }
    const auto failed = [&](const QString& why) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        r.error = QStringLiteral("Could not save the %1 \"%2\": %3.").arg(doc.kind, doc.key, why);
        return r;
    };
    // IMMEDIATE: the revision read and the write are one step for every other connection.
    if (sqlite3_exec(db, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr) != SQLITE_OK) {
        r.error =
            QStringLiteral("Could not save the %1 \"%2\": %3.").arg(doc.kind, doc.key, errorOf(db));
        return r;
    }
    const QString scope = documentScopeName(doc.scope);
    Stmt read;
    if (!read.prepare(db, "SELECT revision FROM documents WHERE scope = ?1 AND kind = ?2 AND "
                          "key = ?3"))
        return failed(errorOf(db));
    read.bind(1, scope);
    read.bind(2, doc.kind);
    read.bind(3, doc.key);
    const int rc = read.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return failed(errorOf(db));
    const qint64 stored = rc == SQLITE_ROW ? read.int64(0) : 0;
    read.finalize();
    if (expectedRevision != kAnyRevision && expectedRevision != stored) {
        sqlite3_exec(db, "ROLLBACK", nullptr, nullptr, nullptr);
        r.stale = true;
        r.revision = stored;
        r.error = staleDocumentMessage(doc.kind, doc.key, expectedRevision, stored);
        return r;
    }
    Stmt write;
    if (!write.prepare(db, "INSERT OR REPLACE INTO documents(scope, kind, key, body, revision, "
                           "updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)"))
        return failed(errorOf(db));
    write.bind(1, scope);
    write.bind(2, doc.kind);
    write.bind(3, doc.key);
    write.bind(4, doc.json);
    write.bind(5, stored + 1);
    write.bind(6, doc.updatedAtMs > 0 ? doc.updatedAtMs : QDateTime::currentMSecsSinceEpoch());
    if (write.step() != SQLITE_DONE)
        return failed(errorOf(db));
    write.finalize();
    if (sqlite3_exec(db, "COMMIT", nullptr, nullptr, nullptr) != SQLITE_OK)
        return failed(errorOf(db));
    r.ok = true;
    r.revision = stored + 1;
    return r;
}

DocumentRead StoreDocuments::get(sqlite3* db, DocumentScope scope, const QString& kind,
                                 const QString& key)
{
    DocumentRead r;
    Stmt s;
    if (!db || !s.prepare(db, "SELECT scope, kind, key, body, revision, updated_at FROM "
                              "documents WHERE scope = ?1 AND kind = ?2 AND key = ?3")) {
        r.error =
            db ? QStringLiteral("Could not read the %1 \"%2\": %3.").arg(kind, key, errorOf(db))
               : notOpen();
        return r;
    }
    s.bind(1, documentScopeName(scope));
    s.bind(2, kind);
    s.bind(3, key);
    const int rc = s.step();
    if (rc == SQLITE_ROW) {
        r.found = true;
        r.document = documentAt(s);
    } else if (rc != SQLITE_DONE) {
        r.error = QStringLiteral("Could not read the %1 \"%2\": %3.").arg(kind, key, errorOf(db));
    }
    return r;
}

DocumentList StoreDocuments::list(sqlite3* db, const QString& kind)
{
    DocumentList out;
    Stmt s;
    // The user's own first, then the shared ones.
    if (!db || !s.prepare(db, "SELECT scope, kind, key, body, revision, updated_at FROM "
                              "documents WHERE kind = ?1 ORDER BY scope = 'shared', key")) {
        out.error =
            db ? QStringLiteral("Could not read the %1 documents: %2.").arg(kind, errorOf(db))
               : notOpen();
        return out;
    }
    s.bind(1, kind);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.documents.append(documentAt(s));
    if (rc != SQLITE_DONE)
        out.error = QStringLiteral("Could not read the %1 documents: %2.").arg(kind, errorOf(db));
    return out;
}

DocumentWriteReport StoreDocuments::remove(sqlite3* db, DocumentScope scope, const QString& kind,
                                           const QString& key)
{
    DocumentWriteReport r;
    Stmt s;
    if (!db || !s.prepare(db, "DELETE FROM documents WHERE scope = ?1 AND kind = ?2 AND key = "
                              "?3")) {
        r.error =
            db ? QStringLiteral("Could not delete the %1 \"%2\": %3.").arg(kind, key, errorOf(db))
               : notOpen();
        return r;
    }
    s.bind(1, documentScopeName(scope));
    s.bind(2, kind);
    s.bind(3, key);
    if (s.step() != SQLITE_DONE) {
        r.error = QStringLiteral("Could not delete the %1 \"%2\": %3.").arg(kind, key, errorOf(db));
        return r;
    }
    if (sqlite3_changes(db) == 0) {
        r.error = QStringLiteral("There is no %1 \"%2\" to delete.").arg(kind, key);
        return r;
    }
    r.ok = true;
    return r;
}

} // namespace isc
