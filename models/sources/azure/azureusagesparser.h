#pragma once

#include "core/sample.h"

#include <QByteArray>
#include <QString>

namespace isc::azure {

struct UsagesParseResult
{
    bool ok = false;
    QString error; ///< in words when !ok
    /// `QuotaCurrent` and `QuotaLimit` per quota (aggregation "average", unit "Count": thousands
    /// of TPM, PTUs or enqueued k-tokens, as Azure counts that quota), label `quota=<name>`.
    QVector<SeriesSamples> series;
    QString nextLink; ///< the next page of the list, empty on the last one
};

/// Parses `GET /subscriptions/{sub}/providers/Microsoft.CognitiveServices/locations/{loc}/usages`
/// into one sample per quota and figure at `ts` (s UTC, a minute start) for connection `source`.
/// Each quota becomes QuotaCurrent / QuotaLimit samples at `ts`, labelled quota= and, when
/// given, location= (the region the usages were read for).
UsagesParseResult parseUsagesResponse(const QByteArray& body, const QString& source, qint64 ts,
                                      const QString& location = {});

/// The `location` of an ARM resource document (e.g. "swedencentral"); empty with `error` set
/// in words when the body is an error or has none.
QString parseResourceLocation(const QByteArray& body, QString* error);

/// "/subscriptions/{sub}" of an ARM resource id, empty when `resourceId` names no subscription.
QString subscriptionPath(const QString& resourceId);

} // namespace isc::azure
