#pragma once

#include "store/storebackend.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QThread>
#include <memory>
#include <type_traits>

namespace isc {

/// The owner thread of one StoreBackend: jobs run there one after the other, in posting order.
/// Destruction runs every pending job, closes the database and joins the thread.
class StoreWorker
{
public:
    using Handler = std::function<void(const QString& message)>;
    using RemoteWriteHandler = std::function<void(const QString& source, const TimeRange& window)>;

    StoreWorker();
    ~StoreWorker();
    StoreWorker(const StoreWorker&) = delete;
    StoreWorker& operator=(const StoreWorker&) = delete;

    /// The damage, notice and remote-write handlers every backend gets (called on the owner
    /// thread). Set them before the first job.
    void setHandlers(Handler damage, Handler notice, RemoteWriteHandler remoteWrite);

    /// Opens `address` on the owner thread, first switching to the backend that serves it.
    QFuture<OpenReport> open(const QString& address, const StoreSettings& settings);

    /// Queues `job(StoreBackend&) -> T` on the owner thread; the future carries its result.
    template <typename T, typename F> QFuture<T> post(F job)
    {
        auto promise = std::make_shared<QPromise<T>>();
        QFuture<T> future = promise->future();
        promise->start();
        QMetaObject::invokeMethod(
            m_context,
            [promise, this, job = std::move(job)]() mutable {
                // Read on the owner thread: open() may have switched the backend since.
                StoreBackend& db = *m_db;
                if constexpr (std::is_void_v<T>)
                    job(db);
                else
                    promise->addResult(job(db));
                promise->finish();
            },
            Qt::QueuedConnection);
        return future;
    }

private:
    void install(std::unique_ptr<StoreBackend> db);

    QThread m_thread;
    QObject* m_context = nullptr;       ///< lives in m_thread; jobs are queued calls on it
    std::unique_ptr<StoreBackend> m_db; ///< owned and used on m_thread only, after start
    QString m_address;                  ///< of the last open(), on m_thread
    Handler m_onDamage;
    Handler m_onNotice;
    RemoteWriteHandler m_onRemoteWrite;
};

} // namespace isc
