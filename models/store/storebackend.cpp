#include "store/storebackend.h"

#include "store/postgres/pgconnection.h"
#include "store/postgres/postgresstore.h"
#include "store/sqlite/storedatabase.h"

#include <QRegularExpression>

namespace isc {

bool isDatabaseAddress(const QString& name)
{
    static const QRegularExpression address(QStringLiteral("^[A-Za-z][A-Za-z0-9+.-]*://"));
    return address.match(name).hasMatch();
}

bool isPostgresAddress(const QString& address)
{
    return address.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive) ||
           address.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

std::unique_ptr<StoreBackend> makeStoreBackend(const QString& address)
{
    if (isPostgresAddress(address))
        return std::make_unique<PostgresStore>();
    return std::make_unique<StoreDatabase>();
}

bool sameBackendKind(const QString& a, const QString& b)
{
    return isPostgresAddress(a) == isPostgresAddress(b);
}

QString displayAddress(const QString& address)
{
    return isDatabaseAddress(address) ? pg::redactedUri(address) : address;
}

bool addressHoldsPassword(const QString& address)
{
    return isDatabaseAddress(address) && pg::uriHasPassword(address);
}

QString databaseSecretName(const QString& address)
{
    return isPostgresAddress(address) ? pg::keychainEntry(address) : QString();
}

} // namespace isc
