#include "querystring.h"

#include <QUrl>

namespace isc::emu::detail {

QMap<QString, QString> parseQuery(const QByteArray& raw)
{
    QMap<QString, QString> out;
    const auto pairs = raw.split('&');
    for (const auto& p : pairs) {
        if (p.isEmpty())
            continue;
        const qsizetype eq = p.indexOf('=');
        QByteArray k = eq < 0 ? p : p.left(eq);
        QByteArray v = eq < 0 ? QByteArray() : p.mid(eq + 1);
        k.replace('+', ' ');
        v.replace('+', ' ');
        const QString key = QUrl::fromPercentEncoding(k).trimmed().toLower();
        if (!out.contains(key))
            out.insert(key, QUrl::fromPercentEncoding(v));
    }
    return out;
}

} // namespace isc::emu::detail
