#pragma once

#include <QSystemTrayIcon>

namespace isc {

/// The tray icon: Inferscope's mark, red with the number of firing alerts when any fire, and a
/// tooltip saying what fires. Its menu shows the window, opens the Alerts page or quits.
class AlertTrayIcon : public QSystemTrayIcon
{
    Q_OBJECT
public:
    explicit AlertTrayIcon(QObject* parent = nullptr);

    /// `firing` alerts fire now; `summary` is the tooltip's second line ("2 firing, 1 pending").
    void setFiring(int firing, const QString& summary);
    int firing() const { return m_firing; }

    /// The icon for `firing` alerts, at `size` pixels.
    static QIcon iconFor(int firing, int size = 64);

signals:
    void showWindowRequested();
    void showAlertsRequested();
    void quitRequested();

private:
    int m_firing = -1;
};

} // namespace isc
