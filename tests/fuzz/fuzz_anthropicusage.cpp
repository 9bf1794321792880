// Anthropic admin usage and cost reports, and their error bodies.
#include "fuzzinput.h"
#include "sources/anthropic/anthropicusageparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = isc::fuzz::bytes(data, size);
    const auto usage = isc::anthropic::parseUsageReport(body, QStringLiteral("fuzz"));
    isc::fuzz::check(usage.ok || !usage.error.isEmpty(), "a failed usage report says why");
    const auto cost = isc::anthropic::parseCostReport(body, QStringLiteral("fuzz"));
    isc::fuzz::check(cost.ok || !cost.error.isEmpty(), "a failed cost report says why");
    QString type;
    isc::anthropic::errorText(body, &type);
    isc::anthropic::centsToMicroUsd(QString::fromUtf8(body.left(64)));
    return 0;
}
