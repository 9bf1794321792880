// Azure quota usages and ARM resource documents (the location lookup).
#include "fuzzinput.h"
#include "sources/azure/azureusagesparser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = isc::fuzz::bytes(data, size);
    const auto r = isc::azure::parseUsagesResponse(body, QStringLiteral("fuzz"), 1700000040,
                                                   QStringLiteral("swedencentral"));
    isc::fuzz::check(r.ok || !r.error.isEmpty(), "a failed parse says why");
    QString error;
    const QString location = isc::azure::parseResourceLocation(body, &error);
    isc::fuzz::check(!location.isEmpty() || !error.isEmpty(), "no location says why");
    return 0;
}
