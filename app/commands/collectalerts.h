#pragma once

#include <QObject>
#include <functional>
#include <memory>

namespace isc {
class AlertService;
class MetricsServer;
class WebhookNotifier;
struct Workspace;
} // namespace isc

namespace isc::app {

/// What headless `collect` does with alerts: one stderr line per transition and per delivery
/// failure, the webhooks of the workspace's `alerts.webhooks`, and the state on /metrics when
/// it serves it. Lives as long as the collection.
class CollectAlerts : public QObject
{
    Q_OBJECT
public:
    CollectAlerts(AlertService* alerts, const Workspace& workspace, MetricsServer* server);
    ~CollectAlerts() override;

    /// Before the collection stops: evaluates what the last poll stored, waits for its notices'
    /// webhooks to be delivered or given up (at most `deadlineMs`, then says what is left
    /// undelivered), then calls `done` once.
    void finish(std::function<void()> done, int deadlineMs = 60000);

private:
    AlertService* m_alerts;
    std::unique_ptr<WebhookNotifier> m_webhooks;
};

} // namespace isc::app
