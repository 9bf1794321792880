#include "store/postgres/postgresstore_p.h"

#include "store/queryengine.h"

#include <algorithm>

namespace isc {

QueryResult PostgresStore::query(const SeriesQuery& q)
{
    QueryResult result;
    if (!d->conn.isOpen()) {
        result.error = QStringLiteral("The history database is not open.");
        return result;
    }
    if (!queryengine::plan(q, d->settings, &result) || !q.range.isValid())
        return result;
    const auto readFailed = [&](const pg::Result& r) {
        result.error = QStringLiteral("The history database could not be read: %1.")
                           .arg(r.message().isEmpty() ? d->conn.lastError() : r.message());
        return result;
    };

    const pg::Result sel = d->conn.exec(
        "SELECT id, source, labels FROM series WHERE metric = $1 AND aggregation = $2 AND ($3 = "
        "'' OR source = $3) ORDER BY id",
        {pg::param(q.metric), pg::param(q.aggregation), pg::param(q.source)});
    if (!sel.ok())
        return readFailed(sel);
    QVector<StoredSeries> input;
    QVector<qint64> ids;
    QHash<qint64, qsizetype> indexOf;
    for (int i = 0; i < sel.rows(); ++i) {
        const QString labels = sel.text(i, 2);
        if (!queryengine::matchesLabels(labels, q.labelEquals))
            continue;
        indexOf.insert(sel.int64(i, 0), input.size());
        ids.append(sel.int64(i, 0));
        input.append({sel.text(i, 1), labels, {}});
    }
    if (!ids.isEmpty()) {
        const qint64 res = static_cast<qint64>(result.resolution);
        const bool raw = result.resolution == Resolution::Raw;
        const char* sql = nullptr;
        switch (result.resolution) {
        case Resolution::Raw:
            sql = "SELECT series_id, ts, value FROM samples WHERE series_id = ANY($1::bigint[]) "
                  "AND ts >= $2 AND ts < $3";
            break;
        case Resolution::FiveMinutes:
            sql = "SELECT series_id, ts, min, max, sum, count FROM rollup_5m WHERE series_id = "
                  "ANY($1::bigint[]) AND ts >= $2 AND ts < $3";
            break;
        case Resolution::FifteenMinutes:
            sql = "SELECT series_id, ts, min, max, sum, count FROM rollup_15m WHERE series_id = "
                  "ANY($1::bigint[]) AND ts >= $2 AND ts < $3";
            break;
        case Resolution::Hour:
            sql = "SELECT series_id, ts, min, max, sum, count FROM rollup_1h WHERE series_id = "
                  "ANY($1::bigint[]) AND ts >= $2 AND ts < $3";
            break;
        }
        // Binary: tens of thousands of numbers are neither printed nor parsed. No ORDER BY: the
        // server would sort every row (and, before a partition's first ANALYZE, pick a bitmap
        // scan and a sort that cost 5x the read); each series is put in order here instead.
        const pg::Result rows =
            d->conn.execBinary(sql, {pg::arrayParam(ids), pg::param(floorTo(q.range.from, res)),
                                     pg::param(q.range.to)});
        if (!rows.ok())
            return readFailed(rows);
        for (int i = 0; i < rows.rows(); ++i) {
            StoredBucket b;
            b.ts = rows.binaryInt64(i, 1);
            if (raw) {
                b.min = b.max = b.sum = rows.binaryReal(i, 2);
                b.count = 1;
            } else {
                b.min = rows.binaryReal(i, 2);
                b.max = rows.binaryReal(i, 3);
                b.sum = rows.binaryReal(i, 4);
                b.count = rows.binaryInt64(i, 5);
            }
            input[indexOf.value(rows.binaryInt64(i, 0))].buckets.append(b);
        }
        const auto byTs = [](const StoredBucket& x, const StoredBucket& y) { return x.ts < y.ts; };
        for (StoredSeries& s : input) {
            if (!std::is_sorted(s.buckets.begin(), s.buckets.end(), byTs))
                std::sort(s.buckets.begin(), s.buckets.end(), byTs);
        }
    }
    result.series = queryengine::assemble(q, result.step, input);
    result.gaps = queryengine::gapsFor(q, gaps(q.source, q.range));
    d->drainNotifications(); // those that arrived while the socket was busy with this read
    return result;
}

SourceExtent PostgresStore::extent(const QString& source)
{
    SourceExtent e;
    // Per series, each end one index probe per partition.
    const pg::Result r = d->conn.exec(
        "SELECT min(first), max(last) FROM (SELECT (SELECT ts FROM samples WHERE series_id = "
        "s.id ORDER BY ts LIMIT 1) AS first, (SELECT ts FROM samples WHERE series_id = s.id "
        "ORDER BY ts DESC LIMIT 1) AS last FROM series s WHERE $1 = '' OR s.source = $1) x",
        {pg::param(source)});
    if (r.ok() && r.rows() == 1 && !r.isNull(0, 0)) {
        e.oldest = r.int64(0, 0);
        e.newest = r.int64(0, 1);
    }
    return e;
}

QVector<GapMarker> PostgresStore::gaps(const QString& source, const TimeRange& range)
{
    QVector<GapMarker> out;
    const pg::Result r =
        d->conn.exec("SELECT source, from_ts, to_ts, reason, recorded_at, metric FROM gaps "
                     "WHERE ($1 = '' OR source = $1) AND from_ts < $3 AND to_ts > $2 ORDER BY "
                     "from_ts, id",
                     {pg::param(source), pg::param(range.from), pg::param(range.to)});
    for (int i = 0; r.ok() && i < r.rows(); ++i)
        out.append({r.text(i, 0),
                    {r.int64(i, 1), r.int64(i, 2)},
                    r.text(i, 3),
                    r.int64(i, 4),
                    r.text(i, 5)});
    return out;
}

} // namespace isc
