#include "store/postgres/postgresstore_p.h"

#include "store/plausiblesamples.h"

#include <QMap>
#include <algorithm>
#include <limits>

namespace isc {

using storeimpl::failedPollGap;
using storeimpl::kFutureSlack;
using storeimpl::windowText;

namespace pgimpl {

QString partitionName(const char* table, qint64 ts, qint64 span)
{
    return QStringLiteral("%1_p%2").arg(QLatin1String(table)).arg(ts / span);
}

} // namespace pgimpl

namespace {

struct Partitioned
{
    const char* table;
    qint64 span;
};

// Raw samples by day; the 5- and 15-minute rollups by 28 days (retention drops them whole).
constexpr Partitioned kPartitioned[] = {{"samples", PostgresStore::kRawPartition},
                                        {"rollup_5m", PostgresStore::kRollupPartition},
                                        {"rollup_15m", PostgresStore::kRollupPartition}};

// The rollup buckets the poll touched (in `touched`) but did not copy in new (pollRows()), per
// table, finest first. Replaced or recomputed (merge = 0): a bucket whose minutes all came in
// this poll is written as computed here; any other is recomputed from what is stored, the
// 5-minute buckets from their raw minutes, the 15-minute ones from their 5-minute buckets and
// the hours from their quarters (as the SQLite backend does). Merged (merge = 1): the poll's
// part is combined with the stored row, whose minutes all precede it. Exact: the same numbers
// as a recomputation from the raw minutes, sums up to the order of the additions; an index
// probe per touched (series, bucket). %1 and %2 bound the poll's hours so that the planner
// leaves out every other partition. Statements in order: each reads what the one before wrote.
#define ISC_ROLLUP(table, width, finer, aggregates)                                                \
    "INSERT INTO " table "(series_id, ts, min, max, sum, count) SELECT series_id, ts, min, max, "  \
    "sum, count FROM touched WHERE width = " width " AND merge = 0 AND count IS NOT NULL UNION "   \
    "ALL SELECT k.series_id, k.ts, a.min, a.max, a.sum, a.count FROM touched k CROSS JOIN "        \
    "LATERAL (SELECT " aggregates " FROM " finer                                                   \
    " WHERE series_id = k.series_id AND ts >= k.ts AND ts < k.ts + " width                         \
    " AND ts >= %1 AND ts < %2) a WHERE k.width = " width " AND k.merge = 0 AND k.count IS NULL "  \
    "ON CONFLICT(series_id, ts) DO UPDATE SET min = excluded.min, max = excluded.max, sum = "      \
    "excluded.sum, count = excluded.count;"
#define ISC_MERGE(table, width)                                                                    \
    "INSERT INTO " table " AS r(series_id, ts, min, max, sum, count) SELECT series_id, ts, min, "  \
    "max, sum, count FROM touched WHERE width = " width " AND merge = 1 ON CONFLICT(series_id, "   \
    "ts) DO UPDATE SET min = least(r.min, excluded.min), max = greatest(r.max, excluded.max), "    \
    "sum = r.sum + excluded.sum, count = r.count + excluded.count;"
struct RollupStatements
{
    const char* replace;
    const char* merge;
};
// In kRollupTables' order; only those of the tables the poll touched run.
const RollupStatements kRollupStatements[pgimpl::kRollupTableCount] = {
    {ISC_ROLLUP("rollup_5m", "300", "samples",
                "min(value) AS min, max(value) AS max, sum(value) AS sum, count(*) AS count"),
     ISC_MERGE("rollup_5m", "300")},
    {ISC_ROLLUP("rollup_15m", "900", "rollup_5m",
                "min(min) AS min, max(max) AS max, sum(sum) AS sum, sum(count)::bigint AS count"),
     ISC_MERGE("rollup_15m", "900")},
    {ISC_ROLLUP("rollup_1h", "3600", "rollup_15m",
                "min(min) AS min, max(max) AS max, sum(sum) AS sum, sum(count)::bigint AS count"),
     ISC_MERGE("rollup_1h", "3600")}};
#undef ISC_ROLLUP
#undef ISC_MERGE

} // namespace

bool PostgresStore::Private::loadPartitions(QString* error)
{
    const pg::Result r =
        conn.exec("SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN "
                  "pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'inferscope'");
    if (!r.ok()) {
        *error = r.message();
        return false;
    }
    partitions.clear();
    for (int i = 0; i < r.rows(); ++i)
        partitions.insert(r.text(i, 0));
    return true;
}

bool PostgresStore::Private::ensurePartitions(const PollBatch& batch, QString* error)
{
    // The hours the samples fall in: rollups cover whole hours around them.
    QSet<qint64> hours;
    for (const SeriesSamples& s : batch.series) {
        for (const Sample& smp : s.samples)
            hours.insert(floorTo(smp.ts, 3600));
    }
    for (const Partitioned& p : kPartitioned) {
        QSet<qint64> needed;
        for (const qint64 hour : std::as_const(hours))
            needed.insert(hour / p.span);
        if (!ensurePartitionKeys(p.table, p.span, needed, error))
            return false;
    }
    return true;
}

bool PostgresStore::Private::ensurePartitionKeys(const char* table, qint64 span,
                                                 const QSet<qint64>& keys, QString* error)
{
    for (const qint64 k : keys) {
        const QString name = pgimpl::partitionName(table, k * span, span);
        if (partitions.contains(name))
            continue;
        // Its own short transaction: the poll's one then takes no lock on the parent.
        const QByteArray sql = QStringLiteral("CREATE TABLE IF NOT EXISTS %1 PARTITION OF %2 FOR "
                                              "VALUES FROM (%3) TO (%4)")
                                   .arg(name, QLatin1String(table))
                                   .arg(k * span)
                                   .arg((k + 1) * span)
                                   .toUtf8();
        if (!conn.run(sql.constData(), error))
            return false;
        partitions.insert(name);
    }
    return true;
}

void PostgresStore::Private::forgetSeries()
{
    seriesCache.clear();
    unitCache.clear();
    lastStored.clear();
}

bool PostgresStore::Private::loadLastStored(const QVector<qint64>& ids, QString* error)
{
    QVector<qint64> unknown;
    for (const qint64 id : ids) {
        if (!lastStored.contains(id))
            unknown.append(id);
    }
    if (unknown.isEmpty())
        return true;
    // Once per series and connection: the newest stored minute, an index probe per partition.
    const pg::Result r = conn.exec("SELECT i, (SELECT max(ts) FROM samples WHERE series_id = i) "
                                   "FROM unnest($1::bigint[]) AS i",
                                   {pg::arrayParam(unknown)});
    if (!r.ok()) {
        *error = r.message().isEmpty() ? conn.lastError() : r.message();
        return false;
    }
    for (int i = 0; i < r.rows(); ++i)
        lastStored.insert(r.int64(i, 0), r.isNull(i, 1) ? pgimpl::kNothingStored : r.int64(i, 1));
    return true;
}

bool PostgresStore::Private::seriesId(const SeriesKey& key, const QString& unit, qint64* id,
                                      QString* error)
{
    const auto cached = seriesCache.constFind(key);
    if (cached != seriesCache.constEnd() && unitCache.value(key) == unit) {
        *id = *cached;
        return true;
    }
    const QVector<QByteArray> params{pg::param(key.source), pg::param(key.metric),
                                     pg::param(key.aggregation), pg::param(key.labels),
                                     pg::param(unit)};
    // Creates the series or updates its unit, and returns its id either way.
    const pg::Result r = conn.exec(
        "INSERT INTO series(source, metric, aggregation, labels, unit) VALUES($1, $2, $3, $4, "
        "$5) ON CONFLICT(source, metric, aggregation, labels) DO UPDATE SET unit = CASE WHEN "
        "excluded.unit = '' THEN series.unit ELSE excluded.unit END RETURNING id",
        params);
    if (!r.ok() || r.rows() != 1) {
        *error = r.message().isEmpty() ? conn.lastError() : r.message();
        return false;
    }
    *id = r.int64(0, 0);
    seriesCache.insert(key, *id);
    unitCache.insert(key, unit);
    return true;
}

bool PostgresStore::Private::ensureIncoming(QString* error)
{
    // Outside the poll's transaction, so a rolled-back poll does not take it along.
    if (!incomingReady)
        incomingReady = conn.run("CREATE TEMP TABLE IF NOT EXISTS incoming(series_id bigint NOT "
                                 "NULL, ts bigint NOT NULL, value double precision NOT NULL) "
                                 "ON COMMIT DELETE ROWS; CREATE TEMP TABLE IF NOT EXISTS "
                                 "touched(width bigint NOT NULL, merge bigint NOT NULL, "
                                 "series_id bigint NOT NULL, ts bigint NOT NULL, min double "
                                 "precision, max double precision, "
                                 "sum double precision, count bigint) ON COMMIT DELETE ROWS",
                                 error);
    return incomingReady;
}

bool PostgresStore::Private::writeInTransaction(const PollBatch& batch, bool direct,
                                                qsizetype* written, bool* duplicate, QString* error)
{
    // One row per minute and series, the last sample of a minute wins (as SQLite's upsert does).
    QMap<qint64, QMap<qint64, double>> minutes;
    for (const SeriesSamples& s : batch.series) {
        SeriesKey key = s.key;
        if (key.source.isEmpty())
            key.source = batch.source;
        qint64 id = 0;
        if (!seriesId(key, s.unit, &id, error))
            return false;
        QMap<qint64, double>& series = minutes[id];
        for (const Sample& smp : s.samples)
            series.insert(floorTo(smp.ts, 60), smp.value);
    }
    if (direct && !loadLastStored(minutes.keys().toVector(), error))
        return false;
    const pgimpl::PollRows rows = pgimpl::pollRows(minutes, direct ? &lastStored : nullptr);
    // Minutes after the newest stored one go straight into `samples` (COPY, binary: as fast as
    // a bare table); the others through the session's temporary table and one upsert, which
    // lets a re-read window replace its minutes.
    const auto copied = [&](const char* sql, const pg::BinaryRows& data) {
        QByteArray state;
        if (data.isEmpty() || conn.copyIn(sql, data.stream(), error, &state))
            return true;
        *duplicate = state == "23505";
        return false;
    };
    if (!copied("COPY samples(series_id, ts, value) FROM STDIN (FORMAT binary)", rows.fresh))
        return false;
    if (!rows.replaced.isEmpty() &&
        (!conn.copyIn("COPY incoming FROM STDIN (FORMAT binary)", rows.replaced.stream(), error) ||
         !conn.run("INSERT INTO samples(series_id, ts, value) SELECT series_id, ts, value FROM "
                   "incoming ON CONFLICT(series_id, ts) DO UPDATE SET value = excluded.value",
                   error)))
        return false;
    const qsizetype count = rows.count;
    if (settings.maintainRollups && count > 0) {
        // New buckets first (a duplicate there: rollups kept past their minutes' retention, and
        // the poll goes again through the upsert), then the touched ones, finest first.
        QString statements;
        for (int t = 0; t < pgimpl::kRollupTableCount; ++t) {
            const QByteArray copy = QByteArray("COPY ") + pgimpl::kRollupTables[t].table +
                                    "(series_id, ts, min, max, sum, count) FROM STDIN (FORMAT "
                                    "binary)";
            if (!copied(copy.constData(), rows.newBuckets[t]))
                return false;
            if (rows.replacedBuckets[t])
                statements += QString::fromLatin1(kRollupStatements[t].replace)
                                  .arg(floorTo(rows.first, 3600))
                                  .arg(floorTo(rows.last, 3600) + 3600);
            if (rows.mergedBuckets[t])
                statements += QLatin1String(kRollupStatements[t].merge);
        }
        if (!statements.isEmpty() && (!conn.copyIn("COPY touched FROM STDIN (FORMAT binary)",
                                                   rows.touched.stream(), error) ||
                                      !conn.run(statements.toLatin1().constData(), error)))
            return false;
    }
    if (direct) {
        for (auto s = minutes.cbegin(); s != minutes.cend(); ++s) {
            if (!s.value().isEmpty()) {
                qint64& newest = lastStored[s.key()];
                newest = std::max(newest, s.value().lastKey());
            }
        }
    }
    if (owned.contains(batch.source) &&
        !conn.run("UPDATE writers SET last_poll = $2 WHERE source = $1",
                  {pg::param(batch.source), pg::param(nowUtc())}, error))
        return false;
    // Viewers LISTEN: delivered at commit, never for a poll rolled back or without samples.
    *written = count;
    if (count == 0)
        return true;
    const TimeRange w = storeimpl::pollWindow(batch);
    const QString payload = QStringLiteral("%1\t%2\t%3").arg(batch.source).arg(w.from).arg(w.to);
    if (!conn.run("SELECT pg_notify('inferscope_data', $1)", {pg::param(payload)}, error))
        return false;
    return true;
}

bool PostgresStore::Private::insertGapRow(const GapMarker& gap, QString* error)
{
    return conn.run("INSERT INTO gaps(source, from_ts, to_ts, reason, recorded_at, metric) "
                    "VALUES($1, $2, $3, $4, $5, $6)",
                    {pg::param(gap.source), pg::param(gap.window.from), pg::param(gap.window.to),
                     pg::param(gap.reason),
                     pg::param(gap.recordedAt > 0 ? gap.recordedAt : nowUtc()),
                     pg::param(gap.metric)},
                    error);
}

WriteReport PostgresStore::write(const PollBatch& polled)
{
    WriteReport report;
    report.error = d->unwritable();
    if (!report.error.isEmpty())
        return report;
    PollBatch plausible;
    const bool refusedAny = storeimpl::refuseImplausible(
        polled, nowUtc() + kFutureSlack, &plausible, &report.samplesRefused, &report.refusal);
    const PollBatch& batch = refusedAny ? plausible : polled;
    report.window = storeimpl::pollWindow(batch);
    report.error = d->lostWriter(batch.source);
    if (!report.error.isEmpty()) {
        report.writerLost = true;
        return report;
    }

    QString error;
    // A server restarted mid-poll loses the open transaction: reconnect, send it all again.
    bool direct = true;
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (attempt > 0) {
            d->incomingReady = false; // temporary tables end with their session
            d->forgetSeries();
            if (!d->conn.reset() || !d->listen(&error) || !d->loadPartitions(&error))
                break;
            d->relock();
            // Another collector took over while this one was cut off: it writes now.
            report.error = d->lostWriter(batch.source);
            if (!report.error.isEmpty()) {
                report.writerLost = true;
                return report;
            }
        }
        qsizetype written = 0;
        bool ok = d->ensurePartitions(batch, &error) && d->ensureIncoming(&error) &&
                  d->conn.run("BEGIN", &error);
        if (ok) {
            bool duplicate = false;
            ok = d->writeInTransaction(batch, direct, &written, &duplicate, &error) &&
                 d->conn.run("COMMIT", &error);
            if (!ok)
                d->conn.run("ROLLBACK", nullptr);
            if (duplicate) {
                // Another writer stored minutes this connection took for new: send the poll
                // again through the upsert, and read what is stored afresh.
                d->forgetSeries();
                direct = false;
                --attempt;
                continue;
            }
        }
        if (ok) {
            report.ok = true;
            report.samplesWritten = written;
            d->drainNotifications();
            return report;
        }
        // Ids created in the rolled-back transaction do not exist.
        d->forgetSeries();
        if (!d->conn.isBroken())
            break;
        error = d->conn.lastError();
    }

    const GapMarker gap = failedPollGap(batch.source, report.window, error);
    report.error = gap.reason;
    QString gapError;
    if (!d->insertGapRow(gap, &gapError))
        report.error +=
            QStringLiteral(" Its gap marker could not be recorded either: %1.").arg(gapError);
    return report;
}

WriteReport PostgresStore::recordGap(GapMarker gap)
{
    WriteReport report;
    report.error = d->unwritable();
    if (!report.error.isEmpty())
        return report;
    report.error = d->lostWriter(gap.source);
    if (!report.error.isEmpty()) {
        report.writerLost = true; // the collector that took over records its own gaps
        return report;
    }
    QString error;
    if (!d->insertGapRow(gap, &error)) {
        report.error = QStringLiteral("Could not record the gap of %1 for %2 in the history "
                                      "database: %3.")
                           .arg(gap.source, windowText(gap.window), error);
        return report;
    }
    report.ok = true;
    report.window = gap.window;
    return report;
}

WriteReport PostgresStore::applyRetention(qint64 now)
{
    WriteReport report;
    report.error = d->unwritable();
    if (!report.error.isEmpty())
        return report;
    QString error;
    if (!d->loadPartitions(&error)) {
        report.error = QStringLiteral("Could not apply the retention: %1. Nothing was dropped; "
                                      "the next run tries again.")
                           .arg(error);
        return report;
    }
    const qint64 rawCut = floorTo(now - qint64(d->settings.rawRetentionDays) * 86400, 3600);
    const qint64 fiveCut = floorTo(now - qint64(d->settings.fiveMinuteRetentionDays) * 86400, 3600);
    QStringList drop;
    for (const Partitioned& p : kPartitioned) {
        const bool raw = qstrcmp(p.table, "samples") == 0;
        const int days = raw ? d->settings.rawRetentionDays : d->settings.fiveMinuteRetentionDays;
        if (days <= 0)
            continue;
        const qint64 cut = raw ? rawCut : fiveCut;
        const QString prefix = QLatin1String(p.table) + QLatin1String("_p");
        for (const QString& name : std::as_const(d->partitions)) {
            if (!name.startsWith(prefix))
                continue;
            bool ok = false;
            const qint64 k = name.mid(prefix.size()).toLongLong(&ok);
            // Only partitions wholly before the cut: every row in them is past its retention.
            if (ok && (k + 1) * p.span <= cut)
                drop.append(name);
        }
    }
    std::sort(drop.begin(), drop.end());
    bool ok = d->conn.run("BEGIN", &error);
    for (const QString& name : std::as_const(drop)) {
        if (!ok)
            break;
        ok = d->conn.run(QStringLiteral("DROP TABLE IF EXISTS %1").arg(name).toUtf8().constData(),
                         &error);
    }
    if (!ok || !d->conn.run("COMMIT", &error)) {
        d->conn.run("ROLLBACK", nullptr);
        report.error = QStringLiteral("Could not apply the retention (dropping partitions older "
                                      "than %1 days for raw samples and %2 days for 5- and "
                                      "15-minute rollups): %3. Nothing was dropped; the next "
                                      "run tries again.")
                           .arg(d->settings.rawRetentionDays)
                           .arg(d->settings.fiveMinuteRetentionDays)
                           .arg(error);
        return report;
    }
    for (const QString& name : std::as_const(drop))
        d->partitions.remove(name);
    report.ok = true;
    return report;
}

} // namespace isc
