#include "net/secretstore.h"

#include <QCoreApplication>
#include <QHash>
#include <QPointer>
#include <QSet>
#include <qt6keychain/keychain.h>

namespace isc {
namespace {

// The errors that mean "there is no usable keychain here", as opposed to "the user said no".
bool meansNoKeychain(QKeychain::Error e)
{
    return e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented ||
           e == QKeychain::OtherError;
}

} // namespace

struct SecretStore::Private
{
    Backend backend = Backend::Keychain;
    bool sessionOnly = false;
    QHash<QString, QString> values; // memory only; never written anywhere else
    QSet<QString> absent;           // preloaded and not in the keychain
    QHash<QString, QString> failures;
    QSet<QString> loading;
};

QString SecretStore::serviceName()
{
    return QStringLiteral("inferscope");
}

QString SecretStore::sessionOnlyMessage()
{
    return QStringLiteral("no keychain available: the key is kept for this session only");
}

SecretStore::SecretStore(Backend backend, QObject* parent)
    : QObject(parent), d(std::make_unique<Private>())
{
    d->backend = backend;
    d->sessionOnly = backend == Backend::SessionOnly;
}

SecretStore::~SecretStore() = default;

SecretStore* SecretStore::shared()
{
    static QPointer<SecretStore> instance;
    if (!instance)
        instance = new SecretStore(Backend::Keychain, QCoreApplication::instance());
    return instance;
}

void SecretStore::write(const QString& name, const QString& value, Done done)
{
    d->values.insert(name, value);
    d->absent.remove(name);
    d->failures.remove(name);
    if (d->sessionOnly) {
        if (done)
            done(true, sessionOnlyMessage());
        return;
    }
    auto* job = new QKeychain::WritePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // never a plaintext file
    job->setKey(name);
    job->setTextData(value);
    connect(job, &QKeychain::Job::finished, this, [this, done](QKeychain::Job* j) {
        if (j->error() == QKeychain::NoError) {
            if (done)
                done(true, QString());
            return;
        }
        if (meansNoKeychain(j->error())) {
            const bool changed = !d->sessionOnly;
            d->sessionOnly = true; // the value stays in memory (already inserted)
            if (changed)
                emit statusChanged(sessionOnlyMessage());
            if (done)
                done(true, sessionOnlyMessage());
            return;
        }
        if (done)
            done(false, QStringLiteral("the keychain refused to store the key: %1; it is kept "
                                       "for this session only")
                            .arg(j->errorString()));
    });
    job->start();
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
    auto* job = new QKeychain::DeletePasswordJob(serviceName(), this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(name);
    connect(job, &QKeychain::Job::finished, this, [done](QKeychain::Job* j) {
        const bool ok = j->error() == QKeychain::NoError ||
                        j->error() == QKeychain::EntryNotFound || meansNoKeychain(j->error());
        if (done)
            done(ok, ok ? QString()
                        : QStringLiteral("the keychain could not delete the key: %1")
                              .arg(j->errorString()));
    });
    job->start();
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
        auto* job = new QKeychain::ReadPasswordJob(serviceName(), this);
        job->setAutoDelete(true);
        job->setInsecureFallback(false);
        job->setKey(name);
        connect(job, &QKeychain::Job::finished, this, [this, name](QKeychain::Job* j) {
            d->loading.remove(name);
            if (j->error() == QKeychain::NoError) {
                // A write during the read wins: it is newer.
                if (!d->values.contains(name))
                    d->values.insert(name, static_cast<QKeychain::ReadPasswordJob*>(j)->textData());
            } else if (j->error() == QKeychain::EntryNotFound) {
                d->absent.insert(name);
            } else {
                if (meansNoKeychain(j->error()) && !d->sessionOnly) {
                    d->sessionOnly = true;
                    emit statusChanged(sessionOnlyMessage());
                }
                d->failures.insert(name, j->errorString());
            }
            emit loaded(name);
        });
        job->start();
    }
}

std::optional<QString> SecretStore::value(const QString& name, QString* error) const
{
    const auto it = d->values.constFind(name);
    if (it != d->values.constEnd())
        return *it;
    if (error) {
        if (d->loading.contains(name))
            *error =
                QStringLiteral("the key \"%1\" is still being read from the keychain").arg(name);
        else if (d->failures.contains(name))
            *error =
                d->sessionOnly
                    ? QStringLiteral("no keychain available: enter the key \"%1\" again on the "
                                     "Connections page (it is kept for this session only)")
                          .arg(name)
                    : QStringLiteral("the keychain could not read the key \"%1\": %2")
                          .arg(name, d->failures.value(name));
        else if (d->absent.contains(name))
            *error = QStringLiteral("there is no key \"%1\" in the keychain; enter it on the "
                                    "Connections page")
                         .arg(name);
        else
            *error = QStringLiteral("the key \"%1\" has not been read from the keychain").arg(name);
    }
    return std::nullopt;
}

bool SecretStore::isLoading(const QString& name) const
{
    return d->loading.contains(name);
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
