#include "testdbus.h"

#include <QDeadlineTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <QTemporaryDir>
#include <csignal>
#include <sys/prctl.h>

namespace isc::test {
namespace {

// Debian's session.conf minus <standard_session_servicedirs/>: nothing is D-Bus-activated.
const char kBusConfig[] =
    "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
    " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
    "<busconfig>\n"
    "  <type>session</type>\n"
    "  <listen>unix:path=%1</listen>\n"
    "  <auth>EXTERNAL</auth>\n"
    "  <policy context=\"default\">\n"
    "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
    "    <allow eavesdrop=\"true\"/>\n"
    "    <allow own=\"*\"/>\n"
    "  </policy>\n"
    "</busconfig>\n";

} // namespace

struct TestDBus::Private
{
    QTemporaryDir dir;
    QProcess process;
    QString address;
    QStringList connections;
    QByteArray log;
    bool hadAddress = false;
    QByteArray previousAddress;
};

TestDBus::TestDBus() : d(std::make_unique<Private>())
{
    d->process.setProcessChannelMode(QProcess::SeparateChannels);
    // If the test process dies, its bus goes with it.
    d->process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
}

TestDBus::~TestDBus()
{
    stop();
}

QString TestDBus::binary()
{
    const QString configured = qEnvironmentVariable("INFERSCOPE_DBUS_DAEMON");
    return configured.isEmpty() ? QStringLiteral("/usr/bin/dbus-daemon") : configured;
}

bool TestDBus::start(QString* error, int timeoutMs)
{
    if (!QFileInfo(binary()).isExecutable()) {
        *error = QStringLiteral("%1 is missing: install Debian's dbus package (make test does: "
                                "apt-get install dbus)")
                     .arg(binary());
        return false;
    }
    if (!d->dir.isValid()) {
        *error = QStringLiteral("no temporary directory: %1").arg(d->dir.errorString());
        return false;
    }
    QFile config(d->dir.filePath(QStringLiteral("session.conf")));
    if (!config.open(QIODevice::WriteOnly)) {
        *error = config.errorString();
        return false;
    }
    config.write(QString::fromLatin1(kBusConfig)
                     .arg(d->dir.filePath(QStringLiteral("bus")).toHtmlEscaped())
                     .toUtf8());
    config.close();

    d->process.start(binary(), {QStringLiteral("--config-file=") + config.fileName(),
                                QStringLiteral("--nofork"), QStringLiteral("--nosyslog"),
                                QStringLiteral("--print-address=1")});
    if (!d->process.waitForStarted(10000)) {
        *error = QStringLiteral("%1 did not start: %2").arg(binary(), d->process.errorString());
        return false;
    }
    const QDeadlineTimer deadline(timeoutMs);
    QByteArray out;
    while (!out.contains('\n') && !deadline.hasExpired() &&
           d->process.state() == QProcess::Running) {
        d->process.waitForReadyRead(
            static_cast<int>(std::max<qint64>(1, deadline.remainingTime())));
        out += d->process.readAllStandardOutput();
    }
    if (!out.contains('\n')) {
        d->log += d->process.readAllStandardError();
        stop();
        *error = QStringLiteral("dbus-daemon printed no address: %1")
                     .arg(QString::fromUtf8(d->log.right(2000)));
        return false;
    }
    d->address = QString::fromUtf8(out.left(out.indexOf('\n')).trimmed());
    d->hadAddress = qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS");
    d->previousAddress = qgetenv("DBUS_SESSION_BUS_ADDRESS");
    qputenv("DBUS_SESSION_BUS_ADDRESS", d->address.toUtf8());
    return true;
}

void TestDBus::stop()
{
    for (const QString& name : std::as_const(d->connections))
        QDBusConnection::disconnectFromBus(name);
    d->connections.clear();
    if (!d->address.isEmpty()) {
        if (d->hadAddress)
            qputenv("DBUS_SESSION_BUS_ADDRESS", d->previousAddress);
        else
            qunsetenv("DBUS_SESSION_BUS_ADDRESS");
        d->address.clear();
    }
    if (d->process.state() == QProcess::NotRunning)
        return;
    d->process.terminate();
    if (!d->process.waitForFinished(10000)) {
        d->process.kill();
        d->process.waitForFinished(5000);
    }
    d->log += d->process.readAllStandardError();
}

bool TestDBus::isRunning() const
{
    return d->process.state() == QProcess::Running;
}

QString TestDBus::address() const
{
    return d->address;
}

QDBusConnection TestDBus::connect(const QString& name)
{
    d->connections.append(name);
    return QDBusConnection::connectToBus(d->address, name);
}

QByteArray TestDBus::log() const
{
    return d->log;
}

} // namespace isc::test
