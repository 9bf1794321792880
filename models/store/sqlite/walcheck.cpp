#include "store/sqlite/walcheck.h"

#include <QFile>
#include <cstdint>

namespace isc::storeimpl {
namespace {

constexpr int kHeaderSize = 32;
constexpr int kFrameHeaderSize = 24;
constexpr quint32 kMagic = 0x377f0682; // | 1: checksums of big-endian words
constexpr quint32 kVersion = 3007000;

quint32 be32(const uchar* p)
{
    return (quint32(p[0]) << 24) | (quint32(p[1]) << 16) | (quint32(p[2]) << 8) | quint32(p[3]);
}

quint32 le32(const uchar* p)
{
    return (quint32(p[3]) << 24) | (quint32(p[2]) << 16) | (quint32(p[1]) << 8) | quint32(p[0]);
}

/// SQLite's WAL checksum (walChecksumBytes()) over `n` bytes (a multiple of 8), continuing `s`.
void checksum(bool bigEndian, const uchar* p, qsizetype n, quint32 s[2])
{
    for (qsizetype i = 0; i + 8 <= n; i += 8) {
        const quint32 a = bigEndian ? be32(p + i) : le32(p + i);
        const quint32 b = bigEndian ? be32(p + i + 4) : le32(p + i + 4);
        s[0] += a + s[1];
        s[1] += b + s[0];
    }
}

} // namespace

QString walDamage(const QString& walPath)
{
    QFile f(walPath);
    if (!f.exists() || !f.open(QIODevice::ReadOnly))
        return {}; // unreadable: SQLite reports the real reason
    const QByteArray bytes = f.readAll();
    const auto* p = reinterpret_cast<const uchar*>(bytes.constData());
    const qsizetype size = bytes.size();
    if (size < kHeaderSize)
        return {};

    const quint32 magic = be32(p);
    const quint32 pageSize = be32(p + 8);
    QString header;
    if ((magic & ~quint32(1)) != kMagic)
        header = QStringLiteral("its header has a wrong magic number");
    else if (be32(p + 4) != kVersion)
        header = QStringLiteral("its header has an unknown version");
    else if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) != 0)
        header = QStringLiteral("its header has an impossible page size");
    const bool bigEndian = magic & 1;
    quint32 sum[2] = {0, 0};
    if (header.isEmpty()) {
        checksum(bigEndian, p, 24, sum);
        if (sum[0] != be32(p + 24) || sum[1] != be32(p + 28))
            header = QStringLiteral("its header fails its checksum");
    }
    if (!header.isEmpty()) {
        // Only frames behind it are lost: a header alone holds nothing.
        return size >= kHeaderSize + kFrameHeaderSize + 512 ? header : QString();
    }

    const quint32 salt1 = be32(p + 16), salt2 = be32(p + 20);
    const qsizetype frameSize = kFrameHeaderSize + qsizetype(pageSize);
    const qsizetype frames = (size - kHeaderSize) / frameSize;
    for (qsizetype i = 0; i < frames; ++i) {
        const uchar* frame = p + kHeaderSize + i * frameSize;
        const bool more = i + 1 < frames;
        const quint32 frameSalt1 = be32(frame + 8), frameSalt2 = be32(frame + 12);
        if (frameSalt1 != salt1 || frameSalt2 != salt2) {
            // SQLite writes a new header with the first frames after a reset and adds one to
            // salt-1: frames of an older generation behind new ones were checkpointed already.
            const quint32 behind = salt1 - frameSalt1;
            if (i > 0 && behind > 0 && behind < 0x80000000u)
                return {};
            return QStringLiteral("frame %1 does not belong to its header (salt)").arg(i + 1);
        }
        quint32 next[2] = {sum[0], sum[1]};
        checksum(bigEndian, frame, 8, next);
        checksum(bigEndian, frame + kFrameHeaderSize, qsizetype(pageSize), next);
        if (be32(frame) == 0 || next[0] != be32(frame + 16) || next[1] != be32(frame + 20)) {
            // A torn last frame is what a crash in the middle of a write leaves.
            if (i > 0 && !more)
                return {};
            return QStringLiteral("frame %1 fails its checksum").arg(i + 1);
        }
        sum[0] = next[0];
        sum[1] = next[1];
    }
    return {};
}

} // namespace isc::storeimpl
