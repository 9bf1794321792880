#include "store/postgres/pgbinaryrows.h"

#include <QtEndian>
#include <cstring>

namespace isc::pg {

namespace {

template <typename T> void appendBigEndian(QByteArray* out, T v)
{
    char bytes[sizeof(T)];
    qToBigEndian(v, bytes);
    out->append(bytes, sizeof(T));
}

} // namespace

void BinaryRows::beginRow(int fields)
{
    appendBigEndian(&m_data, qint16(fields));
    ++m_rows;
}

void BinaryRows::addInt64(qint64 v)
{
    appendBigEndian(&m_data, qint32(sizeof v));
    appendBigEndian(&m_data, v);
}

void BinaryRows::addDouble(double v)
{
    quint64 bits = 0;
    static_assert(sizeof bits == sizeof v);
    std::memcpy(&bits, &v, sizeof v);
    appendBigEndian(&m_data, qint32(sizeof bits));
    appendBigEndian(&m_data, bits);
}

void BinaryRows::addNull()
{
    appendBigEndian(&m_data, qint32(-1));
}

QByteArray BinaryRows::stream() const
{
    // "PGCOPY\n\377\r\n\0", no flags (no OIDs), an empty header extension; a -1 field count ends.
    static const char kSignature[] = {'P', 'G', 'C', 'O', 'P', 'Y', '\n', '\377', '\r', '\n', '\0'};
    QByteArray out;
    out.reserve(qsizetype(sizeof kSignature) + 8 + m_data.size() + 2);
    out.append(kSignature, sizeof kSignature);
    appendBigEndian(&out, qint32(0));
    appendBigEndian(&out, qint32(0));
    out += m_data;
    appendBigEndian(&out, qint16(-1));
    return out;
}

} // namespace isc::pg
