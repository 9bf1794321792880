#include "store/runrecord.h"

namespace isc {

QString RunFilter::likePattern() const
{
    QString out = search;
    out.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    out.replace(QLatin1Char('%'), QLatin1String("\\%"));
    out.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return QLatin1Char('%') + out + QLatin1Char('%');
}

} // namespace isc
