#pragma once

#include "cost/money.h"
#include "net/httptypes.h"

#include <QJsonObject>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

namespace isc {

/// Token counts of one run. `input` includes cached and cache-write tokens, so nothing is
/// counted twice: uncachedInput() is what is billed at the full input rate.
struct RunUsage
{
    qint64 input = -1;      ///< all prompt tokens; -1 when unknown
    qint64 cached = 0;      ///< read from the prompt cache (part of input)
    qint64 cacheWrite = 0;  ///< written to the prompt cache (Anthropic; part of input)
    qint64 output = -1;     ///< completion tokens, reasoning included; -1 when unknown
    qint64 reasoning = 0;   ///< reasoning tokens (part of output)
    bool estimated = false; ///< true when counted locally, not reported by the provider

    qint64 uncachedInput() const { return input < 0 ? -1 : input - cached - cacheWrite; }
    bool known() const { return input >= 0 && output >= 0; }
};

/// Timing, tokens and transport facts of one run.
struct RunMetrics
{
    double ttftMs = -1;                ///< request sent -> first content token, ms; -1 if none
    double meanTbtMs = -1;             ///< mean gap between content chunks, ms; -1 if < 2 chunks
    double totalMs = 0;                ///< request sent -> stream end, ms
    double outputTokensPerSecond = -1; ///< output tokens / (total - ttft), -1 when unknown
    int contentChunks = 0;             ///< chunks that carried text
    RunUsage usage;
    std::optional<Money> cost; ///< nullopt = no price for this model (never $0 by default)
    int httpStatus = 0;
    QString rateLimitRemainingRequests; ///< x-ratelimit-remaining-requests, empty when absent
    QString rateLimitRemainingTokens;   ///< x-ratelimit-remaining-tokens, empty when absent
    QString region;                     ///< x-ms-region
    QString requestId;                  ///< x-request-id / apim-request-id / request-id
    qint64 retryAfterMs = -1;           ///< on 429: the wait the provider asked for
    int attempts = 0;                   ///< HTTP attempts made (1 = no retry); 0 when none was sent
    int malformedEvents = 0;            ///< stream events whose data could not be read (dropped)
    /// providerResponseHeaders() of the last answer: what the provider said about its limits.
    QList<HttpHeader> providerHeaders;
};

/// The outcome of one playground run.
struct RunResult
{
    enum class ErrorKind {
        None,
        RateLimited,
        ContentFilter,
        Auth,
        Timeout,
        Network,
        Http,
        Provider, ///< an error event inside the stream
        Cancelled,
        Protocol, ///< the stream ended early or could not be read
    };

    QString target;
    QString model;
    QString text;
    QString finishReason; ///< "stop", "length", "content_filter", "end_turn", ...
    RunMetrics metrics;
    ErrorKind errorKind = ErrorKind::None;
    QString error;                ///< words a user can act on; empty on success
    QStringList filterCategories; ///< content-filter categories that triggered

    bool ok() const { return errorKind == ErrorKind::None; }
    /// The metrics as one JSON object (the CLI prints it on one line).
    QJsonObject toJson() const;
};

/// "rate_limited", "content_filter", ... ("" for None).
QString errorKindName(RunResult::ErrorKind kind);

/// The response headers that measure the provider, kept with a run: x-ratelimit-remaining-*,
/// anthropic-ratelimit-*-remaining, retry-after-ms, retry-after,
/// azure-openai-deployment-utilization, x-ms-region and the request ids. An allowlist: no
/// other header (cookies, echoed credentials) ever passes; values are capped at 200 bytes.
QList<HttpHeader> providerResponseHeaders(const QList<HttpHeader>& response);
/// The headers as one JSON object {name: value}.
QJsonObject headersToJson(const QList<HttpHeader>& headers);
/// The headers as "name: value" lines, for a tooltip; empty when none.
QString headersToText(const QList<HttpHeader>& headers);

} // namespace isc

Q_DECLARE_METATYPE(isc::RunResult)
