#include "metricsquery.h"

#include "emulator/demoaccount.h"

#include "core/timerange.h"

namespace isc::emu::detail {

namespace {

constexpr int kMaxMetricNames = 20;
constexpr int kDefaultTop = 10;
constexpr qint64 kMaxSpanSeconds = 93LL * 86400;

QString readMetricNames(const QMap<QString, QString>& q, QVector<const MetricDef*>* out)
{
    const QString names =
        q.value(QStringLiteral("metricnames"), QStringLiteral("AzureOpenAIRequests"));
    const QStringList nameList = names.split(QLatin1Char(','), Qt::SkipEmptyParts);
    if (nameList.size() > kMaxMetricNames)
        return QStringLiteral("Requested metrics count: %1 bigger than allowed max: %2. "
                              "Split the request into calls of at most %2 metric names.")
            .arg(nameList.size())
            .arg(kMaxMetricNames);
    for (const auto& raw : nameList) {
        const QString name = raw.trimmed();
        const MetricDef* def = findMetric(name);
        if (!def) {
            QStringList valid;
            for (const auto& d : metricDefs())
                valid << QLatin1String(d.name);
            return QStringLiteral("Failed to find metric configuration for provider: "
                                  "Microsoft.CognitiveServices, resource Type: accounts, "
                                  "metric: %1, Valid metrics: %2")
                .arg(name, valid.join(QLatin1Char(',')));
        }
        out->append(def);
    }
    if (out->isEmpty())
        return QStringLiteral("The metricnames parameter is empty.");
    return {};
}

QString readInterval(const QMap<QString, QString>& q, qint64* interval)
{
    const QString text = q.value(QStringLiteral("interval"), QStringLiteral("PT1M"));
    *interval = grainSeconds(text);
    if (*interval != 0)
        return {};
    QStringList names;
    for (const auto& grain : timeGrains())
        names << QLatin1String(grain.name);
    return QStringLiteral("Detected invalid interval '%1'. Supported intervals: %2.")
        .arg(text, names.join(QStringLiteral(", ")));
}

// The last hour when no timespan is given.
QString readTimespan(const QMap<QString, QString>& q, qint64 now, MetricsQuery* out)
{
    out->start = floorTo(now, 60) - 3600;
    out->end = floorTo(now, 60);
    if (q.contains(QStringLiteral("timespan"))) {
        const QString text = q.value(QStringLiteral("timespan"));
        const QStringList parts = text.split(QLatin1Char('/'));
        const auto s = parts.size() == 2 ? parseIsoUtc(parts[0]) : std::nullopt;
        const auto e = parts.size() == 2 ? parseIsoUtc(parts[1]) : std::nullopt;
        if (!s || !e)
            return QStringLiteral("Invalid timespan '%1': expected 'START/END' in ISO 8601 UTC.")
                .arg(text);
        out->start = *s;
        out->end = *e;
    }
    if (out->end <= out->start)
        return QStringLiteral("Invalid timespan: the end must be after the start.");
    if (out->end - out->start > kMaxSpanSeconds)
        return QStringLiteral("The timespan is longer than the 93-day retention.");
    return {};
}

// Only the aggregations asked for come back.
QString readAggregations(const QMap<QString, QString>& q, std::optional<QStringList>* out)
{
    if (!q.contains(QStringLiteral("aggregation")))
        return {};
    QStringList aggs;
    for (const auto& a :
         q.value(QStringLiteral("aggregation")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString lower = a.trimmed().toLower();
        if (!aggregationNames().contains(lower))
            return QStringLiteral("Invalid aggregation '%1'. Valid ones: Total, Average, Minimum, "
                                  "Maximum, Count.")
                .arg(a.trimmed());
        if (!aggs.contains(lower))
            aggs << lower;
    }
    *out = aggs;
    return {};
}

QString readTop(const QMap<QString, QString>& q, int* top)
{
    *top = kDefaultTop;
    if (!q.contains(QStringLiteral("top")))
        return {};
    bool ok = false;
    *top = q.value(QStringLiteral("top")).trimmed().toInt(&ok);
    if (!ok || *top <= 0)
        return QStringLiteral("Invalid top '%1': expected a positive integer.")
            .arg(q.value(QStringLiteral("top")));
    return {};
}

QString readNamespace(const QMap<QString, QString>& q)
{
    const QString ns = q.value(QStringLiteral("metricnamespace"));
    if (!ns.isEmpty() && ns.compare(accountNamespace(), Qt::CaseInsensitive) != 0)
        return QStringLiteral("Metric namespace '%1' is not valid for this resource; use '%2'.")
            .arg(ns, accountNamespace());
    return {};
}

} // namespace

QString readMetricsQuery(const QMap<QString, QString>& q, qint64 now, MetricsQuery* out)
{
    // Checked in Azure's order: the first problem is the one reported.
    QString error = readMetricNames(q, &out->metrics);
    if (error.isEmpty())
        error = readNamespace(q);
    if (error.isEmpty())
        error = readInterval(q, &out->interval);
    if (error.isEmpty())
        error = readTimespan(q, now, out);
    if (error.isEmpty())
        error = readAggregations(q, &out->aggregations);
    if (error.isEmpty())
        error = readTop(q, &out->top);
    const QString filterText = q.value(QStringLiteral("$filter")).trimmed();
    if (error.isEmpty() && !filterText.isEmpty()) {
        out->filter = parseFilter(filterText);
        error = out->filter.error;
    }
    return error;
}

} // namespace isc::emu::detail
