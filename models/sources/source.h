#pragma once

#include "core/deployment.h"
#include "core/sample.h"
#include "core/sourcehealth.h"
#include "core/timerange.h"
#include "core/workspace.h"

#include <QObject>
#include <QVector>
#include <functional>

namespace isc {

/// Returns a secret (bearer token, API key) when asked, or an empty string with `error` set in
/// words. Asked before every request; the value lives in memory only, never on disk or in logs.
using SecretProvider = std::function<QString(QString* error)>;

/// One polled connection (Azure account, OpenAI org, Prometheus endpoint, ...). The Collector
/// drives every kind through this interface and writes what it emits to the store: each
/// batchReady() is one transaction, each pollFailed() one gap marker.
class Source : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~Source() override = default;

    virtual const Connection& connection() const = 0;
    /// Reads the inventory (if any), backfills each window (s UTC) in chunks, newest first,
    /// then polls every connection().pollIntervalSeconds until stop(). backfillFinished() is
    /// emitted even when there is nothing to backfill. Sources whose API keeps no history (a
    /// Prometheus scrape, Ollama) finish the backfill at once.
    virtual void start(const QVector<TimeRange>& backfill) = 0;
    virtual void stop() = 0;
    /// One poll now (right after the cycle in flight, if any).
    virtual void pollNow() = 0;
    /// Replaces the wall clock (seconds UTC), for tests against the emulator.
    virtual void setClock(std::function<qint64()> nowUtc) = 0;
    /// The current health (also sent with every healthChanged()).
    virtual SourceHealth health() const = 0;
    /// True from start() until backfillFinished().
    virtual bool isBackfilling() const = 0;

signals:
    void inventoryReady(const isc::Deployments& deployments);
    /// One chunk or poll worth of samples: the caller writes it as one transaction.
    void batchReady(const isc::PollBatch& batch);
    /// A poll or chunk failed: nothing of it is written; the caller records the gap.
    void pollFailed(const isc::GapMarker& gap);
    void healthChanged(const isc::SourceHealth& health);
    void backfillProgress(int done, int total);
    void backfillFinished();
    /// Something worth a log line but not a failure (e.g. an unknown metric name).
    void warning(const QString& message);
};

} // namespace isc
