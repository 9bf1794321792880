#include "emulatorkeys.h"

#include <QList>
#include <QMutex>
#include <QMutexLocker>

namespace isc::emu {
namespace {

// The emulator may serve on its own thread while the key is set on the main one.
QMutex& keyMutex()
{
    static QMutex mutex;
    return mutex;
}

QList<QByteArray>& extraKeys()
{
    static QList<QByteArray> keys;
    return keys;
}

} // namespace

bool isAcceptedKey(const QByteArray& key)
{
    if (key.isEmpty())
        return false;
    if (key == QByteArrayLiteral("inferscope-demo-token"))
        return true;
    QMutexLocker lock(&keyMutex());
    return extraKeys().contains(key);
}

bool isAcceptedBearer(const QByteArray& authorization)
{
    static const QByteArray prefix = QByteArrayLiteral("Bearer ");
    return authorization.startsWith(prefix) && isAcceptedKey(authorization.mid(prefix.size()));
}

void setExtraAcceptedKey(const QString& key)
{
    QList<QByteArray> keys;
    for (const QString& k : key.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        if (!k.trimmed().isEmpty())
            keys.append(k.trimmed().toUtf8());
    }
    QMutexLocker lock(&keyMutex());
    extraKeys() = keys;
}

bool hasExtraAcceptedKey()
{
    QMutexLocker lock(&keyMutex());
    return !extraKeys().isEmpty();
}

} // namespace isc::emu
