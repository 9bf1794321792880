#include "pollingsource.h"

#include <algorithm>

namespace isc {

PollingSource::PollingSource(Connection connection, int minimumPollSeconds, QObject* parent)
    : Source(parent), m_connection(std::move(connection)),
      m_minimumPollSeconds(std::max(1, minimumPollSeconds)), m_clock([] { return nowUtc(); })
{
    m_health.source = m_connection.id;
    m_health.displayName = m_connection.displayName;
    m_pollTimer.setTimerType(Qt::CoarseTimer);
    connect(&m_pollTimer, &QTimer::timeout, this, [this] {
        if (m_busy || m_backfilling)
            return; // a slow cycle is still running: the overlap of the next poll covers it
        poll();
    });
}

PollingSource::~PollingSource() = default;

void PollingSource::start(const QVector<TimeRange>& backfill)
{
    if (m_running)
        return;
    m_running = true;
    ++m_runId;
    m_backfilling = true;
    m_chunks.clear();
    m_chunkIndex = 0;
    planRun(backfill);
}

void PollingSource::planRun(const QVector<TimeRange>& windows)
{
    Q_UNUSED(windows)
    beginBackfill({});
}

void PollingSource::runChunk(const Chunk& chunk)
{
    Q_UNUSED(chunk)
    cycleEnded(false);
}

void PollingSource::beginBackfill(QVector<Chunk> chunks)
{
    if (!m_running)
        return;
    m_chunks = std::move(chunks);
    m_chunkIndex = 0;
    if (m_chunks.isEmpty()) {
        finishBackfill();
        return;
    }
    m_health.backfillDone = 0;
    m_health.backfillTotal = static_cast<int>(m_chunks.size());
    setState(SourceHealth::State::Backfilling);
    emit backfillProgress(0, m_health.backfillTotal);
    nextChunk();
}

void PollingSource::nextChunk()
{
    if (!m_running)
        return;
    if (m_chunkIndex >= m_chunks.size()) {
        finishBackfill();
        return;
    }
    if (m_busy) {
        m_chunkWaiting = true; // a one-off poll from before start() is in flight: after it
        return;
    }
    m_busy = true;
    m_busyWithChunk = true;
    runChunk(m_chunks.at(m_chunkIndex++));
}

void PollingSource::finishBackfill()
{
    m_backfilling = false;
    m_chunks.clear();
    m_chunkIndex = 0;
    m_health.backfillDone = 0;
    m_health.backfillTotal = 0;
    emit backfillFinished();
    if (!m_running)
        return;
    m_pollRequested = false; // the first poll runs now
    m_pollTimer.start(std::max(m_minimumPollSeconds, m_connection.pollIntervalSeconds) * 1000);
    setState(SourceHealth::State::Polling); // with the next poll's time
    poll();
}

void PollingSource::poll()
{
    if (m_busy || m_backfilling) {
        m_pollRequested = true; // never two in flight: run right after the current one
        return;
    }
    m_busy = true;
    m_busyWithChunk = false;
    runPoll();
}

void PollingSource::cycleEnded(bool failed)
{
    if (!m_busy)
        return; // halted meanwhile
    m_busy = false;
    if (m_busyWithChunk) {
        m_busyWithChunk = false;
        ++m_health.backfillDone;
        setState(failed ? SourceHealth::State::Failing : SourceHealth::State::Backfilling);
        emit backfillProgress(m_health.backfillDone, m_health.backfillTotal);
        // The next chunk runs on the next turn of the event loop: a chunk that fails at once
        // must not recurse into the next one.
        QMetaObject::invokeMethod(
            this,
            [this, run = m_runId] {
                if (run == m_runId)
                    nextChunk();
            },
            Qt::QueuedConnection);
        return;
    }
    if (m_chunkWaiting) {
        m_chunkWaiting = false;
        nextChunk();
        return;
    }
    setState(failed ? SourceHealth::State::Failing : SourceHealth::State::Polling);
    if (m_pollRequested) {
        m_pollRequested = false;
        poll();
    }
}

void PollingSource::halt(bool notify)
{
    const bool wasActive = m_running || m_busy;
    m_running = false;
    ++m_runId;
    m_backfilling = false;
    m_busy = false;
    m_busyWithChunk = false;
    m_chunkWaiting = false;
    m_pollRequested = false;
    m_pollTimer.stop();
    m_chunks.clear();
    m_chunkIndex = 0;
    cancelWork();
    if (wasActive) {
        m_health.backfillDone = 0;
        m_health.backfillTotal = 0;
        m_health.state = SourceHealth::State::Idle;
        if (notify)
            emitHealth();
    }
}

void PollingSource::stop()
{
    halt(true);
}

void PollingSource::pollNow()
{
    poll();
}

void PollingSource::setClock(std::function<qint64()> nowUtc)
{
    m_clock = std::move(nowUtc);
}

void PollingSource::emitHealth()
{
    m_health.nextPoll = m_running && m_pollTimer.isActive()
                            ? m_clock() + (m_pollTimer.remainingTime() + 999) / 1000
                            : 0;
    emit healthChanged(m_health);
}

void PollingSource::setState(SourceHealth::State state)
{
    m_health.state = state;
    emitHealth();
}

QVector<PollingSource::Chunk> PollingSource::newestFirst(const QVector<TimeRange>& windows,
                                                         qint64 end, qint64 chunkSeconds)
{
    const qint64 step = std::max<qint64>(60, floorTo(chunkSeconds, 60));
    QVector<Chunk> chunks;
    for (const TimeRange& w : windows) {
        const qint64 from = floorTo(w.from, 60);
        for (qint64 to = std::min(floorTo(w.to + 59, 60), end); to > from; to -= step)
            chunks.append({{std::max(from, to - step), to}, 60});
    }
    return chunks;
}

} // namespace isc
