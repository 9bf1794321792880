#include "azuresource_p.h"

#include "azuredefinitionsparser.h"
#include "azuredeploymentsparser.h"
#include "azurerequests.h"
#include "net/httpclient.h"
#include "sources/credentialprovider.h"

Q_LOGGING_CATEGORY(lcAzure, "inferscope.azure")

namespace isc::azure {

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

void AzureSource::runChunk(const Chunk& chunk)
{
    d->startCycle(chunk.window, true);
}

void AzureSource::runPoll()
{
    const qint64 end = floorTo(now(), 60);
    if (isRunning() && !d->inventoryBusy() &&
        (d->inventoryAt == 0 || now() - d->inventoryAt >= inventoryRefreshSeconds))
        d->fetchInventory({});
    const bool quota = !d->monitor && isRunning() &&
                       (d->quotaAt == 0 || now() - d->quotaAt >= inventoryRefreshSeconds);
    d->startCycle({end - pollOverlapSeconds, end}, false, quota);
}

AzureSource::AzureSource(Connection connection, HttpClient* http, TokenProvider token,
                         QObject* parent)
    : PollingSource(std::move(connection), 1, parent), d(std::make_unique<Private>(this))
{
    d->http = http;
    d->token = std::move(token);
    d->monitor = PollingSource::connection().kind == QLatin1String("azure-monitor");
    d->replan();
}

AzureSource::~AzureSource()
{
    halt(false);
}

void AzureSource::start(qint64 backfillFrom)
{
    QVector<TimeRange> windows;
    if (backfillFrom > 0)
        windows.append({backfillFrom, floorTo(now(), 60)});
    start(windows);
}

void AzureSource::planRun(const QVector<TimeRange>& windows)
{
    setState(SourceHealth::State::Connecting);
    d->fetchInventory([this, windows, run = runId()] {
        if (run != runId())
            return; // stopped (or restarted) meanwhile
        beginBackfill(newestFirst(windows, floorTo(now(), 60), d->chunkSeconds));
    });
}

void AzureSource::cancelWork()
{
    if (d->cycle) {
        const QList<quint64> ids = d->cycle->requests;
        d->cycle.reset(); // and its quota read
        if (d->http) {
            for (quint64 id : ids)
                d->http->cancel(id);
        }
    }
    d->inventoryRead.reset(); // cancels the page in flight
}

void AzureSource::setBackfillChunkSeconds(qint64 seconds)
{
    d->chunkSeconds = std::max<qint64>(60, seconds);
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
