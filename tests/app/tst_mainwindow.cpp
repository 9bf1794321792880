// The window as an alerting desktop citizen: what its session evaluates after each poll reaches
// a real (private) session bus as one notification per transition, the sidebar counts what
// fires, and the notification's actions open the rule or silence the alert.
#include "mainwindow.h"
#include "session.h"

#include "alertruleeditor.h"
#include "alerts/alertservice.h"
#include "alerts/delivery/desktopnotifier.h"
#include "charts/timeserieschart.h"
#include "core/timerange.h"
#include "emulator/emulator.h"
#include "itemmodels/chartmodel.h"
#include "pages/alertspage.h"
#include "pages/localserverspage.h"
#include "pages/overviewpage.h"
#include "sources/collector.h"
#include "testdbus.h"
#include "testnotificationserver.h"
#include "theme/theme.h"
#include "timerangelink.h"

#include <QFile>
#include <QGraphicsView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QListWidget>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;
using isc::test::TestDBus;
using isc::test::TestNotificationServer;

class tst_MainWindow : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    TestDBus m_bus;
    std::unique_ptr<TestNotificationServer> m_server;
    emu::Emulator m_emulator{11};

    QString writeWorkspace(const QString& name = QStringLiteral("window"))
    {
        const QString path = m_dir.filePath(name + QStringLiteral(".json"));
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        const QJsonObject rule{{"id", "ptu-busy"},
                               {"name", "PTU busy"},
                               {"metric", "AzureOpenAIProvisionedManagedUtilizationV2"},
                               {"op", ">="},
                               {"threshold", 0},
                               {"for", "2m"},
                               {"unit", "%"}};
        f.write(QJsonDocument(
                    QJsonObject{
                        {"name", "Window alerts"},
                        {"database", m_dir.filePath(name + QStringLiteral(".sqlite"))},
                        {"connections",
                         QJsonArray{QJsonObject{
                             {"id", "east"},
                             {"kind", "azure-openai"},
                             {"managementEndpoint", m_emulator.baseUrl().toString()},
                             {"resourceId", emu::Emulator::accountResourceId()},
                             {"pollIntervalSeconds", 10},
                             {"credential", QJsonObject{{"env", "TST_MAINWINDOW_TOKEN"}}}}}},
                        {"alerts", QJsonObject{{"builtins", false}, {"rules", QJsonArray{rule}}}}})
                    .toJson());
        return path;
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QString error;
        // The bus first: the window's notifier takes the session bus it finds.
        QVERIFY2(m_bus.start(&error), qPrintable(error));
        m_server = std::make_unique<TestNotificationServer>();
        QVERIFY2(m_server->registerOn(m_bus.connect(QStringLiteral("tst-server")), &error),
                 qPrintable(error));
        QVERIFY2(m_emulator.listen(QHostAddress::LocalHost, 0, &error), qPrintable(error));
        m_emulator.setClock([] { return nowUtc() + 3600; }); // every minute final on first read
        qputenv("TST_MAINWINDOW_TOKEN", emu::Emulator::demoToken().toUtf8());
    }

    void cleanupTestCase()
    {
        m_server.reset();
        m_bus.stop();
    }

    void notifiesOncePerTransitionAndActsOnTheButtons()
    {
        app::Session session;
        QString error;
        app::Session::Options options;
        options.workspacePath = writeWorkspace();
        QVERIFY2(session.open(options, &error), qPrintable(error));
        app::MainWindow window(&session);
        QCOMPARE(window.pageTitle(QStringLiteral("alerts")), QStringLiteral("Alerts"));
        session.collector()->start(30 * 60);

        // The backfill's minutes fire the rule on each PTU deployment: one bubble each.
        AlertService* alerts = session.alerts();
        QTRY_VERIFY_WITH_TIMEOUT(alerts->firingCount() > 0, 60000);
        const int firing = alerts->firingCount();
        QTRY_COMPARE_WITH_TIMEOUT(m_server->calls().size(), firing, 30000);
        QCOMPARE(window.pageTitle(QStringLiteral("alerts")),
                 QStringLiteral("Alerts (%1)").arg(firing));
        for (const auto& call : m_server->calls()) {
            QVERIFY2(call.summary.contains(QLatin1String("(east)")), qPrintable(call.summary));
            QVERIFY2(call.body.contains(QLatin1String("threshold 0 %")), qPrintable(call.body));
            QVERIFY(call.actions.contains(QStringLiteral("open")));
            QVERIFY(call.actions.contains(QStringLiteral("silence-1h")));
        }

        // More polls land: evaluated again, nothing new to say.
        QSignalSpy evaluated(alerts, &AlertService::evaluated);
        session.collector()->pollNow();
        QVERIFY(evaluated.wait(60000));
        QCOMPARE(m_server->calls().size(), firing);

        // "Silence 1 h" silences that instance for an hour.
        const auto first = m_server->calls().first();
        m_server->invokeAction(first.id, QStringLiteral("silence-1h"));
        QTRY_COMPARE(alerts->silences().size(), 1);
        const AlertSilence silence = alerts->silences().first();
        QCOMPARE(silence.ruleId, QStringLiteral("ptu-busy"));
        QCOMPARE(silence.endsAt - silence.startsAt, 3600);

        // "Open" brings the window to the rule, its backtest around the alert.
        m_server->invokeAction(first.id, QStringLiteral("open"));
        QTRY_COMPARE(window.currentPage(), QStringLiteral("alerts"));
        auto* page = qobject_cast<AlertsPage*>(window.pageWidget(QStringLiteral("alerts")));
        QVERIFY(page);
        const auto rule = page->editor()->rule(nullptr);
        QVERIFY(rule);
        QCOMPARE(rule->id, QStringLiteral("ptu-busy"));
        QTRY_VERIFY_WITH_TIMEOUT(
            page->backtestSummary().contains(QLatin1String("around the alert")), 30000);
        session.collector()->stop();
    }

    // A --screenshot or a start-up probe shows what fires but notifies nobody.
    void quietWhenDeliveryIsOff()
    {
        const qsizetype before = m_server->calls().size();
        app::Session session;
        QString error;
        app::Session::Options options;
        options.workspacePath = writeWorkspace(QStringLiteral("quiet"));
        QVERIFY2(session.open(options, &error), qPrintable(error));
        app::MainWindow window(&session);
        window.setAlertDelivery(false);
        QSignalSpy notices(session.alerts(), &AlertService::noticeReady);
        session.collector()->start(30 * 60);
        QTRY_VERIFY_WITH_TIMEOUT(!notices.isEmpty(), 60000); // it fired, and would announce
        QTRY_COMPARE_WITH_TIMEOUT(
            window.pageTitle(QStringLiteral("alerts")),
            QStringLiteral("Alerts (%1)").arg(session.alerts()->firingCount()), 10000);
        // A marker through the same bus: had a bubble been sent, it would have come first.
        {
            DesktopNotifier marker(m_bus.connect(QStringLiteral("tst-marker")));
            AlertNotice n;
            n.ruleId = QStringLiteral("marker");
            n.ruleName = QStringLiteral("marker");
            n.transition = AlertNotice::Transition::Firing;
            n.labels = {{QStringLiteral("deployment"), QStringLiteral("marker")}};
            n.dedupKey = AlertNotice::dedupKeyFor(n.ruleId, n.labels);
            marker.notify(n);
            QTRY_COMPARE(m_server->calls().size(), before + 1);
        }
        QVERIFY(m_server->calls().last().summary.contains(QLatin1String("marker")));
        session.collector()->stop();
    }

    // One time range for the window: a page built later takes it, a change on any page moves
    // the others, and View > Time Range (Ctrl+1..5) sets it wherever the user is.
    void oneTimeRangeForEveryPage()
    {
        app::Session session;
        QString error;
        app::Session::Options options;
        options.workspacePath = writeWorkspace(QStringLiteral("range"));
        QVERIFY2(session.open(options, &error), qPrintable(error));
        app::MainWindow window(&session);
        window.setAlertDelivery(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        using Preset = TimeRangePicker::Preset;
        TimeRangePicker* overview = window.overviewPage()->rangePicker();
        overview->setPreset(Preset::Week);
        QVERIFY(window.showPage(QStringLiteral("cost")));
        QTRY_VERIFY(window.pageWidget(QStringLiteral("cost")));
        auto* cost = window.pageWidget(QStringLiteral("cost"))->findChild<TimeRangePicker*>();
        QVERIFY(cost);
        QCOMPARE(cost->preset(), Preset::Week);
        cost->setPreset(Preset::Hour);
        QCOMPARE(overview->preset(), Preset::Hour);

        // The Local servers page, after the Overview, shares the window's range too.
        QCOMPARE(window.pageTitle(QStringLiteral("local")), QStringLiteral("Local servers"));
        QVERIFY(window.showPage(QStringLiteral("local")));
        QTRY_VERIFY(qobject_cast<LocalServersPage*>(window.pageWidget(QStringLiteral("local"))));
        auto* local = window.pageWidget(QStringLiteral("local"))->findChild<TimeRangePicker*>();
        QVERIFY(local);
        QCOMPARE(local->preset(), Preset::Hour);

        // Ctrl+5 from a page without a picker (Connections): every page shows 30 days.
        QVERIFY(window.showPage(QStringLiteral("connections")));
        QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(window.timeRange()->preset(), Preset::Month);
        QCOMPARE(overview->preset(), Preset::Month);
        QCOMPARE(cost->preset(), Preset::Month);
        QCOMPARE(local->preset(), Preset::Month);
        // And on a page with one, the window's shortcut is the only one (no ambiguity).
        QVERIFY(window.showPage(QStringLiteral("cost")));
        QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
        QCOMPARE(cost->preset(), Preset::SixHours);
        QCOMPARE(overview->preset(), Preset::SixHours);
    }

    // A zoom on one chart is the window's range: the Overview's other charts and another page's
    // follow at once; Ctrl+0 goes back to the preset. Compare with Previous Period reaches every
    // chart model and is remembered.
    void zoomAndCompareForTheWholeWindow()
    {
        app::Session session;
        QString error;
        app::Session::Options options;
        options.workspacePath = writeWorkspace(QStringLiteral("zoom"));
        QVERIFY2(session.open(options, &error), qPrintable(error));
        app::MainWindow window(&session);
        window.setAlertDelivery(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        using Preset = TimeRangePicker::Preset;
        window.timeRange()->setPreset(Preset::Day);
        const QVector<TimeSeriesChart*> charts = window.overviewPage()->charts();
        QVERIFY(charts.size() >= 2);
        const TimeRange day = charts[0]->model()->timeRange();
        QVERIFY(day.isValid());
        // The first chart's view takes a wheel notch over the middle of its plot.
        auto* view = charts[0]->findChild<QGraphicsView*>();
        QVERIFY(view);
        const QPoint at =
            charts[0]->positionOf({double(day.from + day.duration() / 2) * 1000.0, 0}).toPoint() -
            QPoint(0, 40);
        QWheelEvent wheel(at, view->viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120),
                          Qt::NoButton, Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(view->viewport(), &wheel);
        const TimeRange zoomed = charts[0]->model()->timeRange();
        QVERIFY(zoomed.duration() < day.duration());
        QVERIFY(window.timeRange()->isZoomed());
        for (TimeSeriesChart* chart : charts)
            QCOMPARE(chart->model()->timeRange(), zoomed);
        QVERIFY(window.showPage(QStringLiteral("capacity")));
        QTRY_VERIFY(window.pageWidget(QStringLiteral("capacity")));
        auto* picker = window.pageWidget(QStringLiteral("capacity"))->findChild<TimeRangePicker*>();
        QVERIFY(picker);
        QCOMPARE(picker->range(), zoomed);
        QVERIFY(picker->isZoomed());
        QTest::keyClick(&window, Qt::Key_0, Qt::ControlModifier);
        QVERIFY(!window.timeRange()->isZoomed());
        QCOMPARE(picker->preset(), Preset::Day);
        QCOMPARE(charts[0]->model()->timeRange().duration(), day.duration());

        QSettings().remove(QStringLiteral("view/comparePrevious"));
        QTest::keyClick(&window, Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(ChartComparison::instance()->isOn());
        for (TimeSeriesChart* chart : charts)
            QVERIFY(chart->model()->comparePrevious());
        QCOMPARE(QSettings().value(QStringLiteral("view/comparePrevious")).toBool(), true);
        QTest::keyClick(&window, Qt::Key_P, Qt::ControlModifier | Qt::ShiftModifier);
        QVERIFY(!charts[0]->model()->comparePrevious());
        QSettings().remove(QStringLiteral("view/comparePrevious"));
    }

    // View > Theme: Dark repaints the open window dark (the sidebar included) and is
    // remembered; Follow the System goes back to the desktop's palette.
    void themeMenuSwitchesAndIsRemembered()
    {
        app::Session session;
        QString error;
        app::Session::Options options;
        options.workspacePath = writeWorkspace(QStringLiteral("theme"));
        QVERIFY2(session.open(options, &error), qPrintable(error));
        app::MainWindow window(&session);
        window.setAlertDelivery(false);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        const auto themeAction = [&window](const QString& mode) -> QAction* {
            for (QAction* a : window.findChildren<QAction*>()) {
                if (a->isCheckable() && a->data().toString() == mode)
                    return a;
            }
            return nullptr;
        };
        QAction* dark = themeAction(QStringLiteral("dark"));
        QAction* system = themeAction(QStringLiteral("system"));
        QVERIFY(dark && system && themeAction(QStringLiteral("light")));
        QVERIFY(system->isChecked());
        auto* sidebar = window.findChild<QListWidget*>();
        QVERIFY(sidebar);
        const QString darkSidebar =
            themeCss(ThemeColor::SidebarBackground, themePalette(ThemeMode::Dark));
        QVERIFY(!sidebar->styleSheet().contains(darkSidebar));

        dark->trigger();
        QVERIFY(isDarkPalette(QApplication::palette()));
        QTRY_VERIFY(isDarkPalette(window.palette())); // Qt hands it on in posted events
        QVERIFY2(sidebar->styleSheet().contains(darkSidebar), qPrintable(sidebar->styleSheet()));
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(),
                 QStringLiteral("dark"));

        system->trigger();
        QVERIFY(!isDarkPalette(QApplication::palette()));
        QVERIFY(!sidebar->styleSheet().contains(darkSidebar));
        QCOMPARE(QSettings().value(QStringLiteral("view/theme")).toString(),
                 QStringLiteral("system"));
    }
};

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
