#include "store/sqlite/storedatabase_p.h"

#include <algorithm>

namespace isc {

using namespace storeimpl;

namespace {

QString rollupTable(Resolution r)
{
    switch (r) {
    case Resolution::Raw:
        break;
    case Resolution::FiveMinutes:
        return QStringLiteral("rollup_5m");
    case Resolution::FifteenMinutes:
        return QStringLiteral("rollup_15m");
    case Resolution::Hour:
        return QStringLiteral("rollup_1h");
    }
    return QStringLiteral("samples");
}

/// Reads the packed rollup rows of one series over `range` (statement: start, buckets).
bool readPackedRows(Stmt& rows, const packedrollup::Layout& layout, qint64 seriesId,
                    const TimeRange& range, QVector<StoredBucket>* out, QString* error)
{
    const qint64 from = floorTo(range.from, layout.bucket);
    rows.reset();
    rows.bind(1, seriesId);
    rows.bind(2, layout.rowStart(from));
    rows.bind(3, range.to);
    sqlite3_stmt* st = rows.get();
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const qint64 start = sqlite3_column_int64(st, 0);
        if (!packedrollup::appendBuckets(layout, sqlite3_column_blob(st, 1),
                                         sqlite3_column_bytes(st, 1), start, from, range.to, out)) {
            *error = QStringLiteral("The history database has a malformed %1-minute rollup row "
                                    "(series %2 at %3), so this range cannot be drawn at that "
                                    "resolution. Nothing was changed; the next poll that "
                                    "covers that time rewrites the row.")
                         .arg(layout.bucket / 60)
                         .arg(seriesId)
                         .arg(formatIsoUtc(start));
            return false;
        }
    }
    return rc == SQLITE_DONE;
}

} // namespace

QVector<qint64> StoreDatabase::Private::seriesIdsOf(const QString& source)
{
    QVector<qint64> ids;
    Stmt s;
    if (!s.prepare(db, "SELECT id FROM series WHERE ?1 = '' OR source = ?1 ORDER BY id"))
        return ids;
    s.bind(1, source);
    while (s.step() == SQLITE_ROW)
        ids.append(s.int64(0));
    return ids;
}

QueryResult StoreDatabase::query(const SeriesQuery& q)
{
    QueryResult result;
    if (!d->db) {
        result.error = QStringLiteral("The history database is not open.");
        return result;
    }
    if (!queryengine::plan(q, d->settings, &result) || !q.range.isValid())
        return result;

    Stmt sel;
    const auto readFailed = [&]() {
        const QString error = d->lastError();
        result.error = QStringLiteral("The history database could not be read: %1.").arg(error);
        d->noteFailure(QStringLiteral("a read failed"), error);
        return result;
    };
    if (!sel.prepare(d->db, "SELECT id, source, labels FROM series WHERE metric = ?1 AND "
                            "aggregation = ?2 AND (?3 = '' OR source = ?3) ORDER BY id"))
        return readFailed();
    sel.bind(1, q.metric);
    sel.bind(2, q.aggregation);
    sel.bind(3, q.source);
    struct Selected
    {
        qint64 id;
        QString source;
        QString labels;
    };
    QVector<Selected> selected;
    int selRc;
    while ((selRc = sel.step()) == SQLITE_ROW) {
        Selected s{sel.int64(0), sel.text(1), sel.text(2)};
        if (queryengine::matchesLabels(s.labels, q.labelEquals))
            selected.append(std::move(s));
    }
    if (selRc != SQLITE_DONE)
        return readFailed();

    const qint64 res = static_cast<qint64>(result.resolution);
    const bool raw = result.resolution == Resolution::Raw;
    const bool packed = result.resolution == Resolution::FiveMinutes ||
                        result.resolution == Resolution::FifteenMinutes;
    const packedrollup::Layout& layout = result.resolution == Resolution::FiveMinutes
                                             ? packedrollup::kFiveMinutes
                                             : packedrollup::kFifteenMinutes;
    const QByteArray table = rollupTable(result.resolution).toLatin1();
    const QByteArray sql =
        raw      ? QByteArray("SELECT ts, value FROM samples WHERE series_id = ?1 AND ts >= ?2 "
                                   "AND ts < ?3")
        : packed ? "SELECT start, buckets FROM " + table +
                       " WHERE series_id = ?1 AND start >= ?2 AND start < ?3"
                 : "SELECT ts, min, max, sum, count FROM " + table +
                       " WHERE series_id = ?1 AND ts >= ?2 AND ts < ?3";
    Stmt rows;
    if (!rows.prepare(d->db, sql.constData()))
        return readFailed();
    // Buffers outlive the query: re-touching fresh pages cost more than reading the rows.
    QVector<StoredSeries>& input = d->readBuffers;
    if (input.size() < selected.size())
        input.resize(selected.size());
    const qsizetype expected =
        qsizetype(std::min<qint64>(q.range.duration() / res + 2, qint64(1) << 22));
    for (qsizetype i = 0; i < input.size(); ++i) {
        StoredSeries& series = input[i];
        series.buckets.resize(0);
        if (i >= selected.size())
            continue;
        series.source = selected[i].source;
        series.labels = selected[i].labels;
        if (packed) {
            if (!readPackedRows(rows, layout, selected[i].id, q.range, &series.buckets,
                                &result.error))
                return result.error.isEmpty() ? readFailed() : result;
            continue;
        }
        series.buckets.resize(expected);
        StoredBucket* out = series.buckets.data();
        qsizetype n = 0;
        rows.reset();
        rows.bind(1, selected[i].id);
        rows.bind(2, floorTo(q.range.from, res));
        rows.bind(3, q.range.to);
        sqlite3_stmt* st = rows.get();
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            if (n == series.buckets.size()) {
                series.buckets.resize(n * 2 + 16);
                out = series.buckets.data();
            }
            StoredBucket& b = out[n++];
            b.ts = sqlite3_column_int64(st, 0);
            if (raw) {
                b.min = b.max = b.sum = sqlite3_column_double(st, 1);
                b.count = 1;
            } else {
                b.min = sqlite3_column_double(st, 1);
                b.max = sqlite3_column_double(st, 2);
                b.sum = sqlite3_column_double(st, 3);
                b.count = sqlite3_column_int64(st, 4);
            }
        }
        series.buckets.resize(n);
        if (rc != SQLITE_DONE)
            return readFailed();
    }
    result.series = queryengine::assemble(q, result.step, input);
    result.gaps = queryengine::gapsFor(q, gaps(q.source, q.range));
    return result;
}

Deployment storeimpl::deploymentAt(const Stmt& s)
{
    Deployment dep;
    dep.source = s.text(0);
    dep.name = s.text(1);
    dep.model = s.text(2);
    dep.version = s.text(3);
    dep.sku = s.text(4);
    dep.capacity = int(s.int64(5));
    dep.spilloverTo = s.text(6);
    dep.state = s.text(7);
    dep.upgradeOption = s.text(8);
    return dep;
}

Deployments StoreDatabase::deployments(const QString& source)
{
    Deployments out;
    Stmt s;
    if (!d->db ||
        !s.prepare(d->db, "SELECT source, name, model, version, sku, capacity, spillover_to, "
                          "state, upgrade_option FROM deployments WHERE ?1 = '' OR source = ?1 "
                          "ORDER BY source, name"))
        return out;
    s.bind(1, source);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW) {
        out.append(storeimpl::deploymentAt(s));
    }
    if (rc != SQLITE_DONE)
        d->noteFailure(QStringLiteral("a read failed"), d->lastError());
    return out;
}

SourceExtent StoreDatabase::extent(const QString& source)
{
    SourceExtent e;
    Stmt first, last;
    if (!d->db ||
        !first.prepare(d->db, "SELECT ts FROM samples WHERE series_id = ?1 ORDER BY ts LIMIT 1") ||
        !last.prepare(d->db,
                      "SELECT ts FROM samples WHERE series_id = ?1 ORDER BY ts DESC LIMIT 1"))
        return e;
    // Per series: each is one B-tree probe; a min() over a join would scan every sample.
    for (const qint64 id : d->seriesIdsOf(source)) {
        first.reset();
        first.bind(1, id);
        int rc = first.step();
        if (rc == SQLITE_ROW) {
            const qint64 ts = first.int64(0);
            e.oldest = e.oldest == 0 ? ts : std::min(e.oldest, ts);
        }
        if (rc == SQLITE_ROW || rc == SQLITE_DONE) {
            last.reset();
            last.bind(1, id);
            rc = last.step();
            if (rc == SQLITE_ROW)
                e.newest = std::max(e.newest, last.int64(0));
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
            d->noteFailure(QStringLiteral("a read failed"), d->lastError());
            break;
        }
    }
    return e;
}

QVector<GapMarker> StoreDatabase::gaps(const QString& source, const TimeRange& range)
{
    QVector<GapMarker> out;
    Stmt s;
    if (!d->db ||
        !s.prepare(d->db,
                   "SELECT source, from_ts, to_ts, reason, recorded_at, metric FROM gaps WHERE "
                   "(?1 = '' OR source = ?1) AND from_ts < ?3 AND to_ts > ?2 ORDER BY "
                   "from_ts, id"))
        return out;
    s.bind(1, source);
    s.bind(2, range.from);
    s.bind(3, range.to);
    int rc;
    while ((rc = s.step()) == SQLITE_ROW)
        out.append({s.text(0), {s.int64(1), s.int64(2)}, s.text(3), s.int64(4), s.text(5)});
    if (rc != SQLITE_DONE)
        d->noteFailure(QStringLiteral("a read failed"), d->lastError());
    return out;
}

} // namespace isc
