#include "store/storedocument.h"

namespace isc {

QString documentScopeName(DocumentScope scope)
{
    return scope == DocumentScope::Shared ? QStringLiteral("shared") : QStringLiteral("user");
}

QString staleDocumentMessage(const QString& kind, const QString& key, qint64 expected,
                             qint64 stored)
{
    if (stored == 0)
        return QStringLiteral("The %1 \"%2\" was deleted elsewhere after it was read here; "
                              "nothing was saved. Reload it, then save again.")
            .arg(kind, key);
    if (expected == 0)
        return QStringLiteral("The %1 \"%2\" was saved elsewhere (revision %3) after this one "
                              "was started; nothing was saved. Reload it, then save again.")
            .arg(kind, key)
            .arg(stored);
    return QStringLiteral("The %1 \"%2\" was changed elsewhere (now revision %3, this copy is "
                          "revision %4); nothing was saved. Reload it, then save again.")
        .arg(kind, key)
        .arg(stored)
        .arg(expected);
}

} // namespace isc
