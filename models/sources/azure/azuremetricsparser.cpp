#include "azuremetricsparser.h"

#include "azurejson.h"
#include "core/labels.h"
#include "core/timerange.h"

#include <QJsonArray>
#include <QJsonObject>
#include <array>

namespace isc::azure {
namespace {

// The aggregation keys of a data point, in the order series are emitted.
constexpr std::array<const char*, 5> kAggregations = {"total", "average", "minimum", "maximum",
                                                      "count"};

MetricsParseResult metricsFailure(const QString& error, const QString& code = {})
{
    MetricsParseResult r;
    r.ok = false;
    r.error = error;
    r.errorCode = code;
    return r;
}

QString dimensionSpelling(const QString& name, const QStringList& dimensions)
{
    for (const auto& d : dimensions) {
        if (d.compare(name, Qt::CaseInsensitive) == 0)
            return d;
    }
    return name;
}

} // namespace

MetricsParseResult parseMetricsResponse(const QByteArray& body, const QString& source,
                                        const QStringList& dimensions)
{
    QString error;
    const std::optional<QJsonObject> root = parseAzureObject(body, kMonitor, &error);
    if (!root)
        return metricsFailure(error);

    QString code, message;
    if (azureErrorDocument(*root, &code, &message)) {
        return metricsFailure(azureErrorText(kMonitor, code, message), code);
    }
    const QJsonValue value = root->value(QLatin1String("value"));
    if (!value.isArray())
        return metricsFailure(kMonitor +
                              QLatin1String(": the response has no value[] array of metrics"));

    MetricsParseResult result;
    result.interval = root->value(QLatin1String("interval")).toString();
    const QJsonArray metrics = value.toArray();
    for (qsizetype mi = 0; mi < metrics.size(); ++mi) {
        if (!metrics.at(mi).isObject())
            return metricsFailure(
                QStringLiteral("%1: value[%2] is not a metric object").arg(kMonitor).arg(mi));
        const QJsonObject metric = metrics.at(mi).toObject();
        const QString metricName = azureNameValue(metric.value(QLatin1String("name")));
        if (metricName.isEmpty())
            return metricsFailure(
                QStringLiteral("%1: value[%2] has no metric name").arg(kMonitor).arg(mi));
        const QString metricError = metric.value(QLatin1String("errorCode")).toString();
        if (!metricError.isEmpty() && metricError != QLatin1String("Success")) {
            result.failedMetrics.append(
                {metricName, metricError, metric.value(QLatin1String("errorMessage")).toString()});
            continue;
        }
        const QString unit = metric.value(QLatin1String("unit")).toString();
        const QJsonValue tsValue = metric.value(QLatin1String("timeseries"));
        if (tsValue.isUndefined() || tsValue.isNull())
            continue;
        if (!tsValue.isArray())
            return metricsFailure(
                QStringLiteral("%1: timeseries of %2 is not an array").arg(kMonitor, metricName));
        const QJsonArray timeseries = tsValue.toArray();
        for (const QJsonValue& tsv : timeseries) {
            if (!tsv.isObject())
                return metricsFailure(QStringLiteral("%1: a timeseries of %2 is not an object")
                                          .arg(kMonitor, metricName));
            const QJsonObject ts = tsv.toObject();

            QList<Label> labelPairs;
            const QJsonArray meta = ts.value(QLatin1String("metadatavalues")).toArray();
            for (const QJsonValue& mv : meta) {
                const QJsonObject m = mv.toObject();
                const QString dim = azureNameValue(m.value(QLatin1String("name")));
                if (dim.isEmpty())
                    continue;
                labelPairs.append({dimensionSpelling(dim, dimensions),
                                   m.value(QLatin1String("value")).toString()});
            }
            const QString labelText = labels::canonical(labelPairs);

            std::array<QVector<Sample>, kAggregations.size()> samples;
            const QJsonArray data = ts.value(QLatin1String("data")).toArray();
            for (const QJsonValue& pv : data) {
                const QJsonObject point = pv.toObject();
                const QString stamp = point.value(QLatin1String("timeStamp")).toString();
                const std::optional<qint64> t = parseIsoUtc(stamp);
                if (!t) {
                    return metricsFailure(QStringLiteral("%1: a data point of %2 has an unreadable "
                                                         "timeStamp \"%3\"")
                                              .arg(kMonitor, metricName, stamp.left(40)));
                }
                for (size_t ai = 0; ai < kAggregations.size(); ++ai) {
                    const QJsonValue v = point.value(QLatin1String(kAggregations[ai]));
                    if (v.isDouble()) // an omitted (or null) value means no data, never 0
                        samples[ai].append({*t, v.toDouble()});
                }
            }
            for (size_t ai = 0; ai < kAggregations.size(); ++ai) {
                if (samples[ai].isEmpty())
                    continue;
                SeriesSamples s;
                s.key = {source, metricName, QLatin1String(kAggregations[ai]), labelText};
                s.unit = unit;
                s.samples = std::move(samples[ai]);
                result.series.append(std::move(s));
            }
        }
    }
    result.ok = true;
    return result;
}

} // namespace isc::azure
