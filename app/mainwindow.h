#pragma once

#include "core/timerange.h"
#include "routing/capacitymodel.h"
#include "routing/replaypricing.h"

#include <QMainWindow>
#include <QStringList>
#include <functional>
#include <utility>

class QAction;
class QListWidget;
class QStackedWidget;

namespace isc {
class AlertTrayIcon;
class Collector;
class DesktopNotifier;
class WebhookNotifier;
struct AlertNotice;
class ConnectionsPage;
class OverviewPage;
class TimeRangeLink;
class SourceStatusBar;
struct Workspace;
} // namespace isc

namespace isc::app {

class Session;

/// Assembles the pages, the banners and the status bar around a Session; nothing more.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(Session* session, QWidget* parent = nullptr);
    ~MainWindow() override;

    /// Shows the page with id `name` ("overview"); false when there is none.
    bool showPage(const QString& name);
    QString currentPage() const;
    /// The page widget with id `name`, nullptr when there is none.
    QWidget* pageWidget(const QString& name) const;
    OverviewPage* overviewPage() const { return m_overview; }
    /// The window's one time range, which every page's picker shows (Ctrl+1..5, --range).
    TimeRangeLink* timeRange() const { return m_range; }
    ConnectionsPage* connectionsPage() const { return m_connections; }
    /// The status bar's summary, as shown ("7 sources: collected by HOST (pid N), last poll T").
    QString statusSummary() const;
    /// The sidebar's text of page `name` ("Alerts (2)").
    QString pageTitle(const QString& name) const;
    /// Off: alerts are still evaluated and shown, but no desktop notification or webhook goes
    /// out (a --screenshot or a start-up probe must not notify anyone). On by default.
    void setAlertDelivery(bool on) { m_deliverAlerts = on; }
    /// The tray icon; nullptr where the desktop has no system tray.
    AlertTrayIcon* trayIcon() const { return m_tray; }

protected:
    void closeEvent(QCloseEvent* event) override;

private:
    void addPage(const QString& id, const QString& title, QWidget* page);
    /// A page built the first time it is opened (LazyPage).
    void addLazyPage(const QString& id, const QString& title, std::function<QWidget*()> factory);
    /// The prices and PTU sizing the Routing and replay pages use for `ws`.
    static std::pair<ReplayPricing, PtuSizingLookup> routingPrices(const Workspace& ws);
    /// Applies `change` to the workspace, saves its file (a failure said in a dialog) and
    /// re-applies it to the session.
    void changeWorkspace(const std::function<void(Workspace&)>& change);
    void buildMenus();
    void restoreSettings();
    void saveSettings() const;
    void openWorkspace();
    void reopen(const QStringList& arguments);
    void follow(Collector* collector);
    /// Notifications, webhooks, the sidebar's count and the tray, from the session's alerts.
    void wireAlerts();
    void updateAlertCount();
    void openAlert(const AlertNotice& notice);
    /// Shades when alerts fired on every time chart under `root`.
    void applyAlertBands(QWidget* root) const;
    void showFromTray();
    /// A page with setWorkspace(const Workspace&) gets the workspace again whenever it is
    /// re-applied (the collector replaced).
    template <typename Page> void followWorkspace(Page* page);

    Session* m_session;
    QListWidget* m_nav;
    QStackedWidget* m_stack;
    SourceStatusBar* m_status;
    OverviewPage* m_overview = nullptr;
    TimeRangeLink* m_range = nullptr;
    ConnectionsPage* m_connections = nullptr;
    QStringList m_pageIds;
    DesktopNotifier* m_desktop = nullptr;
    WebhookNotifier* m_webhooks = nullptr;
    AlertTrayIcon* m_tray = nullptr;
    QAction* m_keepInTray = nullptr;
    bool m_quitting = false;
    bool m_deliverAlerts = true;
    QVector<TimeRange> m_alertBands;
};

} // namespace isc::app
