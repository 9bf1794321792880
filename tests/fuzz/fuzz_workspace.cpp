// Workspace files: any bytes load or give an error in words.
#include "core/workspace.h"
#include "fuzzinput.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    QString error;
    const auto ws = isc::Workspace::fromJson(isc::fuzz::bytes(data, size), &error);
    isc::fuzz::check(ws.has_value() || !error.isEmpty(), "a refused workspace says why");
    return 0;
}
