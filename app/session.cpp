#include "session.h"

#include "emulator/emulator.h"
#include "sources/collector.h"
#include "store/samplestore.h"

#include <QFileInfo>
#include <QSettings>
#include <QThread>

namespace isc::app {

Session::Session(QObject* parent) : QObject(parent) {}

Session::~Session()
{
    // The collector writes into the store and polls the emulator: stop it first.
    if (m_collector)
        m_collector->stop();
    m_collector.reset();
    m_store.reset();
    if (m_emulatorThread) {
        // The emulator's sockets belong to its thread: delete it there, then end the thread.
        emu::Emulator* emulator = m_emulator.release();
        QMetaObject::invokeMethod(
            emulator, [emulator] { delete emulator; }, Qt::BlockingQueuedConnection);
        m_emulatorThread->quit();
        m_emulatorThread->wait();
    }
}

bool Session::open(const Options& options, QString* error)
{
    QString wsPath = options.workspacePath;
    if (!options.demo && wsPath.isEmpty())
        wsPath = rememberedWorkspace();
    if (!options.demo && !wsPath.isEmpty()) {
        const auto ws = Workspace::load(wsPath, error);
        if (!ws)
            return false;
        m_workspace = *ws;
        m_workspacePath = QFileInfo(wsPath).absoluteFilePath();
    } else {
        // Serving a 30-day backfill builds megabytes of JSON: keep that off the GUI thread.
        m_emulatorThread = std::make_unique<QThread>();
        m_emulatorThread->setObjectName(QStringLiteral("demo emulator"));
        m_emulator = std::make_unique<emu::Emulator>(options.seed);
        m_emulator->moveToThread(m_emulatorThread.get());
        m_emulatorThread->start();
        QString listenError;
        bool listening = false;
        QMetaObject::invokeMethod(
            m_emulator.get(),
            [this, &listening, &listenError] {
                listening = m_emulator->listen(QHostAddress::LocalHost, 0, &listenError);
            },
            Qt::BlockingQueuedConnection);
        if (!listening) {
            *error = QStringLiteral("could not start the demo emulator: %1").arg(listenError);
            return false;
        }
        m_workspace =
            Workspace::demoWorkspace(m_emulator->baseUrl(), emu::Emulator::accountResourceId());
    }

    QString dbPath = options.dbPath;
    if (dbPath.isEmpty())
        dbPath = m_workspace.databasePath;
    if (dbPath.isEmpty())
        dbPath = defaultDatabasePath(m_workspace.demo);

    m_store = std::make_unique<SampleStore>();
    StoreSettings settings;
    settings.rawRetentionDays = m_workspace.rawRetentionDays;
    settings.fiveMinuteRetentionDays = m_workspace.fiveMinuteRetentionDays;
    settings.integrityCheckDelayMs = 5000; // after the first paint, not during it
    m_openReport = m_store->open(dbPath, settings).result();
    if (!m_openReport.usable()) {
        *error = m_openReport.message.isEmpty()
                     ? QStringLiteral("could not open the database %1").arg(dbPath)
                     : m_openReport.message;
        return false;
    }
    m_collector = std::make_unique<Collector>(m_workspace, m_store.get());
    return true;
}

QString rememberedWorkspace()
{
    return QSettings().value(QStringLiteral("workspace/lastPath")).toString();
}

void rememberWorkspace(const QString& path)
{
    QSettings().setValue(QStringLiteral("workspace/lastPath"), path);
}

} // namespace isc::app
