#pragma once

#include <QByteArray>
#include <QDBusConnection>
#include <QString>
#include <memory>

namespace isc::test {

/// A private D-Bus session bus of the test's own (Debian's /usr/bin/dbus-daemon, never the
/// user's bus): `dbus-daemon --nofork --print-address` on a unix socket in a temporary folder,
/// with a session-bus configuration that activates no services (so no real notification
/// daemon starts behind a test's back). While it runs, DBUS_SESSION_BUS_ADDRESS points at it;
/// stopped (SIGTERM, then SIGKILL) and the variable restored when destroyed or stop()ped. The
/// daemon dies with the test process.
class TestDBus
{
public:
    TestDBus();
    ~TestDBus();
    TestDBus(const TestDBus&) = delete;
    TestDBus& operator=(const TestDBus&) = delete;

    /// The binary: $INFERSCOPE_DBUS_DAEMON, else /usr/bin/dbus-daemon.
    static QString binary();

    /// Starts the bus and waits for its address. False with `error` in words.
    bool start(QString* error, int timeoutMs = 20000);
    /// Disconnects every connection made by connect() and stops the daemon.
    void stop();
    bool isRunning() const;

    /// "unix:path=/tmp/…/bus,guid=…".
    QString address() const;
    /// A new connection of its own to the bus, registered under `name` (unique per test run);
    /// disconnected by stop().
    QDBusConnection connect(const QString& name);

    /// What the daemon wrote to stderr so far (for failure messages).
    QByteArray log() const;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc::test
