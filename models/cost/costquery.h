#pragma once

#include "core/deployment.h"
#include "core/timerange.h"
#include "cost/costengine.h"
#include "cost/costforecast.h"

#include <QHash>
#include <QString>
#include <QVector>

namespace isc {

class JobToken;
class SampleStore;
class StoreBackend;

/// What a cost page asks for.
struct CostQueryRequest
{
    TimeRange range;                      ///< s UTC; billing days are UTC days
    QHash<QString, QString> kindBySource; ///< connection id -> kind ("azure-openai", "openai", …)
    Deployments inventory;                ///< Azure deployments (model, version, SKU, PTUs)
    PtuBilling billing = PtuBilling::Hourly;
    /// Length of the spend-over-time buckets (s): 3600 or 86400 (a UTC day, the default).
    qint64 bucketSeconds = 86400;
};

/// The priced usage of one bucket of the range (spend over time).
struct CostBucket
{
    qint64 start = 0;  ///< bucket start, s UTC (UTC days for daily buckets)
    CostReport report; ///< the bucket's items; PTU time is charged for the bucket's span
};

/// The provider-reported cost of one source over the range (OpenAI/Anthropic costs APIs).
struct ReportedSourceCost
{
    QString source;
    Money reported;
    Money computed; ///< the engine's total for the same source
    ReportedComparison comparison;
};

/// The answer: the priced range, its UTC days, and reported costs beside computed ones.
struct CostQueryResult
{
    CostReport report;                    ///< the whole range
    QVector<DailyCost> daily;             ///< one per UTC day touched, same pricing
    QVector<CostBucket> buckets;          ///< one per bucket touched (request.bucketSeconds)
    QVector<ReportedSourceCost> reported; ///< sources that report costs
    QString error;                        ///< in words when a store query failed
};

/// Reads token usage per deployment from the store and prices it.
/// Azure: ProcessedPromptTokens / GeneratedTokens / AzureOpenAIRequests by ModelDeploymentName,
/// the cached share from AzureOpenAIContextTokensCacheMatchRate (per-minute average x prompt
/// tokens) where present. Others: the normalised metrics (InputTokensUncached, InputTokensCached,
/// CacheWrite5mTokens, CacheWrite1hTokens, OutputTokens, Requests; InputTokens, the whole prompt
/// of a server without a cache split, as uncached input), batch=true split out.
class CostQuery
{
public:
    /// Every read on the store's thread (a StoreJobs job), then the pricing: stops early once
    /// `token` is cancelled (the result is then dropped).
    static CostQueryResult run(StoreBackend& db, const CostEngine& engine,
                               const CostQueryRequest& request, const JobToken& token);
    /// The same from another thread, blocking until the store's thread has read it (tests).
    static CostQueryResult run(SampleStore* store, const CostEngine& engine,
                               const CostQueryRequest& request);
};

} // namespace isc
