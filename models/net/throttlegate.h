#pragma once

#include "net/httptypes.h"

#include <QHash>
#include <QString>
#include <functional>

namespace isc {

/// Remembers how long a server asked to be left alone (a 429 or 503 with Retry-After /
/// retry-after-ms) beyond the request it told, per origin and credential: no request goes
/// there before that time, across polls and backfill chunks alike.
class ThrottleGate
{
public:
    ThrottleGate();

    /// The scope `request` is throttled in: its origin plus a digest of its credential headers
    /// (never the credential itself), so two keys on one host are throttled apart.
    static QString scopeOf(const HttpRequest& request);

    /// Replaces the wall clock (ms UTC), for tests.
    void setClock(std::function<qint64()> nowMs);
    /// The clock's time, ms UTC.
    qint64 now() const;

    /// Notes that `scope` asked for quiet until `untilMs` (ms UTC); the later of two holds wins.
    void hold(const QString& scope, qint64 untilMs);
    /// Notes the wait a finished answer asks for (429 or 5xx with a retry-after header), if any.
    void noteAnswer(const HttpRequest& request, const HttpResponse& response);
    /// Until when `scope` is held, ms UTC; 0 when it is free now.
    qint64 heldUntil(const QString& scope) const;
    /// The latest hold on any scope of `url`'s origin, ms UTC; 0 when none is running.
    qint64 heldUntilForOrigin(const QUrl& url) const;

private:
    std::function<qint64()> m_clock;
    QHash<QString, qint64> m_holds; // scope -> ms UTC
};

/// "rate-limited until 14:02:10 UTC": `untilMs` (ms UTC) rounded up to the second.
QString throttledUntilWords(qint64 untilMs);

} // namespace isc
