#include "session.h"

#include "alerts/alertservice.h"
#include "emulator/emulator.h"
#include "net/networksettings.h"
#include "net/secretstore.h"
#include "routing/routingpolicy.h"
#include "sources/collector.h"
#include "store/samplestore.h"
#include "store/storebackend.h"

#include <QDir>
#include <QFileInfo>
#include <QJsonObject>
#include <QSettings>
#include <QThread>

namespace isc::app {
namespace {

// Trusts the workspace's extra CA bundle (a path relative to the workspace file's folder), or
// drops one trusted before; false with words when the file cannot be used.
bool applyCaBundle(const Workspace& ws, const QString& workspacePath, QString* error)
{
    QString path = ws.caBundlePath;
    if (path.isEmpty() && NetworkSettings::extraCaCertificates().isEmpty())
        return true;
    if (!path.isEmpty() && QFileInfo(path).isRelative() && !workspacePath.isEmpty())
        path = QFileInfo(workspacePath).absoluteDir().filePath(path);
    QString why;
    if (NetworkSettings::setExtraCaBundle(path, &why))
        return true;
    *error =
        QStringLiteral("the workspace's CA bundle (network.caBundle) cannot be used: %1").arg(why);
    return false;
}

} // namespace

Session::Session(QObject* parent) : QObject(parent) {}

Session::~Session()
{
    // The collector writes into the store and polls the emulator: stop it first.
    if (m_collector)
        m_collector->stop();
    m_collector.reset();
    m_alerts.reset();
    // Pages read through StoreJobs: reads still queued are skipped, none blocks on the store.
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
        if (!applyCaBundle(m_workspace, m_workspacePath, error))
            return false;
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
        m_workspace.routingPolicy = RoutingPolicy::demoDefault().toJsonObject();
        // A demo budget a little under the fleet's usual month (about $64k with PTUs at the
        // monthly reservation), so the burn-down has a story.
        m_workspace.budget = QJsonObject{{QStringLiteral("monthlyUsd"), QStringLiteral("60000")}};
    }

    QString dbPath = options.dbPath;
    if (dbPath.isEmpty())
        dbPath = m_workspace.databasePath;
    if (dbPath.isEmpty())
        dbPath = defaultDatabasePath(m_workspace.demo);

    m_dbPath = dbPath;
    m_storeSettings = {};
    m_storeSettings.rawRetentionDays = m_workspace.rawRetentionDays;
    m_storeSettings.fiveMinuteRetentionDays = m_workspace.fiveMinuteRetentionDays;
    m_storeSettings.integrityCheckDelayMs = options.integrityCheckDelayMs;
    openStore(DatabasePassword::settingsFor(dbPath, SecretStore::shared(), m_storeSettings));
    return storeOpened(error);
}

bool Session::openAskingPassword(const DatabasePassword::Ask& ask, QString* error)
{
    if (m_dbPath.isEmpty() || !m_openReport.passwordRefused)
        return storeOpened(error);
    DatabasePassword::prompt(
        m_dbPath, m_storeSettings, m_openReport, ask,
        [this](const StoreSettings& settings) { return openStore(settings); },
        SecretStore::shared());
    return storeOpened(error);
}

OpenReport Session::openStore(const StoreSettings& settings)
{
    m_collector.reset();
    m_alerts.reset();
    m_store = std::make_unique<SampleStore>();
    m_openReport = m_store->open(m_dbPath, settings).result();
    return m_openReport;
}

bool Session::storeOpened(QString* error)
{
    if (!m_openReport.usable()) {
        *error =
            m_openReport.message.isEmpty()
                ? QStringLiteral("could not open the database %1").arg(displayAddress(m_dbPath))
                : m_openReport.message;
        return false;
    }
    if (!m_alerts) {
        m_alerts = std::make_unique<AlertService>(m_store.get());
        m_alerts->setWorkspace(m_workspace);
        m_alerts->load();
    }
    if (!m_collector) {
        m_collector = std::make_unique<Collector>(m_workspace, m_store.get());
        connectAlerts();
    }
    return true;
}

void Session::connectAlerts()
{
    AlertService* alerts = m_alerts.get();
    Collector* collector = m_collector.get();
    // A poll this run stored: this run collects, so it evaluates (after each poll).
    connect(collector, &Collector::batchStored, alerts, [alerts] {
        alerts->setEvaluating(true);
        alerts->evaluateSoon();
    });
    connect(collector, &Collector::healthChanged, alerts, &AlertService::recordHealth);
    for (const SourceHealth& h : collector->health())
        alerts->recordHealth(h);
}

void Session::applyWorkspace(const Workspace& workspace, const QString& path)
{
    const bool wasRunning = m_collector && m_collector->isRunning();
    if (m_collector)
        m_collector->stop();
    m_workspace = workspace;
    m_workspacePath = path.isEmpty() ? QString() : QFileInfo(path).absoluteFilePath();
    if (!m_workspacePath.isEmpty() && !workspace.demo)
        rememberWorkspace(m_workspacePath);
    QString caError;
    if (!applyCaBundle(m_workspace, m_workspacePath, &caError))
        qWarning("%s", qPrintable(caError)); // the editor checked the file; it went away since
    auto next = std::make_unique<Collector>(m_workspace, m_store.get());
    if (wasRunning)
        next->start();
    std::swap(m_collector, next);
    if (m_alerts) {
        m_alerts->setWorkspace(m_workspace);
        connectAlerts();
    }
    emit collectorReplaced(m_collector.get());
    next.reset(); // the old collector goes once everyone follows the new one
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
