#include "net/secretstore.h"

#include "net/keychainbackend.h"

#include <QCoreApplication>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <QTimer>

namespace isc {
namespace {

QPointer<SecretStore> g_override; // setShared()

// How to give the key without a keychain: the one advice that works on a headless machine.
QString envAdvice()
{
    return QStringLiteral("put the key in an environment variable and set the connection's "
                          "credential to {\"env\": \"VARIABLE\"}");
}

} // namespace

struct SecretStore::Private
{
    std::unique_ptr<KeychainBackend> keychain; // null: session only from the start
    bool sessionOnly = false;
    QHash<QString, QString> values; // memory only; never written anywhere else
    QSet<QString> absent;           // preloaded and not in the keychain
    QSet<QString> locked;           // the keyring is locked (no unlock prompt could show)
    QHash<QString, QString> failures;
    QSet<QString> loading;

    void becameSessionOnly(SecretStore* q)
    {
        if (sessionOnly)
            return;
        sessionOnly = true;
        emit q->statusChanged(sessionOnlyMessage());
    }
};

QString SecretStore::serviceName()
{
    return QStringLiteral("inferscope");
}

QString SecretStore::sessionOnlyMessage()
{
    return QStringLiteral("no keychain available: the key is kept for this session only");
}

QString SecretStore::defaultLabel(const QString& name)
{
    return QStringLiteral("Inferscope: %1").arg(name);
}

SecretStore::SecretStore(Backend backend, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    if (backend == Backend::Keychain)
        d->keychain = KeychainBackend::system(serviceName());
    d->sessionOnly = backend == Backend::SessionOnly;
}

SecretStore::SecretStore(std::unique_ptr<KeychainBackend> keychain, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->keychain = std::move(keychain);
    d->sessionOnly = !d->keychain;
}

SecretStore::~SecretStore() = default;

SecretStore* SecretStore::shared()
{
    if (g_override)
        return g_override;
    static QPointer<SecretStore> instance;
    if (!instance)
        instance = new SecretStore(Backend::Keychain, QCoreApplication::instance());
    return instance;
}

void SecretStore::setShared(SecretStore* store)
{
    g_override = store;
}

void SecretStore::write(const QString& name, const QString& value, Done done, const QString& label)
{
    d->values.insert(name, value);
    d->absent.remove(name);
    d->locked.remove(name);
    d->failures.remove(name);
    if (d->sessionOnly) {
        if (done)
            done(true, sessionOnlyMessage());
        return;
    }
    QPointer<SecretStore> self = this;
    d->keychain->write(name, label.isEmpty() ? defaultLabel(name) : label, value,
                       [self, done](const KeychainBackend::Result& r) {
                           if (!self)
                               return;
                           using S = KeychainBackend::Status;
                           if (r.status == S::Ok) {
                               if (done)
                                   done(true, QString());
                               return;
                           }
                           if (r.status == S::NoKeychain) {
                               self->d->becameSessionOnly(self); // the value stays in memory
                               if (done)
                                   done(true, sessionOnlyMessage());
                               return;
                           }
                           if (done)
                               done(false,
                                    r.status == S::Locked
                                        ? QStringLiteral("the keyring is locked and no unlock "
                                                         "prompt could be shown; the key is kept "
                                                         "for this session only")
                                        : QStringLiteral("the keychain refused to store the key: "
                                                         "%1; it is kept for this session only")
                                              .arg(r.detail));
                       });
}

void SecretStore::remove(const QString& name, Done done)
{
    d->values.remove(name);
    d->absent.insert(name);
    if (d->sessionOnly) {
        if (done)
            done(true, QString());
        return;
    }
    d->keychain->remove(name, [done](const KeychainBackend::Result& r) {
        using S = KeychainBackend::Status;
        const bool ok = r.status == S::Ok || r.status == S::NotFound || r.status == S::NoKeychain;
        if (done)
            done(ok,
                 ok ? QString()
                    : QStringLiteral("the keychain could not delete the key: %1").arg(r.detail));
    });
}

void SecretStore::preload(const QStringList& names)
{
    for (const QString& name : names) {
        if (name.isEmpty() || d->values.contains(name) || d->loading.contains(name))
            continue;
        if (d->sessionOnly) {
            d->absent.insert(name);
            continue;
        }
        d->loading.insert(name);
        QPointer<SecretStore> self = this;
        d->keychain->read(name, [self, name](const KeychainBackend::Result& r) {
            if (!self)
                return;
            Private* p = self->d.get();
            p->loading.remove(name);
            p->absent.remove(name);
            p->locked.remove(name);
            p->failures.remove(name);
            switch (r.status) {
            case KeychainBackend::Status::Ok:
                if (!p->values.contains(name)) // a write during the read wins: it is newer
                    p->values.insert(name, r.value);
                break;
            case KeychainBackend::Status::NotFound:
                p->absent.insert(name);
                break;
            case KeychainBackend::Status::Locked:
                p->locked.insert(name);
                break;
            case KeychainBackend::Status::NoKeychain:
                p->becameSessionOnly(self);
                p->failures.insert(name, r.detail);
                break;
            case KeychainBackend::Status::Failed:
                p->failures.insert(name, r.detail);
                break;
            }
            emit self->loaded(name);
        });
    }
}

std::optional<QString> SecretStore::value(const QString& name, QString* error) const
{
    const auto it = d->values.constFind(name);
    if (it != d->values.constEnd())
        return *it;
    if (!error)
        return std::nullopt;
    if (d->loading.contains(name))
        *error = QStringLiteral("the key \"%1\" is still being read from the keychain (is the "
                                "keyring waiting to be unlocked?)")
                     .arg(name);
    else if (d->locked.contains(name))
        *error = QStringLiteral("the keyring is locked and no unlock prompt could be shown, so the "
                                "key \"%1\" could not be read: unlock the keyring (log in to the "
                                "desktop session), or %2")
                     .arg(name, envAdvice());
    else if (d->failures.contains(name) && d->sessionOnly)
        *error = QStringLiteral("no keychain is available here, so the key \"%1\" cannot be read: "
                                "%2 (in the app you can also enter it on the Connections page; it "
                                "is then kept for this session only)")
                     .arg(name, envAdvice());
    else if (d->failures.contains(name))
        *error = QStringLiteral("the keychain could not read the key \"%1\": %2")
                     .arg(name, d->failures.value(name));
    else if (d->absent.contains(name))
        *error = QStringLiteral("there is no key \"%1\" in the keychain: enter it on the "
                                "Connections page, or store it with `inferscope secret set`")
                     .arg(name);
    else
        *error = QStringLiteral("the key \"%1\" has not been read from the keychain").arg(name);
    return std::nullopt;
}

bool SecretStore::isLoading(const QString& name) const
{
    return d->loading.contains(name);
}

bool SecretStore::isAbsent(const QString& name) const
{
    return d->absent.contains(name) && !d->values.contains(name);
}

void SecretStore::whenLoaded(const QString& name, QObject* context, int timeoutMs,
                             std::function<void()> done)
{
    auto fired = std::make_shared<bool>(false);
    auto once = [fired, done = std::move(done)] {
        if (*fired)
            return;
        *fired = true;
        done();
    };
    QPointer<QObject> guard = context;
    if (!d->loading.contains(name)) {
        QMetaObject::invokeMethod(
            this,
            [guard, once] {
                if (guard)
                    once();
            },
            Qt::QueuedConnection);
        return;
    }
    auto* timer = new QTimer(this);
    timer->setSingleShot(true);
    auto connection = std::make_shared<QMetaObject::Connection>();
    const auto finish = [guard, once, timer, connection] {
        QObject::disconnect(*connection);
        timer->stop();
        timer->deleteLater();
        if (guard)
            once();
    };
    *connection = connect(this, &SecretStore::loaded, this, [name, finish](const QString& which) {
        if (which == name)
            finish();
    });
    connect(timer, &QTimer::timeout, this, finish);
    timer->start(std::max(0, timeoutMs));
}

bool SecretStore::isSessionOnly() const
{
    return d->sessionOnly;
}

QString SecretStore::status() const
{
    return d->sessionOnly ? sessionOnlyMessage() : QString();
}

} // namespace isc
