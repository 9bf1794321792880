#pragma once

#include "core/deployment.h"
#include "core/sample.h"
#include "core/sourcehealth.h"
#include "core/timerange.h"
#include "core/workspace.h"
#include "net/httptypes.h"
#include "sources/azure/azuremetricplan.h"
#include "sources/pollingsource.h"

#include <QObject>
#include <QStringList>
#include <QVector>
#include <functional>
#include <memory>

namespace isc {
class HttpClient;
}

namespace isc::azure {

/// Polls one Azure resource through Azure Monitor: reads its inventory and metricDefinitions
/// (a metric it does not offer is skipped with a warning), backfills history in chunks with
/// progress, then polls the metrics at PT1M every interval with an overlapping window so
/// late-arriving minutes are re-read (the store upserts them).
/// All-or-nothing holds per (poll × metric): a metric whose call failed, or that Azure answered
/// with an errorCode inside a 200, gets a gap of its own (GapMarker::metric, Azure's code and
/// message in its reason) while every good metric and the quota land; the health then reads
/// "1 of 11 metrics failing: …". Only when every metric failed is the window one gap of the
/// source. ARM lists (deployments, metric definitions, usages) are read across their nextLink
/// pages (same host only, at most kMaxListPages).
/// Kind "azure-openai": an Azure OpenAI account (deployments inventory, the fixed metric set of
/// metricGroups() including fine-tunes' `FineTunedTrainingHours`, and about hourly the location
/// quota as `QuotaCurrent`/`QuotaLimit`).
/// Kind "azure-monitor": any resource (e.g. a container group), polling connection().metrics
/// each with its definition's primary aggregation.
class AzureSource : public PollingSource
{
    Q_OBJECT
public:
    /// `token` returns the bearer token for the management endpoint, or an empty string with
    /// `error` set. It is asked before every request; it never reaches disk or logs.
    using TokenProvider = SecretProvider;

    /// One metrics call: names that share the dimensions split in its $filter.
    using MetricGroup = azure::MetricGroup;

    AzureSource(Connection connection, HttpClient* http, TokenProvider token,
                QObject* parent = nullptr);
    ~AzureSource() override;

    /// Reads the inventory, backfills [backfillFrom, now) if backfillFrom > 0, then polls every
    /// pollIntervalSeconds until stop(). backfillFinished() is emitted even when there is no
    /// backfill, so callers can wait for it uniformly. start(windows) backfills each window
    /// (s UTC) in chunks, newest chunk first so charts fill from "now" backwards; a poll reads
    /// the overlapping recent window.
    void start(qint64 backfillFrom);
    using PollingSource::start;

    /// Length of one backfill chunk in seconds (default 6 h; a multiple of 60).
    void setBackfillChunkSeconds(qint64 seconds);

    /// The metrics calls of one window, in order (at most 20 names each), for the names
    /// the resource offers once its metricDefinitions are read.
    QVector<MetricGroup> plannedCalls() const;
    /// The metric names skipped because the resource does not offer them.
    QStringList skippedMetrics() const;

    /// A request to `url` on behalf of `connection`: its credential may only go to the hosts
    /// of that connection (HttpRequest::credentialHosts). No credential header yet.
    static HttpRequest requestFor(const Connection& connection, const QUrl& url);

    /// The Azure OpenAI metric groups (before splitting and checking), in order.
    static QVector<MetricGroup> metricGroups();
    /// How often the inventory, the metric definitions and the quota are re-read, in seconds.
    static constexpr qint64 inventoryRefreshSeconds = 3600;
    /// The recent window a poll re-reads, in seconds (late minutes fill in on Azure).
    static constexpr qint64 pollOverlapSeconds = 600;
    /// Series asked per call (`top`); a call returning exactly this many may be truncated.
    static constexpr int seriesPerCall = 100;

    /// Metric names polled (at most 20 per request).
    static QStringList metricNames();
    /// Dimensions split with eq '*'.
    static QStringList dimensionNames();

protected:
    void planRun(const QVector<TimeRange>& windows) override;
    void runChunk(const Chunk& chunk) override;
    void runPoll() override;
    void cancelWork() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc::azure
