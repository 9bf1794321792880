#include "store/sqlite/storedatabase_p.h"

#include "store/sqlite/storedocuments.h"
#include "store/sqlite/storeruns.h"

namespace isc {

using namespace storeimpl;

namespace {

/// The refusal of a write to a database that is not open or found damaged; empty when it may be
/// written.
QString unwritable(sqlite3* db, bool damaged)
{
    if (!db)
        return QStringLiteral("The history database is not open.");
    return damaged ? damagedRefusal() : QString();
}

} // namespace

WriteReport StoreDatabase::applyRetention(qint64 now)
{
    WriteReport report;
    report.error = unwritable(d->db, d->damaged);
    if (!report.error.isEmpty())
        return report;
    const auto failed = [&](const QString& error) {
        report.error = QStringLiteral("Could not apply the retention (deleting raw samples older "
                                      "than %1 days and 5- and 15-minute rollups older than %2 "
                                      "days): %3. Nothing was deleted; the next run tries again.")
                           .arg(d->settings.rawRetentionDays)
                           .arg(d->settings.fiveMinuteRetentionDays)
                           .arg(error);
        d->noteFailure(QStringLiteral("applying the retention failed"), error);
        return report;
    };
    // Whole hours only, so every remaining rollup bucket can still be recomputed from raw.
    const qint64 rawCut = floorTo(now - qint64(d->settings.rawRetentionDays) * 86400, 3600);
    const qint64 fiveCut = floorTo(now - qint64(d->settings.fiveMinuteRetentionDays) * 86400, 3600);
    Stmt delRaw, delFive, delQuarter;
    if (!delRaw.prepare(d->db, "DELETE FROM samples WHERE series_id = ?1 AND ts < ?2") ||
        !delFive.prepare(d->db, "DELETE FROM rollup_5m WHERE series_id = ?1 AND start <= ?2") ||
        // Rows wholly before the cut; one that straddles it stays until it is past.
        !delQuarter.prepare(d->db, "DELETE FROM rollup_15m WHERE series_id = ?1 AND start <= ?2"))
        return failed(d->lastError());
    const QVector<qint64> ids = d->seriesIdsOf({});
    QString error;
    if (!d->exec("BEGIN IMMEDIATE", &error))
        return failed(error);
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
    if (!ok)
        error = d->lastError();
    if (!ok || !d->exec("COMMIT", &error)) {
        failed(error);
        d->exec("ROLLBACK");
        return report;
    }
    report.ok = true;
    return report;
}

WriteReport StoreDatabase::saveDeployments(const QString& source, const Deployments& deployments)
{
    WriteReport report;
    report.error = unwritable(d->db, d->damaged);
    if (!report.error.isEmpty())
        return report;
    const auto failed = [&](const QString& error) {
        report.error = QStringLiteral("Could not store the deployments of %1: %2. The ones "
                                      "stored before stay.")
                           .arg(source, error);
        d->noteFailure(QStringLiteral("saving the deployments failed"), error);
        return report;
    };
    QString error;
    if (!d->exec("BEGIN IMMEDIATE", &error))
        return failed(error);
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
        failed(error);
        d->exec("ROLLBACK");
        return report;
    }
    report.ok = true;
    return report;
}

WriterClaim StoreDatabase::claimWriter(const QString&, const QString&)
{
    WriterClaim claim;
    claim.granted = d->db != nullptr;
    if (!claim.granted)
        claim.error = QStringLiteral("The history database is not open.");
    return claim;
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

DocumentWriteReport StoreDatabase::putDocument(const StoredDocument& doc, qint64 expectedRevision)
{
    if (d->damaged)
        return {false, false, 0, damagedRefusal()};
    return StoreDocuments::put(d->db, doc, expectedRevision);
}

DocumentRead StoreDatabase::document(DocumentScope scope, const QString& kind, const QString& key)
{
    return StoreDocuments::get(d->db, scope, kind, key);
}

DocumentList StoreDatabase::listDocuments(const QString& kind)
{
    return StoreDocuments::list(d->db, kind);
}

DocumentWriteReport StoreDatabase::removeDocument(DocumentScope scope, const QString& kind,
                                                  const QString& key)
{
    if (d->damaged)
        return {false, false, 0, damagedRefusal()};
    return StoreDocuments::remove(d->db, scope, kind, key);
}

QString StoreDatabase::documentOwner() const
{
    return StoreDocuments::localUser();
}

} // namespace isc
