#pragma once

#include "emulator/cloudfleet.h"

#include <QString>
#include <QVector>
#include <QtGlobal>

namespace isc::emu {

/// The emulator's OWN small price list for the demo OpenAI and Anthropic organisations. It is
/// deliberately independent of the cost engine and its catalog, so that a reconciliation test
/// between the two can fail. Prices are in milli-USD per 1M tokens (2.50 USD = 2500).
struct CloudPrice
{
    QString model;
    qint64 input = 0;       ///< OpenAI: uncached input; Anthropic: base input
    qint64 cachedInput = 0; ///< OpenAI: cached input (Anthropic uses the multipliers below)
    qint64 output = 0;
    qint64 batchInput = 0;  ///< OpenAI batch API, every input token
    qint64 batchOutput = 0; ///< OpenAI batch API
};

/// Anthropic's cache prices as multiples of the base input price, per mille (1.25 x = 1250).
struct CacheMultipliers
{
    qint64 write5m = 1250;
    qint64 write1h = 2000;
    qint64 read = 100;
};

/// One cost line of a day: an OpenAI line item ("gpt-4o-2024-11-20, cached input") or an
/// Anthropic token type ("cache_read_input_tokens"), in pico-USD (exact integers).
struct CloudCostLine
{
    QString model;
    QString item; ///< OpenAI line_item / Anthropic token_type
    qint64 picoUsd = 0;
};

/// The price of `model`, or a zero price when the table does not know it.
CloudPrice cloudPrice(CloudFleet::Provider provider, const QString& model);
/// Anthropic's cache multipliers.
CacheMultipliers anthropicCacheMultipliers();

/// The cost lines of `usage` by stream `s`, from this table only. OpenAI: "<model>, input",
/// "<model>, cached input", "<model>, output" (batch: "<model>, batch input", "<model>, batch
/// output"). Anthropic: one line per token_type. Lines of zero tokens are left out.
QVector<CloudCostLine> cloudCostLines(CloudFleet::Provider provider, const CloudStream& s,
                                      const CloudMinute& usage);

} // namespace isc::emu
