#pragma once

#include "cost/money.h"

#include <QByteArray>
#include <QString>
#include <QStringList>
#include <QVector>
#include <optional>

namespace isc {

/// Token prices of one catalog entry, in micro-dollars per 1M tokens (exact integers).
/// nullopt = the provider publishes no such price for this entry.
struct TokenPrices
{
    std::optional<qint64> input;            ///< uncached input
    std::optional<qint64> cachedInput;      ///< OpenAI/Azure cached input
    std::optional<qint64> output;           ///< output, reasoning tokens included
    std::optional<qint64> cacheWrite5m;     ///< Anthropic 5-minute cache write
    std::optional<qint64> cacheWrite1h;     ///< Anthropic 1-hour cache write
    std::optional<qint64> cacheRead;        ///< Anthropic cache hit / refresh
    std::optional<qint64> batchInput;       ///< batch (Batch API / *Batch SKU) input
    std::optional<qint64> batchCachedInput; ///< batch cached input, when published
    std::optional<qint64> batchOutput;      ///< batch output

    bool isEmpty() const { return !input && !output; }
};

/// Prices and sizing of a provisioned (PTU) SKU.
struct PtuPrices
{
    qint64 hourlyMicros = 0;             ///< micro-dollars per PTU-hour (no commitment)
    std::optional<qint64> monthlyMicros; ///< monthly reservation, micro-dollars per PTU-month
    std::optional<qint64> yearlyMicros;  ///< yearly reservation, micro-dollars per PTU-year
    int minimum = 0;                     ///< smallest deployable PTU count
    int increment = 0;                   ///< PTUs can grow in steps of this many
    qint64 inputTpmPerPtu = 0;           ///< input tokens per minute one PTU serves
    double outputTokenWeight = 1;        ///< one output token counts as this many input tokens
};

/// One price list line: a provider's model/version/SKU (or service tier), with where it came from.
struct PriceEntry
{
    QString provider; ///< connection kind: "azure-openai", "openai", "anthropic"
    QString model;    ///< e.g. "gpt-4o", "claude-sonnet-4-20250514"
    QString version;  ///< e.g. "2024-11-20"; empty = any version
    QString sku;      ///< Azure SKU ("GlobalStandard", "ProvisionedManaged"), else tier ("default")
    TokenPrices tokens;
    std::optional<PtuPrices> ptu; ///< set on provisioned SKUs
    /// Fine-tuned models (sku "FineTuned"): micro-dollars per hour a deployment is hosted.
    std::optional<qint64> hostingHourlyMicros;
    QString source;          ///< URL the price was read from
    QString asOf;            ///< date the price was checked, "YYYY-MM-DD"
    bool confirmed = false;  ///< false: best figure, not confirmed at the source (see note)
    QString note;            ///< why unconfirmed, caveats
    bool overridden = false; ///< a workspace override changed this entry
    QString overrideNote;    ///< the override's reason, e.g. "EA discount 15 %"
};

/// The result of a catalog lookup: the entry found (if any) and how it was matched.
struct PriceLookup
{
    enum class Match {
        None,        ///< no price: the caller must show "no price", never zero
        Exact,       ///< provider, model, version and SKU all matched
        AnyVersion,  ///< an entry valid for any version of the model matched
        DatedSuffix, ///< "gpt-4o-2024-08-06" matched the entry for "gpt-4o"
        BatchSku,    ///< a *Batch SKU priced at the batch rate of its *Standard entry
        DefaultTier, ///< unknown service tier, priced at the default tier
        FineTuned,   ///< "gpt-4o-mini-2024-07-18.ft-…" priced at its base's "FineTuned" entry
    };
    Match match = Match::None;
    std::optional<PriceEntry> entry;
    QString explanation; ///< one sentence when match is not Exact, for a tooltip

    bool found() const { return entry.has_value(); }
};

/// The price catalog: the shipped JSON (resources/pricing/prices.json) plus workspace overrides.
/// The catalog's provider id of Azure OpenAI (a connection kind).
inline const QString kAzureOpenAiProvider = QStringLiteral("azure-openai");

class PriceCatalog
{
public:
    /// Parses catalog JSON (see resources/pricing/README.md); nullopt and `error` on failure.
    static std::optional<PriceCatalog> fromJson(const QByteArray& json, QString* error);
    /// The catalog compiled into the binary (a copy of resources/pricing/prices.json).
    static PriceCatalog builtin();
    /// The catalog compiled into the binary, parsed from `json` (builtin() passes its own bytes).
    static PriceCatalog parseBuiltin(const QByteArray& json);
    /// Reads `path` when it exists and parses; else the built-in catalog with `warning` set.
    static PriceCatalog loadOrBuiltin(const QString& path, QString* warning);

    /// Applies workspace overrides (JSON array of {provider, model, version?, sku?, prices…,
    /// discountPercent?, note}); matched entries are marked overridden. False + `error` when the
    /// overrides are malformed (nothing is applied then).
    bool applyOverrides(const QByteArray& json, QString* error);

    /// Finds the price of provider/model/version/sku; fallbacks are documented in PriceLookup.
    /// A fine-tuned model (splitFineTunedModel()) on a pay-per-token SKU without an entry of its
    /// own is priced at the "FineTuned" entry of its base model and version.
    PriceLookup lookup(const QString& provider, const QString& model, const QString& version,
                       const QString& sku) const;

    const QVector<PriceEntry>& entries() const { return m_entries; }
    QString asOf() const { return m_asOf; }         ///< catalog-wide "as of" date
    QString currency() const { return m_currency; } ///< "USD"

private:
    const PriceEntry* find(const QString& provider, const QString& model, const QString& version,
                           const QString& sku, bool anyVersionOnly) const;

    QVector<PriceEntry> m_entries;
    QString m_asOf;
    QString m_currency = QStringLiteral("USD");
};

/// A fine-tuned Azure model name ("gpt-4o-mini-2024-07-18.ft-0a1b2c") split into its base model
/// ("gpt-4o-mini") and version ("2024-07-18"); false when `model` is not a fine-tune.
bool splitFineTunedModel(const QString& model, QString* base, QString* version);

/// Text of a price in micro-dollars per 1M tokens, e.g. "$2.50/1M" (up to 4 decimals kept).
QString formatPricePerMillion(qint64 microsPerMillion);

} // namespace isc
