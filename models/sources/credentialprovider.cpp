#include "sources/credentialprovider.h"

namespace isc {

QString demoCredential()
{
    return QStringLiteral("inferscope-demo-token");
}

SecretProvider credentialProvider(const Connection& c)
{
    const QString who = c.displayName.isEmpty() ? c.id : c.displayName;
    switch (c.credential.kind) {
    case SecretRef::Kind::Env: {
        const QString name = c.credential.name;
        return [name](QString* error) {
            const QString value = qEnvironmentVariable(name.toLocal8Bit().constData()).trimmed();
            if (value.isEmpty() && error)
                *error = QStringLiteral("environment variable %1 is not set").arg(name);
            return value;
        };
    }
    case SecretRef::Kind::Demo:
        return [](QString*) { return demoCredential(); };
    case SecretRef::Kind::Keychain: // the keychain store comes with the secrets work
    case SecretRef::Kind::None:
        break;
    }
    return [who](QString* error) {
        if (error)
            *error = QStringLiteral("no credential is configured for %1").arg(who);
        return QString();
    };
}

} // namespace isc
