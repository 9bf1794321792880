#pragma once

#include "core/sample.h"

#include <QByteArray>
#include <QString>
#include <QStringList>

namespace isc::azure {

/// A metric Azure Monitor answered with an `errorCode` other than `Success` (beside good ones).
struct MetricFailure
{
    QString metric;  ///< e.g. "AzureOpenAITokenPerSecond"
    QString code;    ///< Azure's errorCode, e.g. "InvalidSamplingType"
    QString message; ///< Azure's errorMessage, may be empty
};

/// The outcome of parsing one Azure Monitor metrics response. Pure data.
struct MetricsParseResult
{
    bool ok = false;
    QString error;                 ///< in words when !ok, e.g. "Azure Monitor: BadRequest: ..."
    QString errorCode;             ///< Azure's code when the body was an error document
    QVector<SeriesSamples> series; ///< one per (metric, aggregation, dimension values)
    QString interval;              ///< e.g. "PT1M"
    /// Metrics of an ok answer that failed on their own: none of their values is in `series`.
    QVector<MetricFailure> failedMetrics;
};

/// Parses a metrics response body into series for connection `source`. Dimension names are
/// matched case-insensitively against `dimensions` and stored with that spelling; omitted
/// values are skipped (never read as 0); an error body becomes !ok with Azure's code/message.
/// A metric answered with an errorCode (a 200 can carry one beside good metrics) lands in
/// failedMetrics, whole: all-or-nothing holds per metric, not per answer.
MetricsParseResult parseMetricsResponse(const QByteArray& body, const QString& source,
                                        const QStringList& dimensions);

} // namespace isc::azure
