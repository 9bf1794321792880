#pragma once

#include "net/httptypes.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace isc::retry {

/// True for the statuses the official SDKs retry: 408, 409, 429 and >= 500.
bool isRetryableStatus(int status);

/// True for the statuses never retried whatever the server says: 400, 401, 403, 404, 422.
bool isNeverRetriedStatus(int status);

/// The wait the server asked for, in ms, from `retry-after-ms`, `x-ms-retry-after-ms`, then
/// `retry-after` (seconds or an HTTP date, relative to `nowMs` since the epoch); nullopt when
/// absent or unreadable. Fractions round up so a retry is never earlier than asked.
std::optional<qint64> serverRetryDelayMs(const QList<HttpHeader>& headers, qint64 nowMs);

/// True when a 429 says a spend limit is exhausted (Anthropic `enforced_spend_limit_reached`):
/// waiting will not help before the limit is raised, so it is never retried.
bool isSpendLimitReached(int status, const QByteArray& body);

/// `x-should-retry`: true/false when present, nullopt otherwise.
std::optional<bool> shouldRetryHeader(const QList<HttpHeader>& headers);

/// SDK backoff for retry number `retryIndex` (0-based): min(0.5 * 2^n, 8) s, reduced by
/// `jitter` (0..1) times 25 %, in ms.
qint64 backoffMs(int retryIndex, double jitter);

/// The provider's message in an error body: `error.message`, `error` (string) or `message`
/// of a JSON object, else the first line of a short plain-text body; empty when none.
QString providerMessage(const QByteArray& body);

} // namespace isc::retry
