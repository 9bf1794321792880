#include "sseparser.h"

#include <algorithm>
#include <cstring>

namespace isc {
namespace {

constexpr char kBom[] = "\xEF\xBB\xBF";

} // namespace

QVector<SseEvent> SseParser::feed(QByteArrayView bytes)
{
    QVector<SseEvent> out;
    feed(bytes, &out);
    return out;
}

void SseParser::feed(QByteArrayView bytes, QVector<SseEvent>* out)
{
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    if (p == end)
        return;
    if (m_atStart) {
        // The BOM may itself arrive split: hold bytes until it is decided.
        while (p < end && m_line.size() < 3) {
            if (*p != kBom[m_line.size()])
                break;
            m_line.append(*p++);
        }
        if (m_line.size() == 3) {
            m_line.clear();
            m_atStart = false;
        } else if (p == end) {
            return;
        } else {
            m_atStart = false; // not a BOM: the held bytes are ordinary text
        }
    }
    if (m_skipLf) {
        m_skipLf = false;
        if (*p == '\n')
            ++p;
    }
    // memchr is vectorised; the next CR and LF are cached so CR-only streams stay linear.
    const char* nextLf = nullptr;
    const char* nextCr = nullptr;
    const auto next = [end](const char* from, const char*& cache, char c) {
        if (!cache || cache < from) {
            const void* hit = std::memchr(from, c, static_cast<size_t>(end - from));
            cache = hit ? static_cast<const char*>(hit) : end;
        }
        return cache;
    };
    while (p < end) {
        const char* q = std::min(next(p, nextLf, '\n'), next(p, nextCr, '\r'));
        if (q == end) {
            m_line.append(p, end - p);
            return;
        }
        if (m_line.isEmpty()) {
            processLine(QByteArrayView(p, q - p), out);
        } else {
            m_line.append(p, q - p);
            processLine(m_line, out);
            m_line.clear();
        }
        if (*q == '\r') {
            if (q + 1 < end) {
                if (q[1] == '\n')
                    ++q;
            } else {
                m_skipLf = true;
            }
        }
        p = q + 1;
    }
}

void SseParser::processLine(QByteArrayView line, QVector<SseEvent>* out)
{
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.front() == ':')
        return; // comment (keep-alive)
    m_fieldsSeen = true;
    QByteArrayView field = line;
    QByteArrayView value;
    const qsizetype colon = line.indexOf(':');
    if (colon >= 0) {
        field = line.first(colon);
        value = line.sliced(colon + 1);
        if (!value.isEmpty() && value.front() == ' ')
            value = value.sliced(1);
    }
    if (field == "data") {
        m_data.append(value.data(), value.size());
        m_data.append('\n');
    } else if (field == "event") {
        m_type = value.toByteArray();
    } else if (field == "id") {
        if (!value.contains('\0'))
            m_lastEventId = value.toByteArray();
    } else if (field == "retry") {
        if (value.isEmpty())
            return;
        qint64 ms = 0;
        for (char c : value) {
            if (c < '0' || c > '9')
                return;
            ms = ms * 10 + (c - '0');
            if (ms > (qint64(1) << 40))
                return;
        }
        m_retryMs = ms;
    }
}

void SseParser::dispatch(QVector<SseEvent>* out)
{
    m_fieldsSeen = false;
    if (m_data.isEmpty()) {
        m_type.clear();
        return;
    }
    SseEvent e;
    m_data.chop(1); // the LF after the last data line
    e.data = std::move(m_data);
    m_data = QByteArray();
    if (!m_type.isEmpty())
        e.type = std::move(m_type);
    m_type = QByteArray();
    e.lastEventId = m_lastEventId;
    out->append(std::move(e));
}

bool SseParser::hasPartialEvent() const
{
    return !m_data.isEmpty() || (!m_line.isEmpty() && !m_atStart) || m_fieldsSeen;
}

void SseParser::reset()
{
    *this = SseParser();
}

} // namespace isc
