#pragma once

#include "net/httptypes.h"

#include <QByteArray>
#include <QList>
#include <QString>

namespace isc {

/// The framing of one HTTP/1.1 response as StreamConnection reads it, pure over bytes: the
/// status line and headers (interim 1xx answers skipped), then a chunked, Content-Length or
/// close-delimited body. It reads a buffer from a position, so no byte is copied twice.
struct HttpResponseReader
{
    enum class Head { NeedMore, Complete, Malformed };
    enum class BodyMode { None, Length, Chunked, Close };

    int status = 0;
    QString reason;
    QList<HttpHeader> headers; ///< names lower-cased
    bool http10 = false;
    bool keepAlive = true; ///< the connection may carry another request after this answer
    BodyMode mode = BodyMode::None;
    qint64 remaining = 0; ///< Length: body bytes still to come; Chunked: of the current chunk

    /// Reads the head from `buf` at `*pos` (moved past it on Complete). On Malformed `error`
    /// is a sentence naming `where` (host:port).
    Head readHead(const QByteArray& buf, qsizetype* pos, const QString& where, QString* error);
    /// After a complete head: the body framing for a request of `method`; false with `error`
    /// (a sentence naming `where`) when Content-Length is malformed.
    bool startBody(const QByteArray& method, const QString& where, QString* error);
    /// Moves the decoded body bytes of `buf` from `*pos` to `out`; true when the body is
    /// complete. `error` says what was malformed in the chunk framing (a detail, not a sentence).
    bool readBody(const QByteArray& buf, qsizetype* pos, QByteArray* out, QString* error);

    /// The value of a header of this answer, empty when absent.
    QByteArray header(const QByteArray& name) const;

private:
    enum class Chunk { Size, Data, DataEnd, Trailer };
    Chunk m_chunk = Chunk::Size;
};

/// "512 bytes", "64 KiB", "1.5 MiB".
QString formatByteSize(qint64 bytes);

} // namespace isc
