// Azure OpenAI account deployments lists.
#include "fuzzinput.h"
#include "sources/azure/azuredeploymentsparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const auto r =
        isc::azure::parseDeploymentsResponse(isc::fuzz::bytes(data, size), QStringLiteral("fuzz"));
    isc::fuzz::check(r.ok || !r.error.isEmpty(), "a failed parse says why");
    return 0;
}
