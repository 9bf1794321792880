#pragma once

#include <QString>
#include <QtGlobal>
#include <optional>

namespace isc {

/// A half-open interval [from, to) in seconds since the Unix epoch, UTC.
struct TimeRange
{
    qint64 from = 0;
    qint64 to = 0;

    bool isValid() const { return to > from; }
    qint64 duration() const { return to - from; }
    bool contains(qint64 ts) const { return ts >= from && ts < to; }
    bool operator==(const TimeRange& o) const { return from == o.from && to == o.to; }
};

/// Seconds in a UTC day.
constexpr qint64 kSecondsPerDay = 86400;

/// Floors a timestamp (s) to the start of its bucket of `step` seconds.
constexpr qint64 floorTo(qint64 ts, qint64 step)
{
    return ts >= 0 ? ts - ts % step : ts - ((ts % step) + step) % step;
}

/// Parses "90s", "5m", "24h", "30d", "2w" into seconds; nullopt when malformed or not positive.
std::optional<qint64> parseDuration(const QString& text);

/// Formats seconds as the shortest exact unit: 60 -> "1m", 86400 -> "1d", 90 -> "90s".
QString formatDuration(qint64 seconds);

/// Parses ISO-8601 ("2026-09-01T00:00:00Z", offsets allowed, date-only = midnight UTC) to seconds
/// UTC.
std::optional<qint64> parseIsoUtc(const QString& text);

/// Formats seconds UTC as "2026-09-01T00:00:00Z".
QString formatIsoUtc(qint64 ts);

/// A range in local time as the pages show it: "Sat 5 Dec, 23:00 – Sun 6 Dec, 23:00".
QString formatLocalSpan(TimeRange range);

/// The range a page shows, in words: "Sat 5 Dec, 23:00 – Sun 6 Dec, 23:00 (local time)".
QString rangeLabelText(TimeRange range);

/// Current wall-clock time, seconds UTC.
qint64 nowUtc();

} // namespace isc
