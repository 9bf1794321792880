#include "refreshthrottle.h"

namespace isc {

RefreshThrottle::RefreshThrottle(std::function<void()> action, int intervalMs, QObject* parent)
    : QObject(parent), m_action(std::move(action)), m_intervalMs(intervalMs)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this] {
        m_sinceRun.start();
        m_action();
    });
}

void RefreshThrottle::request()
{
    if (m_timer.isActive())
        return;
    const qint64 since = m_sinceRun.isValid() ? m_sinceRun.elapsed() : m_intervalMs;
    m_timer.start(int(std::max<qint64>(0, m_intervalMs - since)));
}

void RefreshThrottle::ranNow()
{
    m_timer.stop();
    m_sinceRun.start();
}

} // namespace isc
