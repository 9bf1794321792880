#pragma once

#include <QByteArray>
#include <condition_variable>
#include <mutex>
#include <sqlite3.h>
#include <thread>

namespace isc::storeimpl {

/// Copies the write-ahead log into the database file on its own thread and connection, so a
/// write never waits for a checkpoint's reads, writes and disk flushes (SQLite's advice for WAL:
/// checkpoint from a separate thread). The writer's WAL hook wakes it every kCheckpointPages.
class Checkpointer
{
public:
    ~Checkpointer() { stop(); }

    /// Asks for a passive checkpoint soon; starts the thread on first use. Any thread.
    void request(const QByteArray& path)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_disabled)
            return;
        m_pending = true;
        if (!m_thread.joinable()) {
            m_quit = false;
            m_thread = std::thread([this, path] { run(path); });
        }
        m_wake.notify_one();
    }
    /// Returns once no checkpoint runs or is pending.
    void waitIdle()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_idle.wait(lock, [this] { return !m_thread.joinable() || (!m_pending && !m_running); });
    }
    /// No more checkpoints (a damaged file stays as found); waits for a running one.
    void disable()
    {
        std::unique_lock<std::mutex> lock(m_mutex);
        m_disabled = true;
        m_pending = false;
        m_idle.wait(lock, [this] { return !m_running; });
    }
    /// Ends the thread and closes its connection; request() starts afresh (enable() first).
    void stop()
    {
        {
            std::lock_guard<std::mutex> lock(m_mutex);
            m_quit = true;
            m_wake.notify_one();
        }
        if (m_thread.joinable())
            m_thread.join();
        m_pending = m_running = false;
    }
    void enable()
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_disabled = false;
    }

private:
    void run(const QByteArray& path)
    {
        sqlite3* db = nullptr;
        if (sqlite3_open_v2(path.constData(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                            nullptr) == SQLITE_OK) {
            // The writer's connection checkpoints on close; this one never does.
            sqlite3_db_config(db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
        }
        std::unique_lock<std::mutex> lock(m_mutex);
        for (;;) {
            m_wake.wait(lock, [this] { return m_quit || m_pending; });
            if (m_quit)
                break;
            m_pending = false;
            if (!m_disabled && db) {
                m_running = true;
                lock.unlock();
                // Passive: never blocks the writer or readers; what it cannot copy yet waits
                // for the next request.
                sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
                lock.lock();
                m_running = false;
            }
            m_idle.notify_all();
        }
        m_running = false;
        m_idle.notify_all();
        lock.unlock();
        sqlite3_close_v2(db);
    }

    std::thread m_thread;
    std::mutex m_mutex;
    std::condition_variable m_wake;
    std::condition_variable m_idle;
    bool m_pending = false;
    bool m_running = false;
    bool m_quit = false;
    bool m_disabled = false;
};

/// WAL pages after which the background checkpointer is woken (SQLite's default threshold).
constexpr int kCheckpointPages = 1000;
/// WAL pages after which the writer checkpoints itself: a checkpointer that cannot keep up (or
/// is held back by a long reader) must not let the log grow without bound.
constexpr int kWalLimitPages = 65536;

} // namespace isc::storeimpl
