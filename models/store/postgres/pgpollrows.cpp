#include "store/postgres/postgresstore_p.h"

#include <algorithm>

namespace isc::pgimpl {

namespace {

struct Bucket
{
    qint64 ts = 0;
    double min = 0, max = 0, sum = 0;
    qint64 count = 0;
    bool complete = false;  ///< all its minutes are in this poll: its aggregate is known here
    qint64 firstMinute = 0; ///< the poll's first minute in it
};

void add(Bucket* b, const Bucket& part)
{
    b->firstMinute = b->count == 0 ? part.firstMinute : std::min(b->firstMinute, part.firstMinute);
    b->min = b->count == 0 ? part.min : std::min(b->min, part.min);
    b->max = b->count == 0 ? part.max : std::max(b->max, part.max);
    b->sum += part.sum;
    b->count += part.count;
}

/// `finer` (sorted) grouped into buckets of `width`: complete when it has `parts` complete parts.
QVector<Bucket> coarsen(const QVector<Bucket>& finer, qint64 width, int parts)
{
    QVector<Bucket> out;
    int completeParts = 0;
    for (const Bucket& f : finer) {
        const qint64 ts = floorTo(f.ts, width);
        if (out.isEmpty() || out.constLast().ts != ts) {
            out.append({ts, 0, 0, 0, 0, false, 0});
            completeParts = 0;
        }
        add(&out.last(), f);
        completeParts += f.complete ? 1 : 0;
        out.last().complete = completeParts == parts;
    }
    return out;
}

/// The buckets of table `t` of series `id`, by what is stored of them (minutes up to `after`):
///  - whole in this poll and starting after `after`: new, no row of it exists (copied in);
///  - partly in this poll, its minutes here all after `after`, and `after` a stored minute: the
///    stored row (if any) holds the other minutes, and the poll's part is merged into it;
///  - whole in this poll otherwise: its row is replaced with the poll's aggregate;
///  - anything else is recomputed from the finer table.
/// Merging needs a stored minute: rollups can outlive their series' minutes (retention), and a
/// row without its minutes could hold the very minutes the poll brings again.
void appendBuckets(PollRows* out, int t, qint64 id, qint64 after, const QVector<Bucket>& bs)
{
    for (const Bucket& b : bs) {
        const bool isNew = b.complete && b.ts > after;
        const bool merge = !b.complete && b.firstMinute > after && after != kNothingStored;
        pg::BinaryRows& rows = isNew ? out->newBuckets[t] : out->touched;
        rows.beginRow(isNew ? 6 : 8);
        if (!isNew) {
            rows.addInt64(kRollupTables[t].width);
            rows.addInt64(merge ? 1 : 0);
            (merge ? out->mergedBuckets : out->replacedBuckets)[t] = true;
        }
        rows.addInt64(id);
        rows.addInt64(b.ts);
        if (b.complete || merge) {
            rows.addDouble(b.min);
            rows.addDouble(b.max);
            rows.addDouble(b.sum);
            rows.addInt64(b.count);
        } else {
            for (int i = 0; i < 4; ++i)
                rows.addNull();
        }
    }
}

} // namespace

PollRows pollRows(const QMap<qint64, QMap<qint64, double>>& minutes,
                  const QHash<qint64, qint64>* lastStored)
{
    PollRows out;
    out.first = std::numeric_limits<qint64>::max();
    for (auto s = minutes.cbegin(); s != minutes.cend(); ++s) {
        const qint64 id = s.key();
        const qint64 after =
            lastStored ? lastStored->value(id, kNothingStored) : std::numeric_limits<qint64>::max();
        QVector<Bucket> fives;
        for (auto m = s.value().cbegin(); m != s.value().cend(); ++m) {
            pg::BinaryRows& rows = m.key() > after ? out.fresh : out.replaced;
            rows.beginRow(3);
            rows.addInt64(id);
            rows.addInt64(m.key());
            rows.addDouble(m.value());
            ++out.count;
            out.first = std::min(out.first, m.key());
            out.last = std::max(out.last, m.key());
            const qint64 five = floorTo(m.key(), 300);
            if (fives.isEmpty() || fives.constLast().ts != five)
                fives.append({five, 0, 0, 0, 0, false, 0});
            add(&fives.last(), {m.key(), m.value(), m.value(), m.value(), 1, true, m.key()});
            fives.last().complete = fives.constLast().count == 5;
        }
        const QVector<Bucket> quarters = coarsen(fives, 900, 3);
        const QVector<Bucket> hours = coarsen(quarters, 3600, 4);
        appendBuckets(&out, 0, id, after, fives);
        appendBuckets(&out, 1, id, after, quarters);
        appendBuckets(&out, 2, id, after, hours);
    }
    if (out.count == 0)
        out.first = 0;
    return out;
}

} // namespace isc::pgimpl
