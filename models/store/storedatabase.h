#pragma once

#include "store/storetypes.h"

#include <QHash>
#include <QString>
#include <memory>

namespace isc {

/// The history database itself, synchronous: SampleStore runs it on its own thread; tests and
/// benchmarks may drive it directly. One object holds one sqlite3 connection; not thread-safe.
class StoreDatabase
{
public:
    /// The schema version this build writes; older ones are migrated on open().
    static constexpr int SchemaVersion = 2;

    StoreDatabase();
    ~StoreDatabase();
    StoreDatabase(const StoreDatabase&) = delete;
    StoreDatabase& operator=(const StoreDatabase&) = delete;

    /// See SampleStore::open().
    OpenReport open(const QString& path, const StoreSettings& settings);
    /// Closes the connection (checkpointing the WAL); safe to call twice.
    void close();
    bool isOpen() const;

    WriteReport write(const PollBatch& batch);
    void recordGap(GapMarker gap);
    QueryResult query(const SeriesQuery& q);
    void applyRetention(qint64 now);
    void saveDeployments(const QString& source, const Deployments& deployments);
    Deployments deployments(const QString& source);
    SourceExtent extent(const QString& source);
    QVector<GapMarker> gaps(const QString& source, const TimeRange& range);

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
