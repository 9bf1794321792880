// Prometheus text exposition and OpenMetrics bodies, in each format mode.
#include "fuzzinput.h"
#include "sources/prometheus/prometheusparser.h"

using isc::prometheus::ExpositionFormat;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray body = isc::fuzz::bytes(data, size);
    for (const auto format :
         {ExpositionFormat::Auto, ExpositionFormat::Text, ExpositionFormat::OpenMetrics}) {
        const auto r = isc::prometheus::parseExposition(body, format);
        isc::fuzz::check(r.ok || !r.error.isEmpty(), "a failed scrape says why");
        r.sampleCount();
    }
    double value = 0;
    isc::prometheus::parseSampleValue(body.left(64), &value);
    return 0;
}
