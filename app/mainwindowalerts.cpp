// MainWindow's part in alerting: notifications (desktop and webhooks) for what this window
// evaluates, the firing count in the sidebar and the tray, and "Open" / "Silence 1 h".
#include "mainwindow.h"

#include "session.h"

#include "alerts/alertoutputs.h"
#include "alerts/alertreport.h"
#include "alerts/alertservice.h"
#include "alerts/delivery/desktopnotifier.h"
#include "alerts/delivery/webhookconfig.h"
#include "alerts/delivery/webhooknotifier.h"
#include "alerttrayicon.h"
#include "charts/timeserieschart.h"
#include "core/workspace.h"
#include "net/secretstore.h"
#include "pages/alertspage.h"
#include "sources/collector.h"

#include <QApplication>
#include <QDateTime>
#include <QListWidget>
#include <QStackedWidget>
#include <QStatusBar>

namespace isc::app {

void MainWindow::wireAlerts()
{
    AlertService* alerts = m_session->alerts();
    if (!alerts)
        return;
    // Only a window that evaluates (it collects) announces: AlertService emits noticeReady once
    // per transition across every evaluator of the database.
    m_desktop = new DesktopNotifier(this);
    connect(alerts, &AlertService::noticeReady, m_desktop, [this](const AlertNotice& notice) {
        if (m_deliverAlerts)
            m_desktop->notify(notice);
    });
    connect(m_desktop, &DesktopNotifier::openRequested, this, &MainWindow::openAlert);
    connect(m_desktop, &DesktopNotifier::silenceRequested, this,
            [this](const AlertNotice& notice, int seconds) {
                const QString user = qEnvironmentVariable("USER");
                m_session->alerts()->addSilence(AlertSilence::forInstance(
                    notice.ruleId, alertLabelsOf(notice), QDateTime::currentSecsSinceEpoch(),
                    seconds, user,
                    tr("Silenced for %1 h from a notification").arg(seconds / 3600)));
            });
    connect(m_desktop, &DesktopNotifier::statusChanged, this, [this](const QString& status) {
        if (!status.isEmpty())
            statusBar()->showMessage(status, 10000);
    });

    m_webhooks = new WebhookNotifier(SecretStore::shared(), this);
    const auto applyWebhooks = [this] {
        QString error;
        const auto hooks = WebhookConfig::fromAlertsJson(m_session->workspace().alerts, &error);
        m_webhooks->setWebhooks(hooks.value_or(QVector<WebhookConfig>{}));
        if (!hooks)
            statusBar()->showMessage(tr("Alert webhooks: %1").arg(error), 15000);
    };
    applyWebhooks();
    connect(m_session, &Session::collectorReplaced, this, applyWebhooks);
    connect(alerts, &AlertService::noticeReady, m_webhooks, [this](const AlertNotice& notice) {
        if (m_deliverAlerts)
            m_webhooks->notify(notice);
    });
    connect(m_webhooks, &WebhookNotifier::failed, this,
            [this](const QString& webhook, const AlertNotice& notice, const QString& reason) {
                statusBar()->showMessage(
                    tr("Webhook %1 did not get \"%2\": %3").arg(webhook, notice.ruleName, reason),
                    15000);
            });
    connect(alerts, &AlertService::problemChanged, this, [this](const QString& problem) {
        if (!problem.isEmpty())
            statusBar()->showMessage(problem, 15000);
    });

    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_tray = new AlertTrayIcon(this);
        connect(m_tray, &AlertTrayIcon::showWindowRequested, this, &MainWindow::showFromTray);
        connect(m_tray, &AlertTrayIcon::showAlertsRequested, this, [this] {
            showFromTray();
            showPage(QStringLiteral("alerts"));
        });
        connect(m_tray, &AlertTrayIcon::quitRequested, this, [this] {
            m_quitting = true;
            QApplication::closeAllWindows();
            QApplication::quit();
        });
        m_tray->show();
    }
    connect(alerts, &AlertService::changed, this, &MainWindow::updateAlertCount);
    updateAlertCount();
}

void MainWindow::applyAlertBands(QWidget* root) const
{
    if (!root)
        return;
    const auto charts = root->findChildren<TimeSeriesChart*>();
    for (TimeSeriesChart* chart : charts)
        chart->setAlertBands(m_alertBands);
}

void MainWindow::updateAlertCount()
{
    AlertService* alerts = m_session->alerts();
    const int index = m_pageIds.indexOf(QStringLiteral("alerts"));
    if (!alerts || index < 0)
        return;
    // The charts shade when anything fired.
    const QVector<TimeRange> bands = AlertReport::firingBands(alerts->history(), alerts->active(),
                                                              QDateTime::currentSecsSinceEpoch());
    if (bands != m_alertBands) {
        m_alertBands = bands;
        applyAlertBands(m_stack);
    }
    const int firing = alerts->firingCount();
    m_nav->item(index)->setText(firing > 0 ? tr("Alerts (%1)").arg(firing) : tr("Alerts"));
    m_nav->item(index)->setToolTip(firing > 0 ? tr("%n alert(s) firing", nullptr, firing)
                                              : tr("Nothing is firing"));
    if (m_tray) {
        int pending = 0;
        for (const ActiveAlert& a : alerts->active())
            pending += a.state.phase == AlertPhase::Pending ? 1 : 0;
        QStringList parts;
        if (firing > 0)
            parts << tr("%1 firing").arg(firing);
        if (pending > 0)
            parts << tr("%1 pending").arg(pending);
        m_tray->setFiring(firing, parts.isEmpty() ? tr("Nothing is firing")
                                                  : parts.join(QStringLiteral(", ")));
    }
}

void MainWindow::showFromTray()
{
    showNormal();
    raise();
    activateWindow();
}

void MainWindow::openAlert(const AlertNotice& notice)
{
    showFromTray();
    showPage(QStringLiteral("alerts"));
    if (auto* page = qobject_cast<AlertsPage*>(pageWidget(QStringLiteral("alerts"))))
        page->showAlert(notice.ruleId, notice.at.toSecsSinceEpoch());
}

} // namespace isc::app
