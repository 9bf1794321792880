#include "testnotificationserver.h"

#include <QDBusConnectionInterface>
#include <QDBusMessage>

namespace isc::test {
namespace {

const QString kServerService = QStringLiteral("org.freedesktop.Notifications");
const QString kServerPath = QStringLiteral("/org/freedesktop/Notifications");

} // namespace

TestNotificationServer::TestNotificationServer(QObject* parent) : QObject(parent), m_bus(QString())
{}

TestNotificationServer::~TestNotificationServer()
{
    unregister();
}

bool TestNotificationServer::registerOn(const QDBusConnection& bus, QString* error)
{
    m_bus = bus;
    if (!m_bus.isConnected()) {
        *error = QStringLiteral("not connected to the bus: %1").arg(m_bus.lastError().message());
        return false;
    }
    if (!m_bus.registerObject(kServerPath, this, QDBusConnection::ExportAllSlots)) {
        *error =
            QStringLiteral("could not export %1: %2").arg(kServerPath, m_bus.lastError().message());
        return false;
    }
    if (!m_bus.registerService(kServerService)) {
        m_bus.unregisterObject(kServerPath);
        *error =
            QStringLiteral("could not own %1: %2").arg(kServerService, m_bus.lastError().message());
        return false;
    }
    m_registered = true;
    return true;
}

void TestNotificationServer::unregister()
{
    if (!m_registered)
        return;
    m_registered = false;
    m_bus.unregisterService(kServerService);
    m_bus.unregisterObject(kServerPath);
}

void TestNotificationServer::invokeAction(uint id, const QString& actionKey)
{
    emitSignal(QStringLiteral("ActionInvoked"), {id, actionKey});
}

void TestNotificationServer::emitClosed(uint id, uint reason)
{
    m_showing.removeAll(id);
    emitSignal(QStringLiteral("NotificationClosed"), {id, reason});
}

void TestNotificationServer::emitSignal(const QString& name, const QVariantList& args)
{
    QDBusMessage m = QDBusMessage::createSignal(kServerPath, kServerService, name);
    m.setArguments(args);
    m_bus.send(m);
}

uint TestNotificationServer::Notify(const QString& appName, uint replacesId, const QString& appIcon,
                                    const QString& summary, const QString& body,
                                    const QStringList& actions, const QVariantMap& hints,
                                    int expireTimeout)
{
    Call c{appName, replacesId, appIcon, summary, body, actions, hints, expireTimeout, 0};
    c.id = replacesId != 0 && m_showing.contains(replacesId) ? replacesId : m_nextId++;
    if (!m_showing.contains(c.id))
        m_showing.append(c.id);
    m_calls.append(c);
    emit notified(c.id);
    return c.id;
}

QStringList TestNotificationServer::GetCapabilities()
{
    return {QStringLiteral("actions"), QStringLiteral("body")};
}

QString TestNotificationServer::GetServerInformation(QString& vendor, QString& version,
                                                     QString& specVersion)
{
    vendor = QStringLiteral("Inferscope tests");
    version = QStringLiteral("1");
    specVersion = QStringLiteral("1.2");
    return QStringLiteral("test-notification-server");
}

void TestNotificationServer::CloseNotification(uint id)
{
    if (m_showing.contains(id))
        emitClosed(id, 3);
}

} // namespace isc::test
