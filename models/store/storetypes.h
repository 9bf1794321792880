#pragma once

#include "core/deployment.h"
#include "core/sample.h"
#include "core/timerange.h"

#include <QHash>
#include <QMetaType>
#include <QPointF>
#include <QString>
#include <QVector>

namespace isc {

/// The resolutions the store keeps: raw minutes, 5-minute, 15-minute and hourly rollups.
enum class Resolution { Raw = 60, FiveMinutes = 300, FifteenMinutes = 900, Hour = 3600 };

/// Retention of each resolution, in days (hourly rollups are kept forever).
struct StoreSettings
{
    int rawRetentionDays = 35;
    int fiveMinuteRetentionDays = 400;
    /// Keep the 5-minute, 15-minute and hourly rollups current on every write. Only benchmarks turn
    /// this off (the rollups then go stale until StoreDatabase::rebuildRollups()).
    bool maintainRollups = true;
    /// The background integrity check starts this long after open() (ms): the app leaves the
    /// first seconds to start-up; tests use 0.
    int integrityCheckDelayMs = 0;
    /// How long open() and every statement wait for a database another connection holds (ms),
    /// e.g. while SQLite recovers the write-ahead log left by a killed process.
    int busyTimeoutMs = 30000;
    /// After this long waiting (ms), the notice handler hears "Waiting for the database ...".
    int busyNoticeMs = 1000;
    /// A database server's password handed in by the caller (PostgreSQL); in memory only, never
    /// written anywhere. Empty: libpq's PGPASSWORD or ~/.pgpass.
    QString password;
    /// Where `password` came from (e.g. "the keychain entry \"...\""), or, when it is empty,
    /// where it was looked for before libpq's own sources: words for a failure, never a secret.
    QString passwordOrigin;
};

/// True when `name` is a "scheme://…" address (a database server), not a file name.
bool isDatabaseAddress(const QString& name);

/// What opening a database did, in words for a banner when it was not plain.
struct OpenReport
{
    enum class Status { Opened, Created, RecoveredFromCorruption, NewerSchema, Failed };
    Status status = Status::Failed;
    QString path;
    QString message;        ///< one or two sentences for the user; empty when Opened/Created
    QString movedAsidePath; ///< where a corrupt database was moved, with its -wal/-shm
    QString keptWalPath;    ///< where a copy of a write-ahead log SQLite could not replay was kept
    int schemaVersion = 0;
    /// A database server refused the password, or wanted one and none was found: asking the
    /// user for it may help.
    bool passwordRefused = false;

    bool usable() const
    {
        return status == Status::Opened || status == Status::Created ||
               status == Status::RecoveredFromCorruption;
    }
};

/// The outcome of the background integrity check (PRAGMA quick_check) of an open database.
struct IntegrityReport
{
    bool ok = true;  ///< false when damage was found; the database then refuses writes
    QString message; ///< in words when !ok, or when the check could not run to the end
};

/// The outcome of one write transaction (a poll, a gap marker, an inventory, a retention run).
struct WriteReport
{
    bool ok = false;
    qsizetype samplesWritten = 0;
    QString error; ///< in words when !ok; for a poll, a gap marker was recorded instead
    /// Implausible samples left out of a poll (the rest of it was written), and why, in words.
    qsizetype samplesRefused = 0;
    QString refusal;
    TimeRange window; ///< the poll's window, or the span of the samples written
    /// Another collector holds the source's writer role now: nothing was stored, not even a gap
    /// marker; this one stands by (claims again) instead of polling.
    bool writerLost = false;
};

/// How the values inside one output step combine (per series).
enum class Reduce { Avg, Min, Max, Sum };
/// How several series that fall in one group combine at the same timestamp.
enum class Combine { Sum, Mean, Max };
/// Optional mapping of a group label's value before grouping.
enum class GroupTransform {
    None,
    StatusClass, ///< "200" -> "2xx", "429" -> "429", "503" -> "5xx", "404" -> "4xx"
};

/// A request for chart- or CLI-ready series.
struct SeriesQuery
{
    QString metric;                                ///< e.g. "GeneratedTokens"
    QString aggregation = QStringLiteral("total"); ///< stored aggregation to read
    QString source;                                ///< empty = every source
    QHash<QString, QString> labelEquals;           ///< keys matched case-insensitively
    QString groupBy;                               ///< label key; empty = one combined series
    GroupTransform groupTransform = GroupTransform::None;
    Combine combine = Combine::Sum;
    TimeRange range;
    int pixelWidth = 0; ///< > 0: choose resolution and M4-decimate to <= 4 points per column
    qint64 step = 0;    ///< output step in seconds (multiple of 60); 0 = automatic
    Reduce reduce = Reduce::Avg;
    /// "Now" (s UTC) for retention-aware resolution choice (a resolution whose retention no
    /// longer covers range.from is skipped); 0 = the wall clock.
    qint64 now = 0;
    /// True: no grouping at all; one output series per stored series, carrying its source and
    /// labels (what alert rules group by themselves). groupBy and combine are then unused.
    bool perSeries = false;
};

/// One output series. x is milliseconds since the epoch (UTC), as chart axes want.
struct QueriedSeries
{
    QString name; ///< the group's label value, or the metric name when not grouped
    QVector<QPointF> points;
    /// With SeriesQuery::perSeries: the stored series' connection and canonical labels (name is
    /// then "source labels"); empty otherwise.
    QString source;
    QString labels;
};

struct QueryResult
{
    QVector<QueriedSeries> series; ///< sorted by name
    qint64 step = 60;              ///< seconds between output points before decimation
    Resolution resolution = Resolution::Raw;
    QVector<TimeRange> gaps; ///< recorded gap markers overlapping the range
    QString error;           ///< in words when the query failed
};

/// Who writes a source's polls into a shared database: one collector per source at a time.
struct WriterClaim
{
    bool granted = false; ///< this store's connection is (now) the source's writer
    QString holder;       ///< when not granted: the writer's "HOST (pid N)", if it said
    qint64 lastPoll = 0;  ///< when not granted: the writer's last stored poll, s UTC; 0 = none
    QString error;        ///< in words when the claim could not be decided
};

/// The newest data a source has stored, for backfill planning.
struct SourceExtent
{
    qint64 oldest = 0; ///< seconds UTC, 0 = nothing stored
    qint64 newest = 0;
};

} // namespace isc

Q_DECLARE_METATYPE(isc::QueryResult)
Q_DECLARE_METATYPE(isc::OpenReport)
Q_DECLARE_METATYPE(isc::WriteReport)
Q_DECLARE_METATYPE(isc::IntegrityReport)
Q_DECLARE_METATYPE(isc::WriterClaim)
