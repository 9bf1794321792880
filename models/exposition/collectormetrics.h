#pragma once

#include "core/deployment.h"
#include "core/sample.h"
#include "core/sourcehealth.h"
#include "exposition/costaccrual.h"
#include "exposition/prometheusexposition.h"

#include <QByteArray>
#include <QString>
#include <QVector>
#include <memory>

namespace isc {

/// What the collector knows, as Prometheus families (README, "Metrics for Prometheus"): per
/// connection and deployment the requests, tokens, 429s and spillover as `_total` counters
/// accumulated from the stored minutes since the start; PTU utilization, TTFT and TTLT of the
/// newest stored minute as gauges; the cost of the stored usage (and PTU time) as a `_total`
/// counter once pricing is set; each source's health and the collector's own. Fed on the
/// collector's thread after each write lands; it keeps no clock, `now` is passed in.
class CollectorMetrics
{
public:
    struct Limits
    {
        /// Deployments exposed per connection; the counters of later ones add up under
        /// deployment="_other", their gauges are left out.
        int maxDeploymentsPerConnection = 50;
        /// How long (s) a stored minute may still be revised upwards and counted again.
        qint64 revisionHorizonSeconds = 3600;
        /// A source is fresh while its last good poll is at most this many poll intervals old.
        int healthIntervals = 3;
    };

    /// Counting starts at the minute of `startedAt` (seconds UTC): older history is not counted.
    explicit CollectorMetrics(qint64 startedAt);
    CollectorMetrics(qint64 startedAt, Limits limits);
    ~CollectorMetrics();
    CollectorMetrics(const CollectorMetrics&) = delete;
    CollectorMetrics& operator=(const CollectorMetrics&) = delete;

    /// Declares a connection (its workspace id, kind and poll interval in seconds).
    void addConnection(const QString& id, const QString& kind, int pollIntervalSeconds);
    /// Prices the stored usage from now on (inferscope_cost_usd_total); without it, no cost.
    void setPricing(CostAccrual pricing);
    /// The inventory of `connection` was stored at `now` (s UTC): Azure deployments are priced
    /// by it, provisioned ones by their PTU time.
    void recordInventory(const QString& connection, const Deployments& deployments, qint64 now);
    /// The series of one batch landed in the store for `connection`.
    void recordStored(const QString& connection, const QVector<SeriesSamples>& series);
    /// A poll, backfill chunk or metric of `connection` failed (a gap was recorded).
    void recordFailure(const QString& connection);
    /// A write into the store failed (`connection` may be empty for the whole database).
    void recordStoreFailure(const QString& connection);
    /// The latest health of a source.
    void recordHealth(const SourceHealth& health);
    /// Every source's poll of one cycle landed.
    void recordPollCycle();

    /// Every family, rendered at `now` (seconds UTC): connections, deployments and label values
    /// in sorted order.
    QVector<MetricFamily> families(qint64 now) const;

    /// /healthz at `now`: ok unless the store's last write failed, or no source had a good poll
    /// within `healthIntervals` poll intervals (after as long from the start).
    struct Health
    {
        bool ok = false;
        QByteArray json; ///< {"status": "ok"|"failing", "reason", "uptimeSeconds", "sources"}
    };
    Health health(qint64 now) const;

    /// A label value safe to publish: at most 128 characters, and "redacted" when it looks like
    /// a credential (a URL with user info, "Bearer …", an sk-… key, a header line).
    static QString safeLabelValue(const QString& value);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
