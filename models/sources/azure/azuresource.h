#pragma once

#include "core/deployment.h"
#include "core/sample.h"
#include "core/sourcehealth.h"
#include "core/workspace.h"

#include <QObject>
#include <functional>
#include <memory>

namespace isc {
class HttpClient;
}

namespace isc::azure {

/// Polls one Azure OpenAI account: reads the deployments inventory, backfills history in
/// chunks with progress, then polls the metrics at PT1M every interval with an overlapping
/// window so late-arriving minutes are re-read (the store upserts them).
class AzureSource : public QObject
{
    Q_OBJECT
public:
    /// `token` returns the bearer token for the management endpoint, or an empty string with
    /// `error` set. It is asked before every request; it never reaches disk or logs.
    using TokenProvider = std::function<QString(QString* error)>;

    AzureSource(Connection connection, HttpClient* http, TokenProvider token,
                QObject* parent = nullptr);
    ~AzureSource() override;

    const Connection& connection() const;

    /// Reads the inventory, backfills [backfillFrom, now) if backfillFrom > 0, then polls every
    /// pollIntervalSeconds until stop().
    void start(qint64 backfillFrom);
    void stop();
    /// One poll of the overlapping recent window, now.
    void pollNow();

    /// Metric names polled (at most 20 per request).
    static QStringList metricNames();
    /// Dimensions split with eq '*'.
    static QStringList dimensionNames();

signals:
    void inventoryReady(const isc::Deployments& deployments);
    /// One chunk or poll worth of samples: the caller writes it as one transaction.
    void batchReady(const isc::PollBatch& batch);
    /// A poll or chunk failed: nothing of it is written; the caller records the gap.
    void pollFailed(const isc::GapMarker& gap);
    void healthChanged(const isc::SourceHealth& health);
    void backfillProgress(int done, int total);
    void backfillFinished();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc::azure
