#pragma once

#include <QHash>
#include <QString>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <type_traits>
#include <utility>

class QObject;

namespace isc {

class SampleStore;
class StoreBackend;

/// What a read running on the store's thread checks before it starts and between its chunks
/// (one query each): true once its owner cancelled it, a newer job of the same kind superseded
/// it, or the store is closing. A default token is never cancelled (the CLI, tests).
class JobToken
{
public:
    JobToken() = default;
    bool isCancelled() const
    {
        return (m_cancelled && m_cancelled->load(std::memory_order_relaxed)) ||
               (m_closing && m_closing->load(std::memory_order_relaxed));
    }

private:
    friend class StoreJobs;
    std::shared_ptr<const std::atomic_bool> m_cancelled;
    std::shared_ptr<const std::atomic_bool> m_closing;
};

/// The reads a model or page has running on a SampleStore's thread (after hotspot's
/// JobTracker). run() queues `work(StoreBackend&, const JobToken&) -> T` on the store's thread,
/// which composes the queries it needs there and returns a value snapshot; `deliver(T)` then
/// runs on the thread that created this object. A job of a named kind supersedes the previous
/// one of that kind (its result is dropped). cancel()/cancelAll() and the destructor never
/// wait: the work is skipped or told to stop (JobToken), and its deliver never runs.
///
/// Hold it as a member of the owner (declared after what `deliver` touches, or call cancelAll()
/// first in the owner's destructor). `work` runs on another thread: it must only use what it
/// captured by value, never the owner.
class StoreJobs
{
public:
    StoreJobs();
    ~StoreJobs();
    StoreJobs(const StoreJobs&) = delete;
    StoreJobs& operator=(const StoreJobs&) = delete;

    /// Queues `work` on `store`'s thread under `kind` (empty: runs beside every other job),
    /// cancelling the previous job of that kind. False, and nothing runs, without a store.
    template <typename Work, typename Deliver>
    bool run(SampleStore* store, const QString& kind, Work work, Deliver deliver)
    {
        using T = std::decay_t<std::invoke_result_t<Work&, StoreBackend&, const JobToken&>>;
        static_assert(!std::is_void_v<T>, "a read hands back a value snapshot");
        auto produce = [work = std::move(work)](StoreBackend& db,
                                                const JobToken& token) mutable -> Result {
            return std::make_shared<T>(work(db, token));
        };
        auto land = [deliver = std::move(deliver)](const Result& value) mutable {
            deliver(*std::static_pointer_cast<T>(value));
        };
        return start(store, kind, std::move(produce), std::move(land));
    }

    /// Cancels the job of `kind`, if any: its result is dropped.
    void cancel(const QString& kind);
    /// Cancels every job: none of their deliver callbacks runs after this.
    void cancelAll();
    /// True while a job of `kind` is queued or running and not yet delivered.
    bool isPending(const QString& kind) const;
    /// The jobs queued or running whose results are still wanted.
    int pendingCount() const;

private:
    using Result = std::shared_ptr<void>;
    using Produce = std::function<Result(StoreBackend&, const JobToken&)>;
    using Land = std::function<void(const Result&)>;
    struct Job
    {
        std::shared_ptr<std::atomic_bool> cancelled;
        std::shared_ptr<const std::atomic_bool> closing; ///< the store's
        QString kind;
        Land land; ///< stays on the owner's thread
    };
    struct Channel;

    bool start(SampleStore* store, const QString& kind, Produce produce, Land land);
    void land(quint64 id, const Result& value);
    void drop(std::map<quint64, Job>::iterator it);

    std::shared_ptr<Channel> m_channel;  ///< shared with the queued jobs
    std::unique_ptr<QObject> m_receiver; ///< lives in the owner's thread; deliveries post to it
    std::map<quint64, Job> m_jobs;       ///< the wanted ones, by id
    QHash<QString, quint64> m_byKind;
    quint64 m_nextId = 0;
};

} // namespace isc
