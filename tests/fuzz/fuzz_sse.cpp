// text/event-stream: whatever the chunking, the parser yields the same events (its contract).
#include "fuzzinput.h"
#include "net/sseparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size == 0)
        return 0;
    // The first byte picks the chunk size, the rest is the stream.
    const qsizetype step = qsizetype(data[0] % 16) + 1;
    const QByteArray stream = isc::fuzz::bytes(data + 1, size - 1);

    isc::SseParser whole;
    const QVector<isc::SseEvent> expected = whole.feed(stream);

    isc::SseParser chunked;
    QVector<isc::SseEvent> got;
    for (qsizetype at = 0; at < stream.size(); at += step)
        chunked.feed(QByteArrayView(stream).sliced(at, std::min(step, stream.size() - at)), &got);

    isc::fuzz::check(got == expected, "chunking changes the events");
    isc::fuzz::check(chunked.hasPartialEvent() == whole.hasPartialEvent(), "partial event");
    isc::fuzz::check(chunked.retryMs() == whole.retryMs(), "retry");
    isc::fuzz::check(chunked.lastEventId() == whole.lastEventId(), "last event id");
    return 0;
}
