#pragma once

#include "core/deployment.h"
#include "core/timerange.h"
#include "core/workspace.h"
#include "cost/ptuadvisor.h"

#include <QString>
#include <QVector>

namespace isc {

class JobToken;
class SampleStore;
class StoreBackend;

/// What the Capacity page asks for.
struct CapacityRequest
{
    TimeRange range;                 ///< s UTC
    QVector<Connection> connections; ///< kinds and route classes of the sources
};

/// Observed load of one provisioned (PTU) deployment over the range.
struct ProvisionedLoad
{
    Deployment deployment;
    int minutesWithData = 0;      ///< minutes with a recorded utilization
    double utilP50 = 0;           ///< percent of the reserved capacity
    double utilP95 = 0;           ///< percent
    double utilMax = 0;           ///< percent
    int minutesAtCapacity = 0;    ///< minutes at or over 100 %
    double requests = 0;          ///< requests sent to it (any status)
    double requests429 = 0;       ///< answered 429
    double spilledOver = 0;       ///< of those 429s, served by its spillover deployment
    double cacheMatchRate = -1;   ///< mean AzureOpenAIContextTokensCacheMatchRate, percent; -1 none
    QVector<MinuteTokens> demand; ///< per minute: tokens asked for (served + 429s, estimated)

    double share429() const { return requests > 0 ? requests429 / requests : 0; }
    double spilloverShare() const { return requests > 0 ? spilledOver / requests : 0; }
};

/// One quota of an Azure location: current use against the limit (thousands of TPM or PTUs).
struct QuotaUsage
{
    QString source;   ///< connection id
    QString quota;    ///< e.g. "OpenAI.GlobalStandard.gpt-4o"
    QString sku;      ///< parsed from the name ("GlobalStandard"), empty when it has no such part
    QString model;    ///< parsed from the name ("gpt-4o")
    QString location; ///< the Azure region read for ("swedencentral"); empty when not recorded
    double current = 0;
    double limit = 0;
    qint64 at = 0; ///< when it was read, s UTC

    /// current / limit; 0 when there is no limit.
    double usedFraction() const { return limit > 0 ? current / limit : 0; }
    /// Azure quota at or over 80 % deserves a warning.
    bool isWarning() const { return usedFraction() >= 0.8; }
};

/// Fine-tuning over the range: training hours per deployment or job label.
struct FineTuneUsage
{
    QString source;
    QString name; ///< ModelDeploymentName of the series
    double trainingHours = 0;
};

/// Everything the Capacity page shows, read from the store in one go.
struct CapacityResult
{
    TimeRange range;
    Deployments inventory;                ///< every stored deployment (lifecycle table)
    QVector<ProvisionedLoad> provisioned; ///< one per provisioned deployment of the inventory
    QVector<QuotaUsage> quota;            ///< newest reading of each quota; empty = none stored
    QVector<FineTuneUsage> fineTuning;    ///< empty = no FineTunedTrainingHours stored
    QString error;                        ///< in words when a store query failed
};

/// Reads utilization, 429s, spillover, cache match, per-minute demand, quota and fine-tuning
/// hours from the store.
class CapacityQuery
{
public:
    /// Every read on the store's thread (a StoreJobs job): stops early once `token` is
    /// cancelled (the result is then dropped).
    static CapacityResult run(StoreBackend& db, const CapacityRequest& request,
                              const JobToken& token);
    /// The same from another thread, blocking until the store's thread has read it (tests).
    static CapacityResult run(SampleStore* store, const CapacityRequest& request);
    /// "OpenAI.GlobalStandard.gpt-4o" -> sku "GlobalStandard", model "gpt-4o".
    static void splitQuotaName(const QString& name, QString* sku, QString* model);
};

} // namespace isc
