// Routing policy files: any bytes load or give an error in words.
#include "fuzzinput.h"
#include "routing/routingpolicy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QString error;
    const auto policy = isc::RoutingPolicy::fromJson(isc::fuzz::bytes(data, size), &error);
    isc::fuzz::check(policy.has_value() || !error.isEmpty(), "a refused policy says why");
    return 0;
}
