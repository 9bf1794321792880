#pragma once

#include "store/runrecord.h"
#include "store/storedocument.h"
#include "store/storetransfer.h"
#include "store/storetypes.h"

#include <QString>
#include <functional>
#include <memory>

namespace isc {

/// One history database behind the store's seam: SQLite (a file) or PostgreSQL (a server).
/// Synchronous; SampleStore runs it on its own thread, tests and benchmarks may drive it
/// directly. Not thread-safe. Every failure comes back in words; none throws.
class StoreBackend
{
public:
    virtual ~StoreBackend() = default;

    /// Opens (creating or migrating) the database named by `address`: a file path for SQLite,
    /// a libpq URI for PostgreSQL. Refuses a newer schema.
    virtual OpenReport open(const QString& address, const StoreSettings& settings) = 0;
    /// Closes the connection; safe to call twice.
    virtual void close() = 0;
    virtual bool isOpen() const = 0;

    /// One poll in one transaction: all of it lands or none and a gap marker says why.
    virtual WriteReport write(const PollBatch& batch) = 0;
    virtual WriteReport recordGap(GapMarker gap) = 0;
    virtual QueryResult query(const SeriesQuery& q) = 0;
    /// Drops what is older than the retention, as of `now` (s UTC).
    virtual WriteReport applyRetention(qint64 now) = 0;
    virtual WriteReport saveDeployments(const QString& source, const Deployments& deployments) = 0;
    virtual Deployments deployments(const QString& source) = 0;
    virtual SourceExtent extent(const QString& source) = 0;
    virtual QVector<GapMarker> gaps(const QString& source, const TimeRange& range) = 0;

    /// The playground's run history.
    virtual RunSaveReport saveRun(const StoredRun& run) = 0;
    virtual QVector<StoredRun> listRuns(const RunFilter& filter) = 0;
    virtual bool setRunStarred(qint64 id, bool starred) = 0;
    virtual bool deleteRun(qint64 id) = 0;

    /// Small JSON documents by (scope, kind, key) (store/storedocument.h). Upserts `doc` (its
    /// revision and owner are ignored; updatedAtMs 0 means now) when the stored revision is
    /// `expectedRevision` (0: none stored yet; kAnyRevision: whatever is stored); otherwise
    /// nothing changes and the report is stale. PostgreSQL refuses a Shared write from a user
    /// other than the schema's owner.
    virtual DocumentWriteReport putDocument(const StoredDocument& doc,
                                            qint64 expectedRevision = kAnyRevision) = 0;
    /// One document of this user (User) or of everyone (Shared).
    virtual DocumentRead document(DocumentScope scope, const QString& kind, const QString& key) = 0;
    /// This user's documents of `kind` and the shared ones.
    virtual DocumentList listDocuments(const QString& kind) = 0;
    /// Deletes one; not ok (and nothing changes) when there is none.
    virtual DocumentWriteReport removeDocument(DocumentScope scope, const QString& kind,
                                               const QString& key) = 0;
    /// Whom User documents belong to: PostgreSQL's session_user, the local account on SQLite.
    virtual QString documentOwner() const = 0;

    /// Claims the writer role of `source` for this connection, naming itself `holder`
    /// ("HOST (pid N)"). A file has one user: SQLite always grants it. A server grants it to one
    /// connection at a time (PostgreSQL: an advisory lock, released when that connection ends);
    /// the others stand by and claim again.
    virtual WriterClaim claimWriter(const QString& source, const QString& holder) = 0;

    /// Makes everything written so far durable in the main database (SQLite's WAL copy);
    /// false when part of it was held back.
    virtual bool checkpoint() = 0;

    /// Moving a history (StoreMigration): up to `limit` rows of `table` after `after`, in the
    /// cursor's order, as stored (rollups too, never recomputed). PostgreSQL exports only the
    /// connecting user's runs, the ones listRuns() shows.
    virtual TableChunk exportRows(StoreTable table, const RowCursor& after, int limit) = 0;
    /// Writes `chunk` (its series ids already this database's) and sets meta `markerKey` to
    /// `markerValue`, in one transaction: all of it lands or none. Keyed rows are upserted; gaps
    /// and runs get new ids (the marker is what keeps a resumed copy from adding them twice).
    /// Never recomputes rollups: the chunk's rollup buckets are stored as they come.
    virtual ImportReport importRows(const TableChunk& chunk, const QString& markerKey,
                                    const QString& markerValue) = 0;
    /// The rows of `table` and its totals (see TableTotals), for verification.
    virtual TableTotals tableTotals(StoreTable table) = 0;
    /// The samples' count and sum per series that has any.
    virtual QVector<SeriesTotals> sampleTotalsBySeries(QString* error) = 0;
    /// A value of the meta table; empty when absent.
    virtual QString metaValue(const QString& key) = 0;

    /// Called on the owner thread with the user's message when damage is first found.
    virtual void setDamageHandler(std::function<void(const QString& message)> handler) = 0;
    /// Called on the owner thread with a passing notice ("Waiting for the database ...").
    virtual void setNoticeHandler(std::function<void(const QString& message)> handler) = 0;
    /// Called on the owner thread when another connection stored a poll of `source` over
    /// `window` (a shared database: PostgreSQL's NOTIFY). Never for this connection's writes.
    virtual void setRemoteWriteHandler(
        std::function<void(const QString& source, const TimeRange& window)> handler) = 0;
};

/// The backend that serves `address`: PostgreSQL for postgresql:// and postgres:// URIs,
/// SQLite for anything else (which refuses any other scheme:// address in open()).
std::unique_ptr<StoreBackend> makeStoreBackend(const QString& address);

/// True when `a` and `b` are served by the same kind of backend.
bool sameBackendKind(const QString& a, const QString& b);

/// True for a postgresql:// or postgres:// address.
bool isPostgresAddress(const QString& address);

/// `address` fit for a message or a log: a URI without its password and query secrets.
QString displayAddress(const QString& address);

/// True when the server address `address` carries a password (refused everywhere).
bool addressHoldsPassword(const QString& address);

/// The keychain entry holding the password of the server database `address`
/// ("postgresql://USER@HOST:PORT/DBNAME", libpq's defaults filled in); empty for a file.
QString databaseSecretName(const QString& address);

} // namespace isc
