#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>
#include <QVector>

namespace isc {

/// One dispatched server-sent event.
struct SseEvent
{
    QByteArray type = "message"; ///< the `event:` field, "message" when none was given
    QByteArray data;             ///< `data:` lines joined with LF, UTF-8 bytes as sent
    QByteArray lastEventId;      ///< the last `id:` seen on the stream when this event dispatched

    /// The data decoded from UTF-8.
    QString text() const { return QString::fromUtf8(data); }
    bool operator==(const SseEvent& o) const
    {
        return type == o.type && data == o.data && lastEventId == o.lastEventId;
    }
    bool operator!=(const SseEvent& o) const { return !(*this == o); }
};

/// An incremental text/event-stream parser following the WHATWG rules: lines end with CR, LF or
/// CRLF, a leading UTF-8 BOM is dropped, `:` starts a comment, one space after the colon is
/// stripped, `data:` lines join with LF, a blank line dispatches, events without data are not
/// dispatched, `id` with NUL is ignored, `retry` takes digits only. Whatever the chunking (even
/// a CRLF or a UTF-8 character split across chunks), it yields the same events.
class SseParser
{
public:
    /// Parses `bytes` and appends every event they complete to `out`.
    void feed(QByteArrayView bytes, QVector<SseEvent>* out);
    /// Convenience: the events `bytes` complete.
    QVector<SseEvent> feed(QByteArrayView bytes);

    /// True when the stream ended inside an event (bytes or fields not yet dispatched): the
    /// event is discarded, as the spec says, but a caller can report a truncated stream.
    bool hasPartialEvent() const;
    /// The reconnection time the server asked for with `retry:`, ms; -1 when never given.
    qint64 retryMs() const { return m_retryMs; }
    /// The last `id:` seen.
    QByteArray lastEventId() const { return m_lastEventId; }
    /// Forgets everything, as for a new stream.
    void reset();

private:
    void processLine(QByteArrayView line, QVector<SseEvent>* out);
    void dispatch(QVector<SseEvent>* out);

    QByteArray m_line; ///< bytes of an unfinished line
    QByteArray m_data; ///< data buffer, each line followed by LF
    QByteArray m_type;
    QByteArray m_lastEventId;
    qint64 m_retryMs = -1;
    bool m_skipLf = false;     ///< the previous chunk ended in CR: drop a leading LF
    bool m_atStart = true;     ///< the BOM check has not finished
    bool m_fieldsSeen = false; ///< a field line arrived since the last dispatch
};

} // namespace isc
