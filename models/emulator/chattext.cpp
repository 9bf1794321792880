#include "chattext.h"

#include "emulator/trafficmodel.h"

namespace isc::emu {
namespace {

const char* const kWords[] = {
    "the",       "fleet",   "latency",  "tokens",     "deployment", "capacity", "stream",
    "answer",    "request", "minute",   "throughput", "cache",      "prompt",   "model",
    "provider",  "budget",  "quota",    "region",     "peak",       "load",     "steady",
    "first",     "token",   "arrives",  "quickly",    "while",      "usage",    "grows",
    "and",       "costs",   "stay",     "within",     "limits",     "during",   "busy",
    "hours",     "routing", "spills",   "over",       "to",         "standard", "when",
    "saturated", "traffic", "observes", "every",      "call",       "with",     "care",
};
constexpr int kWordCount = int(sizeof(kWords) / sizeof(kWords[0]));

} // namespace

quint64 chatHash(quint64 seed, const QString& text)
{
    quint64 h = splitmix64(seed ^ 0x636861747465787fULL);
    for (QChar c : text)
        h = splitmix64(h ^ c.unicode());
    return h;
}

QStringList chatAnswerTokens(quint64 seed, const QString& model, const QString& prompt,
                             int maxTokens)
{
    quint64 h = chatHash(chatHash(seed, model), prompt);
    const int total = 24 + int(h % 41);
    QStringList out;
    bool sentenceStart = true;
    int sinceStop = 0;
    while (out.size() < total) {
        h = splitmix64(h);
        QString word = QLatin1String(kWords[h % kWordCount]);
        if (sentenceStart)
            word[0] = word[0].toUpper();
        out.append(out.isEmpty() ? word : QLatin1Char(' ') + word);
        sentenceStart = false;
        ++sinceStop;
        // A full stop every 6..13 words, and always at the end.
        if ((sinceStop >= 6 && (h >> 20) % 8 == 0) || sinceStop >= 13 || out.size() == total - 1) {
            out.append(QStringLiteral("."));
            sentenceStart = true;
            sinceStop = 0;
        }
    }
    if (maxTokens > 0 && out.size() > maxTokens)
        out.resize(maxTokens);
    return out;
}

int emulatedPromptTokens(const QStringList& messageContents)
{
    int n = 0;
    for (const QString& c : messageContents)
        n += int((c.size() + 3) / 4) + 4;
    return n;
}

int emulatedCachedTokens(int promptTokens)
{
    if (promptTokens < 1024)
        return 0;
    return (promptTokens / 2) / 128 * 128;
}

} // namespace isc::emu
