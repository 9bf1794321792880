#include "store/sqlite/storedatabase_p.h"

// Moving a history: raw rows of each table out of and into an SQLite file (StoreMigration).

namespace isc {

using namespace storeimpl;

namespace {

const packedrollup::Layout* packedLayout(StoreTable table)
{
    if (table == StoreTable::Rollup5m)
        return &packedrollup::kFiveMinutes;
    if (table == StoreTable::Rollup15m)
        return &packedrollup::kFifteenMinutes;
    return nullptr;
}

bool after(qint64 major, qint64 minor, const RowCursor& c)
{
    return major > c.major || (major == c.major && minor > c.minor);
}

/// Calls f(seriesId, first, end) for each run of rows of one series in `rows`.
template <typename Row, typename F> bool forEachSeries(const QVector<Row>& rows, F f)
{
    for (qsizetype i = 0; i < rows.size();) {
        qsizetype end = i;
        while (end < rows.size() && rows[end].seriesId == rows[i].seriesId)
            ++end;
        if (!f(rows[i].seriesId, i, end))
            return false;
        i = end;
    }
    return true;
}

} // namespace

TableChunk StoreDatabase::exportRows(StoreTable table, const RowCursor& from, int limit)
{
    TableChunk chunk;
    chunk.table = table;
    chunk.next = from;
    if (!d->db) {
        chunk.error = QStringLiteral("The history database is not open.");
        return chunk;
    }
    const QString name = storeTableName(table);
    const packedrollup::Layout* layout = packedLayout(table);
    QByteArray sql;
    switch (table) {
    case StoreTable::Series:
        sql = "SELECT id, source, metric, aggregation, labels, unit FROM series WHERE id > ?1 "
              "ORDER BY id LIMIT ?3";
        break;
    case StoreTable::Samples:
        sql = "SELECT series_id, ts, value FROM samples WHERE (series_id, ts) > (?1, ?2) ORDER BY "
              "series_id, ts LIMIT ?3";
        break;
    case StoreTable::Rollup1h:
        sql = "SELECT series_id, ts, min, max, sum, count FROM rollup_1h WHERE (series_id, ts) > "
              "(?1, ?2) ORDER BY series_id, ts LIMIT ?3";
        break;
    case StoreTable::Rollup5m:
    case StoreTable::Rollup15m:
        // The row holding the cursor's bucket may have more after it: start at that row.
        sql = "SELECT series_id, start, buckets FROM " + name.toLatin1() +
              " WHERE (series_id, start) >= (?1, ?2) ORDER BY series_id, start";
        break;
    case StoreTable::Gaps:
        sql = "SELECT id, source, from_ts, to_ts, reason, recorded_at, metric FROM gaps WHERE id "
              "> ?1 ORDER BY id LIMIT ?3";
        break;
    case StoreTable::Inventory:
        sql = "SELECT source, name, model, version, sku, capacity, spillover_to, state, "
              "upgrade_option FROM deployments ORDER BY source, name LIMIT ?3 OFFSET ?4";
        break;
    case StoreTable::Runs:
        sql = "SELECT id, created_at, target, connection, dialect, url, model, parameters, "
              "messages, output, metrics, headers, error, error_kind, starred, redacted FROM runs "
              "WHERE id > ?1 ORDER BY id LIMIT ?3";
        break;
    case StoreTable::Documents:
        sql = "SELECT scope, kind, key, body, revision, updated_at FROM documents ORDER BY scope "
              "= 'shared', kind, key LIMIT ?3 OFFSET ?4";
        break;
    }
    Stmt s;
    if (!s.prepare(d->db, sql.constData())) {
        chunk.error = QStringLiteral("Could not read %1: %2.").arg(name, d->lastError());
        return chunk;
    }
    s.bind(1, from.major);
    s.bind(2, layout ? layout->rowStart(from.minor) : from.minor);
    s.bind(3, limit);
    s.bind(4, from.copied);
    RowCursor& next = chunk.next;
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        switch (table) {
        case StoreTable::Series:
            chunk.series.append(
                SeriesRow{s.int64(0), {s.text(1), s.text(2), s.text(3), s.text(4)}, s.text(5)});
            next.major = s.int64(0);
            break;
        case StoreTable::Samples:
            chunk.samples.append(SampleRow{s.int64(0), s.int64(1), s.real(2)});
            next.major = s.int64(0);
            next.minor = s.int64(1);
            break;
        case StoreTable::Rollup1h:
            chunk.buckets.append(
                BucketRow{s.int64(0), {s.int64(1), s.real(2), s.real(3), s.real(4), s.int64(5)}});
            next.major = s.int64(0);
            next.minor = s.int64(1);
            break;
        case StoreTable::Rollup5m:
        case StoreTable::Rollup15m: {
            packedrollup::Row row;
            sqlite3_stmt* st = s.get();
            const qint64 id = s.int64(0);
            if (!packedrollup::decode(*layout, sqlite3_column_blob(st, 2),
                                      sqlite3_column_bytes(st, 2), s.int64(1), &row)) {
                chunk.error = QStringLiteral("A row of %1 (series %2 at %3) is malformed; run "
                                             "Inferscope once on the file to repair it.")
                                  .arg(name)
                                  .arg(id)
                                  .arg(s.int64(1));
                return chunk;
            }
            for (int i = 0; i < layout->slotCount() && chunk.buckets.size() < limit; ++i) {
                const StoredBucket& b = row[std::size_t(i)];
                if (b.count == 0 || !after(id, b.ts, from))
                    continue;
                chunk.buckets.append(BucketRow{id, b});
                next.major = id;
                next.minor = b.ts;
            }
            break;
        }
        case StoreTable::Gaps:
            chunk.gaps.append(
                GapMarker{s.text(1), {s.int64(2), s.int64(3)}, s.text(4), s.int64(5), s.text(6)});
            next.major = s.int64(0);
            break;
        case StoreTable::Inventory:
            chunk.deployments.append(storeimpl::deploymentAt(s));
            break;
        case StoreTable::Runs: {
            StoredRun run;
            run.id = s.int64(0);
            run.createdAtMs = s.int64(1);
            run.target = s.text(2);
            run.connection = s.text(3);
            run.dialect = s.text(4);
            run.url = s.text(5);
            run.model = s.text(6);
            run.parametersJson = s.text(7);
            run.messagesJson = s.text(8);
            run.output = s.text(9);
            run.metricsJson = s.text(10);
            run.headersJson = s.text(11);
            run.error = s.text(12);
            run.errorKind = s.text(13);
            run.starred = s.int64(14) != 0;
            run.redacted = s.int64(15) != 0;
            chunk.runs.append(run);
            next.major = run.id;
            break;
        }
        case StoreTable::Documents: {
            StoredDocument doc;
            doc.scope =
                s.text(0) == QLatin1String("shared") ? DocumentScope::Shared : DocumentScope::User;
            doc.kind = s.text(1);
            doc.key = s.text(2);
            doc.json = s.text(3);
            doc.revision = s.int64(4);
            doc.updatedAtMs = s.int64(5);
            chunk.documents.append(doc);
            break;
        }
        }
        if (chunk.size() >= limit)
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        chunk.error = QStringLiteral("Could not read %1: %2.").arg(name, d->lastError());
        d->noteFailure(QStringLiteral("reading %1 failed").arg(name), chunk.error);
        return chunk;
    }
    next.copied = from.copied + chunk.size();
    return chunk;
}

ImportReport StoreDatabase::importRows(const TableChunk& chunk, const QString& markerKey,
                                       const QString& markerValue)
{
    ImportReport report;
    if (!d->db) {
        report.error = QStringLiteral("The history database is not open.");
        return report;
    }
    if (d->damaged) {
        report.error = damagedRefusal();
        return report;
    }
    QString error;
    d->createdInTransaction.clear();
    if (!d->exec("BEGIN IMMEDIATE", &error)) {
        report.error = QStringLiteral("Could not write to %1: %2.").arg(d->path, error);
        return report;
    }
    bool ok = true;
    switch (chunk.table) {
    case StoreTable::Series:
        for (const SeriesRow& row : chunk.series) {
            qint64 id = 0;
            ok = ok && d->seriesId(row.key, row.unit, &id, &error);
            report.seriesIds.append(id);
        }
        break;
    case StoreTable::Samples: {
        QVector<Sample> samples;
        ok = forEachSeries(chunk.samples, [&](qint64 id, qsizetype i, qsizetype end) {
            samples.clear();
            for (; i < end; ++i)
                samples.append(Sample{chunk.samples[i].ts, chunk.samples[i].value});
            qsizetype written = 0;
            return d->insertSamples(id, samples, &written, &error);
        });
        break;
    }
    case StoreTable::Rollup5m:
    case StoreTable::Rollup15m:
    case StoreTable::Rollup1h: {
        QVector<StoredBucket> buckets;
        ok = forEachSeries(chunk.buckets, [&](qint64 id, qsizetype i, qsizetype end) {
            buckets.clear();
            for (; i < end; ++i)
                buckets.append(chunk.buckets[i].bucket);
            if (chunk.table == StoreTable::Rollup1h)
                return d->putBuckets(d->put1hChunk, d->put1h, id, buckets, &error);
            // Rows a chunk fills only in part are read and patched: the rest stays.
            if (chunk.table == StoreTable::Rollup5m)
                return d->patchRows(packedrollup::kFiveMinutes, d->get5mRow, d->put5mRow, id,
                                    buckets, nullptr, &error);
            return d->patchRows(packedrollup::kFifteenMinutes, d->get15mRow, d->put15mRow, id,
                                buckets, nullptr, &error);
        });
        break;
    }
    case StoreTable::Gaps:
        for (const GapMarker& gap : chunk.gaps) {
            if (!(ok = d->insertGapRow(gap))) {
                error = d->lastError();
                break;
            }
        }
        break;
    case StoreTable::Inventory: {
        Stmt ins;
        ok = ins.prepare(d->db, "INSERT OR REPLACE INTO deployments(source, name, model, "
                                "version, sku, capacity, spillover_to, state, upgrade_option) "
                                "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
        for (const Deployment& dep : chunk.deployments) {
            if (!ok)
                break;
            ins.reset();
            ins.bind(1, dep.source);
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
        break;
    }
    case StoreTable::Runs: {
        Stmt ins;
        ok = ins.prepare(d->db, "INSERT INTO runs(created_at, target, connection, dialect, url, "
                                "model, parameters, messages, output, metrics, headers, error, "
                                "error_kind, starred, redacted) VALUES(?1, ?2, ?3, ?4, ?5, ?6, "
                                "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15)");
        for (const StoredRun& run : chunk.runs) {
            if (!ok)
                break;
            ins.reset();
            ins.bind(1, run.createdAtMs);
            ins.bind(2, run.target);
            ins.bind(3, run.connection);
            ins.bind(4, run.dialect);
            ins.bind(5, run.url);
            ins.bind(6, run.model);
            ins.bind(7, run.parametersJson);
            ins.bind(8, run.redacted ? QString() : run.messagesJson);
            ins.bind(9, run.redacted ? QString() : run.output);
            ins.bind(10, run.metricsJson);
            ins.bind(11, run.headersJson);
            ins.bind(12, run.error);
            ins.bind(13, run.errorKind);
            ins.bind(14, int(run.starred));
            ins.bind(15, int(run.redacted));
            ok = ins.step() == SQLITE_DONE;
        }
        if (!ok)
            error = d->lastError();
        break;
    }
    case StoreTable::Documents: {
        // As stored: revisions and times too, so a copy reads as the original.
        Stmt ins;
        ok = ins.prepare(d->db, "INSERT OR REPLACE INTO documents(scope, kind, key, body, "
                                "revision, updated_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6)");
        for (const StoredDocument& doc : chunk.documents) {
            if (!ok)
                break;
            ins.reset();
            ins.bind(1, documentScopeName(doc.scope));
            ins.bind(2, doc.kind);
            ins.bind(3, doc.key);
            ins.bind(4, doc.json);
            ins.bind(5, doc.revision);
            ins.bind(6, doc.updatedAtMs);
            ok = ins.step() == SQLITE_DONE;
        }
        if (!ok)
            error = d->lastError();
        break;
    }
    }
    if (ok) {
        Stmt marker;
        ok = marker.prepare(d->db, "INSERT OR REPLACE INTO meta(key, value) VALUES(?1, ?2)");
        if (ok) {
            marker.bind(1, markerKey);
            marker.bind(2, markerValue);
            ok = marker.step() == SQLITE_DONE;
        }
        if (!ok)
            error = d->lastError();
    }
    if (!ok || !d->exec("COMMIT", &error)) {
        d->exec("ROLLBACK");
        for (const SeriesKey& k : std::as_const(d->createdInTransaction))
            d->seriesCache.remove(k);
        d->createdInTransaction.clear();
        d->noteFailure(QStringLiteral("importing %1 failed").arg(storeTableName(chunk.table)),
                       error);
        report.seriesIds.clear();
        report.error = QStringLiteral("Could not write %1 rows of %2 into %3: %4. Nothing of "
                                      "them was stored.")
                           .arg(chunk.size())
                           .arg(storeTableName(chunk.table), d->path, error);
        return report;
    }
    d->createdInTransaction.clear();
    report.ok = true;
    return report;
}

TableTotals StoreDatabase::tableTotals(StoreTable table)
{
    TableTotals t;
    if (!d->db) {
        t.error = QStringLiteral("The history database is not open.");
        return t;
    }
    const packedrollup::Layout* layout = packedLayout(table);
    const char* sql = nullptr;
    switch (table) {
    case StoreTable::Series:
        sql = "SELECT count(*), 0, 0 FROM series";
        break;
    case StoreTable::Samples:
        sql = "SELECT count(*), total(value), 0 FROM samples";
        break;
    case StoreTable::Rollup1h:
        sql = "SELECT count(*), total(sum), coalesce(sum(count), 0) FROM rollup_1h";
        break;
    case StoreTable::Rollup5m:
        sql = "SELECT start, buckets FROM rollup_5m";
        break;
    case StoreTable::Rollup15m:
        sql = "SELECT start, buckets FROM rollup_15m";
        break;
    case StoreTable::Gaps:
        sql = "SELECT count(*), 0, coalesce(sum(to_ts - from_ts), 0) FROM gaps";
        break;
    case StoreTable::Inventory:
        sql = "SELECT count(*), 0, coalesce(sum(capacity), 0) FROM deployments";
        break;
    case StoreTable::Runs:
        sql = "SELECT count(*), 0, coalesce(sum(starred != 0), 0) FROM runs";
        break;
    case StoreTable::Documents:
        sql = "SELECT count(*), total(length(body)), coalesce(sum(scope = 'shared'), 0) FROM "
              "documents";
        break;
    }
    Stmt s;
    int rc = SQLITE_DONE;
    if (s.prepare(d->db, sql)) {
        while ((rc = s.step()) == SQLITE_ROW) {
            if (!layout) {
                t = {s.int64(0), s.real(1), s.int64(2), {}};
                continue;
            }
            packedrollup::Row row;
            sqlite3_stmt* st = s.get();
            if (!packedrollup::decode(*layout, sqlite3_column_blob(st, 1),
                                      sqlite3_column_bytes(st, 1), s.int64(0), &row))
                continue; // a malformed row counts as empty, as queries read it
            for (int i = 0; i < layout->slotCount(); ++i) {
                const StoredBucket& b = row[std::size_t(i)];
                if (b.count == 0)
                    continue;
                ++t.rows;
                t.sum += b.sum;
                t.total += b.count;
            }
        }
    }
    if (rc != SQLITE_DONE)
        t.error =
            QStringLiteral("Could not count %1: %2.").arg(storeTableName(table), d->lastError());
    return t;
}

QVector<SeriesTotals> StoreDatabase::sampleTotalsBySeries(QString* error)
{
    QVector<SeriesTotals> out;
    Stmt s;
    if (!d->db || !s.prepare(d->db, "SELECT s.source, s.metric, s.aggregation, s.labels, "
                                    "count(*), total(v.value) FROM series s JOIN samples v ON "
                                    "v.series_id = s.id GROUP BY s.id ORDER BY s.id")) {
        *error = d->db ? d->lastError() : QStringLiteral("The history database is not open.");
        return out;
    }
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.append(
            SeriesTotals{{s.text(0), s.text(1), s.text(2), s.text(3)}, s.int64(4), s.real(5)});
    if (rc != SQLITE_DONE)
        *error = d->lastError();
    return out;
}

QString StoreDatabase::metaValue(const QString& key)
{
    Stmt s;
    if (!d->db || !s.prepare(d->db, "SELECT value FROM meta WHERE key = ?1"))
        return {};
    s.bind(1, key);
    return s.step() == SQLITE_ROW ? s.text(0) : QString();
}

} // namespace isc
