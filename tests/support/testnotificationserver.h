#pragma once

#include <QDBusConnection>
#include <QList>
#include <QObject>
#include <QStringList>
#include <QVariantMap>

namespace isc::test {

/// A stand-in for a desktop's notification daemon: registers as org.freedesktop.Notifications
/// on a (test) bus, records every Notify call and can emit ActionInvoked / NotificationClosed
/// as a user's click would. Follows the Desktop Notifications Specification 1.2: ids start at
/// 1, a replaces_id that is showing keeps its id.
class TestNotificationServer : public QObject
{
    Q_OBJECT
    Q_CLASSINFO("D-Bus Interface", "org.freedesktop.Notifications")
public:
    /// One Notify call as received.
    struct Call
    {
        QString appName;
        uint replacesId = 0;
        QString appIcon;
        QString summary;
        QString body;
        QStringList actions;
        QVariantMap hints;
        int expireTimeout = 0;
        uint id = 0; ///< the id answered
    };

    explicit TestNotificationServer(QObject* parent = nullptr);
    ~TestNotificationServer() override;

    /// Exports this object on `bus` and takes the service name. False with `error` in words.
    bool registerOn(const QDBusConnection& bus, QString* error);
    /// Gives the service name up again (the bus tells its watchers).
    void unregister();

    const QList<Call>& calls() const { return m_calls; }

    /// Emits ActionInvoked(id, key) as a click on a notification's button would.
    void invokeAction(uint id, const QString& actionKey);
    /// Emits NotificationClosed(id, reason): 1 expired, 2 dismissed, 3 closed by a call.
    void emitClosed(uint id, uint reason);

public slots:
    // The org.freedesktop.Notifications methods (exported to D-Bus).
    uint Notify(const QString& appName, uint replacesId, const QString& appIcon,
                const QString& summary, const QString& body, const QStringList& actions,
                const QVariantMap& hints, int expireTimeout);
    QStringList GetCapabilities();
    QString GetServerInformation(QString& vendor, QString& version, QString& specVersion);
    void CloseNotification(uint id);

signals:
    /// A Notify call arrived (not exported: only slots are).
    void notified(uint id);

private:
    void emitSignal(const QString& name, const QVariantList& args);

    QDBusConnection m_bus;
    bool m_registered = false;
    QList<Call> m_calls;
    QList<uint> m_showing;
    uint m_nextId = 1;
};

} // namespace isc::test
