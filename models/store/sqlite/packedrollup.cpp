#include "store/sqlite/packedrollup.h"

#include <QtEndian>
#include <algorithm>
#include <cstring>
#include <limits>

namespace isc::packedrollup {
namespace {

double readDouble(const uchar* p)
{
    const quint64 bits = qFromLittleEndian<quint64>(p);
    double v;
    std::memcpy(&v, &bits, sizeof v);
    return v;
}

void writeDouble(uchar* p, double v)
{
    quint64 bits;
    std::memcpy(&bits, &v, sizeof bits);
    qToLittleEndian<quint64>(bits, p);
}

StoredBucket readSlot(const uchar* p, qint64 ts)
{
    return {ts, readDouble(p), readDouble(p + 8), readDouble(p + 16),
            qFromLittleEndian<qint64>(p + 24)};
}

} // namespace

Row emptyRow(const Layout& layout, qint64 start)
{
    Row out{};
    for (int i = 0; i < layout.slotCount(); ++i)
        out[std::size_t(i)].ts = start + i * layout.bucket;
    return out;
}

QByteArray encode(const Layout& layout, const Row& row)
{
    QByteArray out(layout.rowBytes(), Qt::Uninitialized);
    auto* p = reinterpret_cast<uchar*>(out.data());
    for (int i = 0; i < layout.slotCount(); ++i, p += kSlotBytes) {
        const StoredBucket& b = row[std::size_t(i)];
        writeDouble(p, b.min);
        writeDouble(p + 8, b.max);
        writeDouble(p + 16, b.sum);
        qToLittleEndian<qint64>(b.count, p + 24);
    }
    return out;
}

bool decode(const Layout& layout, const void* data, int size, qint64 start, Row* out)
{
    if (size != layout.rowBytes() || !data)
        return false;
    const auto* p = static_cast<const uchar*>(data);
    for (int i = 0; i < layout.slotCount(); ++i, p += kSlotBytes)
        (*out)[std::size_t(i)] = readSlot(p, start + i * layout.bucket);
    return true;
}

bool appendBuckets(const Layout& layout, const void* data, int size, qint64 start, qint64 from,
                   qint64 to, QVector<StoredBucket>* out)
{
    if (size != layout.rowBytes() || !data)
        return false;
    const auto* base = static_cast<const uchar*>(data);
    const qint64 n = layout.slotCount();
    const auto firstAtOrAfter = [&](qint64 t) {
        return int(std::clamp<qint64>((t - start + layout.bucket - 1) / layout.bucket, 0, n));
    };
    const int last = firstAtOrAfter(to);
    for (int i = firstAtOrAfter(from); i < last; ++i) {
        const uchar* p = base + i * kSlotBytes;
        if (qFromLittleEndian<qint64>(p + 24) > 0)
            out->append(readSlot(p, start + i * layout.bucket));
    }
    return true;
}

StoredBucket combine(const Row& row, int first, int count)
{
    StoredBucket acc{row[std::size_t(first)].ts, std::numeric_limits<double>::infinity(),
                     -std::numeric_limits<double>::infinity(), 0, 0};
    for (int i = first; i < first + count; ++i) {
        const StoredBucket& b = row[std::size_t(i)];
        if (b.count <= 0)
            continue;
        acc.min = std::min(acc.min, b.min);
        acc.max = std::max(acc.max, b.max);
        acc.sum += b.sum;
        acc.count += b.count;
    }
    if (acc.count == 0)
        acc.min = acc.max = 0;
    return acc;
}

} // namespace isc::packedrollup
