#pragma once

#include <QObject>
#include <QString>

class QTimer;

namespace isc {
class Collector;
}

namespace isc::app {

class MainWindow;
class Session;

/// `--screenshot`: waits until the history for the range is collected and the page has drawn
/// its data, then renders the window to a PNG. Emits finished(exit code) once.
class ScreenshotJob : public QObject
{
    Q_OBJECT
public:
    ScreenshotJob(Session* session, MainWindow* window, QString path, int timeoutSeconds = 600,
                  QObject* parent = nullptr);

    /// Starts collecting; call after the window is shown on the requested page.
    void start(qint64 rangeSeconds);

signals:
    void finished(int exitCode);

private slots:
    void settleOneSlot();

private:
    void startGeneric(Collector* collector);
    void settleOne();
    void capture();
    void fail(const QString& message);

    Session* m_session;
    MainWindow* m_window;
    QString m_path;
    QTimer* m_timeout;
    int m_pending = 0; ///< chart/KPI results still awaited after the final refresh
    bool m_done = false;
};

} // namespace isc::app
