#pragma once

#include "store/storedatabase.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <QThread>
#include <memory>
#include <type_traits>

namespace isc {

/// The owner thread of one StoreDatabase: jobs run there one after the other, in posting order.
/// Destruction runs every pending job, closes the database and joins the thread.
class StoreWorker
{
public:
    StoreWorker();
    ~StoreWorker();
    StoreWorker(const StoreWorker&) = delete;
    StoreWorker& operator=(const StoreWorker&) = delete;

    /// Queues `job(StoreDatabase&) -> T` on the owner thread; the future carries its result.
    template <typename T, typename F> QFuture<T> post(F job)
    {
        auto promise = std::make_shared<QPromise<T>>();
        QFuture<T> future = promise->future();
        promise->start();
        StoreDatabase* db = m_db.get();
        QMetaObject::invokeMethod(
            m_context,
            [promise, db, job = std::move(job)]() mutable {
                if constexpr (std::is_void_v<T>)
                    job(*db);
                else
                    promise->addResult(job(*db));
                promise->finish();
            },
            Qt::QueuedConnection);
        return future;
    }

private:
    QThread m_thread;
    QObject* m_context = nullptr; ///< lives in m_thread; jobs are queued calls on it
    std::unique_ptr<StoreDatabase> m_db;
};

} // namespace isc
