#include "sources/credentialprovider.h"

#include "net/azclitokenprovider.h"
#include "net/entratokenprovider.h"
#include "net/httpclient.h"
#include "net/secretstore.h"

#include <QCoreApplication>
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

// Answers on the next event-loop turn: nothing to wait for.
void readyNow(QObject* context, int, std::function<void()> ready)
{
    QPointer<QObject> guard = context;
    QMetaObject::invokeMethod(
        context ? context : QCoreApplication::instance(),
        [guard, hadContext = context != nullptr, ready] {
            if (guard || !hadContext)
                ready();
        },
        Qt::QueuedConnection);
}

Credential fromTokenProvider(std::shared_ptr<TokenProvider> provider)
{
    provider->refresh(); // sign in ahead so the first request rarely has to wait
    Credential out;
    out.secret = [provider](QString* error) {
        QString why;
        const QString token = provider->token(&why);
        if (token.isEmpty() && error)
            *error = why;
        return token;
    };
    out.whenReady = [provider](QObject* context, int timeoutMs, std::function<void()> ready) {
        provider->whenReady(context, timeoutMs, std::move(ready));
    };
    return out;
}

} // namespace

QString demoCredential()
{
    return QStringLiteral("inferscope-demo-token");
}

Credential secretRefCredential(const SecretRef& ref, SecretStore* store)
{
    Credential out;
    out.whenReady = readyNow;
    switch (ref.kind) {
    case SecretRef::Kind::Env: {
        const QString name = ref.name;
        out.secret = [name](QString* error) {
            const QString value = qEnvironmentVariable(name.toLocal8Bit().constData()).trimmed();
            if (value.isEmpty() && error)
                *error = QStringLiteral("environment variable %1 is not set").arg(name);
            return value;
        };
        return out;
    }
    case SecretRef::Kind::Demo:
        out.secret = [](QString*) { return demoCredential(); };
        return out;
    case SecretRef::Kind::Keychain: {
        SecretStore* s = store ? store : SecretStore::shared();
        s->preload({ref.name}); // the read is asynchronous; the provider answers from memory
        QPointer<SecretStore> guarded = s;
        const QString name = ref.name;
        out.secret = [guarded, name](QString* error) {
            if (!guarded) {
                if (error)
                    *error = QStringLiteral("the keychain is closed");
                return QString();
            }
            return guarded->value(name, error).value_or(QString());
        };
        out.whenReady = [guarded, name](QObject* context, int timeoutMs,
                                        std::function<void()> ready) {
            if (!guarded) {
                readyNow(context, timeoutMs, std::move(ready));
                return;
            }
            guarded->whenLoaded(name, context, timeoutMs, std::move(ready));
        };
        return out;
    }
    case SecretRef::Kind::None:
        break;
    }
    out.secret = [](QString* error) {
        if (error)
            *error = QStringLiteral("no credential is configured for this connection");
        return QString();
    };
    return out;
}

SecretProvider secretRefProvider(const SecretRef& ref, const QString&, SecretStore* store)
{
    return secretRefCredential(ref, store).secret;
}

Credential connectionCredential(const Connection& c, SecretStore* store, const QUrl& resource)
{
    const QUrl audience =
        resource.isValid() && !resource.isEmpty()
            ? resource
            : (c.managementEndpoint.isEmpty() ? QUrl(QStringLiteral("https://management.azure.com"))
                                              : c.managementEndpoint);
    if (c.auth.method == QLatin1String("az-cli"))
        return fromTokenProvider(shareObject<TokenProvider>(
            new AzCliTokenProvider(c.auth.tenantId, azureResource(audience))));
    if (c.auth.method == QLatin1String("client-credentials")) {
        const Credential secret = secretRefCredential(c.credential, store);
        EntraTokenProvider::Config config;
        if (c.auth.authorityHost.isValid() && !c.auth.authorityHost.isEmpty())
            config.authorityHost = c.auth.authorityHost;
        config.tenantId = c.auth.tenantId;
        config.clientId = c.auth.clientId;
        config.clientSecret = secret.secret;
        config.whenClientSecretReady = [wait = secret.whenReady](QObject* context,
                                                                 std::function<void()> ready) {
            wait(context, kCredentialWaitMs, std::move(ready));
        };
        config.scope = azureScope(audience);
        auto* http = new HttpClient;
        auto* provider = new EntraTokenProvider(std::move(config), http);
        http->setParent(provider);
        return fromTokenProvider(shareObject<TokenProvider>(provider));
    }
    return secretRefCredential(c.credential, store);
}

SecretProvider credentialProvider(const Connection& c, SecretStore* store)
{
    return connectionCredential(c, store).secret;
}

Credential inferenceCredential(const Connection& c, SecretStore* store)
{
    return secretRefCredential(c.inferenceCredential, store);
}

SecretProvider inferenceCredentialProvider(const Connection& c, SecretStore* store)
{
    return inferenceCredential(c, store).secret;
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
