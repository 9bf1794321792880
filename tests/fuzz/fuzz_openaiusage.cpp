// OpenAI admin usage and cost pages, and their error bodies.
#include "fuzzinput.h"
#include "sources/openai/openaiusageparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = isc::fuzz::bytes(data, size);
    const auto usage = isc::openai::parseUsagePage(body, QStringLiteral("fuzz"));
    isc::fuzz::check(usage.ok || !usage.error.isEmpty(), "a failed usage page says why");
    const auto costs = isc::openai::parseCostsPage(body, QStringLiteral("fuzz"));
    isc::fuzz::check(costs.ok || !costs.error.isEmpty(), "a failed cost page says why");
    QString type;
    isc::openai::errorText(body, &type);
    return 0;
}
