#pragma once

#include "sources/pollingsource.h"

#include <QObject>
#include <functional>
#include <memory>

namespace isc {
class HttpClient;
}

namespace isc::prometheus {

/// Scrapes one local inference server's Prometheus endpoint (vLLM, llama.cpp, TGI) every
/// pollIntervalSeconds (at least minimumPollSeconds) and stores per-minute samples under the
/// normalised names: counter increases as totals, histograms as p50/p95/p99, gauges as
/// averages. A scrape keeps no history, so a real server has nothing to backfill. The demo's
/// emulated servers (credential SecretRef::Kind::Demo) answer a scrape "as of" an instant
/// (header `x-inferscope-at`), so for them the backfill windows are scraped every
/// backfillStepSeconds through the same parser and accumulator.
class PrometheusSource : public PollingSource
{
    Q_OBJECT
public:
    /// `secret` gives an optional bearer token (empty without error = no Authorization header).
    PrometheusSource(Connection connection, HttpClient* http, SecretProvider secret,
                     QObject* parent = nullptr);
    ~PrometheusSource() override;

    /// Shortest scrape interval in seconds; shorter settings are raised to it.
    static constexpr int minimumPollSeconds = 15;
    /// Seconds between two scrapes of a demo backfill (within ScrapeAccumulator::maxGapMs).
    static constexpr qint64 backfillStepSeconds = 600;
    /// Span of one demo backfill chunk (one batch, one transaction) in seconds.
    static constexpr qint64 defaultBackfillChunkSeconds = 6 * 3600;
    /// For tests: the span of one backfill chunk in seconds (at least backfillStepSeconds).
    void setBackfillChunkSeconds(qint64 seconds);
    /// The model name used for servers whose metrics carry none (llama.cpp, TGI), once known:
    /// the first id of `/v1/models` beside the metrics URL, else the connection's display name.
    QString defaultModel() const;

protected:
    /// Demo connections: backfills in chunks (newest first, each one batch), then polls.
    /// Others: finish the backfill at once. Then a scrape now and every interval.
    void planRun(const QVector<TimeRange>& windows) override;
    void runChunk(const Chunk& chunk) override;
    void runPoll() override;
    void cancelWork() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc::prometheus
