#include "azuresource_p.h"

#include "azurerequests.h"
#include "azureusagesparser.h"
#include "core/whenready.h"
#include "net/httpclient.h"

#include <QSet>
#include <QtConcurrent/QtConcurrentRun>

namespace isc::azure {

void AzureSource::Private::startCycle(const TimeRange& window, bool backfill, bool withQuota)
{
    Cycle c;
    c.generation = ++generation;
    c.backfill = backfill;
    c.window = window;
    c.batch.source = connection.id;
    c.batch.window = window;
    cycle = c;
    health.lastAttempt = clock();
    emitHealth();

    if (calls.isEmpty()) {
        cycle->error =
            connection.metrics.isEmpty() && monitor
                ? QStringLiteral("no metrics are configured for %1").arg(resourceName())
                : QStringLiteral("none of the metrics configured for %1 is offered by it (%2)")
                      .arg(resourceName(), skipped.join(QLatin1String(", ")));
        finishCycle();
        return;
    }
    // Every call of the window is sent before any answer is handled (answers are queued).
    const QString metricNamespace = monitor
                                        ? resourceType(connection.resourceId)
                                        : QStringLiteral("Microsoft.CognitiveServices/accounts");
    const QString timespan = formatIsoUtc(window.from) + QLatin1Char('/') + formatIsoUtc(window.to);
    QVector<HttpRequest> requests;
    QStringList planned;
    for (const MetricGroup& call : calls) {
        QList<std::pair<QString, QString>> query{
            {QStringLiteral("api-version"), kMonitorApiVersion}};
        if (!metricNamespace.isEmpty())
            query.append({QStringLiteral("metricnamespace"), metricNamespace});
        query.append({QStringLiteral("metricnames"), call.metrics.join(QLatin1Char(','))});
        query.append({QStringLiteral("timespan"), timespan});
        query.append({QStringLiteral("interval"), QStringLiteral("PT1M")});
        query.append({QStringLiteral("aggregation"), call.aggregations});
        if (!call.splitBy.isEmpty()) {
            query.append({QStringLiteral("$filter"), filterFor(call.splitBy)});
            query.append({QStringLiteral("top"), QString::number(seriesPerCall)});
        }
        HttpRequest req;
        QString error;
        const QUrl url = buildUrl(
            connection.managementEndpoint,
            connection.resourceId + QLatin1String("/providers/Microsoft.Insights/metrics"), query);
        if (!prepare(&req, url, &error)) {
            cycle->error = error;
            finishCycle();
            return;
        }
        requests.append(req);
        cycle->callNames.append(call.metrics);
        planned += call.metrics;
    }
    cycle->tally = MetricTally(planned);
    cycle->outstanding = static_cast<int>(requests.size());
    const quint64 gen = cycle->generation;
    for (int i = 0; i < requests.size(); ++i)
        cycle->requests.append(http->send(
            requests.at(i), q, [this, gen, i](const HttpResponse& r) { onMetrics(gen, i, r); }));
    if (withQuota) {
        cycle->quota = true;
        ++cycle->outstanding;
        quotaAt = clock(); // a failed read is retried with the next inventory, not every poll
        fetchQuota(gen);
    }
}

void AzureSource::Private::fetchQuota(quint64 gen)
{
    if (!location.isEmpty()) {
        fetchUsages(gen);
        return;
    }
    // The quota is per subscription and location: the account says where it lives.
    HttpRequest req;
    QString error;
    if (!prepare(&req, armUrl(connection.resourceId, kArmApiVersion), &error)) {
        quotaDone(gen, error, {});
        return;
    }
    cycle->requests.append(http->send(req, q, [this, gen](const HttpResponse& r) {
        if (!cycle || cycle->generation != gen)
            return;
        QString why;
        if (!r.ok()) {
            why = describeFailure(r, kArm);
        } else {
            location = parseResourceLocation(r.body, &why);
            if (!location.isEmpty()) {
                fetchUsages(gen);
                return;
            }
        }
        quotaDone(gen, why, {});
    }));
}

void AzureSource::Private::fetchUsages(quint64 gen)
{
    const QString path = subscriptionPath(connection.resourceId) +
                         QLatin1String("/providers/Microsoft.CognitiveServices/locations/") +
                         location + QLatin1String("/usages");
    // The quota lands on the window's last minute, with the poll it belongs to.
    const qint64 ts = cycle->window.to - 60;
    auto series = std::make_shared<QVector<SeriesSamples>>();
    auto reader = ArmListReader::start(
        http, q, kArm, QStringLiteral("the quota list of %1").arg(location),
        armUrl(path, kArmApiVersion), preparer(),
        [this, series, ts](const QByteArray& body, QString* next, QString* error) {
            const UsagesParseResult parsed = parseUsagesResponse(body, connection.id, ts, location);
            *error = parsed.error;
            *next = parsed.nextLink;
            *series += parsed.series;
            return parsed.ok;
        },
        [this, gen, series](const QString& error, const HttpResponse&) {
            quotaDone(gen, error, error.isEmpty() ? *series : QVector<SeriesSamples>());
        });
    if (reader->isActive() && cycle && cycle->generation == gen)
        cycle->quotaRead = reader;
}

void AzureSource::Private::quotaDone(quint64 gen, const QString& error,
                                     const QVector<SeriesSamples>& series)
{
    if (!cycle || cycle->generation != gen)
        return;
    --cycle->outstanding;
    // The quota is extra: a subscription the token cannot read must not fail the metrics.
    if (!error.isEmpty())
        cycle->quotaError =
            QStringLiteral("could not read the quota of %1 in %2: %3")
                .arg(resourceName(), location.isEmpty() ? QStringLiteral("its location") : location,
                     error);
    else
        cycle->batch.series += series;
    if (cycle->outstanding == 0)
        finishCycle();
}

void AzureSource::Private::onMetrics(quint64 gen, int call, const HttpResponse& r)
{
    if (!cycle || cycle->generation != gen)
        return; // an answer to a cycle already decided (or cancelled)
    if (r.status > 0)
        health.latencyMs = r.elapsedMs;
    if (!r.ok()) {
        // Only this call's metrics go without: the other calls' values still land.
        --cycle->outstanding;
        cycle->tally.fail(cycle->callNames.value(call), describeFailure(r, kMonitor));
        if (cycle->outstanding == 0)
            finishCycle();
        return;
    }
    // A backfill chunk is megabytes of JSON: parse it on the pool, continue on our thread.
    const QStringList dims = monitor ? QStringList() : dimensionNames();
    const QFuture<MetricsParseResult> parsing =
        QtConcurrent::run([body = r.body, source = connection.id, dims] {
            return parseMetricsResponse(body, source, dims);
        });
    whenReady(q, parsing,
              [this, gen, call](const MetricsParseResult& parsed) { onParsed(gen, call, parsed); });
}

void AzureSource::Private::onParsed(quint64 gen, int call, const MetricsParseResult& parsed)
{
    if (!cycle || cycle->generation != gen)
        return;
    --cycle->outstanding;
    if (!parsed.ok) {
        cycle->tally.fail(cycle->callNames.value(call), parsed.error);
    } else {
        QHash<QString, QSet<QString>> seriesPerMetric;
        for (const auto& s : parsed.series)
            seriesPerMetric[s.key.metric].insert(s.key.labels);
        for (auto it = seriesPerMetric.cbegin(); it != seriesPerMetric.cend(); ++it) {
            if (it.value().size() >= seriesPerCall) {
                const QString message =
                    QStringLiteral("%1: %2 returned %3 series, the most one call asks for; "
                                   "some may be missing")
                        .arg(connection.id, it.key())
                        .arg(seriesPerCall);
                qCWarning(lcAzure, "%s", qPrintable(message));
                emit q->warning(message);
            }
        }
        // A 200 can carry failed metrics beside good ones: each failed one is its own gap.
        for (const MetricFailure& f : parsed.failedMetrics)
            cycle->tally.fail(f.metric,
                              f.code + QLatin1String(": ") +
                                  (f.message.isEmpty() ? QStringLiteral("no message") : f.message));
        cycle->batch.series += parsed.series;
    }
    if (cycle->outstanding == 0)
        finishCycle();
}

void AzureSource::Private::finishCycle()
{
    Cycle c = std::move(*cycle);
    cycle.reset();
    if (http) {
        for (quint64 id : c.requests)
            http->cancel(id); // none is left in flight unless the window failed before sending
    }
    // Every metric failed: the whole window is the source's gap (one marker, not one each).
    if (c.error.isEmpty() && c.tally.allFailed())
        c.error = c.tally.wholeReason();
    const qint64 now = clock();
    if (c.quota && !c.error.isEmpty())
        quotaAt = 0; // the poll failed as a whole: read the quota again with the next one
    else if (c.quota && !c.quotaError.isEmpty())
        warn(c.quotaError);
    if (c.error.isEmpty()) {
        health.lastSuccess = now;
        health.lastError = c.tally.summary(); // "1 of 11 metrics failing: …", or empty
        emit q->batchReady(c.batch);
        for (const GapMarker& gap : c.tally.gaps(connection.id, c.window, now))
            emit q->pollFailed(gap);
    } else {
        health.lastError = c.error;
        emit q->pollFailed(GapMarker{connection.id, c.window, c.error, now});
    }
    q->cycleEnded(!c.error.isEmpty());
}

} // namespace isc::azure
