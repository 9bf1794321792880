#pragma once

#include "alerts/delivery/alertnotice.h"

#include <QDBusConnection>
#include <QObject>
#include <memory>

namespace isc {

/// Shows alert transitions as desktop notifications through the freedesktop notification
/// service (org.freedesktop.Notifications on the session bus), with the actions "Open" and
/// "Silence 1 h". A resolve replaces its firing bubble. Without a notification service it says
/// so in status() and stays quiet: no call is made again before the service appears on the bus
/// or the recheck interval has passed.
class DesktopNotifier : public QObject
{
    Q_OBJECT
public:
    static constexpr int kSilenceSeconds = 3600; ///< what "Silence 1 h" asks for, s

    /// A notifier on `bus` (the session bus by default).
    explicit DesktopNotifier(QObject* parent = nullptr);
    explicit DesktopNotifier(const QDBusConnection& bus, QObject* parent = nullptr);
    ~DesktopNotifier() override;

    /// Shows `notice` unless it is a pending one (see setDeliverPending()) or the same
    /// transition of the same alert was shown already. Returns at once; the call is async.
    void notify(const AlertNotice& notice);

    /// Also show pending transitions (off by default).
    void setDeliverPending(bool deliver);
    /// The icon name or file URI sent as app_icon (default "inferscope").
    void setAppIcon(const QString& icon);
    /// After the service was found missing, how long before a notice may try again, ms
    /// (default 60 s; the service appearing on the bus ends the wait at once).
    void setRecheckIntervalMs(int ms);

    /// True while a notification service answered the last call (unknown: true).
    bool isAvailable() const;
    /// Empty while all is well; otherwise a sentence saying why nothing is shown.
    QString status() const;
    /// D-Bus calls made so far (Notify and probes): a missing service must not make it climb.
    int callsMade() const;
    /// Notices not shown because no service was available.
    int dropped() const;

signals:
    /// The user chose "Open" (or clicked the bubble): show the chart at the alert's time.
    void openRequested(const isc::AlertNotice& notice);
    /// The user chose "Silence 1 h": silence this alert for `seconds`.
    void silenceRequested(const isc::AlertNotice& notice, int seconds);
    /// A notice is on screen; `id` is the service's notification id.
    void shown(const isc::AlertNotice& notice, uint id);
    /// The bubble of `notice` went away (expired, dismissed, or an action was chosen).
    void closed(const isc::AlertNotice& notice);
    void statusChanged(const QString& status);

private slots:
    void onActionInvoked(uint id, const QString& actionKey);
    void onNotificationClosed(uint id, uint reason);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
