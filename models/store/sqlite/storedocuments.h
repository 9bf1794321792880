#pragma once

#include "store/storedocument.h"

#include <QStringList>

struct sqlite3;

namespace isc {

/// The `documents` table of the history database (schema 6): small JSON documents by (scope,
/// kind, key). A file has one user, so User documents are simply that user's. Called by
/// StoreDatabase on its owner thread with its connection; stateless.
class StoreDocuments
{
public:
    /// The statements creating the table (fresh databases and the 5 -> 6 migration).
    static QStringList schemaStatements();
    /// The local account's name, whom a file's User documents belong to.
    static QString localUser();

    /// Upserts `doc` in one transaction when its stored revision is `expectedRevision`.
    static DocumentWriteReport put(sqlite3* db, const StoredDocument& doc, qint64 expectedRevision);
    static DocumentRead get(sqlite3* db, DocumentScope scope, const QString& kind,
                            const QString& key);
    static DocumentList list(sqlite3* db, const QString& kind);
    static DocumentWriteReport remove(sqlite3* db, DocumentScope scope, const QString& kind,
                                      const QString& key);
};

} // namespace isc
