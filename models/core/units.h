#pragma once

#include <QString>

namespace isc {

/// What a number measures, so every label and tooltip can carry its unit.
enum class Unit {
    Count,           ///< plain count
    Requests,        ///< requests (per bucket unless a rate)
    RequestsPerMin,  ///< requests per minute
    Tokens,          ///< tokens
    TokensPerMin,    ///< tokens per minute
    TokensPerSecond, ///< tokens per second
    Milliseconds,    ///< duration in ms
    Percent,         ///< 0..100 (not 0..1)
    Bytes,
};

/// The unit's short symbol for axis titles: "ms", "%", "tokens/min", ...
QString unitSymbol(Unit unit);

/// Maps an Azure Monitor unit string ("Count", "Milliseconds", "Percent", ...) to a Unit.
Unit unitFromAzure(const QString& azureUnit);

/// A number with its unit, compact and human: "1.25k tokens/min", "312 ms", "87.5 %", "2.1 s".
QString formatQuantity(double value, Unit unit);

/// A number without unit, 3 significant digits with k/M/G suffixes: 1250 -> "1.25k".
QString formatCompact(double value);
/// "312 ms", "2.4 s"; "–" for a negative (unknown) time.
QString formatDurationMs(double ms);

} // namespace isc
