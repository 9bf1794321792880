// Chat stream decoders of every dialect, over SSE events and over whole response bodies.
#include "fuzzinput.h"
#include "net/sseparser.h"
#include "playground/chatstreamdecoder.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = isc::fuzz::bytes(data, size);
    const QVector<isc::SseEvent> events = isc::SseParser().feed(body);
    for (const auto dialect :
         {isc::ChatDialect::OpenAi, isc::ChatDialect::Azure, isc::ChatDialect::Anthropic}) {
        isc::ChatStreamDecoder stream(dialect);
        QString text;
        for (const isc::SseEvent& e : events)
            text += stream.decode(e);
        text += stream.takeHeldText(); // half a surrogate pair the stream never completed
        isc::fuzz::check(stream.state().text == text, "streamed text is the sum of the deltas");
        isc::ChatStreamDecoder whole(dialect);
        whole.decodeBody(body);
    }
    return 0;
}
