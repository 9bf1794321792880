#include "samplestore.h"

#include "store/sqlite/storedatabase.h"
#include "store/storeworker.h"

#include <QThread>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace isc {

SampleStore::SampleStore(QObject* parent)
    : QObject(parent), m_worker(std::make_unique<StoreWorker>()),
      m_integrity(QtFuture::makeReadyFuture(
          IntegrityReport{true, QStringLiteral("No history database is open.")}))
{
    // Queued to this object's thread; the worker is joined before `this` dies.
    m_worker->setHandlers(
        [this](const QString& message) {
            QMetaObject::invokeMethod(
                this, [this, message]() { emit integrityProblem(message); }, Qt::QueuedConnection);
        },
        [this](const QString& message) {
            QMetaObject::invokeMethod(
                this, [this, message]() { emit notice(message); }, Qt::QueuedConnection);
        },
        [this](const QString& source, const TimeRange& window) {
            QMetaObject::invokeMethod(
                this,
                [this, source, window]() {
                    emit remoteWrite(source, window);
                    emit dataChanged(source, window);
                },
                Qt::QueuedConnection);
        });
}

// The check thread is joined first (it may still post to the worker), then the worker joins its
// thread, both before QObject's destructor drops queued signal calls.
SampleStore::~SampleStore()
{
    m_closing->store(true); // reads still queued skip their work; StoreJobs drop their results
    stopIntegrityCheck();
}

void SampleStore::stopIntegrityCheck()
{
    if (!m_checkThread)
        return;
    m_stopCheck->store(true);
    m_checkThread->wait();
    m_checkThread.reset();
}

QFuture<OpenReport> SampleStore::open(const QString& path, StoreSettings settings)
{
    // Joined before the next open job is posted, so its verdict reaches the database it checked.
    stopIntegrityCheck();
    m_path = path;
    QFuture<OpenReport> opened = m_worker->open(path, settings);

    auto promise = std::make_shared<QPromise<IntegrityReport>>();
    promise->start();
    m_integrity = promise->future();
    auto stop = std::make_shared<std::atomic_bool>(false);
    m_stopCheck = stop;
    StoreWorker* worker = m_worker.get();
    const int delayMs = settings.integrityCheckDelayMs;
    m_checkThread.reset(QThread::create([opened, promise, stop, worker, path, delayMs]() mutable {
        const auto finish = [promise](const IntegrityReport& report) {
            promise->addResult(report);
            promise->finish();
        };
        if (!opened.result().usable()) {
            finish({true, QStringLiteral("The history database is not open; nothing was "
                                         "checked.")});
            return;
        }
        if (isPostgresAddress(path)) {
            finish({true, QStringLiteral("The database server checks its own pages.")});
            return;
        }
#ifdef Q_OS_LINUX
        // QThread priorities do nothing under Linux's default scheduler: be nice for real.
        setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
#endif
        for (int waited = 0; waited < delayMs && !stop->load(); waited += 50)
            QThread::msleep(50); // a background thread waiting out start-up, not a test sleep
        const IntegrityReport report = StoreDatabase::quickCheck(path, stop.get());
        if (report.ok) {
            finish(report);
            return;
        }
        // The owner thread marks the database first: whoever sees !ok sees writes refused.
        worker->post<void>([finish, report, path](StoreBackend& db) {
            if (auto* sqlite = dynamic_cast<StoreDatabase*>(&db))
                sqlite->markDamaged(path, report.message);
            finish(report);
        });
    }));
    m_checkThread->setObjectName(QStringLiteral("inferscope-store-check"));
    // Low priority: the check must not take the CPU from the first paint or from polling.
    m_checkThread->start(QThread::IdlePriority);
    return opened;
}

QFuture<IntegrityReport> SampleStore::integrityCheck() const
{
    return m_integrity;
}

QFuture<WriteReport> SampleStore::write(PollBatch batch)
{
    return m_worker->post<WriteReport>([this, batch = std::move(batch)](StoreBackend& db) {
        WriteReport report = db.write(batch);
        if (report.ok && report.samplesWritten > 0) {
            const TimeRange window = report.window;
            // Queued to this object's thread; the worker is joined before `this` dies.
            QMetaObject::invokeMethod(
                this, [this, source = batch.source, window]() { emit dataChanged(source, window); },
                Qt::QueuedConnection);
        }
        return report;
    });
}

QFuture<WriteReport> SampleStore::recordGap(GapMarker gap)
{
    return m_worker->post<WriteReport>([gap](StoreBackend& db) { return db.recordGap(gap); });
}

QFuture<QueryResult> SampleStore::query(SeriesQuery q)
{
    return m_worker->post<QueryResult>([q](StoreBackend& db) { return db.query(q); });
}

QFuture<bool> SampleStore::checkpoint()
{
    return m_worker->post<bool>([](StoreBackend& db) { return db.checkpoint(); });
}

QFuture<WriteReport> SampleStore::applyRetention(qint64 now)
{
    return m_worker->post<WriteReport>([now](StoreBackend& db) { return db.applyRetention(now); });
}

QFuture<WriteReport> SampleStore::saveDeployments(QString source, Deployments deployments)
{
    return m_worker->post<WriteReport>([source, deployments](StoreBackend& db) {
        return db.saveDeployments(source, deployments);
    });
}

QFuture<Deployments> SampleStore::deployments(QString source)
{
    return m_worker->post<Deployments>(
        [source](StoreBackend& db) { return db.deployments(source); });
}

QFuture<SourceExtent> SampleStore::extent(QString source)
{
    return m_worker->post<SourceExtent>([source](StoreBackend& db) { return db.extent(source); });
}

QFuture<QVector<GapMarker>> SampleStore::gaps(QString source, TimeRange range)
{
    return m_worker->post<QVector<GapMarker>>(
        [source, range](StoreBackend& db) { return db.gaps(source, range); });
}

QFuture<RunSaveReport> SampleStore::saveRun(StoredRun run)
{
    return m_worker->post<RunSaveReport>(
        [run = std::move(run)](StoreBackend& db) { return db.saveRun(run); });
}

QFuture<QVector<StoredRun>> SampleStore::listRuns(RunFilter filter)
{
    return m_worker->post<QVector<StoredRun>>(
        [filter = std::move(filter)](StoreBackend& db) { return db.listRuns(filter); });
}

QFuture<bool> SampleStore::setRunStarred(qint64 id, bool starred)
{
    return m_worker->post<bool>(
        [id, starred](StoreBackend& db) { return db.setRunStarred(id, starred); });
}

QFuture<bool> SampleStore::deleteRun(qint64 id)
{
    return m_worker->post<bool>([id](StoreBackend& db) { return db.deleteRun(id); });
}

QFuture<DocumentWriteReport> SampleStore::putDocument(StoredDocument doc, qint64 expectedRevision)
{
    return m_worker->post<DocumentWriteReport>(
        [this, doc = std::move(doc), expectedRevision](StoreBackend& db) {
            const DocumentWriteReport r = db.putDocument(doc, expectedRevision);
            if (r.ok)
                announceDocument(doc.kind, doc.key);
            return r;
        });
}

QFuture<DocumentWriteReport> SampleStore::removeDocument(DocumentScope scope, QString kind,
                                                         QString key)
{
    return m_worker->post<DocumentWriteReport>([this, scope, kind, key](StoreBackend& db) {
        const DocumentWriteReport r = db.removeDocument(scope, kind, key);
        if (r.ok)
            announceDocument(kind, key);
        return r;
    });
}

void SampleStore::announceDocument(const QString& kind, const QString& key)
{
    // Queued to this object's thread; the worker is joined before `this` dies.
    QMetaObject::invokeMethod(
        this, [this, kind, key]() { emit documentChanged(kind, key); }, Qt::QueuedConnection);
}

QFuture<WriterClaim> SampleStore::claimWriter(QString source, QString holder)
{
    return m_worker->post<WriterClaim>(
        [source, holder](StoreBackend& db) { return db.claimWriter(source, holder); });
}

void SampleStore::post(std::function<void(StoreBackend& db)> job)
{
    m_worker->post<void>(std::move(job));
}

QString SampleStore::path() const
{
    return m_path;
}

} // namespace isc
