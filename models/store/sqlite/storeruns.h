#pragma once

#include "store/runrecord.h"

#include <QStringList>

struct sqlite3;

namespace isc {

/// The `runs` table of the history database (schema 3): the playground's run history. Called
/// by StoreDatabase on its owner thread with its connection; stateless.
class StoreRuns
{
public:
    /// The statements creating the table and its indexes (fresh databases and the 2 -> 3
    /// migration).
    static QStringList schemaStatements();

    /// Inserts `run` (its id is ignored); a redacted run's messages and output are never
    /// written, whatever it carries.
    static RunSaveReport save(sqlite3* db, const StoredRun& run);
    /// Runs matching `filter`, newest first; `error` set when the read failed.
    static QVector<StoredRun> list(sqlite3* db, const RunFilter& filter, QString* error);
    /// False with `error` when the run does not exist or the write failed.
    static bool setStarred(sqlite3* db, qint64 id, bool starred, QString* error);
    static bool remove(sqlite3* db, qint64 id, QString* error);
};

} // namespace isc
