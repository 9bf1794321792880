#include "store/storejobs.h"

#include "store/samplestore.h"

#include <QMetaObject>
#include <QMutex>
#include <QObject>

namespace isc {

/// What a queued job reaches its owner through. The owner clears `receiver` (under the mutex)
/// before it dies, so a job either posts its delivery before that, and the delivery is dropped
/// with the receiver's posted events, or not at all.
struct StoreJobs::Channel
{
    QMutex mutex;
    QObject* receiver = nullptr;
    StoreJobs* owner = nullptr;
};

StoreJobs::StoreJobs() : m_channel(std::make_shared<Channel>()), m_receiver(new QObject)
{
    m_channel->receiver = m_receiver.get();
    m_channel->owner = this;
}

StoreJobs::~StoreJobs()
{
    cancelAll();
    QMutexLocker lock(&m_channel->mutex);
    m_channel->receiver = nullptr;
    m_channel->owner = nullptr;
    // m_receiver goes next, on this thread, with any delivery already posted to it.
}

bool StoreJobs::start(SampleStore* store, const QString& kind, Produce produce, Land land)
{
    if (!store)
        return false;
    if (!kind.isEmpty())
        cancel(kind); // superseded: its result, if it comes, is dropped
    const quint64 id = ++m_nextId;
    auto cancelled = std::make_shared<std::atomic_bool>(false);
    JobToken token;
    token.m_cancelled = cancelled;
    token.m_closing = store->closing();
    m_jobs.emplace(id, Job{cancelled, token.m_closing, kind, std::move(land)});
    if (!kind.isEmpty())
        m_byKind.insert(kind, id);
    store->post(
        [channel = m_channel, id, token, produce = std::move(produce)](StoreBackend& db) mutable {
            if (token.isCancelled())
                return; // cancelled before it started: the work never runs
            Result value = produce(db, token);
            if (token.isCancelled())
                return;
            QMutexLocker lock(&channel->mutex);
            if (!channel->receiver)
                return;
            QMetaObject::invokeMethod(
                channel->receiver,
                [owner = channel->owner, id, value = std::move(value)] { owner->land(id, value); },
                Qt::QueuedConnection);
        });
    return true;
}

void StoreJobs::land(quint64 id, const Result& value)
{
    const auto it = m_jobs.find(id);
    if (it == m_jobs.end())
        return; // cancelled or superseded after it finished
    const Job& job = it->second;
    if (job.cancelled->load() || (job.closing && job.closing->load())) {
        drop(it);
        return;
    }
    // Forgotten before delivering: deliver may start the next job of its kind, or end the owner.
    Land deliver = std::move(it->second.land);
    drop(it);
    deliver(value);
}

void StoreJobs::drop(std::map<quint64, Job>::iterator it)
{
    it->second.cancelled->store(true);
    const auto kind = m_byKind.constFind(it->second.kind);
    if (kind != m_byKind.constEnd() && *kind == it->first)
        m_byKind.erase(kind);
    m_jobs.erase(it);
}

void StoreJobs::cancel(const QString& kind)
{
    const auto byKind = m_byKind.constFind(kind);
    if (byKind == m_byKind.constEnd())
        return;
    const auto it = m_jobs.find(*byKind);
    if (it != m_jobs.end())
        drop(it);
    else
        m_byKind.remove(kind);
}

void StoreJobs::cancelAll()
{
    for (auto& entry : m_jobs)
        entry.second.cancelled->store(true);
    m_jobs.clear();
    m_byKind.clear();
}

bool StoreJobs::isPending(const QString& kind) const
{
    return m_byKind.contains(kind);
}

int StoreJobs::pendingCount() const
{
    return int(m_jobs.size());
}

} // namespace isc
