#pragma once

#include "core/sample.h"

#include <QString>

namespace isc::storeimpl {

/// The largest magnitude stored: far above any count, duration or price, and still summable a
/// few billion times in rollups and queries without overflowing to infinity.
constexpr double kLargestValue = 1e300;
/// How far past the wall clock a sample may lie (s): clock skew, not a year 9999.
constexpr qint64 kFutureSlack = 7 * 86400;

/// Leaves the implausible samples of `batch` out (a value that is not finite or larger than
/// kLargestValue, a time before 1970 or after `latest`, in s UTC): true when it refused any, with
/// `kept` the rest, `refused` their count and `refusal` the reasons in words.
bool refuseImplausible(const PollBatch& batch, qint64 latest, PollBatch* kept, qsizetype* refused,
                       QString* refusal);

/// "2026-03-01T00:00:00Z .. 2026-03-01T01:00:00Z", for messages.
QString windowText(const TimeRange& w);

/// The gap marker of a poll that could not be stored, with the reason in words.
GapMarker failedPollGap(const QString& source, const TimeRange& window, const QString& error);

/// The window a poll reports as written: its own when valid, else the minutes its samples span.
TimeRange pollWindow(const PollBatch& batch);

} // namespace isc::storeimpl
