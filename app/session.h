#pragma once

#include "commandline.h"
#include "core/workspace.h"
#include "databasepassword.h"
#include "store/storetypes.h"

#include <QObject>
#include <memory>

class QThread;

namespace isc {
class SampleStore;
class Collector;
class AlertService;
namespace emu {
class Emulator;
}
} // namespace isc

namespace isc::app {

/// Everything one run of Inferscope works on: the workspace (the demo one runs the built-in
/// emulator on loopback), the history store and the collector. Shared by the GUI and `collect`.
class Session : public QObject
{
    Q_OBJECT
public:
    struct Options
    {
        bool demo = false;
        QString workspacePath; ///< empty with demo = false: the remembered one, else the demo
        QString dbPath;        ///< empty = the workspace's, else the default in the data dir
        quint64 seed = 42;     ///< demo emulator seed
        /// The store's integrity check starts this long after the open (ms): the window leaves
        /// its first paint alone; the headless collector checks at once.
        int integrityCheckDelayMs = 5000;
    };
    /// The options a command line asks for.
    static Options optionsFor(const Invocation& inv)
    {
        return {inv.demo, inv.workspacePath, inv.dbPath, inv.seed};
    }

    explicit Session(QObject* parent = nullptr);
    ~Session() override;

    /// Loads the workspace, starts the emulator for the demo, opens the store (a server
    /// database's password read from the shared SecretStore first). The collector is created
    /// but not started. Returns false with a one-line `error`.
    bool open(const Options& options, QString* error);
    /// After open() failed on a refused database password (openReport().passwordRefused): asks
    /// for it through `ask` until the store opens or the user cancels (see
    /// DatabasePassword::prompt()). Returns false with `error` when it did not open.
    bool openAskingPassword(const DatabasePassword::Ask& ask, QString* error);

    const Workspace& workspace() const { return m_workspace; }
    bool isDemo() const { return m_workspace.demo; }
    SampleStore* store() const { return m_store.get(); }
    Collector* collector() const { return m_collector.get(); }
    /// The workspace's alert rules, their state and history (shared documents of the store).
    /// It evaluates once this run's collector stores a poll (after each one); until then, and
    /// in a window that only views a team database, it follows what the collector stored.
    AlertService* alerts() const { return m_alerts.get(); }
    /// How opening the database went (a recovered corrupt file is reported here).
    const OpenReport& openReport() const { return m_openReport; }
    /// The workspace file in use, empty for the demo.
    QString workspacePath() const { return m_workspacePath; }

    /// Switches to an edited workspace saved at `path`: the running collector stops and a new
    /// one polls the new connections (started when the old one was running). Same database.
    void applyWorkspace(const Workspace& workspace, const QString& path);

signals:
    /// The collector was replaced (applyWorkspace()): follow the new one.
    void collectorReplaced(isc::Collector* collector);

private:
    OpenReport openStore(const StoreSettings& settings);
    bool storeOpened(QString* error);
    /// Feeds the collector's polls and health to the alerts.
    void connectAlerts();

    Workspace m_workspace;
    QString m_dbPath;
    StoreSettings m_storeSettings; ///< without any password
    QString m_workspacePath;
    OpenReport m_openReport;
    std::unique_ptr<QThread> m_emulatorThread; ///< the demo emulator serves off the GUI thread
    std::unique_ptr<emu::Emulator> m_emulator;
    std::unique_ptr<SampleStore> m_store;
    std::unique_ptr<AlertService> m_alerts; ///< after the store (reads it), before the collector
    std::unique_ptr<Collector> m_collector;
};

/// The workspace file remembered from the last --workspace run, empty when none.
QString rememberedWorkspace();
void rememberWorkspace(const QString& path);

} // namespace isc::app
