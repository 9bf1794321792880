#include "store/storetransfer.h"

#include <QStringList>

namespace isc {

QString storeTableName(StoreTable table)
{
    switch (table) {
    case StoreTable::Series:
        return QStringLiteral("series");
    case StoreTable::Samples:
        return QStringLiteral("samples");
    case StoreTable::Rollup5m:
        return QStringLiteral("rollup_5m");
    case StoreTable::Rollup15m:
        return QStringLiteral("rollup_15m");
    case StoreTable::Rollup1h:
        return QStringLiteral("rollup_1h");
    case StoreTable::Gaps:
        return QStringLiteral("gaps");
    case StoreTable::Inventory:
        return QStringLiteral("deployments");
    case StoreTable::Runs:
        return QStringLiteral("runs");
    case StoreTable::Documents:
        return QStringLiteral("documents");
    }
    return {};
}

QString RowCursor::toText() const
{
    return QStringLiteral("%1 %2 %3").arg(major).arg(minor).arg(copied);
}

RowCursor RowCursor::fromText(const QString& text)
{
    const QStringList parts = text.split(QLatin1Char(' '));
    RowCursor c;
    bool ok[3] = {false, false, false};
    if (parts.size() != 3)
        return c;
    const RowCursor read{parts[0].toLongLong(&ok[0]), parts[1].toLongLong(&ok[1]),
                         parts[2].toLongLong(&ok[2])};
    return ok[0] && ok[1] && ok[2] ? read : c;
}

} // namespace isc
