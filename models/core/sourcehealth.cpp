#include "sourcehealth.h"

#include <QCoreApplication>

namespace isc {

QString stateName(SourceHealth::State state)
{
    switch (state) {
    case SourceHealth::State::Idle:
        return QStringLiteral("idle");
    case SourceHealth::State::Connecting:
        return QStringLiteral("connecting");
    case SourceHealth::State::Backfilling:
        return QStringLiteral("backfilling");
    case SourceHealth::State::Polling:
        return QStringLiteral("polling");
    case SourceHealth::State::Failing:
        return QStringLiteral("failing");
    case SourceHealth::State::Standby:
        return QStringLiteral("standby");
    }
    return {};
}

} // namespace isc
