#include "httptypes.h"

namespace isc {

QByteArray HttpResponse::header(const QByteArray& name) const
{
    const QByteArray lower = name.toLower();
    for (const auto& [k, v] : headers) {
        if (k == lower || k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

} // namespace isc
