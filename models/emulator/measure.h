#pragma once

#include <QString>
#include <limits>
#include <optional>

// Internal: one metric value over some requests or minutes.
namespace isc::emu::detail {

/// Total, count, minimum and maximum: mergeable, so intervals roll up exactly.
struct Measure
{
    double total = 0;
    double count = 0;
    double min = std::numeric_limits<double>::infinity();
    double max = -std::numeric_limits<double>::infinity();

    void add(const Measure& o);

    /// The value of aggregation `agg` ("total", "average", "minimum", "maximum", "count");
    /// nullopt when there is none. `countsZero`: no requests reads as a zero total and count.
    std::optional<double> value(const QString& agg, bool countsZero) const;
};

/// `n` requests, each counting 1.
Measure perRequest(double n);
/// `total` tokens over `requests` requests, with a plausible per-request spread.
Measure tokens(double total, double requests);
/// A per-request average `avg` with extremes `mn`..`mx`, over `requests` requests.
Measure latency(double avg, double mn, double mx, double requests);
/// One sample `value`; negative means not reported.
Measure gauge(double value);

} // namespace isc::emu::detail
