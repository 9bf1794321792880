#include "mainwindow.h"

#include "lazypage.h"
#include "session.h"

#include "alerttrayicon.h"
#include "charts/chartzoom.h"
#include "cost/costengine.h"
#include "demobanner.h"
#include "itemmodels/chartmodel.h"
#include "kit/exportmenu.h"
#include "net/secretstore.h"
#include "pages/alertspage.h"
#include "pages/capacitypage.h"
#include "pages/connectionspage.h"
#include "pages/costpage.h"
#include "pages/latencypage.h"
#include "pages/localserverspage.h"
#include "pages/overviewpage.h"
#include "pages/playgroundpage.h"
#include "pages/replaypage.h"
#include "pages/routingpage.h"
#include "sources/collector.h"
#include "sourcestatusbar.h"
#include "store/samplestore.h"
#include "theme/theme.h"
#include "timerangelink.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProcess>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QVBoxLayout>

namespace isc::app {

template <typename Page> void MainWindow::followWorkspace(Page* page)
{
    connect(m_session, &Session::collectorReplaced, page,
            [this, page] { page->setWorkspace(m_session->workspace()); });
}

MainWindow::MainWindow(Session* session, QWidget* parent)
    : QMainWindow(parent), m_session(session), m_nav(new QListWidget), m_stack(new QStackedWidget),
      m_status(new SourceStatusBar)
{
    setWindowTitle(session->isDemo() ? tr("Inferscope — Demo fleet")
                                     : tr("Inferscope — %1").arg(session->workspace().name));
    auto* central = new QWidget;
    auto* outer = new QVBoxLayout(central);
    outer->setContentsMargins(0, 0, 0, 0);
    outer->setSpacing(0);
    if (session->isDemo())
        outer->addWidget(new DemoBanner(DemoBanner::Kind::Demo, DemoBanner::demoText()));
    if (!session->openReport().message.isEmpty())
        outer->addWidget(new DemoBanner(DemoBanner::Kind::Warning, session->openReport().message));
    // Damage found by the background check after start: say so where the demo banner is.
    connect(session->store(), &SampleStore::integrityProblem, this,
            [outer](const QString& message) {
                outer->insertWidget(0, new DemoBanner(DemoBanner::Kind::Warning, message));
            });

    auto* body = new QHBoxLayout;
    body->setContentsMargins(0, 0, 0, 0);
    body->setSpacing(0);
    m_nav->setFixedWidth(168);
    m_nav->setAccessibleName(tr("Pages"));
    m_nav->setFrameShape(QFrame::NoFrame);
    watchTheme(m_nav, [nav = m_nav] {
        nav->setStyleSheet(
            QStringLiteral("QListWidget { background: %1; color: %2; padding-top: 8px; "
                           "font-size: 14px; outline: 0; } QListWidget::item { padding: 8px 14px; }"
                           "QListWidget::item:selected { background: %3; color: %4; }")
                .arg(themeCss(ThemeColor::SidebarBackground), themeCss(ThemeColor::HeadingText),
                     themeCss(ThemeColor::SidebarSelected),
                     themeCss(ThemeColor::SidebarSelectedText)));
    });
    body->addWidget(m_nav);
    body->addWidget(m_stack, 1);
    outer->addLayout(body, 1);
    setCentralWidget(central);

    m_overview = new OverviewPage(session->store());
    addPage(QStringLiteral("overview"), tr("Overview"), m_overview);
    // One range for the window: the Overview's (restored with it) is the first.
    m_range = new TimeRangeLink(this);
    m_range->add(m_overview->rangePicker());
    // A chart's zoom and pan move the window's range: every chart on every page follows.
    ChartZoomRouter::setHandler(
        this, [this](TimeRange range) { m_range->zoomTo(range); },
        [this] { return m_range->resetZoom(); });
    installExportMenus(m_overview);
    // The other pages are built when first opened: each starts its own queries, and at start-up
    // the store's thread belongs to the page on screen.
    addLazyPage(QStringLiteral("latency"), tr("Latency"), [this] {
        auto* latency = new LatencyPage(m_session->store(), m_session->workspace());
        followWorkspace(latency);
        return latency;
    });
    addLazyPage(QStringLiteral("local"), tr("Local servers"), [this] {
        auto* local = new LocalServersPage(m_session->store(), m_session->workspace());
        followWorkspace(local); // first: the health below is kept for its connections only
        auto followHealth = [local](Collector* collector) {
            local->clearHealth();
            for (const SourceHealth& h : collector->health())
                local->setHealth(h);
            connect(collector, &Collector::healthChanged, local, &LocalServersPage::setHealth);
        };
        followHealth(m_session->collector());
        connect(m_session, &Session::collectorReplaced, local, followHealth);
        return local;
    });
    addLazyPage(QStringLiteral("capacity"), tr("Capacity"), [this] {
        auto* capacity = new CapacityPage(m_session->store(), m_session->workspace());
        followWorkspace(capacity);
        return capacity;
    });
    addLazyPage(QStringLiteral("cost"), tr("Cost"), [this] {
        auto* cost = new CostPage(m_session->store(), m_session->workspace());
        // Price overrides and the budget live in the workspace: save it as Connections does.
        connect(cost, &CostPage::priceSettingsChanged, this,
                [this](const QJsonArray& overrides, const QJsonObject& budget) {
                    changeWorkspace([&](Workspace& ws) {
                        ws.priceOverrides = overrides;
                        ws.budget = budget;
                    });
                });
        followWorkspace(cost);
        return cost;
    });
    addLazyPage(QStringLiteral("playground"), tr("Playground"), [this] {
        auto* playground = new PlaygroundPage(m_session->store(), m_session->workspace());
        followWorkspace(playground);
        return playground;
    });
    addLazyPage(QStringLiteral("routing"), tr("Routing"), [this] {
        const auto p = routingPrices(m_session->workspace());
        auto* routing =
            new RoutingPage(m_session->store(), m_session->workspace().connections, p.first);
        connect(m_session, &Session::collectorReplaced, routing, [this, routing] {
            routing->setWorkspace(m_session->workspace().connections,
                                  routingPrices(m_session->workspace()).first);
        });
        return routing;
    });
    addLazyPage(QStringLiteral("replay"), tr("What-if replay"), [this] {
        const auto p = routingPrices(m_session->workspace());
        auto* replay = new ReplayPage(m_session->store(), m_session->workspace(),
                                      m_session->workspacePath(), p.first, p.second);
        connect(replay, &ReplayPage::workspaceSaved, m_session, &Session::applyWorkspace);
        connect(m_session, &Session::collectorReplaced, replay, [this, replay] {
            const auto prices = routingPrices(m_session->workspace());
            replay->setWorkspace(m_session->workspace(), m_session->workspacePath(), prices.first,
                                 prices.second);
        });
        return replay;
    });
    addLazyPage(QStringLiteral("alerts"), tr("Alerts"), [this] {
        auto* page = new AlertsPage(m_session->alerts(), m_session->workspace());
        // Rules live in the workspace: save it as the Cost page does.
        connect(page, &AlertsPage::alertsChanged, this, [this](const QJsonObject& alerts) {
            changeWorkspace([&](Workspace& ws) { ws.alerts = alerts; });
        });
        followWorkspace(page);
        return page;
    });
    // Connections is built now: it follows every source's health from the start.
    m_connections = new ConnectionsPage(session->workspace(), session->workspacePath());
    addPage(QStringLiteral("connections"), tr("Connections"), m_connections);
    installExportMenus(m_connections);
    connect(m_connections, &ConnectionsPage::workspaceSaved, session, &Session::applyWorkspace);
    // Keys typed on the Connections page go to the OS keychain (or this session only).
    m_connections->setSecretWriter(
        [](const QString& entry, const QString& value, std::function<void(bool, QString)> done) {
            SecretStore::shared()->write(entry, value, [done](bool ok, const QString& error) {
                done(ok, error.isEmpty() ? tr("The key is stored in the OS keychain.") : error);
            });
        });
    // It follows the workspace as last applied, whichever page saved it.
    connect(session, &Session::collectorReplaced, this, [this] {
        m_connections->setWorkspace(m_session->workspace(), m_session->workspacePath());
    });
    connect(session, &Session::collectorReplaced, this, [this](Collector* collector) {
        m_status->clear();
        follow(collector);
    });
    connect(m_nav, &QListWidget::currentRowChanged, m_stack, &QStackedWidget::setCurrentIndex);

    statusBar()->addPermanentWidget(m_status, 1);
    follow(session->collector());

    buildMenus();
    wireAlerts();
    restoreSettings();
}

MainWindow::~MainWindow() = default;

void MainWindow::changeWorkspace(const std::function<void(Workspace&)>& change)
{
    Workspace ws = m_session->workspace();
    change(ws);
    const QString path = m_session->workspacePath();
    QString error;
    if (!path.isEmpty() && !ws.save(path, &error))
        QMessageBox::warning(this, tr("Inferscope"), error);
    m_session->applyWorkspace(ws, path);
}

void MainWindow::follow(Collector* collector)
{
    connect(collector, &Collector::healthChanged, m_status, &SourceStatusBar::setHealth);
    connect(collector, &Collector::backfillProgress, m_status,
            &SourceStatusBar::setBackfillProgress);
    for (const SourceHealth& h : collector->health())
        m_status->setHealth(h);
    m_connections->setCollector(collector);
}

std::pair<ReplayPricing, PtuSizingLookup> MainWindow::routingPrices(const Workspace& ws)
{
    // Routing and what-if replay price like the Cost page: the catalog with the overrides.
    const PriceCatalog catalog = catalogWithOverrides(ws.priceOverrides, nullptr);
    return std::make_pair(ReplayPricing::fromCatalog(CostEngine(catalog), ptuBillingOf(ws.budget)),
                          PtuSizingLookup([catalog](const QString& model, const QString& version,
                                                    const QString& sku) {
                              return catalogSizing(catalog, model, version, sku);
                          }));
}

void MainWindow::addLazyPage(const QString& id, const QString& title,
                             std::function<QWidget*()> factory)
{
    addPage(id, title, new LazyPage([this, factory = std::move(factory)] {
                QWidget* page = factory();
                applyAlertBands(page);                             // built late: the bands so far
                m_range->add(page->findChild<TimeRangePicker*>()); // pages with a range
                installExportMenus(page); // every chart and table: copy, PNG, CSV, JSON
                return page;
            }));
}

void MainWindow::addPage(const QString& id, const QString& title, QWidget* page)
{
    m_pageIds.append(id);
    m_nav->addItem(title);
    m_stack->addWidget(page);
    if (m_nav->currentRow() < 0)
        m_nav->setCurrentRow(0);
}

bool MainWindow::showPage(const QString& name)
{
    if (name == QLatin1String("alerts-rules")) { // the Alerts page's rules and backtest
        if (!showPage(QStringLiteral("alerts")))
            return false;
        if (auto* alerts = qobject_cast<AlertsPage*>(pageWidget(QStringLiteral("alerts"))))
            alerts->showTab(3);
        return true;
    }
    const int index = m_pageIds.indexOf(name);
    if (index < 0)
        return false;
    m_nav->setCurrentRow(index);
    return true;
}

QWidget* MainWindow::pageWidget(const QString& name) const
{
    const int index = m_pageIds.indexOf(name);
    if (index < 0)
        return nullptr;
    QWidget* w = m_stack->widget(index);
    if (auto* lazy = qobject_cast<LazyPage*>(w))
        return lazy->page();
    return w;
}

QString MainWindow::currentPage() const
{
    const int row = m_nav->currentRow();
    return row >= 0 ? m_pageIds.value(row) : QString();
}

QString MainWindow::pageTitle(const QString& name) const
{
    const int index = m_pageIds.indexOf(name);
    return index < 0 ? QString() : m_nav->item(index)->text();
}

QString MainWindow::statusSummary() const
{
    return m_status->summaryText();
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    QAction* open = file->addAction(tr("&Open Workspace…"), this, &MainWindow::openWorkspace);
    open->setShortcut(QKeySequence::Open);
    file->addAction(tr("Open &Demo Workspace"), this,
                    [this] { reopen({QStringLiteral("--demo")}); });
    file->addSeparator();
    QAction* quit = file->addAction(tr("&Quit"), this, [this] {
        m_quitting = true;
        QApplication::closeAllWindows();
    });
    quit->setShortcut(QKeySequence::Quit);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    for (int i = 0; i < m_pageIds.size(); ++i) {
        QAction* a =
            view->addAction(m_nav->item(i)->text(), this, [this, i] { m_nav->setCurrentRow(i); });
        if (i < 10) // Alt+1..Alt+9, then Alt+0 for the tenth page
            a->setShortcut(QKeySequence(Qt::ALT | Qt::Key(i < 9 ? Qt::Key_1 + i : Qt::Key_0)));
    }
    view->addSeparator();
    // The window's time range, for every page (the pickers' own shortcuts are off).
    QMenu* ranges = view->addMenu(tr("Time &Range"));
    using Preset = TimeRangePicker::Preset;
    int n = 1;
    for (const Preset p :
         {Preset::Hour, Preset::SixHours, Preset::Day, Preset::Week, Preset::Month}) {
        QAction* a = ranges->addAction(tr("Last %1").arg(TimeRangePicker::presetLabel(p)), this,
                                       [this, p] { m_range->setPreset(p); });
        a->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(n++)));
    }
    ranges->addSeparator();
    QAction* resetZoom =
        ranges->addAction(tr("Reset &Zoom"), this, [this] { m_range->resetZoom(); });
    resetZoom->setShortcut(QKeySequence(QStringLiteral("Ctrl+0")));
    resetZoom->setEnabled(m_range->isZoomed());
    connect(m_range, &TimeRangeLink::zoomedChanged, resetZoom, &QAction::setEnabled);
    // Every chart overlays the period before (a day, a week, the range's length); remembered.
    QAction* compare = ranges->addAction(tr("&Compare with Previous Period"));
    compare->setCheckable(true);
    compare->setShortcut(QKeySequence(QStringLiteral("Ctrl+Shift+P")));
    ChartComparison::instance()->setOn(
        QSettings().value(QStringLiteral("view/comparePrevious"), false).toBool());
    compare->setChecked(ChartComparison::instance()->isOn());
    connect(compare, &QAction::toggled, this, [](bool on) {
        ChartComparison::instance()->setOn(on);
        QSettings().setValue(QStringLiteral("view/comparePrevious"), on);
    });
    view->addSeparator();
    // The theme: the desktop's, or light or dark whatever the desktop says; remembered.
    QMenu* themes = view->addMenu(tr("&Theme"));
    auto* themeGroup = new QActionGroup(themes);
    const std::pair<ThemeMode, QString> modes[] = {{ThemeMode::System, tr("Follow the &System")},
                                                   {ThemeMode::Light, tr("&Light")},
                                                   {ThemeMode::Dark, tr("&Dark")}};
    for (const auto& [mode, label] : modes) {
        QAction* a = themes->addAction(label);
        a->setCheckable(true);
        a->setChecked(Theme::instance()->mode() == mode);
        a->setData(themeModeName(mode));
        themeGroup->addAction(a);
        connect(a, &QAction::triggered, this, [mode = mode] {
            Theme::instance()->apply(mode);
            QSettings().setValue(QStringLiteral("view/theme"), themeModeName(mode));
        });
    }
    m_keepInTray = view->addAction(tr("&Keep Collecting in the Tray When Closed"));
    m_keepInTray->setCheckable(true);
    m_keepInTray->setChecked(QSettings().value(QStringLiteral("tray/keepCollecting")).toBool());
    connect(m_keepInTray, &QAction::toggled, this,
            [](bool on) { QSettings().setValue(QStringLiteral("tray/keepCollecting"), on); });
    QAction* poll =
        view->addAction(tr("&Poll Now"), this, [this] { m_session->collector()->pollNow(); });
    poll->setShortcut(QKeySequence::Refresh);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Inferscope"), this, [this] {
        QMessageBox::about(this, tr("About Inferscope"),
                           tr("<b>Inferscope %1</b><p>Observability console for LLM deployments: "
                              "usage, latency, reserved capacity and cost across Azure OpenAI and "
                              "other providers.</p><p>Database: %2</p>")
                               .arg(QStringLiteral(INFERSCOPE_VERSION),
                                    m_session->openReport().path.toHtmlEscaped()));
    });
}

void MainWindow::openWorkspace()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Workspace"), QString(), tr("Inferscope workspaces (*.json);;All files (*)"));
    if (!path.isEmpty())
        reopen({QStringLiteral("--workspace"), path});
}

void MainWindow::reopen(const QStringList& arguments)
{
    // A workspace owns its database and sources: switching is a clean restart of the window.
    if (QProcess::startDetached(QCoreApplication::applicationFilePath(), arguments))
        close();
    else
        QMessageBox::warning(this, tr("Inferscope"),
                             tr("Could not start Inferscope with %1.").arg(arguments.join(' ')));
}

void MainWindow::restoreSettings()
{
    QSettings s;
    if (!restoreGeometry(s.value(QStringLiteral("window/geometry")).toByteArray()))
        resize(1440, 900);
    restoreState(s.value(QStringLiteral("window/state")).toByteArray());
    showPage(s.value(QStringLiteral("window/page"), QStringLiteral("overview")).toString());
    m_overview->restoreState(s.value(QStringLiteral("overview/state")).toByteArray());
}

void MainWindow::saveSettings() const
{
    QSettings s;
    s.setValue(QStringLiteral("window/geometry"), saveGeometry());
    s.setValue(QStringLiteral("window/state"), saveState());
    s.setValue(QStringLiteral("window/page"), currentPage());
    s.setValue(QStringLiteral("overview/state"), m_overview->saveState());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    saveSettings();
    // Closing keeps collecting (and alerting) in the tray when the user asked for it.
    if (!m_quitting && m_tray && m_tray->isVisible() && m_keepInTray && m_keepInTray->isChecked()) {
        hide();
        event->ignore();
        return;
    }
    event->accept();
}

} // namespace isc::app
