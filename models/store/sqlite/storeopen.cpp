#include "store/sqlite/storedatabase_p.h"

#include "store/sqlite/walcheck.h"

#include <QDateTime>
#include <QDir>
#include <QFileInfo>
#include <algorithm>

Q_LOGGING_CATEGORY(lcStore, "inferscope.store")

namespace isc {

using namespace storeimpl;

int StoreDatabase::Private::busyHandler(void* self, int attempt)
{
    auto* p = static_cast<Private*>(self);
    if (attempt == 0) {
        p->busyClock.start();
        p->busyNoticed = false;
    }
    const qint64 waited = p->busyClock.elapsed();
    if (waited >= p->settings.busyTimeoutMs)
        return 0; // SQLite answers SQLITE_BUSY
    if (!p->busyNoticed && waited >= p->settings.busyNoticeMs) {
        p->busyNoticed = true;
        p->notice(QStringLiteral("Waiting for the database %1: another connection holds it (after "
                                 "a crash SQLite may be recovering its write-ahead log). Waiting "
                                 "up to %2 s.")
                      .arg(p->path)
                      .arg(p->settings.busyTimeoutMs / 1000.0));
    }
    sqlite3_sleep(int(std::clamp<qint64>(p->settings.busyTimeoutMs - waited, 1, 20)));
    return 1;
}

void StoreDatabase::Private::notice(const QString& message)
{
    qCWarning(lcStore, "%s", qPrintable(message));
    if (onNotice)
        onNotice(message);
}

int StoreDatabase::Private::touchTables()
{
    QVector<QByteArray> tables;
    {
        Stmt master;
        if (!master.prepare(db, "SELECT name FROM sqlite_master WHERE type = 'table'"))
            return sqlite3_extended_errcode(db);
        int rc;
        while ((rc = master.step()) == SQLITE_ROW)
            tables.append(master.text(0).replace(QLatin1Char('"'), QLatin1String("\"\"")).toUtf8());
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

void StoreDatabase::Private::closeDb()
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

namespace {

bool looksLikeSqlite(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return true; // unreadable is not "corrupt": let SQLite report the real reason
    static const QByteArray magic("SQLite format 3\0", 16);
    return f.read(16) == magic;
}

/// Keeps a copy of the write-ahead log of `path` beside it; returns the copy's path or empty.
QString keepWalCopy(const QString& path)
{
    const QString wal = path + QLatin1String("-wal");
    const QString stamp =
        QDateTime::currentDateTimeUtc().toString(QStringLiteral("yyyyMMdd-HHmmss"));
    QString target = wal + QStringLiteral(".damaged-") + stamp;
    for (int n = 2; QFileInfo::exists(target); ++n)
        target = wal + QStringLiteral(".damaged-") + stamp + QLatin1Char('-') + QString::number(n);
    return QFile::copy(wal, target) ? target : QString();
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

StoreDatabase::StoreDatabase() : d(std::make_unique<Private>()) {}

StoreDatabase::~StoreDatabase()
{
    close();
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

void StoreDatabase::setNoticeHandler(std::function<void(const QString&)> handler)
{
    d->onNotice = std::move(handler);
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
    // "scheme://…" names a server, not a file: never create a folder "postgresql:" for it.
    if (isDatabaseAddress(path)) {
        r.path = displayAddress(path);
        r.message = QStringLiteral("%1 is a %2:// address, but this build serves SQLite files "
                                   "and postgresql:// addresses only; name a file (for example "
                                   "--db ~/inferscope.sqlite) or a PostgreSQL database. Nothing "
                                   "was created.")
                        .arg(r.path, path.section(QLatin1Char(':'), 0, 0));
        return r;
    }
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
    // SQLite drops a log it cannot replay without a word and deletes it at close: keep a copy
    // first, before any connection reads (and later overwrites) it.
    QString walProblem;
    if (!corrupt) {
        walProblem = walDamage(path + QLatin1String("-wal"));
        if (!walProblem.isEmpty()) {
            r.keptWalPath = keepWalCopy(path);
            if (r.keptWalPath.isEmpty()) {
                r.message = QStringLiteral("The write-ahead log of the history database %1 is "
                                           "damaged (%2) and could not be copied aside. Nothing "
                                           "was changed; copy %1-wal somewhere safe and start "
                                           "again.")
                                .arg(path, walProblem);
                return r;
            }
        }
    }
    const QByteArray nativePath = QFile::encodeName(path);
    auto connect = [&]() {
        const int rc = sqlite3_open_v2(
            nativePath.constData(), &d->db,
            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
        if (rc == SQLITE_OK) {
            // Until the file is known to be sound, closing must not checkpoint its WAL into it
            // (a damaged database is moved aside as found).
            sqlite3_db_config(d->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
            // Another connection's lock (a restart right after a kill -9) is waited for.
            sqlite3_busy_handler(d->db, &Private::busyHandler, d.get());
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
        // Whose file it is, before anything is written to it (the switch to WAL is a write):
        // ours has a series table, or (a newer schema) says who wrote it in its meta table.
        const auto count = [&](const char* sql) {
            return rc == SQLITE_OK ? d->scalar(sql, &rc).toInt() : 0;
        };
        const int objects = count("SELECT count(*) FROM sqlite_master");
        bool ours = count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                          "'series'") > 0;
        if (!ours && count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = "
                           "'meta'") > 0) {
            ours = count("SELECT count(*) FROM meta WHERE key = 'written_by' AND value LIKE "
                         "'Inferscope %'") > 0;
        }
        if (isCorruptionCode(rc)) {
            corrupt = true;
        } else if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
            r.message = QStringLiteral("The history database %1 is in use by another program (%2) "
                                       "and stayed locked for %3 s. Nothing was changed; close "
                                       "the other program (another Inferscope or its collector) "
                                       "and start again.")
                            .arg(path, d->lastError())
                            .arg(settings.busyTimeoutMs / 1000.0);
            close();
            return r;
        } else if (rc != SQLITE_OK) {
            r.message = QStringLiteral("Could not read the history database %1: %2.")
                            .arg(path, d->lastError());
            close();
            return r;
        } else if (objects > 0 && (version == 0 || !ours)) {
            close();
            r.message = QStringLiteral("%1 is an SQLite database but not an Inferscope history "
                                       "database. Nothing was changed; choose another file.")
                            .arg(path);
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
    if (!r.keptWalPath.isEmpty()) {
        if (!r.message.isEmpty())
            r.message += QLatin1Char(' ');
        r.message += QStringLiteral("The write-ahead log of the history database was damaged "
                                    "(%1), so SQLite could not replay it: what was written since "
                                    "its last checkpoint is missing. A copy of the log was kept at "
                                    "%2; the database goes on with what it could read. Nothing is "
                                    "deleted.")
                         .arg(walProblem, r.keptWalPath);
    }
    return r;
}

} // namespace isc
