#include "store/postgres/postgresstore_p.h"

// Moving a history: raw rows of each table out of and into a PostgreSQL database
// (StoreMigration).

namespace isc {

namespace {

const char* partitionedTable(StoreTable table, qint64* span)
{
    switch (table) {
    case StoreTable::Samples:
        *span = PostgresStore::kRawPartition;
        return "samples";
    case StoreTable::Rollup5m:
        *span = PostgresStore::kRollupPartition;
        return "rollup_5m";
    case StoreTable::Rollup15m:
        *span = PostgresStore::kRollupPartition;
        return "rollup_15m";
    default:
        return nullptr;
    }
}

QByteArray boolParam(bool b)
{
    return b ? QByteArray("true") : QByteArray("false");
}

} // namespace

TableChunk PostgresStore::exportRows(StoreTable table, const RowCursor& from, int limit)
{
    TableChunk chunk;
    chunk.table = table;
    chunk.next = from;
    chunk.error = d->unwritable();
    if (!chunk.error.isEmpty())
        return chunk;
    const QString name = storeTableName(table);
    const QByteArray major = pg::param(from.major), minor = pg::param(from.minor),
                     count = pg::param(qint64(limit));
    pg::Result r;
    switch (table) {
    case StoreTable::Series:
        r = d->conn.exec("SELECT id, source, metric, aggregation, labels, unit FROM series WHERE "
                         "id > $1 ORDER BY id LIMIT $2",
                         {major, count});
        break;
    case StoreTable::Samples:
        r = d->conn.exec("SELECT series_id, ts, value FROM samples WHERE (series_id, ts) > ($1, "
                         "$2) ORDER BY series_id, ts LIMIT $3",
                         {major, minor, count});
        break;
    case StoreTable::Rollup5m:
    case StoreTable::Rollup15m:
    case StoreTable::Rollup1h:
        r = d->conn.exec(("SELECT series_id, ts, min, max, sum, count FROM " + name.toLatin1() +
                          " WHERE (series_id, ts) > ($1, $2) ORDER BY series_id, ts LIMIT $3")
                             .constData(),
                         {major, minor, count});
        break;
    case StoreTable::Gaps:
        r = d->conn.exec("SELECT id, source, from_ts, to_ts, reason, recorded_at, metric FROM gaps "
                         "WHERE id > $1 ORDER BY id LIMIT $2",
                         {major, count});
        break;
    case StoreTable::Inventory:
        r = d->conn.exec("SELECT source, name, model, version, sku, capacity, spillover_to, "
                         "state, upgrade_option FROM deployments ORDER BY source COLLATE \"C\", "
                         "name COLLATE \"C\" LIMIT $1 OFFSET $2",
                         {count, pg::param(from.copied)});
        break;
    case StoreTable::Runs:
        r = d->conn.exec("SELECT id, created_at, target, connection, dialect, url, model, "
                         "parameters, messages, output, metrics, headers, error, error_kind, "
                         "starred, redacted FROM runs WHERE owner = session_user AND id > $1 "
                         "ORDER BY id LIMIT $2",
                         {major, count});
        break;
    case StoreTable::Documents:
        // The connecting user's and the shared ones, as documents() shows them.
        r = d->conn.exec("SELECT owner, kind, key, body, revision, updated_at FROM documents "
                         "WHERE owner = session_user OR owner = '' ORDER BY owner = '', kind "
                         "COLLATE \"C\", key COLLATE \"C\" LIMIT $1 OFFSET $2",
                         {count, pg::param(from.copied)});
        break;
    }
    if (!r.ok()) {
        chunk.error =
            QStringLiteral("Could not read %1 from %2: %3.")
                .arg(name, d->shown, r.message().isEmpty() ? d->conn.lastError() : r.message());
        return chunk;
    }
    RowCursor& next = chunk.next;
    for (int i = 0; i < r.rows(); ++i) {
        switch (table) {
        case StoreTable::Series:
            chunk.series.append(SeriesRow{r.int64(i, 0),
                                          {r.text(i, 1), r.text(i, 2), r.text(i, 3), r.text(i, 4)},
                                          r.text(i, 5)});
            next.major = r.int64(i, 0);
            break;
        case StoreTable::Samples:
            chunk.samples.append(SampleRow{r.int64(i, 0), r.int64(i, 1), r.real(i, 2)});
            next.major = r.int64(i, 0);
            next.minor = r.int64(i, 1);
            break;
        case StoreTable::Rollup5m:
        case StoreTable::Rollup15m:
        case StoreTable::Rollup1h:
            chunk.buckets.append(BucketRow{
                r.int64(i, 0),
                {r.int64(i, 1), r.real(i, 2), r.real(i, 3), r.real(i, 4), r.int64(i, 5)}});
            next.major = r.int64(i, 0);
            next.minor = r.int64(i, 1);
            break;
        case StoreTable::Gaps:
            chunk.gaps.append(GapMarker{r.text(i, 1),
                                        {r.int64(i, 2), r.int64(i, 3)},
                                        r.text(i, 4),
                                        r.int64(i, 5),
                                        r.text(i, 6)});
            next.major = r.int64(i, 0);
            break;
        case StoreTable::Inventory:
            chunk.deployments.append(pgimpl::deploymentAt(r, i));
            break;
        case StoreTable::Runs:
            chunk.runs.append(pgimpl::runAt(r, i));
            next.major = chunk.runs.last().id;
            break;
        case StoreTable::Documents:
            chunk.documents.append(pgimpl::documentAt(r, i));
            break;
        }
    }
    next.copied = from.copied + chunk.size();
    return chunk;
}

ImportReport PostgresStore::importRows(const TableChunk& chunk, const QString& markerKey,
                                       const QString& markerValue)
{
    ImportReport report;
    report.error = d->unwritable();
    if (!report.error.isEmpty())
        return report;
    QString error;
    bool ok = true;
    qint64 span = 0;
    // Partitions first, each in its own short transaction (as a poll's are).
    if (const char* parent = partitionedTable(chunk.table, &span)) {
        QSet<qint64> keys;
        for (const SampleRow& s : chunk.samples)
            keys.insert(s.ts / span);
        for (const BucketRow& b : chunk.buckets)
            keys.insert(b.bucket.ts / span);
        ok = d->ensurePartitionKeys(parent, span, keys, &error);
    }
    ok = ok && d->conn.run("BEGIN", &error);
    const bool began = ok;
    switch (chunk.table) {
    case StoreTable::Series:
        for (const SeriesRow& row : chunk.series) {
            qint64 id = 0;
            ok = ok && d->seriesId(row.key, row.unit, &id, &error);
            report.seriesIds.append(id);
        }
        break;
    case StoreTable::Samples: {
        QVector<qint64> ids, times;
        QVector<double> values;
        for (const SampleRow& s : chunk.samples) {
            ids.append(s.seriesId);
            times.append(s.ts);
            values.append(s.value);
        }
        ok =
            ok && (ids.isEmpty() ||
                   d->conn.run("INSERT INTO samples(series_id, ts, value) SELECT * FROM "
                               "unnest($1::bigint[], $2::bigint[], $3::float8[]) ON "
                               "CONFLICT(series_id, ts) DO UPDATE SET value = excluded.value",
                               {pg::arrayParam(ids), pg::arrayParam(times), pg::arrayParam(values)},
                               &error));
        break;
    }
    case StoreTable::Rollup5m:
    case StoreTable::Rollup15m:
    case StoreTable::Rollup1h: {
        QVector<qint64> ids, times, counts;
        QVector<double> mins, maxs, sums;
        for (const BucketRow& b : chunk.buckets) {
            ids.append(b.seriesId);
            times.append(b.bucket.ts);
            mins.append(b.bucket.min);
            maxs.append(b.bucket.max);
            sums.append(b.bucket.sum);
            counts.append(b.bucket.count);
        }
        const QByteArray sql =
            "INSERT INTO " + storeTableName(chunk.table).toLatin1() +
            "(series_id, ts, min, max, sum, count) SELECT * FROM unnest($1::bigint[], "
            "$2::bigint[], $3::float8[], $4::float8[], $5::float8[], $6::bigint[]) ON "
            "CONFLICT(series_id, ts) DO UPDATE SET min = excluded.min, max = excluded.max, sum = "
            "excluded.sum, count = excluded.count";
        ok = ok && (ids.isEmpty() || d->conn.run(sql.constData(),
                                                 {pg::arrayParam(ids), pg::arrayParam(times),
                                                  pg::arrayParam(mins), pg::arrayParam(maxs),
                                                  pg::arrayParam(sums), pg::arrayParam(counts)},
                                                 &error));
        break;
    }
    case StoreTable::Gaps:
        for (const GapMarker& gap : chunk.gaps)
            ok = ok && d->insertGapRow(gap, &error);
        break;
    case StoreTable::Inventory:
        for (const Deployment& dep : chunk.deployments) {
            ok = ok &&
                 d->conn.run(
                     "INSERT INTO deployments(source, name, model, version, sku, capacity, "
                     "spillover_to, state, upgrade_option) VALUES($1, $2, $3, $4, $5, $6, $7, $8, "
                     "$9) ON CONFLICT(source, name) DO UPDATE SET model = excluded.model, version "
                     "= excluded.version, sku = excluded.sku, capacity = excluded.capacity, "
                     "spillover_to = excluded.spillover_to, state = excluded.state, "
                     "upgrade_option = excluded.upgrade_option",
                     {pg::param(dep.source), pg::param(dep.name), pg::param(dep.model),
                      pg::param(dep.version), pg::param(dep.sku), pg::param(qint64(dep.capacity)),
                      pg::param(dep.spilloverTo), pg::param(dep.state),
                      pg::param(dep.upgradeOption)},
                     &error);
        }
        break;
    case StoreTable::Runs:
        // The runs become the connecting user's (owner's default).
        for (const StoredRun& run : chunk.runs) {
            ok = ok &&
                 d->conn.run(
                     "INSERT INTO runs(created_at, target, connection, dialect, url, model, "
                     "parameters, messages, output, metrics, headers, error, error_kind, "
                     "starred, redacted) VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, "
                     "$11, $12, $13, $14, $15)",
                     {pg::param(run.createdAtMs), pg::param(run.target), pg::param(run.connection),
                      pg::param(run.dialect), pg::param(run.url), pg::param(run.model),
                      pg::param(run.parametersJson),
                      pg::param(run.redacted ? QString() : run.messagesJson),
                      pg::param(run.redacted ? QString() : run.output), pg::param(run.metricsJson),
                      pg::param(run.headersJson), pg::param(run.error), pg::param(run.errorKind),
                      boolParam(run.starred), boolParam(run.redacted)},
                     &error);
        }
        break;
    case StoreTable::Documents:
        // User documents become the connecting user's; shared ones need the schema's owner.
        for (const StoredDocument& doc : chunk.documents) {
            ok = ok && d->conn.run("INSERT INTO documents(owner, kind, key, body, revision, "
                                   "updated_at) VALUES(CASE WHEN $1::boolean THEN '' ELSE "
                                   "session_user::text END, $2, $3, $4, $5, $6) ON "
                                   "CONFLICT(owner, kind, key) DO UPDATE SET body = excluded.body, "
                                   "revision = excluded.revision, updated_at = excluded.updated_at",
                                   {boolParam(doc.scope == DocumentScope::Shared),
                                    pg::param(doc.kind), pg::param(doc.key), pg::param(doc.json),
                                    pg::param(doc.revision), pg::param(doc.updatedAtMs)},
                                   &error);
        }
        break;
    }
    ok = ok && d->conn.run("INSERT INTO meta(key, value) VALUES($1, $2) ON CONFLICT(key) DO "
                           "UPDATE SET value = excluded.value",
                           {pg::param(markerKey), pg::param(markerValue)}, &error);
    ok = ok && d->conn.run("COMMIT", &error);
    if (!ok) {
        if (began)
            d->conn.run("ROLLBACK", nullptr);
        // Ids created in the rolled-back transaction do not exist.
        d->seriesCache.clear();
        d->unitCache.clear();
        report.seriesIds.clear();
        report.error = QStringLiteral("Could not write %1 rows of %2 into %3: %4. Nothing of "
                                      "them was stored.")
                           .arg(chunk.size())
                           .arg(storeTableName(chunk.table), d->shown, error);
        return report;
    }
    report.ok = true;
    return report;
}

TableTotals PostgresStore::tableTotals(StoreTable table)
{
    TableTotals t;
    t.error = d->unwritable();
    if (!t.error.isEmpty())
        return t;
    const QString name = storeTableName(table);
    QByteArray sql;
    switch (table) {
    case StoreTable::Series:
        sql = "SELECT count(*), 0, 0 FROM series";
        break;
    case StoreTable::Samples:
        sql = "SELECT count(*), coalesce(sum(value), 0), 0 FROM samples";
        break;
    case StoreTable::Rollup5m:
    case StoreTable::Rollup15m:
    case StoreTable::Rollup1h:
        sql = "SELECT count(*), coalesce(sum(sum), 0), coalesce(sum(count), 0) FROM " +
              name.toLatin1();
        break;
    case StoreTable::Gaps:
        sql = "SELECT count(*), 0, coalesce(sum(to_ts - from_ts), 0) FROM gaps";
        break;
    case StoreTable::Inventory:
        sql = "SELECT count(*), 0, coalesce(sum(capacity), 0) FROM deployments";
        break;
    case StoreTable::Runs:
        sql = "SELECT count(*), 0, count(*) FILTER (WHERE starred) FROM runs WHERE owner = "
              "session_user";
        break;
    case StoreTable::Documents:
        sql = "SELECT count(*), coalesce(sum(length(body)), 0), count(*) FILTER (WHERE owner = "
              "'') FROM documents WHERE owner = session_user OR owner = ''";
        break;
    }
    const pg::Result r = d->conn.exec(sql.constData());
    if (!r.ok() || r.rows() != 1) {
        t.error =
            QStringLiteral("Could not count %1 in %2: %3.")
                .arg(name, d->shown, r.message().isEmpty() ? d->conn.lastError() : r.message());
        return t;
    }
    t.rows = r.int64(0, 0);
    t.sum = r.real(0, 1);
    t.total = r.int64(0, 2);
    return t;
}

QVector<SeriesTotals> PostgresStore::sampleTotalsBySeries(QString* error)
{
    QVector<SeriesTotals> out;
    const pg::Result r = d->conn.exec(
        "SELECT s.source, s.metric, s.aggregation, s.labels, count(*), sum(v.value) FROM series s "
        "JOIN samples v ON v.series_id = s.id GROUP BY s.id ORDER BY s.id");
    if (!r.ok()) {
        *error = r.message().isEmpty() ? d->conn.lastError() : r.message();
        return out;
    }
    for (int i = 0; i < r.rows(); ++i)
        out.append(SeriesTotals{
            {r.text(i, 0), r.text(i, 1), r.text(i, 2), r.text(i, 3)}, r.int64(i, 4), r.real(i, 5)});
    return out;
}

QString PostgresStore::metaValue(const QString& key)
{
    const pg::Result r = d->conn.exec("SELECT value FROM meta WHERE key = $1", {pg::param(key)});
    return r.ok() && r.rows() == 1 ? r.text(0, 0) : QString();
}

} // namespace isc
