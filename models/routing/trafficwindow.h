#pragma once

#include "core/timerange.h"
#include "routing/routeclass.h"

#include <QString>
#include <QVector>
#include <array>

namespace isc {

class JobToken;
class SampleStore;
class StoreBackend;
struct Connection;

/// A share of a deployment's requests with a typical prompt size (a prompt-size histogram bin).
struct PromptBucket
{
    double share = 0;        ///< share of the requests, 0..1 (the buckets sum to 1)
    double relativeSize = 1; ///< prompt size against the deployment's mean (1 = the mean)
};

/// Window totals of a deployment's tokens by price class (what the cost engine prices apart).
struct TokenMix
{
    double uncached = 0; ///< input tokens at the full input price
    double cached = 0;   ///< cached input / cache reads
    double write5m = 0;  ///< Anthropic 5-minute cache writes
    double write1h = 0;  ///< Anthropic 1-hour cache writes
    double output = 0;

    double input() const { return uncached + cached + write5m + write1h; }
    bool isEmpty() const { return input() <= 0 && output <= 0; }
};

/// The recorded traffic of one deployment, one value per minute of the window.
struct DeploymentTraffic
{
    QString source;         ///< connection id
    QString name;           ///< ModelDeploymentName
    QString model;          ///< e.g. "gpt-4o" (from the inventory; the name when unknown)
    QString version;        ///< model version from the inventory (Azure), else empty
    QString sku;            ///< Azure SKU, empty for other providers
    QString connectionKind; ///< connectionKinds(), empty when the workspace was not given
    int capacity = 0;       ///< PTUs (provisioned) or thousands of TPM (pay-per-token)
    QString spilloverTo;    ///< spillover deployment name, empty when none
    RouteClass routeClass = RouteClass::Unknown;

    QVector<double> requests;       ///< requests sent here (any status), not counting spillover in
    QVector<double> requests429;    ///< 429 answers
    QVector<double> requests5xx;    ///< 5xx answers
    QVector<double> spilloverIn;    ///< requests served here as spillover from another deployment
    QVector<double> promptTokens;   ///< prompt tokens processed here (incl. spillover in)
    QVector<double> outputTokens;   ///< generated tokens (incl. spillover in)
    QVector<double> ttftMs;         ///< average time to first token (ms); 0 = not recorded
    QVector<double> ttltMs;         ///< average time to last token (ms); 0 = not recorded
    QVector<double> utilizationPct; ///< PTU utilization (percent); -1 = not recorded
    /// Optional prompt-size distribution; empty = every request has the minute's mean size.
    QVector<PromptBucket> promptSizes;
    /// Window totals by price class (normalised sources): [0] standard, [1] Batch API. Empty
    /// (Azure) = every input token uncached at the standard rate. Pricing applies these shares
    /// to whatever the deployment serves in a replay.
    std::array<TokenMix, 2> recordedMix{};
    /// Local servers: the most prompt + output tokens processed in one minute over the recorded
    /// history (load() reads the kLocalPeakHistoryDays before the window's end; derive() adds
    /// the window's own minutes). The what-if replay caps the server there. 0 = unknown.
    double peakTokensPerMinute = 0;
    qint64 peakMinuteAt = 0; ///< start of that minute (s UTC), 0 = unknown

    // Derived by TrafficWindow::derive().
    QVector<double> spilloverOut;     ///< this deployment's 429s served by its spillover target
    QVector<double> promptPerRequest; ///< prompt tokens per own request (not spillover in)
    QVector<double> outputPerRequest; ///< output tokens per own request
    double meanTtftMs = 0, meanTtltMs = 0; ///< request-weighted over the window; 0 = unknown
    double spilloverShare = 0; ///< spilled out / 429s over the window (1 when never observed)

    /// "source/name", the unambiguous target name.
    QString key() const { return source + QLatin1Char('/') + name; }
    /// Prompt tokens recorded over the window (incl. spillover in).
    double recordedPromptTokens() const;
    /// Output tokens recorded over the window (incl. spillover in).
    double recordedOutputTokens() const;
    /// Requests served with a 2xx (own, not spillover in) in minute `i`.
    double okRequests(int i) const { return requests[i] - requests429[i] - requests5xx[i]; }
};

/// Per-minute traffic of every deployment in a window, as recorded: the input of the what-if
/// replay. Plain data; load() reads it from the store.
struct TrafficWindow
{
    /// How far back from the window's end a local server's peak throughput is looked for
    /// (within the store's raw, per-minute retention).
    static constexpr int kLocalPeakHistoryDays = 30;

    TimeRange range; ///< whole minutes
    QVector<DeploymentTraffic> deployments;

    int minutes() const { return static_cast<int>(range.duration() / 60); }

    /// Index of a target named "name" or "source/name", -1 when unknown (or ambiguous by name).
    int indexOf(const QString& target) const;

    /// Every target name: each deployment's name (when unique) and its "source/name".
    QStringList targetNames() const;

    /// Adds a deployment with zeroed vectors of minutes() values; returns a reference to it.
    DeploymentTraffic& addDeployment(const QString& source, const QString& name);

    /// Computes the derived fields (spillover attribution, tokens per request, mean latencies,
    /// local servers' peak at least the window's busiest minute).
    /// Call after filling the recorded vectors.
    void derive();

    /// Reads the window from the store's backend, on the store's thread (a StoreJobs job; the
    /// reads stop early once `token` is cancelled). Azure sources from their metrics
    /// (AzureOpenAIRequests by status and IsSpillover, tokens, TTFT/TTLT, PTU utilization); other
    /// connections from the normalised metrics (Requests, InputTokens*, OutputTokens,
    /// TtftMs/E2eLatencyMs p50), and each local server's peak throughput over the history before
    /// the window's end. `connections` gives kinds and route-class overrides; without
    /// one, a source's class follows its SKUs. Returns false and sets `error` when the store
    /// cannot answer (or the job was cancelled).
    static bool load(StoreBackend& db, TimeRange range, const QVector<Connection>& connections,
                     TrafficWindow* out, QString* error, const JobToken& token);
    /// The same from another thread, blocking until the store's thread has read it: the CLI.
    static bool load(SampleStore& store, TimeRange range, const QVector<Connection>& connections,
                     TrafficWindow* out, QString* error);
};

} // namespace isc
