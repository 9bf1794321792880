#pragma once

#include "sources/source.h"

#include <QTimer>

namespace isc {

/// The polling lifecycle every kind of source shares, in one place: start() plans a backfill
/// (newest chunk first) and reads it chunk by chunk, then polls every interval until stop();
/// never two cycles (a chunk or a poll) in flight: a poll asked for meanwhile runs right after
/// the current one; stop() cancels what is in flight and no answer of it lands afterwards.
///
/// A kind says how to read one chunk and one poll (runChunk(), runPoll()), ends each with
/// cycleEnded(), and cancels its own requests in cancelWork(). Its destructor calls halt(false)
/// while it is still whole.
class PollingSource : public Source
{
    Q_OBJECT
public:
    ~PollingSource() override;

    const Connection& connection() const final { return m_connection; }
    void start(const QVector<TimeRange>& backfill) final;
    void stop() final;
    /// One poll now, also before start() (a one-off); right after the cycle in flight, if any.
    void pollNow() final;
    void setClock(std::function<qint64()> nowUtc) final;
    SourceHealth health() const final { return m_health; }
    bool isBackfilling() const final { return m_backfilling; }
    /// True while a backfill chunk or a poll is in flight.
    bool isBusy() const { return m_busy; }

protected:
    /// One backfill step: a window read at `bucketSeconds` (a kind may read old history coarser).
    struct Chunk
    {
        TimeRange window;
        qint64 bucketSeconds = 60;
    };

    /// Polls every max(`minimumPollSeconds`, the connection's interval) seconds.
    PollingSource(Connection connection, int minimumPollSeconds, QObject* parent);

    /// Called by start(): plan the backfill of `windows` and call beginBackfill(), at once or
    /// once what the plan needs has been read (an inventory). The default backfills nothing.
    virtual void planRun(const QVector<TimeRange>& windows);
    /// Reads one backfill chunk; ends with cycleEnded(). The default reads nothing.
    virtual void runChunk(const Chunk& chunk);
    /// Reads the newest minutes; ends with cycleEnded().
    virtual void runPoll() = 0;
    /// Cancels every request of the kind in flight; none of their answers may act afterwards.
    virtual void cancelWork() = 0;

    /// Reads `chunks` in order (none: straight to polling).
    void beginBackfill(QVector<Chunk> chunks);
    /// The chunk or poll in flight ended (the kind has set lastError and emitted its batch or
    /// gaps): books the chunk or sets the state, then runs what comes next.
    void cycleEnded(bool failed);
    /// The chunk in flight is the last one: the rest of the backfill is not asked for.
    void abandonBackfill() { m_chunkIndex = static_cast<int>(m_chunks.size()); }
    /// Stops everything: no timer, nothing in flight; `notify` reports the Idle state.
    void halt(bool notify);

    void emitHealth();
    void setState(SourceHealth::State state);
    SourceHealth& mutableHealth() { return m_health; }
    qint64 now() const { return m_clock(); }
    bool isRunning() const { return m_running; }
    /// Bumped by start() and stop(): a queued step of an older run compares it and does nothing.
    quint64 runId() const { return m_runId; }

    /// Cuts `windows` (s UTC) into chunks of at most `chunkSeconds` on whole minutes, newest
    /// first (what the user looks at first arrives first), none past `end`.
    static QVector<Chunk> newestFirst(const QVector<TimeRange>& windows, qint64 end,
                                      qint64 chunkSeconds);

private:
    void poll();
    void nextChunk();
    void finishBackfill();

    Connection m_connection;
    int m_minimumPollSeconds = 1;
    std::function<qint64()> m_clock;
    SourceHealth m_health;
    QTimer m_pollTimer;
    bool m_running = false;
    bool m_backfilling = false;
    bool m_busy = false;
    bool m_busyWithChunk = false;
    bool m_chunkWaiting = false; ///< the backfill waits for a one-off poll to end
    bool m_pollRequested = false;
    quint64 m_runId = 0;
    QVector<Chunk> m_chunks;
    int m_chunkIndex = 0;
};

} // namespace isc
