#include "httpresponsereader.h"

#include <algorithm>

namespace isc {
namespace {

constexpr qsizetype kMaxHeadBytes = 64 * 1024; // status line and headers

// The bytes of one line ending at `lf` (exclusive), without a trailing CR.
QByteArrayView lineAt(const QByteArray& buf, qsizetype from, qsizetype lf)
{
    qsizetype end = lf;
    if (end > from && buf.at(end - 1) == '\r')
        --end;
    return QByteArrayView(buf.constData() + from, end - from);
}

} // namespace

QString formatByteSize(qint64 bytes)
{
    if (bytes >= 1024 * 1024)
        return QString::number(bytes / (1024.0 * 1024.0), 'g', 3) + QLatin1String(" MiB");
    if (bytes >= 1024)
        return QString::number(bytes / 1024.0, 'g', 3) + QLatin1String(" KiB");
    return QString::number(bytes) + QLatin1String(" bytes");
}

QByteArray HttpResponseReader::header(const QByteArray& name) const
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

HttpResponseReader::Head HttpResponseReader::readHead(const QByteArray& buf, qsizetype* pos,
                                                      const QString& where, QString* error)
{
    while (true) {
        // Find the blank line that ends the head.
        qsizetype from = *pos;
        qsizetype headEnd = -1;
        while (true) {
            const qsizetype lf = buf.indexOf('\n', from);
            if (lf < 0)
                break;
            if (lineAt(buf, from, lf).isEmpty() && from > *pos) {
                headEnd = lf + 1;
                break;
            }
            from = lf + 1;
        }
        if (headEnd < 0) {
            if (buf.size() - *pos <= kMaxHeadBytes)
                return Head::NeedMore;
            *error = QStringLiteral("%1 sent a malformed HTTP answer (headers over %2)")
                         .arg(where, formatByteSize(kMaxHeadBytes));
            return Head::Malformed;
        }
        qsizetype at = *pos;
        qsizetype lf = buf.indexOf('\n', at);
        const QByteArrayView statusLine = lineAt(buf, at, lf);
        if (!statusLine.startsWith("HTTP/1.") || statusLine.size() < 12) {
            *error = QStringLiteral("%1 did not answer in HTTP/1.1 (%2)")
                         .arg(where, QString::fromLatin1(statusLine.first(
                                         std::min<qsizetype>(statusLine.size(), 40))));
            return Head::Malformed;
        }
        bool ok = false;
        status = statusLine.sliced(9, 3).toInt(&ok);
        if (!ok) {
            *error = QStringLiteral("%1 sent a malformed HTTP answer (status line)").arg(where);
            return Head::Malformed;
        }
        http10 = statusLine.startsWith("HTTP/1.0");
        reason = statusLine.size() > 13 ? QString::fromLatin1(statusLine.sliced(13)) : QString();
        headers.clear();
        at = lf + 1;
        while (at < headEnd) {
            lf = buf.indexOf('\n', at);
            const QByteArrayView line = lineAt(buf, at, lf);
            at = lf + 1;
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            headers.append({line.first(colon).toByteArray().toLower(),
                            line.sliced(colon + 1).trimmed().toByteArray()});
        }
        *pos = headEnd;
        if (status >= 100 && status < 200 && status != 101)
            continue; // interim answer (100 Continue): the real one follows
        return Head::Complete;
    }
}

bool HttpResponseReader::startBody(const QByteArray& method, const QString& where, QString* error)
{
    const QByteArray connection = header("connection").toLower();
    keepAlive = http10 ? connection.contains("keep-alive") : !connection.contains("close");
    const QByteArray encoding = header("transfer-encoding").toLower();
    const QByteArray length = header("content-length");
    if (method == "HEAD" || status == 204 || status == 304) {
        mode = BodyMode::None;
    } else if (encoding.contains("chunked")) {
        mode = BodyMode::Chunked;
        m_chunk = Chunk::Size;
    } else if (!length.isEmpty()) {
        bool ok = false;
        remaining = length.trimmed().toLongLong(&ok);
        if (!ok || remaining < 0) {
            *error = QStringLiteral("%1 sent a malformed HTTP answer (Content-Length)").arg(where);
            return false;
        }
        mode = BodyMode::Length;
    } else {
        mode = BodyMode::Close;
        keepAlive = false;
    }
    return true;
}

bool HttpResponseReader::readBody(const QByteArray& buf, qsizetype* pos, QByteArray* out,
                                  QString* error)
{
    qsizetype& p = *pos;
    switch (mode) {
    case BodyMode::None:
        return true;
    case BodyMode::Close: {
        if (p == 0)
            *out = buf;
        else
            *out = buf.mid(p);
        p = buf.size();
        return false; // ends when the server closes
    }
    case BodyMode::Length: {
        const qint64 take = std::min<qint64>(remaining, buf.size() - p);
        if (p == 0 && take == buf.size())
            *out = buf; // shared, not copied
        else
            *out = buf.mid(p, take);
        p += take;
        remaining -= take;
        return remaining == 0;
    }
    case BodyMode::Chunked:
        break;
    }
    while (p < buf.size()) {
        switch (m_chunk) {
        case Chunk::Size: {
            const qsizetype lf = buf.indexOf('\n', p);
            if (lf < 0) {
                if (buf.size() - p > 1024)
                    *error = QStringLiteral("chunk size line too long");
                return false;
            }
            QByteArrayView line = lineAt(buf, p, lf);
            const qsizetype ext = line.indexOf(';');
            if (ext >= 0)
                line = line.first(ext);
            bool ok = false;
            const qint64 size = line.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                *error = QStringLiteral("chunk size");
                return false;
            }
            p = lf + 1;
            remaining = size;
            m_chunk = size == 0 ? Chunk::Trailer : Chunk::Data;
            break;
        }
        case Chunk::Data: {
            const qint64 take = std::min<qint64>(remaining, buf.size() - p);
            if (out->isEmpty() && p == 0 && take == buf.size())
                *out = buf;
            else
                out->append(buf.constData() + p, take);
            p += take;
            remaining -= take;
            if (remaining == 0)
                m_chunk = Chunk::DataEnd;
            break;
        }
        case Chunk::DataEnd: {
            const qsizetype lf = buf.indexOf('\n', p);
            if (lf < 0)
                return false;
            p = lf + 1;
            m_chunk = Chunk::Size;
            break;
        }
        case Chunk::Trailer: {
            const qsizetype lf = buf.indexOf('\n', p);
            if (lf < 0)
                return false;
            const bool last = lineAt(buf, p, lf).isEmpty();
            p = lf + 1;
            if (last)
                return true;
            break;
        }
        }
    }
    return false;
}

} // namespace isc
