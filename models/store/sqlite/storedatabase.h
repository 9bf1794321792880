#pragma once

#include "store/storebackend.h"

#include <QHash>
#include <QString>
#include <atomic>
#include <functional>
#include <memory>

namespace isc {

/// The SQLite backend: the history in one file. One object holds one sqlite3 connection; not
/// thread-safe.
class StoreDatabase : public StoreBackend
{
public:
    /// The schema version this build writes; older ones are migrated on open() (2: rollups and
    /// deployments, 3: the playground's runs, 4: the deployments' upgrade option, 5: the
    /// 15-minute rollup, 6: documents).
    static constexpr int SchemaVersion = 6;

    StoreDatabase();
    ~StoreDatabase() override;
    StoreDatabase(const StoreDatabase&) = delete;
    StoreDatabase& operator=(const StoreDatabase&) = delete;

    /// See SampleStore::open().
    OpenReport open(const QString& path, const StoreSettings& settings) override;
    /// Closes the connection (checkpointing the WAL); safe to call twice.
    void close() override;
    bool isOpen() const override;

    /// See SampleStore::write(): implausible samples are refused one by one (counted in the
    /// report), the rest lands in one transaction.
    WriteReport write(const PollBatch& batch) override;
    /// The upkeep writes: each report says in words why one failed.
    WriteReport recordGap(GapMarker gap) override;
    QueryResult query(const SeriesQuery& q) override;
    WriteReport applyRetention(qint64 now) override;
    WriteReport saveDeployments(const QString& source, const Deployments& deployments) override;
    Deployments deployments(const QString& source) override;
    SourceExtent extent(const QString& source) override;
    QVector<GapMarker> gaps(const QString& source, const TimeRange& range) override;

    /// The playground's run history (storeruns.cpp); writes are refused once damaged.
    RunSaveReport saveRun(const StoredRun& run) override;
    QVector<StoredRun> listRuns(const RunFilter& filter) override;
    bool setRunStarred(qint64 id, bool starred) override;
    bool deleteRun(qint64 id) override;

    /// Documents (storedocuments.cpp): one user per file; writes are refused once damaged.
    DocumentWriteReport putDocument(const StoredDocument& doc,
                                    qint64 expectedRevision = kAnyRevision) override;
    DocumentRead document(DocumentScope scope, const QString& kind, const QString& key) override;
    DocumentList listDocuments(const QString& kind) override;
    DocumentWriteReport removeDocument(DocumentScope scope, const QString& kind,
                                       const QString& key) override;
    /// The local account's name.
    QString documentOwner() const override;

    /// Runs PRAGMA quick_check on its own read-only connection to `path`: any thread, and in WAL
    /// mode it does not block the writer. Returns early (ok, with a note) once `*cancel` is true.
    static IntegrityReport quickCheck(const QString& path,
                                      const std::atomic_bool* cancel = nullptr);
    /// The user's words for a damaged database; `reason` is the technical cause.
    static QString damageMessage(const QString& reason);
    /// The marker beside a database that makes the next open() move it aside.
    static QString damageMarkerPath(const QString& path);

    /// Records that the open database `path` is damaged (ignored for any other path): writes
    /// the marker, refuses every later write and calls the damage handler, once.
    void markDamaged(const QString& path, const QString& message);
    /// True once damage was found (markDamaged(), or SQLITE_CORRUPT from a read or write),
    /// until the next open().
    bool isDamaged() const;
    /// Called on this object's thread with the user's message when damage is first found.
    void setDamageHandler(std::function<void(const QString& message)> handler) override;
    /// Called on this object's thread with a passing notice ("Waiting for the database ...")
    /// when a wait for another connection's lock outlasts StoreSettings::busyNoticeMs.
    void setNoticeHandler(std::function<void(const QString& message)> handler) override;

    /// One user per file: always granted.
    WriterClaim claimWriter(const QString& source, const QString& holder) override;
    /// A file has no other writers to hear from: the handler is never called.
    void setRemoteWriteHandler(
        std::function<void(const QString& source, const TimeRange& window)>) override
    {}

    /// Moving a history (storetransfer.cpp): the 5- and 15-minute rollups are unpacked into
    /// buckets on export and patched into their packed rows on import.
    TableChunk exportRows(StoreTable table, const RowCursor& after, int limit) override;
    ImportReport importRows(const TableChunk& chunk, const QString& markerKey,
                            const QString& markerValue) override;
    TableTotals tableTotals(StoreTable table) override;
    QVector<SeriesTotals> sampleTotalsBySeries(QString* error) override;
    QString metaValue(const QString& key) override;

    /// Copies the whole write-ahead log into the database file and empties the log (after a bulk
    /// load, before a copy of the file); false when a reader held part of it back or on damage.
    bool checkpoint() override;

    /// Recomputes every rollup from raw samples (migrations, and after a benchmark switched
    /// maintenance off). Returns false with `error` set on failure.
    bool rebuildRollups(QString* error = nullptr);

    /// The connection's SQL statements for a fresh database of the current schema, in order
    /// (benchmarks build their baseline from the same text).
    static QStringList schemaStatements();
    /// The connection settings every database gets (WAL, synchronous=NORMAL, ...).
    static QStringList connectionPragmas();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
