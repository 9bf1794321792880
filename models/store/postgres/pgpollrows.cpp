#include "store/postgres/postgresstore_p.h"

#include <algorithm>

namespace isc::pgimpl {

namespace {

struct Bucket
{
    qint64 ts = 0;
    double min = 0, max = 0, sum = 0;
    qint64 count = 0;
    bool complete = false; ///< all its minutes are in this poll: its aggregate is known here
};

void add(Bucket* b, const Bucket& part)
{
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
            out.append({ts, 0, 0, 0, 0, false});
            completeParts = 0;
        }
        add(&out.last(), f);
        completeParts += f.complete ? 1 : 0;
        out.last().complete = completeParts == parts;
    }
    return out;
}

void appendBuckets(QByteArray* out, qint64 width, const QByteArray& id, const QVector<Bucket>& bs)
{
    for (const Bucket& b : bs) {
        *out += pg::param(width) + '\t' + id + '\t' + pg::param(b.ts);
        if (b.complete) {
            *out += '\t' + pg::param(b.min) + '\t' + pg::param(b.max) + '\t' + pg::param(b.sum) +
                    '\t' + pg::param(b.count) + '\n';
        } else {
            *out += "\t\\N\t\\N\t\\N\t\\N\n";
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
        const QByteArray id = pg::param(s.key());
        const qint64 after = lastStored ? lastStored->value(s.key(), kNothingStored)
                                        : std::numeric_limits<qint64>::max();
        QVector<Bucket> fives;
        for (auto m = s.value().cbegin(); m != s.value().cend(); ++m) {
            QByteArray& rows = m.key() > after ? out.fresh : out.replaced;
            rows += id + '\t' + pg::param(m.key()) + '\t' + pg::param(m.value()) + '\n';
            ++out.count;
            out.first = std::min(out.first, m.key());
            out.last = std::max(out.last, m.key());
            const qint64 five = floorTo(m.key(), 300);
            if (fives.isEmpty() || fives.constLast().ts != five)
                fives.append({five, 0, 0, 0, 0, false});
            add(&fives.last(), {m.key(), m.value(), m.value(), m.value(), 1, true});
            fives.last().complete = fives.constLast().count == 5;
        }
        const QVector<Bucket> quarters = coarsen(fives, 900, 3);
        const QVector<Bucket> hours = coarsen(quarters, 3600, 4);
        appendBuckets(&out.buckets, 300, id, fives);
        appendBuckets(&out.buckets, 900, id, quarters);
        appendBuckets(&out.buckets, 3600, id, hours);
    }
    if (out.count == 0)
        out.first = 0;
    return out;
}

} // namespace isc::pgimpl
