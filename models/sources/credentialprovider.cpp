#include "sources/credentialprovider.h"

#include "net/azclitokenprovider.h"
#include "net/entratokenprovider.h"
#include "net/httpclient.h"
#include "net/secretstore.h"

#include <QPointer>
#include <memory>

namespace isc {
namespace {

QString who(const Connection& c)
{
    return c.displayName.isEmpty() ? c.id : c.displayName;
}

// Token providers are QObjects: the last copy of the SecretProvider deletes them in their
// thread's event loop.
template <typename T> std::shared_ptr<T> shareObject(T* object)
{
    return std::shared_ptr<T>(object, [](T* o) { o->deleteLater(); });
}

SecretProvider fromTokenProvider(std::shared_ptr<TokenProvider> provider, const QString& name)
{
    provider->refresh(); // sign in ahead so the first poll finds a token more often than not
    return [provider, name](QString* error) {
        QString why;
        const QString token = provider->token(&why);
        if (token.isEmpty() && error)
            *error = QStringLiteral("%1: %2").arg(name, why);
        return token;
    };
}

} // namespace

QString demoCredential()
{
    return QStringLiteral("inferscope-demo-token");
}

SecretProvider secretRefProvider(const SecretRef& ref, const QString& whom, SecretStore* store)
{
    switch (ref.kind) {
    case SecretRef::Kind::Env: {
        const QString name = ref.name;
        return [name](QString* error) {
            const QString value = qEnvironmentVariable(name.toLocal8Bit().constData()).trimmed();
            if (value.isEmpty() && error)
                *error = QStringLiteral("environment variable %1 is not set").arg(name);
            return value;
        };
    }
    case SecretRef::Kind::Demo:
        return [](QString*) { return demoCredential(); };
    case SecretRef::Kind::Keychain: {
        SecretStore* s = store ? store : SecretStore::shared();
        s->preload({ref.name}); // the read is asynchronous; the provider answers from memory
        QPointer<SecretStore> guarded = s;
        const QString name = ref.name;
        return [guarded, name](QString* error) {
            if (!guarded) {
                if (error)
                    *error = QStringLiteral("the keychain is closed");
                return QString();
            }
            return guarded->value(name, error).value_or(QString());
        };
    }
    case SecretRef::Kind::None:
        break;
    }
    return [whom](QString* error) {
        if (error)
            *error = QStringLiteral("no credential is configured for %1").arg(whom);
        return QString();
    };
}

SecretProvider credentialProvider(const Connection& c, SecretStore* store)
{
    const QString name = who(c);
    if (c.auth.method == QLatin1String("az-cli"))
        return fromTokenProvider(shareObject(new AzCliTokenProvider(c.auth.tenantId)), name);
    if (c.auth.method == QLatin1String("client-credentials")) {
        EntraTokenProvider::Config config;
        if (c.auth.authorityHost.isValid() && !c.auth.authorityHost.isEmpty())
            config.authorityHost = c.auth.authorityHost;
        config.tenantId = c.auth.tenantId;
        config.clientId = c.auth.clientId;
        config.clientSecret = secretRefProvider(c.credential, name, store);
        auto* http = new HttpClient;
        auto* provider = new EntraTokenProvider(std::move(config), http);
        http->setParent(provider);
        return fromTokenProvider(shareObject<TokenProvider>(provider), name);
    }
    return secretRefProvider(c.credential, name, store);
}

SecretProvider inferenceCredentialProvider(const Connection& c, SecretStore* store)
{
    return secretRefProvider(c.inferenceCredential, who(c), store);
}

QStringList credentialHosts(const Connection& c)
{
    QStringList hosts;
    for (const QUrl& url : {c.managementEndpoint, c.endpoint}) {
        const QString host = url.host().toLower();
        if (!host.isEmpty() && !hosts.contains(host))
            hosts.append(host);
    }
    return hosts;
}

ScopedSecretProvider scopedToConnection(const Connection& c, SecretProvider secret)
{
    const QStringList hosts = credentialHosts(c);
    const QString name = who(c);
    return [hosts, name, secret](const QUrl& target, QString* error) {
        const QString host = target.host().toLower();
        if (!hosts.contains(host)) {
            if (error)
                *error =
                    QStringLiteral("the key of %1 is only sent to %2; refused for %3")
                        .arg(name,
                             hosts.isEmpty() ? QStringLiteral("its own hosts")
                                             : hosts.join(QLatin1String(", ")),
                             host.isEmpty() ? QStringLiteral("an address without a host") : host);
            return QString();
        }
        return secret ? secret(error) : QString();
    };
}

} // namespace isc
