// SSE parse throughput: SseParser over a realistic chat stream fed in 16 KiB network-sized
// chunks, against a bare memchr line count over the same bytes (the floor any parser pays).
#include "net/sseparser.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <algorithm>
#include <cstdio>
#include <cstring>

using namespace isc;

namespace {

constexpr int kRuns = 7;
constexpr qsizetype kChunk = 16 * 1024;

QByteArray makeStream(qsizetype bytes)
{
    QByteArray out;
    out.reserve(bytes + 1024);
    int i = 0;
    while (out.size() < bytes) {
        out += "data: {\"id\":\"chatcmpl-AbCdEf\",\"object\":\"chat.completion.chunk\",\"created\":"
               "1767225600,\"model\":\"gpt-4o-2024-11-20\",\"choices\":[{\"index\":0,\"delta\":{"
               "\"content\":\" token";
        out += QByteArray::number(i++);
        out += "\"},\"finish_reason\":null}],\"usage\":null}\r\n\r\n";
        if (i % 50 == 0)
            out += ": keep-alive\n\nevent: ping\ndata: {}\n\n";
    }
    return out;
}

double median(QVector<double> v)
{
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    const QByteArray stream = makeStream(64 * 1024 * 1024);
    const double mb = double(stream.size()) / 1e6;
    std::printf("bench_sse: %.1f MB of chat.completion.chunk events in %lld-byte chunks, %d runs\n",
                mb, static_cast<long long>(kChunk), kRuns);
    QVector<double> ours, base;
    qsizetype events = 0, lines = 0;
    for (int run = 0; run < kRuns; ++run) {
        QElapsedTimer t;
        t.start();
        SseParser parser;
        QVector<SseEvent> out;
        events = 0;
        for (qsizetype at = 0; at < stream.size(); at += kChunk) {
            out.clear();
            parser.feed(QByteArrayView(stream).sliced(at, std::min(kChunk, stream.size() - at)),
                        &out);
            events += out.size();
        }
        ours.append(double(t.nsecsElapsed()) / 1e6);

        t.restart();
        lines = 0;
        const char* p = stream.constData();
        const char* end = p + stream.size();
        while ((p = static_cast<const char*>(std::memchr(p, '\n', size_t(end - p))))) {
            ++lines;
            ++p;
        }
        base.append(double(t.nsecsElapsed()) / 1e6);
    }
    const double o = median(ours), b = median(base);
    std::printf("median memchr line scan (baseline): %8.1f ms  (%7.0f MB/s, %lld lines)\n", b,
                mb / (b / 1000), static_cast<long long>(lines));
    std::printf("median SseParser::feed():           %8.1f ms  (%7.0f MB/s, %lld events)\n", o,
                mb / (o / 1000), static_cast<long long>(events));
    std::printf("throughput ratio ours/baseline:     %8.3f  (target: SseParser >= 300 MB/s)\n",
                b / o);
    return 0;
}
