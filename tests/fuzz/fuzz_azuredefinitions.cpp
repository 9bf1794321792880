// Azure Monitor metricDefinitions responses.
#include "fuzzinput.h"
#include "sources/azure/azuredefinitionsparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto r = isc::azure::parseMetricDefinitionsResponse(isc::fuzz::bytes(data, size));
    isc::fuzz::check(r.ok || !r.error.isEmpty(), "a failed parse says why");
    return 0;
}
