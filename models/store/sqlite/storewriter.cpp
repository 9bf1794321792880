#include "store/sqlite/storedatabase_p.h"

#include "store/plausiblesamples.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace isc {

using namespace storeimpl;

namespace {

// The 5-minute buckets of series ?1 in [?2, ?3), recomputed from raw.
const char* const kFivesOfSamples =
    "SELECT ts - ts % 300, min(value), max(value), sum(value), count(*) FROM samples WHERE "
    "series_id = ?1 AND ts >= ?2 AND ts < ?3 GROUP BY ts - ts % 300 ORDER BY 1";

const char* const kInsertSample = "INSERT INTO samples(series_id, ts, value) VALUES(?1, ?2, ?3) "
                                  "ON CONFLICT(series_id, ts) DO UPDATE SET value = excluded.value";

constexpr int kInsertChunk = 64;

/// The upsert of kInsertChunk samples of one series (?1) in one statement.
QByteArray chunkInsertSql()
{
    QByteArray sql = "INSERT INTO samples(series_id, ts, value) VALUES";
    for (int k = 0; k < kInsertChunk; ++k) {
        sql += k ? ",(?1,?" : "(?1,?";
        sql += QByteArray::number(2 + 2 * k) + ",?" + QByteArray::number(3 + 2 * k) + ")";
    }
    return sql + " ON CONFLICT(series_id, ts) DO UPDATE SET value = excluded.value";
}

constexpr int kPutChunk = 32;

/// The replacement of kPutChunk rollup rows of one series (?1) in one statement.
QByteArray chunkPutSql(const char* table)
{
    QByteArray sql = QByteArray("INSERT OR REPLACE INTO ") + table +
                     "(series_id, ts, min, max, sum, count) VALUES";
    for (int k = 0; k < kPutChunk; ++k) {
        sql += k ? ",(?1" : "(?1";
        for (int c = 0; c < 5; ++c)
            sql += ",?" + QByteArray::number(2 + 5 * k + c);
        sql += ")";
    }
    return sql;
}

/// Calls f(start, end) for each run of consecutive buckets of `width` s in a sorted list.
template <typename F> bool forEachRun(const QVector<qint64>& buckets, qint64 width, F f)
{
    for (qsizetype i = 0; i < buckets.size();) {
        const qint64 start = buckets[i];
        qint64 last = start;
        for (++i; i < buckets.size() && buckets[i] == last + width; ++i)
            last = buckets[i];
        if (!f(start, last + width))
            return false;
    }
    return true;
}

} // namespace

bool StoreDatabase::Private::prepareStatements()
{
    return insertSample.prepare(db, kInsertSample) &&
           insertSampleChunk.prepare(db, chunkInsertSql().constData()) &&
           put1hChunk.prepare(db, chunkPutSql("rollup_1h").constData()) &&
           findSeries.prepare(db, "SELECT id, unit FROM series WHERE source = ?1 AND "
                                  "metric = ?2 AND aggregation = ?3 AND labels = ?4") &&
           insertSeries.prepare(db, "INSERT INTO series(source, metric, aggregation, "
                                    "labels, unit) VALUES(?1, ?2, ?3, ?4, ?5)") &&
           updateUnit.prepare(db, "UPDATE series SET unit = ?2 WHERE id = ?1") &&
           put1h.prepare(db, "INSERT OR REPLACE INTO rollup_1h(series_id, ts, min, max, "
                             "sum, count) VALUES(?1, ?2, ?3, ?4, ?5, ?6)") &&
           insertGap.prepare(db, "INSERT INTO gaps(source, from_ts, to_ts, reason, "
                                 "recorded_at, metric) VALUES(?1, ?2, ?3, ?4, ?5, ?6)") &&
           fivesOfSamples.prepare(db, kFivesOfSamples) &&
           get5mRow.prepare(db, "SELECT buckets FROM rollup_5m WHERE series_id = ?1 AND "
                                "start = ?2") &&
           put5mRow.prepare(db, "INSERT OR REPLACE INTO rollup_5m(series_id, start, buckets) "
                                "VALUES(?1, ?2, ?3)") &&
           get15mRow.prepare(db, "SELECT buckets FROM rollup_15m WHERE series_id = ?1 AND "
                                 "start = ?2") &&
           put15mRow.prepare(db, "INSERT OR REPLACE INTO rollup_15m(series_id, start, "
                                 "buckets) VALUES(?1, ?2, ?3)");
}

bool StoreDatabase::Private::seriesId(const SeriesKey& key, const QString& unit, qint64* id,
                                      QString* error)
{
    auto it = seriesCache.find(key);
    if (it == seriesCache.end()) {
        findSeries.reset();
        findSeries.bind(1, key.source);
        findSeries.bind(2, key.metric);
        findSeries.bind(3, key.aggregation);
        findSeries.bind(4, key.labels);
        const int rc = findSeries.step();
        if (rc == SQLITE_ROW) {
            it = seriesCache.insert(key, {findSeries.int64(0), findSeries.text(1)});
        } else if (rc == SQLITE_DONE) {
            insertSeries.reset();
            insertSeries.bind(1, key.source);
            insertSeries.bind(2, key.metric);
            insertSeries.bind(3, key.aggregation);
            insertSeries.bind(4, key.labels);
            insertSeries.bind(5, unit);
            if (insertSeries.step() != SQLITE_DONE) {
                *error = lastError();
                return false;
            }
            it = seriesCache.insert(key, {sqlite3_last_insert_rowid(db), unit});
            createdInTransaction.append(key);
        } else {
            *error = lastError();
            return false;
        }
        findSeries.reset();
    }
    if (!unit.isEmpty() && it->unit != unit) {
        updateUnit.reset();
        updateUnit.bind(1, it->id);
        updateUnit.bind(2, unit);
        if (updateUnit.step() != SQLITE_DONE) {
            *error = lastError();
            return false;
        }
        // A rollback would leave the cache claiming the new unit: forget the entry then.
        it->unit = unit;
        createdInTransaction.append(key);
    }
    *id = it->id;
    return true;
}

bool StoreDatabase::Private::putBuckets(Stmt& chunk, Stmt& single, qint64 id,
                                        const QVector<StoredBucket>& rows, QString* error)
{
    qsizetype i = 0;
    auto run = [&](sqlite3_stmt* st, int count) {
        sqlite3_bind_int64(st, 1, id);
        for (int k = 0; k < count; ++k, ++i) {
            const StoredBucket& b = rows[i];
            sqlite3_bind_int64(st, 2 + 5 * k, b.ts);
            sqlite3_bind_double(st, 3 + 5 * k, b.min);
            sqlite3_bind_double(st, 4 + 5 * k, b.max);
            sqlite3_bind_double(st, 5 + 5 * k, b.sum);
            sqlite3_bind_int64(st, 6 + 5 * k, b.count);
        }
        const bool ok = sqlite3_step(st) == SQLITE_DONE;
        if (!ok)
            *error = lastError();
        sqlite3_reset(st);
        return ok;
    };
    while (i + kPutChunk <= rows.size()) {
        if (!run(chunk.get(), kPutChunk))
            return false;
    }
    while (i < rows.size()) {
        if (!run(single.get(), 1))
            return false;
    }
    return true;
}

bool StoreDatabase::Private::readFives(qint64 id, qint64 from, qint64 to,
                                       QVector<StoredBucket>* out, QString* error)
{
    fivesOfSamples.reset();
    fivesOfSamples.bind(1, id);
    fivesOfSamples.bind(2, from);
    fivesOfSamples.bind(3, to);
    int rc;
    while ((rc = fivesOfSamples.step()) == SQLITE_ROW) {
        out->append({fivesOfSamples.int64(0), fivesOfSamples.real(1), fivesOfSamples.real(2),
                     fivesOfSamples.real(3), fivesOfSamples.int64(4)});
    }
    if (rc != SQLITE_DONE) {
        *error = lastError();
        return false;
    }
    return true;
}

bool StoreDatabase::Private::readRow(Stmt& get, const packedrollup::Layout& layout, qint64 id,
                                     qint64 start, packedrollup::Row* row, QString* error)
{
    get.reset();
    get.bind(1, id);
    get.bind(2, start);
    const int rc = get.step();
    if (rc == SQLITE_DONE)
        return true;
    if (rc != SQLITE_ROW) {
        *error = lastError();
        return false;
    }
    sqlite3_stmt* st = get.get();
    const bool decoded = packedrollup::decode(layout, sqlite3_column_blob(st, 0),
                                              sqlite3_column_bytes(st, 0), start, row);
    get.reset(); // no read cursor left open on the table the row is written back to
    if (decoded)
        return true;
    QVector<StoredBucket> fives;
    if (!readFives(id, start, start + layout.span, &fives, error))
        return false;
    for (const StoredBucket& f : std::as_const(fives)) {
        const qint64 bucket = f.ts - f.ts % layout.bucket;
        StoredBucket& slot = (*row)[std::size_t(layout.slotOf(bucket, start))];
        if (slot.count == 0) {
            slot = {bucket, f.min, f.max, 0, 0};
        }
        slot.min = std::min(slot.min, f.min);
        slot.max = std::max(slot.max, f.max);
        slot.sum += f.sum;
        slot.count += f.count;
    }
    return true;
}

bool StoreDatabase::Private::putRow(Stmt& put, const packedrollup::Layout& layout, qint64 id,
                                    qint64 start, const packedrollup::Row& row, QString* error)
{
    const QByteArray blob = packedrollup::encode(layout, row);
    put.reset();
    put.bind(1, id);
    put.bind(2, start);
    sqlite3_bind_blob(put.get(), 3, blob.constData(), int(blob.size()), SQLITE_STATIC);
    const bool ok = put.step() == SQLITE_DONE;
    if (!ok)
        *error = lastError();
    put.reset();
    return ok;
}

bool StoreDatabase::Private::updateRollups(qint64 id, const QVector<Sample>& samples,
                                           QString* error)
{
    using namespace packedrollup;
    QVector<std::pair<qint64, double>>& minutes = scratchMinutes;
    minutes.clear();
    minutes.reserve(samples.size());
    for (const Sample& smp : samples)
        minutes.append({floorTo(smp.ts, 60), smp.value});
    const auto byTs = [](const auto& x, const auto& y) { return x.first < y.first; };
    if (!std::is_sorted(minutes.begin(), minutes.end(), byTs))
        std::stable_sort(minutes.begin(), minutes.end(), byTs);

    QVector<StoredBucket>& fives = scratchFives;
    fives.clear();
    QVector<qint64> partial;
    for (qsizetype i = 0; i < minutes.size();) {
        const qint64 bucket = minutes[i].first - minutes[i].first % 300;
        StoredBucket agg{bucket, std::numeric_limits<double>::infinity(),
                         -std::numeric_limits<double>::infinity(), 0, 0};
        while (i < minutes.size() && minutes[i].first < bucket + 300) {
            // The last write of a minute is the one stored.
            while (i + 1 < minutes.size() && minutes[i + 1].first == minutes[i].first)
                ++i;
            const double v = minutes[i].second;
            agg.min = std::min(agg.min, v);
            agg.max = std::max(agg.max, v);
            agg.sum += v;
            ++agg.count;
            ++i;
        }
        if (agg.count == 5)
            fives.append(agg);
        else
            partial.append(bucket);
    }
    if (!partial.isEmpty()) {
        if (!forEachRun(partial, 300, [&](qint64 from, qint64 to) {
                return readFives(id, from, to, &fives, error);
            }))
            return false;
        std::sort(fives.begin(), fives.end(),
                  [](const StoredBucket& a, const StoredBucket& b) { return a.ts < b.ts; });
    }

    // Hours: one packed 5-minute row each, and the hourly bucket.
    QVector<Row>& hourRows = scratchRows;
    if (!patchRows(kFiveMinutes, get5mRow, put5mRow, id, fives, &hourRows, error))
        return false;
    QVector<StoredBucket>& hours = scratchWhole;
    hours.clear();
    for (const Row& row : std::as_const(hourRows))
        hours.append(combine(row, 0, kFiveMinutes.slotCount()));
    if (!putBuckets(put1hChunk, put1h, id, hours, error))
        return false;

    // 15-minute buckets touched, each from its hour's current 5-minute buckets.
    QVector<StoredBucket>& quarters = scratchQuarters;
    quarters.clear();
    constexpr int kFivesPerQuarter = int(kFifteenMinutes.bucket / kFiveMinutes.bucket);
    qsizetype hour = 0;
    for (const StoredBucket& f : std::as_const(fives)) {
        const qint64 quarter = f.ts - f.ts % kFifteenMinutes.bucket;
        if (!quarters.isEmpty() && quarters.constLast().ts == quarter)
            continue;
        while (hourRows[hour][0].ts + kFiveMinutes.span <= quarter)
            ++hour;
        const Row& row = hourRows[hour];
        quarters.append(combine(row, kFiveMinutes.slotOf(quarter, row[0].ts), kFivesPerQuarter));
    }
    return patchRows(kFifteenMinutes, get15mRow, put15mRow, id, quarters, nullptr, error);
}

bool StoreDatabase::Private::patchRows(const packedrollup::Layout& layout, Stmt& get, Stmt& put,
                                       qint64 id, const QVector<StoredBucket>& buckets,
                                       QVector<packedrollup::Row>* written, QString* error)
{
    if (written)
        written->clear();
    for (qsizetype i = 0; i < buckets.size();) {
        const qint64 start = layout.rowStart(buckets[i].ts);
        qsizetype end = i;
        while (end < buckets.size() && buckets[end].ts < start + layout.span)
            ++end;
        packedrollup::Row row = packedrollup::emptyRow(layout, start);
        if (end - i < layout.slotCount() && !readRow(get, layout, id, start, &row, error))
            return false;
        for (qsizetype k = i; k < end; ++k)
            row[std::size_t(layout.slotOf(buckets[k].ts, start))] = buckets[k];
        if (!putRow(put, layout, id, start, row, error))
            return false;
        if (written)
            written->append(row);
        i = end;
    }
    return true;
}

bool StoreDatabase::Private::insertSamples(qint64 id, const QVector<Sample>& samples,
                                           qsizetype* written, QString* error)
{
    const Sample* p = samples.constData();
    const qsizetype n = samples.size();
    qsizetype i = 0;
    sqlite3_stmt* multi = insertSampleChunk.get();
    sqlite3_bind_int64(multi, 1, id);
    for (; i + kInsertChunk <= n; i += kInsertChunk) {
        for (int k = 0; k < kInsertChunk; ++k) {
            const Sample& smp = p[i + k];
            sqlite3_bind_int64(multi, 2 + 2 * k, floorTo(smp.ts, 60));
            sqlite3_bind_double(multi, 3 + 2 * k, smp.value);
        }
        const bool ok = sqlite3_step(multi) == SQLITE_DONE;
        sqlite3_reset(multi);
        if (!ok) {
            *error = lastError();
            return false;
        }
        *written += kInsertChunk;
    }
    sqlite3_stmt* st = insertSample.get();
    sqlite3_bind_int64(st, 1, id);
    for (; i < n; ++i) {
        sqlite3_bind_int64(st, 2, floorTo(p[i].ts, 60));
        sqlite3_bind_double(st, 3, p[i].value);
        const bool ok = sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
        if (!ok) {
            *error = lastError();
            return false;
        }
        ++*written;
    }
    return true;
}

bool StoreDatabase::Private::writeInTransaction(const PollBatch& batch, qsizetype* written,
                                                QString* error)
{
    for (const SeriesSamples& s : batch.series) {
        SeriesKey key = s.key;
        if (key.source.isEmpty())
            key.source = batch.source;
        qint64 id = 0;
        if (!seriesId(key, s.unit, &id, error))
            return false;
        if (!insertSamples(id, s.samples, written, error))
            return false;
        if (settings.maintainRollups && !updateRollups(id, s.samples, error))
            return false;
    }
    return true;
}

bool StoreDatabase::Private::insertGapRow(const GapMarker& gap)
{
    insertGap.reset();
    insertGap.bind(1, gap.source);
    insertGap.bind(2, gap.window.from);
    insertGap.bind(3, gap.window.to);
    insertGap.bind(4, gap.reason);
    insertGap.bind(5, gap.recordedAt > 0 ? gap.recordedAt : nowUtc());
    insertGap.bind(6, gap.metric);
    const bool ok = insertGap.step() == SQLITE_DONE;
    insertGap.reset();
    return ok;
}

WriteReport StoreDatabase::write(const PollBatch& polled)
{
    WriteReport report;
    if (!d->db) {
        report.error = QStringLiteral("The history database is not open.");
        return report;
    }
    if (d->damaged) {
        report.error = damagedRefusal();
        return report;
    }
    // Implausible samples are left out one by one; the rest of the poll is written.
    PollBatch plausible;
    const bool refusedAny = refuseImplausible(polled, nowUtc() + kFutureSlack, &plausible,
                                              &report.samplesRefused, &report.refusal);
    const PollBatch& batch = refusedAny ? plausible : polled;
    report.window = pollWindow(batch);

    QString error;
    qsizetype written = 0;
    d->createdInTransaction.clear();
    d->failedRc = SQLITE_OK;
    bool ok = d->exec("BEGIN IMMEDIATE", &error);
    bool corrupt = !ok && isCorruptionCode(d->failedRc);
    if (ok) {
        ok = d->writeInTransaction(batch, &written, &error) && d->exec("COMMIT", &error);
        corrupt = !ok && isCorruptionCode(d->failedRc);
        if (!ok)
            d->exec("ROLLBACK");
    }
    if (ok) {
        d->createdInTransaction.clear();
        report.ok = true;
        report.samplesWritten = written;
        return report;
    }
    for (const SeriesKey& k : std::as_const(d->createdInTransaction))
        d->seriesCache.remove(k);
    d->createdInTransaction.clear();
    if (corrupt) {
        // Nothing more goes into a damaged file, not even the gap marker.
        d->markDamaged(damageMessage(QStringLiteral("a write failed: %1").arg(error)));
        report.error = damagedRefusal();
        return report;
    }

    const GapMarker gap = failedPollGap(batch.source, report.window, error);
    report.error = gap.reason;
    if (!d->insertGapRow(gap)) {
        const QString gapError = d->lastError();
        report.error +=
            QStringLiteral(" Its gap marker could not be recorded either: %1.").arg(gapError);
        d->noteFailure(QStringLiteral("recording a gap failed"), gapError);
    }
    return report;
}

WriteReport StoreDatabase::recordGap(GapMarker gap)
{
    WriteReport report;
    if (!d->db) {
        report.error = QStringLiteral("The history database is not open.");
    } else if (d->damaged) {
        report.error = damagedRefusal();
    } else if (!d->insertGapRow(gap)) {
        const QString error = d->lastError();
        report.error = QStringLiteral("Could not record the gap of %1 for %2 in the history "
                                      "database: %3.")
                           .arg(gap.source, windowText(gap.window), error);
        d->noteFailure(QStringLiteral("recording a gap failed"), error);
    } else {
        report.ok = true;
        report.window = gap.window;
    }
    return report;
}

bool StoreDatabase::checkpoint()
{
    if (!d->db || d->damaged)
        return false;
    d->checkpointer.waitIdle();
    int logPages = 0, copied = 0;
    const int rc =
        sqlite3_wal_checkpoint_v2(d->db, nullptr, SQLITE_CHECKPOINT_TRUNCATE, &logPages, &copied);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY)
        d->noteFailure(QStringLiteral("a checkpoint failed"), d->lastError());
    return rc == SQLITE_OK && logPages == copied;
}

} // namespace isc
