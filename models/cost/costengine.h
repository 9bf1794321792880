#pragma once

#include "core/deployment.h"
#include "core/timerange.h"
#include "cost/money.h"
#include "cost/pricecatalog.h"
#include "cost/ptucost.h"

#include <QString>
#include <QStringList>
#include <QVector>

namespace isc {

/// The kinds of line a cost breaks down into.
enum class CostLineKind {
    UncachedInput, ///< input tokens not served from a cache
    CachedInput,   ///< OpenAI/Azure cached input tokens
    CacheWrite5m,  ///< Anthropic 5-minute cache writes
    CacheWrite1h,  ///< Anthropic 1-hour cache writes
    CacheRead,     ///< Anthropic cache hits
    Output,        ///< output tokens, reasoning tokens included
    PtuHours,      ///< provisioned capacity, whatever the traffic
};

/// "Uncached input", "Cached input", "Cache write (5m)", … for tables.
QString costLineLabel(CostLineKind kind);

/// Token counts in DISJOINT classes (a token is in exactly one), over some window.
struct TokenUsage
{
    qint64 requests = 0;
    qint64 uncachedInput = 0; ///< input tokens at the full input price
    qint64 cachedInput = 0;   ///< cache hits (OpenAI cached_tokens, Anthropic cache_read)
    qint64 cacheWrite5m = 0;  ///< Anthropic only
    qint64 cacheWrite1h = 0;  ///< Anthropic only
    qint64 output = 0;        ///< completion tokens, reasoning included

    /// From OpenAI/Azure counts, where `prompt` INCLUDES `cached` (cached is clamped to prompt).
    static TokenUsage fromPrompt(qint64 prompt, qint64 cached, qint64 completion,
                                 qint64 requests = 0);
    /// Every input token, whatever its class.
    qint64 inputTotal() const { return uncachedInput + cachedInput + cacheWrite5m + cacheWrite1h; }
    TokenUsage& operator+=(const TokenUsage& o);
    bool operator==(const TokenUsage& o) const;
};

/// What to price: one Azure deployment, or one OpenAI/Anthropic model stream (tier, batch).
struct UsageItem
{
    QString source;     ///< connection id
    QString provider;   ///< connection kind: "azure-openai", "openai", "anthropic"
    QString deployment; ///< ModelDeploymentName (Azure: the deployment; else the model)
    QString model;      ///< non-Azure: the model the usage API reported. Azure: ignored
    QString version;    ///< non-Azure: usually empty. Azure: ignored (taken from the inventory)
    QString sku;        ///< non-Azure: service tier, empty = default. Azure: ignored
    bool batch = false; ///< Batch API usage (non-Azure; Azure batch is a SKU)
    TokenUsage tokens;
};

/// One line of a cost: a quantity at a unit price.
struct CostLine
{
    CostLineKind kind = CostLineKind::UncachedInput;
    qint64 quantity = 0;        ///< tokens, or PTU-seconds for PtuHours
    qint64 unitPriceMicros = 0; ///< per 1M tokens, or per PTU-hour/-month/-year (PtuHours)
    bool batchRate = false;     ///< priced at the batch rate
    Money amount;
    QString detail; ///< e.g. "100 PTU x 24.0 h, hourly" for PtuHours
};

/// The cost of one usage item or provisioned deployment.
struct CostItem
{
    QString source, provider, deployment, model, version, sku;
    bool batch = false;       ///< priced at the batch rate
    bool provisioned = false; ///< PTU deployment: the lines are PTU time, tokens are included
    TokenUsage tokens;
    QVector<CostLine> lines; ///< they sum exactly to `total`
    Money total;
    bool priced = false; ///< false: "no price" (total is 0 but must not be shown as $0)
    PriceLookup::Match match = PriceLookup::Match::None;
    bool overridden = false; ///< a workspace override set the price
    bool confirmed = false;  ///< the catalog entry was confirmed at its source
    QString priceSource, priceAsOf;
    QStringList notes;  ///< sentences: fallbacks, missing prices
    Money cacheSavings; ///< what cached tokens saved against the uncached input price
    Money batchSavings; ///< what the batch rate saved against the standard rate
};

/// The cost of a window: one item per deployment/stream, and their exact total.
struct CostReport
{
    TimeRange window;
    QVector<CostItem> items;
    Money total;        ///< the exact sum of the items' totals (conserved)
    Money cacheSavings; ///< sum over items
    Money batchSavings; ///< sum over items
    qint64 requests = 0;
    int unpricedItems = 0; ///< items with "no price" (their tokens are not in the total)

    /// Cost per request in micro-dollars, rounded once; 0 when there were no requests.
    Money costPerRequest() const;
    /// Cost per 1,000 requests, rounded once; 0 when there were no requests.
    Money costPer1kRequests() const;
    /// Items sorted by total, largest first (the top-spenders table), at most `n`.
    QVector<CostItem> topSpenders(int n) const;
};

/// A provider's reported cost (OpenAI/Anthropic costs APIs) beside the computed one.
struct ReportedComparison
{
    Money computed;
    Money reported;
    Money difference;    ///< reported - computed
    QString explanation; ///< sentences: how far apart, and the usual reasons
};

/// Compares reported with computed cost for the same window and provider.
ReportedComparison compareReported(Money computed, Money reported, bool anyOverride = false);

/// Prices token usage and provisioned capacity with a catalog. Pure; cheap to copy.
class CostEngine
{
public:
    explicit CostEngine(PriceCatalog catalog);

    /// Prices one item's tokens at the entry for provider/model/version/sku (batch rate when
    /// item.batch). Each line is exact; the total is rounded once; lines sum to the total.
    CostItem priceTokens(const UsageItem& item) const;

    /// Prices a provisioned deployment over `window`: PTUs x time x rate, whatever the traffic.
    CostItem priceProvisioned(const Deployment& deployment, const TimeRange& window,
                              PtuBilling billing) const;

    /// Prices a window. Azure items are matched to `inventory` by source and deployment name and
    /// priced by ITS model, version and SKU (never the response's model); provisioned deployments
    /// of the inventory are charged for the window even without traffic, and their tokens are
    /// included; spillover traffic is already counted on its standard deployment.
    CostReport price(const QVector<UsageItem>& usage, const Deployments& inventory,
                     const TimeRange& window, PtuBilling billing = PtuBilling::Hourly) const;

    const PriceCatalog& catalog() const { return m_catalog; }

private:
    PriceCatalog m_catalog;
};

} // namespace isc
