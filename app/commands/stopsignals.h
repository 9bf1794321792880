#pragma once

#include <QObject>

class QSocketNotifier;

namespace isc::app {

/// Turns SIGTERM and SIGINT into a Qt signal on the main thread (a self-pipe: the handler only
/// writes one byte), so a headless collector stops cleanly: the poll in flight lands whole, the
/// last poll's alerts are evaluated and delivered, the database is closed. A second signal while
/// stopping ends the process at once.
class StopSignals : public QObject
{
    Q_OBJECT
public:
    explicit StopSignals(QObject* parent = nullptr);
    ~StopSignals() override;

    /// False when the handlers could not be installed (then the signals keep their defaults).
    bool isInstalled() const { return m_notifier != nullptr; }

signals:
    /// SIGTERM or SIGINT arrived; `name` is "SIGTERM" or "SIGINT".
    void stopRequested(const QString& name);

private:
    QSocketNotifier* m_notifier = nullptr;
};

} // namespace isc::app
