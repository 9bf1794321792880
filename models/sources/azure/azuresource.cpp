#include "azuresource_p.h"

#include "azuredefinitionsparser.h"
#include "azuredeploymentsparser.h"
#include "azurerequests.h"
#include "net/httpclient.h"
#include "sources/credentialprovider.h"

Q_LOGGING_CATEGORY(lcAzure, "inferscope.azure")

namespace isc::azure {

void AzureSource::Private::emitHealth()
{
    if (running && pollTimer.isActive())
        health.nextPoll = clock() + (pollTimer.remainingTime() + 999) / 1000;
    else
        health.nextPoll = 0;
    emit q->healthChanged(health);
}

void AzureSource::Private::setState(SourceHealth::State state)
{
    health.state = state;
    emitHealth();
}

void AzureSource::Private::warn(const QString& message)
{
    qCWarning(lcAzure, "%s: %s", qPrintable(connection.id), qPrintable(message));
    emit q->warning(message);
}

QString AzureSource::Private::resourceName() const
{
    const QString name = connection.resourceId.section(QLatin1Char('/'), -1);
    return name.isEmpty() ? connection.id : name;
}

QUrl AzureSource::Private::armUrl(const QString& path, const QString& apiVersion) const
{
    return buildUrl(connection.managementEndpoint, path,
                    {{QStringLiteral("api-version"), apiVersion}});
}

// A request to `url` with the bearer token, bound to the connection's hosts.
bool AzureSource::Private::prepare(HttpRequest* req, const QUrl& url, QString* error) const
{
    *req = requestFor(connection, url);
    return http && bearer(&req->headers, error);
}

ArmListReader::Prepare AzureSource::Private::preparer() const
{
    return [this](HttpRequest* req, const QUrl& url, QString* error) {
        return prepare(req, url, error);
    };
}

void AzureSource::Private::replan()
{
    QStringList skippedNow;
    calls = monitor ? planMetricCalls(monitorGroups(connection.metrics, definitions, &skippedNow),
                                      std::nullopt, nullptr)
                    : planMetricCalls(metricGroups(), definitions, &skippedNow);
    for (const QString& name : skippedNow) {
        if (skipped.contains(name))
            continue;
        skipped.append(name);
        warn(skippedMetricMessage(name, resourceName()));
    }
}

bool AzureSource::Private::bearer(QList<HttpHeader>* headers, QString* error) const
{
    QString err;
    const QString t = token ? token(&err) : QString();
    if (t.isEmpty()) {
        *error = err.isEmpty() ? QStringLiteral("no token is available for %1")
                                     .arg(connection.displayName.isEmpty() ? connection.id
                                                                           : connection.displayName)
                               : err;
        return false;
    }
    headers->append({QByteArrayLiteral("Authorization"), "Bearer " + t.toUtf8()});
    return true;
}

void AzureSource::Private::fetchInventory(std::function<void()> then)
{
    if (monitor) {
        fetchDefinitions(std::move(then)); // a generic resource has no deployments
        return;
    }
    auto deployments = std::make_shared<Deployments>();
    auto reader = ArmListReader::start(
        http, q, kArm, QStringLiteral("the deployments list of %1").arg(resourceName()),
        armUrl(connection.resourceId + QLatin1String("/deployments"), kArmApiVersion), preparer(),
        [this, deployments](const QByteArray& body, QString* next, QString* error) {
            const DeploymentsParseResult parsed = parseDeploymentsResponse(body, connection.id);
            *error = parsed.error;
            *next = parsed.nextLink;
            *deployments += parsed.deployments;
            return parsed.ok;
        },
        [this, then, deployments](const QString& error, const HttpResponse&) {
            if (error.isEmpty()) {
                inventoryAt = clock();
                emit q->inventoryReady(*deployments);
                fetchDefinitions(then);
                return;
            }
            health.lastError = error;
            setState(SourceHealth::State::Failing);
            if (then)
                then();
        });
    if (reader->isActive())
        inventoryRead = reader;
}

void AzureSource::Private::fetchDefinitions(std::function<void()> then)
{
    const QString path =
        connection.resourceId + QLatin1String("/providers/Microsoft.Insights/metricDefinitions");
    auto read = std::make_shared<QVector<MetricDefinition>>();
    auto reader = ArmListReader::start(
        http, q, kMonitor, QStringLiteral("the metric definitions of %1").arg(resourceName()),
        armUrl(path, kMonitorApiVersion), preparer(),
        [read](const QByteArray& body, QString* next, QString* error) {
            const DefinitionsParseResult parsed = parseMetricDefinitionsResponse(body);
            *error = parsed.error;
            *next = parsed.nextLink;
            *read += parsed.definitions;
            return parsed.ok;
        },
        [this, then, read](const QString& error, const HttpResponse&) {
            if (error.isEmpty()) {
                inventoryAt = clock();
                definitions = *read;
            } else {
                // Unchecked names still poll: the metrics call itself says what is wrong.
                warn(QStringLiteral("could not check the metric names of %1 (%2); polling them "
                                    "unchecked")
                         .arg(resourceName(), error));
            }
            replan();
            if (then)
                then();
        });
    if (reader->isActive())
        inventoryRead = reader;
}

void AzureSource::Private::nextChunk()
{
    if (!running)
        return;
    if (chunkIndex >= chunks.size()) {
        finishBackfill();
        return;
    }
    startCycle(chunks.at(chunkIndex++), true);
}

void AzureSource::Private::finishBackfill()
{
    backfilling = false;
    chunks.clear();
    chunkIndex = 0;
    health.backfillDone = 0;
    health.backfillTotal = 0;
    emit q->backfillFinished();
    if (!running)
        return;
    pollRequested = false; // the first poll runs now
    setState(SourceHealth::State::Polling);
    pollTimer.start(std::max(1, connection.pollIntervalSeconds) * 1000);
    poll();
}

void AzureSource::Private::poll()
{
    if (cycle || backfilling) {
        pollRequested = true; // never two in flight: run right after the current one
        return;
    }
    const qint64 end = floorTo(clock(), 60);
    if (running && !inventoryBusy() &&
        (inventoryAt == 0 || clock() - inventoryAt >= inventoryRefreshSeconds))
        fetchInventory({});
    const bool quota =
        !monitor && running && (quotaAt == 0 || clock() - quotaAt >= inventoryRefreshSeconds);
    startCycle({end - pollOverlapSeconds, end}, false, quota);
}

AzureSource::AzureSource(Connection connection, HttpClient* http, TokenProvider token,
                         QObject* parent)
    : Source(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->connection = std::move(connection);
    d->http = http;
    d->token = std::move(token);
    d->health.source = d->connection.id;
    d->health.displayName = d->connection.displayName;
    d->monitor = d->connection.kind == QLatin1String("azure-monitor");
    d->replan();
    d->pollTimer.setTimerType(Qt::CoarseTimer);
    connect(&d->pollTimer, &QTimer::timeout, this, [this] {
        if (d->cycle || d->backfilling)
            return; // a slow cycle is still running: the overlap of the next poll covers it
        d->poll();
    });
}

AzureSource::~AzureSource()
{
    d->halt(false);
}

const Connection& AzureSource::connection() const
{
    return d->connection;
}

void AzureSource::start(qint64 backfillFrom)
{
    QVector<TimeRange> windows;
    if (backfillFrom > 0)
        windows.append({backfillFrom, floorTo(d->clock(), 60)});
    start(windows);
}

void AzureSource::start(const QVector<TimeRange>& backfill)
{
    if (d->running)
        return;
    d->running = true;
    ++d->runId;
    d->backfilling = true;
    d->setState(SourceHealth::State::Connecting);
    d->fetchInventory([this, backfill] {
        if (!d->running)
            return;
        d->chunks.clear();
        d->chunkIndex = 0;
        const qint64 end = floorTo(d->clock(), 60);
        const qint64 step = std::max<qint64>(60, floorTo(d->chunkSeconds, 60));
        for (const TimeRange& w : backfill) {
            const qint64 from = floorTo(w.from, 60);
            // Newest first: what the user looks at first (the last hours) arrives first.
            for (qint64 to = std::min(floorTo(w.to + 59, 60), end); to > from; to -= step)
                d->chunks.append({std::max(from, to - step), to});
        }
        if (d->chunks.isEmpty()) {
            d->finishBackfill();
            return;
        }
        d->health.backfillDone = 0;
        d->health.backfillTotal = static_cast<int>(d->chunks.size());
        d->setState(SourceHealth::State::Backfilling);
        emit backfillProgress(0, d->health.backfillTotal);
        d->nextChunk();
    });
}

void AzureSource::Private::halt(bool notify)
{
    const bool wasActive = running || cycle;
    running = false;
    ++runId;
    backfilling = false;
    pollRequested = false;
    pollTimer.stop();
    if (cycle) {
        const QList<quint64> ids = cycle->requests;
        cycle.reset(); // and its quota read
        if (http) {
            for (quint64 id : ids)
                http->cancel(id);
        }
    }
    inventoryRead.reset(); // cancels the page in flight
    if (wasActive) {
        health.backfillDone = 0;
        health.backfillTotal = 0;
        health.state = SourceHealth::State::Idle;
        if (notify)
            emitHealth();
    }
}

void AzureSource::stop()
{
    d->halt(true);
}

void AzureSource::pollNow()
{
    d->poll();
}

void AzureSource::setClock(std::function<qint64()> nowUtc)
{
    d->clock = std::move(nowUtc);
}

void AzureSource::setBackfillChunkSeconds(qint64 seconds)
{
    d->chunkSeconds = std::max<qint64>(60, seconds);
}

SourceHealth AzureSource::health() const
{
    return d->health;
}

bool AzureSource::isBackfilling() const
{
    return d->backfilling;
}

bool AzureSource::isBusy() const
{
    return d->cycle.has_value();
}

QVector<AzureSource::MetricGroup> AzureSource::plannedCalls() const
{
    return d->calls;
}

QStringList AzureSource::skippedMetrics() const
{
    return d->skipped;
}

HttpRequest AzureSource::requestFor(const Connection& connection, const QUrl& url)
{
    HttpRequest req;
    req.url = url;
    req.credentialHosts = credentialHosts(connection);
    return req;
}

QVector<AzureSource::MetricGroup> AzureSource::metricGroups()
{
    const QString deployment = QStringLiteral("ModelDeploymentName");
    return {
        {{QStringLiteral("AzureOpenAIRequests")},
         QStringLiteral("Total"),
         {deployment, QStringLiteral("StatusCode"), QStringLiteral("IsSpillover")}},
        // Training hours of fine-tunes share the tokens' call: a total per deployment too.
        {{QStringLiteral("ProcessedPromptTokens"), QStringLiteral("GeneratedTokens"),
          QStringLiteral("FineTunedTrainingHours")},
         QStringLiteral("Total"),
         {deployment}},
        {{QStringLiteral("AzureOpenAINormalizedTTFTInMS"), QStringLiteral("AzureOpenAITTLTInMS"),
          QStringLiteral("AzureOpenAITimeToResponse"),
          QStringLiteral("AzureOpenAINormalizedTBTInMS"),
          QStringLiteral("AzureOpenAITokenPerSecond")},
         QStringLiteral("Average,Maximum"),
         {deployment}},
        {{QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"),
          QStringLiteral("AzureOpenAIContextTokensCacheMatchRate")},
         QStringLiteral("Average,Maximum"),
         {deployment}},
    };
}

QStringList AzureSource::metricNames()
{
    QStringList names;
    for (const auto& g : metricGroups())
        names += g.metrics;
    return names;
}

QStringList AzureSource::dimensionNames()
{
    QStringList dims;
    for (const auto& g : metricGroups()) {
        for (const auto& dim : g.splitBy) {
            if (!dims.contains(dim))
                dims << dim;
        }
    }
    return dims;
}

} // namespace isc::azure
