#pragma once

#include "core/deployment.h"
#include "core/sample.h"
#include "core/timerange.h"
#include "core/workspace.h"

#include <QString>
#include <QVector>
#include <cmath>

namespace isc {

class JobToken;
class StoreBackend;

/// What the Local servers page asks for.
struct LocalServersRequest
{
    TimeRange range;                 ///< s UTC
    QVector<Connection> connections; ///< every connection; the local ones are read
};

/// A gauge's newest value: the minute it was stored for and the value, NaN when none.
struct LatestValue
{
    qint64 at = 0; ///< s UTC, the minute's start; 0 = none
    double value = std::nan("");

    bool known() const { return at > 0 && !std::isnan(value); }
};

/// One model an Ollama server had loaded in its newest poll of the range.
struct LoadedModelReading
{
    QString name;
    double sizeBytes = 0;         ///< memory the loaded model takes
    double vramBytes = 0;         ///< of it in GPU memory (the rest runs on the CPU)
    double expiresInSeconds = -1; ///< until it unloads, -1 = not said
};

/// What the store holds about one local server (a "prometheus" or "ollama" connection) over
/// the range. Pure data.
struct LocalServerReading
{
    QString source;        ///< connection id
    Deployments inventory; ///< its models; a Prometheus source names the server in `sku`
    qint64 newestData = 0; ///< the newest minute stored for it at or before the range's end
    /// Summed over its models, in the newest minute of the range's last 15 minutes.
    LatestValue running, waiting;
    LatestValue kvCachePercent;         ///< mean over its models, 0..100
    double preemptions = std::nan("");  ///< over the range; NaN = none stored
    double outputTokens = std::nan(""); ///< over the range; NaN = none stored
    /// Output tokens per second over the whole minutes with data among the 5 before newestData;
    /// NaN = none.
    double recentTokensPerSecond = std::nan("");
    QVector<LoadedModelReading> loaded; ///< Ollama: its newest poll's loaded models
    QVector<GapMarker> gaps;            ///< failed polls recorded in the range, oldest first
};

/// Everything the Local servers page shows from the store, read in one go.
struct LocalServersResult
{
    TimeRange range;
    QVector<LocalServerReading> servers; ///< in the order of the request's connections
    QString error;                       ///< in words when a store query failed
};

/// Reads the local servers of a request. Runs on the store's thread (StoreJobs); stops early
/// (a partial result) once `token` is cancelled.
struct LocalServersQuery
{
    /// True for the kinds the page shows: "prometheus" and "ollama".
    static bool isLocal(const Connection& c);
    static LocalServersResult run(StoreBackend& db, const LocalServersRequest& request,
                                  const JobToken& token);
};

} // namespace isc
