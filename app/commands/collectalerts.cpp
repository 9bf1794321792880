#include "collectalerts.h"

#include "commands.h"

#include "alerts/alertservice.h"
#include "alerts/delivery/alertnotice.h"
#include "alerts/delivery/webhookconfig.h"
#include "alerts/delivery/webhooknotifier.h"
#include "core/workspace.h"
#include "exposition/metricsserver.h"

#include <QTimeZone>
#include <QTimer>
#include <cstdio>

namespace isc::app {

CollectAlerts::CollectAlerts(AlertService* alerts, const Workspace& workspace,
                             MetricsServer* server)
    : m_alerts(alerts)
{
    for (const QString& error : alerts->configErrors())
        printError(QStringLiteral("alerts: %1 (that rule is not evaluated)").arg(error));

    QString error;
    const auto webhooks = WebhookConfig::fromAlertsJson(workspace.alerts, &error);
    if (!webhooks)
        printError(QStringLiteral("alerts: %1 (no webhook is called)").arg(error));
    else if (!webhooks->isEmpty()) {
        m_webhooks = std::make_unique<WebhookNotifier>();
        m_webhooks->setWebhooks(*webhooks);
        m_webhooks->setTimeZone(QTimeZone::utc());
        connect(alerts, &AlertService::noticeReady, m_webhooks.get(),
                [this](const AlertNotice& n) { m_webhooks->notify(n); });
        connect(m_webhooks.get(), &WebhookNotifier::failed, this,
                [](const QString& webhook, const AlertNotice& n, const QString& reason) {
                    printError(QStringLiteral("alerts: webhook %1 did not get \"%2\": %3")
                                   .arg(webhook, n.ruleName, reason));
                });
    }

    // One line per transition, in UTC like the rest of the log.
    connect(alerts, &AlertService::transitionsRecorded, this,
            [this](const QVector<AlertTransition>& transitions) {
                const QVector<AlertRule> rules = m_alerts->rules();
                for (const AlertTransition& t : transitions) {
                    const auto rule =
                        std::find_if(rules.cbegin(), rules.cend(),
                                     [&](const AlertRule& r) { return r.id == t.ruleId; });
                    if (rule == rules.cend())
                        continue;
                    const NoticeWording w =
                        wordNotice(AlertService::noticeFor(t, *rule), QTimeZone::utc());
                    std::fprintf(
                        stderr, "inferscope: alert %s: %s: %s%s\n",
                        qPrintable(alertTransitionName(t.kind)), qPrintable(w.title),
                        qPrintable(w.body),
                        qPrintable(t.suppressed.isEmpty()
                                       ? QString()
                                       : QStringLiteral(" (not notified: %1)").arg(t.suppressed)));
                }
            });
    connect(alerts, &AlertService::problemChanged, this, [](const QString& problem) {
        if (!problem.isEmpty())
            printError(QStringLiteral("alerts: %1").arg(problem));
    });
    if (server)
        server->setExtraFamilies([alerts] { return alerts->families(); });
}

CollectAlerts::~CollectAlerts() = default;

void CollectAlerts::finish(std::function<void()> done, int deadlineMs)
{
    auto once = std::make_shared<std::function<void()>>(std::move(done));
    const auto call = [once] {
        if (*once)
            std::exchange(*once, nullptr)();
    };
    QTimer::singleShot(deadlineMs, this, [this, call] {
        if (m_webhooks && m_webhooks->pending() > 0)
            printError(QStringLiteral("alerts: stopped with %1 webhook delivery(ies) not done")
                           .arg(m_webhooks->pending()));
        call();
    });
    m_alerts->flush([this, call] {
        if (!m_webhooks) {
            call();
            return;
        }
        // Checked after each delivery's own bookkeeping (queued), until none is left.
        const auto check = [this, call] {
            QTimer::singleShot(0, this, [this, call] {
                if (m_webhooks->pending() == 0)
                    call();
            });
        };
        connect(m_webhooks.get(), &WebhookNotifier::delivered, this, check);
        connect(m_webhooks.get(), &WebhookNotifier::failed, this, check);
        check();
    });
}

} // namespace isc::app
