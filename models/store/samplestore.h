#pragma once

#include "store/runrecord.h"
#include "store/storedocument.h"
#include "store/storetypes.h"

#include <QFuture>
#include <QObject>
#include <QPromise>
#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace isc {

class StoreBackend;
class StoreWorker;

/// The history database. Owns one thread that owns the SQLite connection; every call is a job
/// on that thread and returns a QFuture (continue with whenReady() on the GUI thread; .result()
/// blocks and is for the CLI and tests). Views read through StoreJobs (store/storejobs.h):
/// cancellable jobs composed on this thread. Values cross threads, QObjects do not.
class SampleStore : public QObject
{
    Q_OBJECT
public:
    explicit SampleStore(QObject* parent = nullptr);
    ~SampleStore() override;

    /// Opens or creates the database (WAL, migrations). Refuses a newer schema; moves a corrupt
    /// (or earlier found damaged) file aside with its -wal/-shm and starts fresh, saying so in
    /// the report. Only cheap checks run here; the full check follows, see integrityCheck().
    QFuture<OpenReport> open(const QString& path, StoreSettings settings = {});

    /// The full check (PRAGMA quick_check) of the database of the last open(), started by it on
    /// its own thread and read-only connection. When it finds damage, the database refuses
    /// writes and is marked for the move aside at the next open() before this future finishes.
    QFuture<IntegrityReport> integrityCheck() const;

    /// Upserts one poll in one transaction and updates the touched rollup buckets. On failure
    /// nothing of the batch remains and a gap marker records why. Implausible samples (not
    /// finite, beyond ±1e300, before 1970 or days ahead of the clock) are refused one by one,
    /// counted in the report with the reasons; the rest is written.
    QFuture<WriteReport> write(PollBatch batch);

    /// Copies everything written so far from the write-ahead log into the database file (after
    /// a bulk load, before a copy of the file). False when part of it was held back or on damage.
    QFuture<bool> checkpoint();

    /// Records that a source has no data for a window (a failed poll); the report says why when
    /// that could not be written.
    QFuture<WriteReport> recordGap(GapMarker gap);

    /// Chart/CLI query: picks the resolution, groups, reduces and M4-decimates.
    QFuture<QueryResult> query(SeriesQuery q);
    /// Deletes raw samples and 5- and 15-minute rollups older than the retention, as of `now`
    /// (s UTC). The report says why when that failed.
    QFuture<WriteReport> applyRetention(qint64 now);

    /// Replaces the stored inventory of one source. The report says why when that failed.
    QFuture<WriteReport> saveDeployments(QString source, Deployments deployments);
    /// The stored inventory, of one source or of all when `source` is empty.
    QFuture<Deployments> deployments(QString source = {});

    /// The oldest and newest stored raw sample of a source.
    QFuture<SourceExtent> extent(QString source);

    /// Gap markers of a source (or all) overlapping a range.
    QFuture<QVector<GapMarker>> gaps(QString source, TimeRange range);

    /// Stores one playground run (a redacted run keeps no prompt or answer text).
    QFuture<RunSaveReport> saveRun(StoredRun run);
    /// Stored runs matching `filter`, newest first.
    QFuture<QVector<StoredRun>> listRuns(RunFilter filter = {});
    /// Stars or unstars a run; false when it does not exist or the write failed.
    QFuture<bool> setRunStarred(qint64 id, bool starred);
    /// Deletes a run; false when it does not exist or the write failed.
    QFuture<bool> deleteRun(qint64 id);

    /// Upserts a document (see StoreBackend::putDocument()); a stale write is refused.
    /// documentChanged() follows one that landed.
    QFuture<DocumentWriteReport> putDocument(StoredDocument doc,
                                             qint64 expectedRevision = kAnyRevision);
    /// Deletes a document; not ok when there is none.
    QFuture<DocumentWriteReport> removeDocument(DocumentScope scope, QString kind, QString key);

    /// Claims the writer role of `source` (see StoreBackend::claimWriter()): granted, or who
    /// writes it and when its last poll landed.
    QFuture<WriterClaim> claimWriter(QString source, QString holder);

    /// Runs `job` on the store's thread with the backend, in order with every other call. The
    /// building block of StoreJobs; `job` must only use what it captured by value.
    void post(std::function<void(StoreBackend& db)> job);
    /// `work(db)` on the store's thread, its result in the future: for the CLI and tests, which
    /// wait on it. Views use StoreJobs instead (cancellable, never blocks).
    template <typename T> QFuture<T> read(std::function<T(StoreBackend& db)> work)
    {
        auto promise = std::make_shared<QPromise<T>>();
        promise->start();
        QFuture<T> future = promise->future();
        post([promise, work = std::move(work)](StoreBackend& db) {
            promise->addResult(work(db));
            promise->finish();
        });
        return future;
    }
    /// Set once the store is being destroyed: jobs still queued then skip their work.
    std::shared_ptr<const std::atomic_bool> closing() const { return m_closing; }

    /// The path given to open(), empty before.
    QString path() const;

signals:
    /// Emitted (in this object's thread) after a write landed: charts over `window` may refresh.
    void dataChanged(const QString& source, isc::TimeRange window);
    /// Emitted (in this object's thread) when another collector stored a poll of `source` in
    /// the shared database (dataChanged follows).
    void remoteWrite(const QString& source, isc::TimeRange window);
    /// Emitted (in this object's thread) once when the open database turns out damaged, by the
    /// integrity check or by a read or write: a message for a banner.
    void integrityProblem(const QString& message);
    /// Emitted (in this object's thread) with a passing notice, e.g. "Waiting for the database
    /// ..." while another connection holds it (also logged, since open() may block the thread).
    void notice(const QString& message);
    /// Emitted (in this object's thread) after a document was saved or deleted through this
    /// store: views showing it read it again.
    void documentChanged(const QString& kind, const QString& key);

private:
    void stopIntegrityCheck();
    /// From the store's thread: documentChanged() in this object's.
    void announceDocument(const QString& kind, const QString& key);

    std::shared_ptr<std::atomic_bool> m_closing = std::make_shared<std::atomic_bool>(false);
    std::unique_ptr<StoreWorker> m_worker;
    QString m_path;
    QFuture<IntegrityReport> m_integrity;
    std::shared_ptr<std::atomic_bool> m_stopCheck; ///< set to cut the running check short
    std::unique_ptr<QThread> m_checkThread;
};

} // namespace isc
