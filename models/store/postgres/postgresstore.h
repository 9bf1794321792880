#pragma once

#include "store/storebackend.h"

#include <memory>

namespace isc {

/// The PostgreSQL backend: a team's shared history on a server, named by a libpq URI
/// (postgresql://user@host:5432/inferscope?sslmode=verify-full). Samples and the 5- and
/// 15-minute rollups live in time partitions (a day, 28 days) that retention drops whole.
/// One object holds one connection; not thread-safe.
class PostgresStore : public StoreBackend
{
public:
    /// The schema version this build writes; older ones are migrated on open().
    static constexpr int SchemaVersion = 2; ///< 2: documents
    /// The span of one partition of raw samples and of the 5-/15-minute rollups (s).
    static constexpr qint64 kRawPartition = 86400;
    static constexpr qint64 kRollupPartition = 28 * 86400;

    PostgresStore();
    ~PostgresStore() override;
    PostgresStore(const PostgresStore&) = delete;
    PostgresStore& operator=(const PostgresStore&) = delete;

    /// Connects and creates or migrates the schema. The password comes from
    /// StoreSettings::password, PGPASSWORD or ~/.pgpass; an address holding one
    /// is refused.
    OpenReport open(const QString& address, const StoreSettings& settings) override;
    void close() override;
    bool isOpen() const override;

    /// One transaction per poll; when the server went away mid-poll, the connection is reset
    /// and the whole poll sent again once before a gap marker records the failure.
    WriteReport write(const PollBatch& batch) override;
    WriteReport recordGap(GapMarker gap) override;
    QueryResult query(const SeriesQuery& q) override;
    /// Drops the partitions wholly older than the retention (never deletes rows one by one).
    WriteReport applyRetention(qint64 now) override;
    WriteReport saveDeployments(const QString& source, const Deployments& deployments) override;
    Deployments deployments(const QString& source) override;
    SourceExtent extent(const QString& source) override;
    QVector<GapMarker> gaps(const QString& source, const TimeRange& range) override;

    /// Runs are kept per database user: each sees and changes only their own.
    RunSaveReport saveRun(const StoredRun& run) override;
    QVector<StoredRun> listRuns(const RunFilter& filter) override;
    bool setRunStarred(qint64 id, bool starred) override;
    bool deleteRun(qint64 id) override;

    /// Documents (pgdocuments.cpp): User ones are session_user's; Shared ones are read by every
    /// user and, by row-level security, written only by the schema's owner.
    DocumentWriteReport putDocument(const StoredDocument& doc,
                                    qint64 expectedRevision = kAnyRevision) override;
    DocumentRead document(DocumentScope scope, const QString& kind, const QString& key) override;
    DocumentList listDocuments(const QString& kind) override;
    DocumentWriteReport removeDocument(DocumentScope scope, const QString& kind,
                                       const QString& key) override;
    /// session_user.
    QString documentOwner() const override;

    /// pg_try_advisory_lock per source on this connection, and a row in `writers` naming the
    /// holder and its last poll (updated in each poll's transaction) for the others to show.
    WriterClaim claimWriter(const QString& source, const QString& holder) override;

    /// Moving a history (pgtransfer.cpp); partitions are created as the imported rows need them.
    TableChunk exportRows(StoreTable table, const RowCursor& after, int limit) override;
    ImportReport importRows(const TableChunk& chunk, const QString& markerKey,
                            const QString& markerValue) override;
    TableTotals tableTotals(StoreTable table) override;
    QVector<SeriesTotals> sampleTotalsBySeries(QString* error) override;
    QString metaValue(const QString& key) override;

    /// Nothing to copy: a commit is durable on the server.
    bool checkpoint() override;

    void setDamageHandler(std::function<void(const QString& message)> handler) override;
    void setNoticeHandler(std::function<void(const QString& message)> handler) override;
    /// LISTEN inferscope_data: every other connection's poll, as it commits.
    void setRemoteWriteHandler(
        std::function<void(const QString& source, const TimeRange& window)> handler) override;

    /// The statements of a fresh database of the current schema, in order.
    static QStringList schemaStatements();

    struct Private;

private:
    std::unique_ptr<Private> d;
};

} // namespace isc
