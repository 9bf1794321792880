#pragma once

#include "core/sourcehealth.h"
#include "core/workspace.h"
#include "store/storetypes.h"

#include <QObject>
#include <QVector>
#include <functional>
#include <memory>

namespace isc {

class SampleStore;

/// Runs every source of a workspace and writes what they produce into the store: one
/// transaction per poll, a gap marker per failed one. Shared by the GUI and `collect`.
class Collector : public QObject
{
    Q_OBJECT
public:
    Collector(Workspace workspace, SampleStore* store, QObject* parent = nullptr);
    ~Collector() override;

    /// Starts every source; each backfills from max(newest stored, now - backfill) first.
    /// `backfillSeconds` < 0 uses each connection's backfillDays.
    void start(qint64 backfillSeconds = -1);
    void stop();
    /// Polls every source once now.
    void pollNow();
    /// Replaces the wall clock (seconds UTC) of every source, for tests against the emulator.
    void setClock(std::function<qint64()> nowUtc);

    QVector<SourceHealth> health() const;

    /// The windows to backfill for a source holding `stored`, to cover [now - span, now):
    /// the minutes since its newest sample, then the history older than its oldest.
    static QVector<TimeRange> backfillWindows(const SourceExtent& stored, qint64 now, qint64 span);
    /// True between start() and stop().
    bool isRunning() const;
    /// True from start() until backfillFinished() (while any source is still backfilling or its
    /// last chunk is being written); the writes of the polls that follow do not count.
    bool isBackfilling() const;

signals:
    void healthChanged(const isc::SourceHealth& health);
    /// Overall backfill progress across sources, in chunks.
    void backfillProgress(int done, int total);
    /// Every source finished its backfill (or had none).
    void backfillFinished();
    /// `holder` writes `source` into the shared database: another collector (`standby`, this
    /// one stands by and claims again every poll interval) or, after a takeover, this one.
    void writerChanged(const QString& source, const QString& holder, bool standby);
    /// Every write of a poll cycle landed (for `collect --once`).
    void pollCycleFinished();
    /// A failure in words (a gap's reason, a failing source's error), once per distinct
    /// (source, message) a round: start() to the first pollCycleFinished() is one round (the
    /// backfill's chunks and the first poll), every later poll cycle another. For logs.
    void failureReported(const QString& sourceName, const QString& message);
    /// A poll's or backfill chunk's batch landed in the store (every one, for the exposition).
    void batchStored(const isc::PollBatch& batch);
    /// A source's inventory (its deployments) landed in the store (for the exposition's cost).
    void inventoryStored(const QString& sourceId, const isc::Deployments& deployments);
    /// A source's poll, backfill chunk or single metric failed; its gap marker follows.
    void sourceFailed(const isc::GapMarker& gap);
    /// A write into the store failed for `sourceId` (its health says why, in words).
    void storeWriteFailed(const QString& sourceId, const QString& error);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
