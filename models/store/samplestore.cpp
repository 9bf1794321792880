#include "samplestore.h"

#include "store/storeworker.h"

#include <algorithm>
#include <limits>

namespace isc {

SampleStore::SampleStore(QObject* parent)
    : QObject(parent), m_worker(std::make_unique<StoreWorker>())
{}

// The worker joins its thread here, before QObject's destructor drops queued dataChanged calls.
SampleStore::~SampleStore() = default;

QFuture<OpenReport> SampleStore::open(const QString& path, StoreSettings settings)
{
    m_path = path;
    return m_worker->post<OpenReport>(
        [path, settings](StoreDatabase& db) { return db.open(path, settings); });
}

QFuture<WriteReport> SampleStore::write(PollBatch batch)
{
    return m_worker->post<WriteReport>([this, batch = std::move(batch)](StoreDatabase& db) {
        WriteReport report = db.write(batch);
        if (report.ok && report.samplesWritten > 0) {
            TimeRange window = batch.window;
            if (!window.isValid()) {
                window = {std::numeric_limits<qint64>::max(), std::numeric_limits<qint64>::min()};
                for (const auto& s : batch.series) {
                    for (const auto& smp : s.samples) {
                        window.from = std::min(window.from, floorTo(smp.ts, 60));
                        window.to = std::max(window.to, floorTo(smp.ts, 60) + 60);
                    }
                }
            }
            // Queued to this object's thread; the worker is joined before `this` dies.
            QMetaObject::invokeMethod(
                this, [this, source = batch.source, window]() { emit dataChanged(source, window); },
                Qt::QueuedConnection);
        }
        return report;
    });
}

QFuture<void> SampleStore::recordGap(GapMarker gap)
{
    return m_worker->post<void>([gap](StoreDatabase& db) { db.recordGap(gap); });
}

QFuture<QueryResult> SampleStore::query(SeriesQuery q)
{
    return m_worker->post<QueryResult>([q](StoreDatabase& db) { return db.query(q); });
}

QFuture<void> SampleStore::applyRetention(qint64 now)
{
    return m_worker->post<void>([now](StoreDatabase& db) { db.applyRetention(now); });
}

QFuture<void> SampleStore::saveDeployments(QString source, Deployments deployments)
{
    return m_worker->post<void>(
        [source, deployments](StoreDatabase& db) { db.saveDeployments(source, deployments); });
}

QFuture<Deployments> SampleStore::deployments(QString source)
{
    return m_worker->post<Deployments>(
        [source](StoreDatabase& db) { return db.deployments(source); });
}

QFuture<SourceExtent> SampleStore::extent(QString source)
{
    return m_worker->post<SourceExtent>([source](StoreDatabase& db) { return db.extent(source); });
}

QFuture<QVector<GapMarker>> SampleStore::gaps(QString source, TimeRange range)
{
    return m_worker->post<QVector<GapMarker>>(
        [source, range](StoreDatabase& db) { return db.gaps(source, range); });
}

QString SampleStore::path() const
{
    return m_path;
}

} // namespace isc
