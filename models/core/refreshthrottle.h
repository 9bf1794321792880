#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>
#include <functional>

namespace isc {

/// Runs an action at most once per interval (~25 Hz at 40 ms). The first request after a quiet
/// spell runs on the next turn of the event loop, so a burst of calls in one call stack merges
/// and a first load is not delayed; requests inside the interval merge into one trailing run.
class RefreshThrottle : public QObject
{
    Q_OBJECT
public:
    /// ~25 Hz at most, like PlotJuggler's replot timer: what the chart and KPI models use.
    static constexpr int kDefaultIntervalMs = 40;

    explicit RefreshThrottle(std::function<void()> action, int intervalMs = kDefaultIntervalMs,
                             QObject* parent = nullptr);

    /// Asks for a run: soon, but never sooner than the interval after the previous run.
    void request();
    /// The owner ran the action itself: drop a pending run and restart the interval.
    void ranNow();
    /// True while a run is scheduled.
    bool isPending() const { return m_timer.isActive(); }

private:
    std::function<void()> m_action;
    int m_intervalMs;
    QTimer m_timer;
    QElapsedTimer m_sinceRun; ///< invalid until the first run
};

} // namespace isc
