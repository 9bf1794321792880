#pragma once

#include <QString>

namespace isc {

/// One headline number of a report, worded for a KPI tile.
struct KpiFigure
{
    /// How the value should read at a glance.
    enum class Status { Normal, Warning, Critical, NoData };

    QString title;
    QString value;     ///< with its unit, e.g. "$1,234.56"
    QString trend;     ///< the line under the value
    int sentiment = 0; ///< of the trend: +1 good, -1 bad, 0 neutral
    Status status = Status::NoData;
    QString detail; ///< what the value covers (tooltip)
};

} // namespace isc
