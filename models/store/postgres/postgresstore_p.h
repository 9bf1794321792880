#pragma once

// The private part of PostgresStore, shared by its files (not a public API).

#include "store/postgres/pgconnection.h"
#include "store/postgres/postgresstore.h"

#include <QHash>
#include <QSet>
#include <QSocketNotifier>
#include <memory>

namespace isc {

struct PostgresStore::Private
{
    pg::Connection conn;
    QString address; ///< as given to open(), for reconnecting; messages use `shown`
    QString shown;   ///< the address without any secret
    StoreSettings settings;
    QHash<SeriesKey, qint64> seriesCache;
    QHash<SeriesKey, QString> unitCache;
    QSet<QString> partitions; ///< the partition tables known to exist
    std::function<void(const QString&)> onDamaged;
    std::function<void(const QString&)> onNotice;
    std::function<void(const QString&, const TimeRange&)> onRemoteWrite;
    std::unique_ptr<QSocketNotifier> listener; ///< the connection's socket, for NOTIFY
    QSet<QString> owned;                       ///< sources whose writer lock this connection holds
    QSet<QString> claimed; ///< sources claimed here: writing them needs their lock from then on
    QString holder;        ///< how this connection names itself
    bool incomingReady = false; ///< this session's temporary table `incoming` exists

    /// LISTENs for other connections' polls and watches the socket (after open and reset).
    bool listen(QString* error);
    /// Hands the notifications libpq has read to onRemoteWrite (never this connection's own).
    void drainNotifications();
    /// pg_try_advisory_lock for `source`; true when this connection holds it now.
    bool tryLock(const QString& source, QString* error);
    /// After a reconnect the session's locks are gone: takes back those it still can.
    void relock();

    /// The refusal of a write to a source claimed here whose lock another collector holds now
    /// (this one was cut off and it took over); empty when this connection may write it.
    QString lostWriter(const QString& source) const;
    /// The refusal of a write while not connected; empty when writable.
    QString unwritable() const;

    /// Creates (each in its own short transaction) the partitions that the samples of `batch`
    /// and their rollups need.
    bool ensurePartitions(const PollBatch& batch, QString* error);
    /// Creates the partitions number `keys` (ts / span) of `table` that do not exist yet.
    bool ensurePartitionKeys(const char* table, qint64 span, const QSet<qint64>& keys,
                             QString* error);
    /// Reads the existing partitions into `partitions`.
    bool loadPartitions(QString* error);

    /// The id of a series, creating it (inside the current transaction) when new.
    bool seriesId(const SeriesKey& key, const QString& unit, qint64* id, QString* error);
    /// Creates this session's temporary table the polls' rows are copied into.
    bool ensureIncoming(QString* error);
    /// The poll's statements inside its transaction.
    bool writeInTransaction(const PollBatch& batch, qsizetype* written, QString* error);
    bool insertGapRow(const GapMarker& gap, QString* error);

    /// The user's words for a failed document statement (`what`: "save the kind \"key\""); a
    /// refusal by privileges or row-level security says who may write what.
    QString documentRefusal(const pg::Result& r, const QString& what);

    /// Creates or migrates the schema; false with `r` saying why.
    bool migrate(OpenReport* r, bool* created);
};

namespace pgimpl {

/// The name of the partition of `table` holding `ts` and its bounds [from, to).
QString partitionName(const char* table, qint64 ts, qint64 span);

/// Row `i` of a SELECT of source, name, model, version, sku, capacity, spillover_to, state,
/// upgrade_option (in that order) from deployments.
Deployment deploymentAt(const pg::Result& r, int i);
/// Row `i` of a SELECT of id, created_at, target, connection, dialect, url, model, parameters,
/// messages, output, metrics, headers, error, error_kind, starred, redacted (in that order) from
/// runs.
StoredRun runAt(const pg::Result& r, int i);
/// Row `i` of a SELECT of owner, kind, key, body, revision, updated_at from documents.
StoredDocument documentAt(const pg::Result& r, int i);

} // namespace pgimpl
} // namespace isc
