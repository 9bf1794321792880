#include "net/keychainbackend.h"

#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusMetaType>
#include <QDBusPendingCallWatcher>
#include <QDBusPendingReply>
#include <QDBusVariant>
#include <QObject>
#include <qt6keychain/keychain.h>

namespace isc {
namespace {

const QString kSecretService = QStringLiteral("org.freedesktop.secrets");

// The errors that mean "there is no usable keychain here", as opposed to "the user said no".
bool meansNoKeychain(QKeychain::Error e)
{
    return e == QKeychain::NoBackendAvailable || e == QKeychain::NotImplemented ||
           e == QKeychain::OtherError; // no D-Bus, no wallet daemon
}

// Asks the Secret Service whether the default collection is locked; `done(true)` when it is.
// libsecret answers a lookup in a locked collection whose unlock prompt cannot show with
// "not found", which would tell the user there is no key.
void probeLocked(QObject* context, std::function<void(bool)> done)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected()) {
        done(false);
        return;
    }
    QDBusMessage call = QDBusMessage::createMethodCall(
        kSecretService, QStringLiteral("/org/freedesktop/secrets/aliases/default"),
        QStringLiteral("org.freedesktop.DBus.Properties"), QStringLiteral("Get"));
    call << QStringLiteral("org.freedesktop.Secret.Collection") << QStringLiteral("Locked");
    auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(call, 2000), context);
    QObject::connect(watcher, &QDBusPendingCallWatcher::finished, context,
                     [done](QDBusPendingCallWatcher* w) {
                         w->deleteLater();
                         const QDBusPendingReply<QDBusVariant> reply = *w;
                         done(!reply.isError() && reply.value().variant().toBool());
                     });
}

// Gives the items of `name` the label `label` (QtKeychain labels every item with the service
// name only). Best effort: keychains without the Secret Service keep their own label.
void relabel(QObject* context, const QString& service, const QString& name, const QString& label)
{
    QDBusConnection bus = QDBusConnection::sessionBus();
    if (!bus.isConnected() || label.isEmpty())
        return;
    QDBusMessage search = QDBusMessage::createMethodCall(
        kSecretService, QStringLiteral("/org/freedesktop/secrets"),
        QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("SearchItems"));
    qDBusRegisterMetaType<QMap<QString, QString>>(); // a{ss}
    QMap<QString, QString> attributes{{QStringLiteral("user"), name},
                                      {QStringLiteral("server"), service}};
    search << QVariant::fromValue(attributes);
    auto* watcher = new QDBusPendingCallWatcher(bus.asyncCall(search, 2000), context);
    QObject::connect(
        watcher, &QDBusPendingCallWatcher::finished, context, [label](QDBusPendingCallWatcher* w) {
            w->deleteLater();
            const QDBusPendingReply<QList<QDBusObjectPath>, QList<QDBusObjectPath>> reply = *w;
            if (reply.isError())
                return;
            for (const QDBusObjectPath& item : reply.argumentAt<0>()) {
                QDBusMessage set = QDBusMessage::createMethodCall(
                    kSecretService, item.path(), QStringLiteral("org.freedesktop.DBus.Properties"),
                    QStringLiteral("Set"));
                set << QStringLiteral("org.freedesktop.Secret.Item") << QStringLiteral("Label")
                    << QVariant::fromValue(QDBusVariant(label));
                QDBusConnection::sessionBus().asyncCall(set, 2000);
            }
        });
}

KeychainBackend::Result failure(QKeychain::Job* job)
{
    KeychainBackend::Result r;
    r.detail = job->errorString();
    switch (job->error()) {
    case QKeychain::EntryNotFound:
        r.status = KeychainBackend::Status::NotFound;
        break;
    case QKeychain::AccessDenied: // libsecret: SECRET_ERROR_IS_LOCKED
        r.status = KeychainBackend::Status::Locked;
        break;
    default:
        r.status = meansNoKeychain(job->error()) ? KeychainBackend::Status::NoKeychain
                                                 : KeychainBackend::Status::Failed;
        break;
    }
    return r;
}

class QtKeychainBackend final : public KeychainBackend
{
public:
    explicit QtKeychainBackend(QString service) : m_service(std::move(service)) {}

    void read(const QString& name, Done done) override
    {
        auto* job = new QKeychain::ReadPasswordJob(m_service, &m_context);
        prepare(job, name);
        QObject::connect(
            job, &QKeychain::Job::finished, &m_context, [this, done](QKeychain::Job* j) {
                if (j->error() == QKeychain::NoError) {
                    done({Status::Ok, static_cast<QKeychain::ReadPasswordJob*>(j)->textData(), {}});
                    return;
                }
                const Result r = failure(j);
                if (r.status != Status::NotFound) {
                    done(r);
                    return;
                }
                probeLocked(&m_context, [r, done](bool locked) {
                    Result out = r;
                    if (locked)
                        out.status = Status::Locked;
                    done(out);
                });
            });
        job->start();
    }

    void write(const QString& name, const QString& label, const QString& value, Done done) override
    {
        auto* job = new QKeychain::WritePasswordJob(m_service, &m_context);
        prepare(job, name);
        job->setTextData(value);
        QObject::connect(job, &QKeychain::Job::finished, &m_context,
                         [this, name, label, done](QKeychain::Job* j) {
                             if (j->error() == QKeychain::NoError) {
                                 relabel(&m_context, m_service, name, label);
                                 done({});
                             } else {
                                 done(failure(j));
                             }
                         });
        job->start();
    }

    void remove(const QString& name, Done done) override
    {
        auto* job = new QKeychain::DeletePasswordJob(m_service, &m_context);
        prepare(job, name);
        QObject::connect(job, &QKeychain::Job::finished, &m_context, [done](QKeychain::Job* j) {
            done(j->error() == QKeychain::NoError ? Result{} : failure(j));
        });
        job->start();
    }

private:
    static void prepare(QKeychain::Job* job, const QString& name)
    {
        job->setAutoDelete(true);
        job->setInsecureFallback(false); // never a plaintext file
        job->setKey(name);
    }

    QString m_service;
    QObject m_context; // jobs and their callbacks die with the backend
};

} // namespace

KeychainBackend::~KeychainBackend() = default;

std::unique_ptr<KeychainBackend> KeychainBackend::system(const QString& service)
{
    return std::make_unique<QtKeychainBackend>(service);
}

} // namespace isc
