#include "units.h"

#include <cmath>

namespace isc {

QString unitSymbol(Unit unit)
{
    switch (unit) {
    case Unit::Count:
        return {};
    case Unit::Requests:
        return QStringLiteral("requests");
    case Unit::RequestsPerMin:
        return QStringLiteral("requests/min");
    case Unit::Tokens:
        return QStringLiteral("tokens");
    case Unit::TokensPerMin:
        return QStringLiteral("tokens/min");
    case Unit::TokensPerSecond:
        return QStringLiteral("tokens/s");
    case Unit::Milliseconds:
        return QStringLiteral("ms");
    case Unit::Percent:
        return QStringLiteral("%");
    case Unit::Bytes:
        return QStringLiteral("B");
    }
    return {};
}

Unit unitFromAzure(const QString& azureUnit)
{
    const QString u = azureUnit.toLower();
    if (u == QLatin1String("milliseconds"))
        return Unit::Milliseconds;
    if (u == QLatin1String("percent"))
        return Unit::Percent;
    if (u == QLatin1String("bytes"))
        return Unit::Bytes;
    if (u == QLatin1String("countpersecond"))
        return Unit::TokensPerSecond;
    return Unit::Count;
}

QString formatCompact(double value)
{
    if (std::isnan(value))
        return QStringLiteral("–");
    const double a = std::fabs(value);
    struct Step
    {
        double size;
        const char* suffix;
    };
    static constexpr Step steps[] = {{1e9, "G"}, {1e6, "M"}, {1e3, "k"}};
    for (const auto& s : steps) {
        if (a >= s.size) {
            const double v = value / s.size;
            const int decimals = std::fabs(v) >= 100 ? 0 : std::fabs(v) >= 10 ? 1 : 2;
            return QString::number(v, 'f', decimals) + QLatin1String(s.suffix);
        }
    }
    if (a == std::floor(a))
        return QString::number(value, 'f', 0);
    const int decimals = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3;
    return QString::number(value, 'f', decimals);
}

QString formatQuantity(double value, Unit unit)
{
    if (std::isnan(value))
        return QStringLiteral("–");
    switch (unit) {
    case Unit::Milliseconds:
        if (std::fabs(value) >= 10000)
            return QString::number(value / 1000.0, 'f', 1) + QLatin1String(" s");
        if (std::fabs(value) >= 1000)
            return QString::number(value / 1000.0, 'f', 2) + QLatin1String(" s");
        return QString::number(value, 'f', std::fabs(value) >= 100 ? 0 : 1) + QLatin1String(" ms");
    case Unit::Percent:
        return QString::number(value, 'f', std::fabs(value) >= 100 ? 0 : 1) + QLatin1String(" %");
    case Unit::Count:
        return formatCompact(value);
    default:
        return formatCompact(value) + QLatin1Char(' ') + unitSymbol(unit);
    }
}

QString formatDurationMs(double ms)
{
    if (ms < 0)
        return QStringLiteral("–");
    if (ms < 1000)
        return QStringLiteral("%1 ms").arg(qRound(ms));
    return QStringLiteral("%1 s").arg(ms / 1000.0, 0, 'f', ms < 10000 ? 2 : 1);
}

} // namespace isc
