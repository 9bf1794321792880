// Azure Monitor metrics responses: any bytes give series or an error in words, never a crash.
#include "fuzzinput.h"
#include "sources/azure/azuremetricsparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto r = isc::azure::parseMetricsResponse(
        isc::fuzz::bytes(data, size), QStringLiteral("fuzz"),
        {QStringLiteral("ModelDeploymentName"), QStringLiteral("StatusCode")});
    isc::fuzz::check(r.ok || !r.error.isEmpty(), "a failed parse says why");
    return 0;
}
