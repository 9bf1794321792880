#include "azuresource.h"
#include "core/whenready.h"

#include "azuredefinitionsparser.h"
#include "azuredeploymentsparser.h"
#include "azurejson.h"
#include "azuremetricsparser.h"
#include "azureusagesparser.h"
#include "net/httpclient.h"
#include "net/retrypolicy.h"
#include "sources/credentialprovider.h"

#include <QLoggingCategory>
#include <QPointer>
#include <QSet>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <optional>

Q_LOGGING_CATEGORY(lcAzure, "inferscope.azure")

namespace isc::azure {
namespace {

const QString kMonitor = QStringLiteral("Azure Monitor");
const QString kArm = QStringLiteral("Azure Resource Manager");
constexpr qint64 kDefaultChunkSeconds = 6 * 3600;
const QString kMonitorApiVersion = QStringLiteral("2024-02-01");
const QString kArmApiVersion = QStringLiteral("2024-10-01");

QString filterFor(const QStringList& splitBy)
{
    QStringList clauses;
    for (const auto& dim : splitBy)
        clauses << dim + QLatin1String(" eq '*'");
    return clauses.join(QLatin1String(" and "));
}

QUrl buildUrl(const QUrl& base, const QString& resourcePath,
              const QList<std::pair<QString, QString>>& query)
{
    QUrl url = base;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + resourcePath);
    QByteArray raw;
    for (const auto& [key, value] : query) {
        if (!raw.isEmpty())
            raw += '&';
        // Encode everything but unreserved characters: '+' would otherwise read as a space.
        raw += QUrl::toPercentEncoding(key, "$") + '=' + QUrl::toPercentEncoding(value, "*',:");
    }
    url.setQuery(QString::fromLatin1(raw), QUrl::StrictMode);
    return url;
}

// A failed call in words, naming the service that refused it.
QString describeFailure(const HttpResponse& r, const QString& service)
{
    const QString detail = retry::providerMessage(r.body);
    switch (r.error.kind) {
    case HttpError::Kind::Auth:
        return QStringLiteral("%1 refused the token (%2)%3")
            .arg(service)
            .arg(r.status)
            .arg(detail.isEmpty() ? QString() : QLatin1String(": ") + detail);
    case HttpError::Kind::HttpStatus: {
        QString parseError;
        const auto root = parseAzureObject(r.body, service, &parseError);
        QString code, message;
        if (r.status > 0 && root && azureErrorDocument(*root, &code, &message))
            return QStringLiteral("%1 rejected the request (HTTP %2 %3): %4")
                .arg(service)
                .arg(r.status)
                .arg(code, message);
        return service + QLatin1String(": ") + r.error.message;
    }
    case HttpError::Kind::Throttled:
        return service + QLatin1String(": ") + r.error.message;
    default:
        return r.error.message;
    }
}

// "Microsoft.ContainerInstance/containerGroups" of ".../providers/Microsoft.ContainerInstance/
// containerGroups/name": the resource type, which is its metric namespace.
QString resourceType(const QString& resourceId)
{
    const QStringList parts = resourceId.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const qsizetype i = parts.lastIndexOf(QStringLiteral("providers"));
    if (i < 0 || i + 2 >= parts.size())
        return {};
    return parts.at(i + 1) + QLatin1Char('/') + parts.at(i + 2);
}

} // namespace

struct AzureSource::Private
{
    AzureSource* q = nullptr;
    Connection connection;
    QPointer<HttpClient> http;
    TokenProvider token;
    std::function<qint64()> clock = [] { return nowUtc(); };
    qint64 chunkSeconds = kDefaultChunkSeconds;
    SourceHealth health;
    QTimer pollTimer;

    bool running = false;
    quint64 runId = 0; // bumped by start()/stop() so queued steps of an old run do nothing
    bool backfilling = false;
    bool pollRequested = false;
    QVector<TimeRange> chunks;
    int chunkIndex = 0;
    qint64 inventoryAt = 0; // s UTC of the last good inventory, 0 = never
    quint64 inventoryRequest = 0;

    bool monitor = false; // kind azure-monitor: connection.metrics, no deployments, no quota
    std::optional<QVector<MetricDefinition>> definitions; // nullopt until read
    QVector<MetricGroup> calls;                           // what one window reads
    QStringList skipped;                                  // names not offered (warned once)
    QString location;                                     // of the account, for its quota
    qint64 quotaAt = 0;                                   // s UTC of the last quota read

    // The chunk or poll in flight: its calls land together or not at all.
    struct Cycle
    {
        quint64 generation = 0;
        bool backfill = false;
        TimeRange window;
        int outstanding = 0;
        PollBatch batch;
        QString error;
        QList<quint64> requests;
        bool quota = false; // the location quota is read with this poll
        QString quotaError; // why it could not be (a warning, not a failure)
    };
    std::optional<Cycle> cycle;
    quint64 generation = 0;

    void setState(SourceHealth::State state);
    void emitHealth();
    void warn(const QString& message);
    QString resourceName() const;
    QUrl armUrl(const QString& path, const QString& apiVersion) const;
    bool prepare(HttpRequest* req, const QUrl& url, QString* error) const;
    void replan();
    void fetchInventory(std::function<void()> then);
    void fetchDefinitions(std::function<void()> then);
    void startCycle(const TimeRange& window, bool backfill, bool withQuota = false);
    void fetchQuota(quint64 generation);
    void fetchUsages(quint64 generation);
    void quotaDone(quint64 generation, const QString& error, const QVector<SeriesSamples>& series);
    void onMetrics(quint64 generation, const HttpResponse& r);
    void onParsed(quint64 generation, const MetricsParseResult& parsed);
    void finishCycle();
    void nextChunk();
    void finishBackfill();
    void poll();
    bool bearer(QList<HttpHeader>* headers, QString* error) const;
    void halt(bool notify);
};

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
    HttpRequest req;
    QString error;
    if (!prepare(&req,
                 armUrl(connection.resourceId + QLatin1String("/deployments"), kArmApiVersion),
                 &error)) {
        health.lastError = error;
        setState(SourceHealth::State::Failing);
        if (then)
            then();
        return;
    }
    inventoryRequest = http->send(req, q, [this, then](const HttpResponse& r) {
        inventoryRequest = 0;
        if (r.error.kind == HttpError::Kind::Cancelled)
            return;
        if (!r.ok()) {
            health.lastError = describeFailure(r, kArm);
            setState(SourceHealth::State::Failing);
        } else {
            const DeploymentsParseResult parsed = parseDeploymentsResponse(r.body, connection.id);
            if (parsed.ok) {
                inventoryAt = clock();
                emit q->inventoryReady(parsed.deployments);
                fetchDefinitions(then);
                return;
            }
            health.lastError = parsed.error;
            setState(SourceHealth::State::Failing);
        }
        if (then)
            then();
    });
}

void AzureSource::Private::fetchDefinitions(std::function<void()> then)
{
    HttpRequest req;
    QString error;
    const QString path =
        connection.resourceId + QLatin1String("/providers/Microsoft.Insights/metricDefinitions");
    if (!prepare(&req, armUrl(path, kMonitorApiVersion), &error)) {
        health.lastError = error;
        setState(SourceHealth::State::Failing);
        if (then)
            then();
        return;
    }
    inventoryRequest = http->send(req, q, [this, then](const HttpResponse& r) {
        inventoryRequest = 0;
        if (r.error.kind == HttpError::Kind::Cancelled)
            return;
        QString why;
        if (!r.ok()) {
            why = describeFailure(r, kMonitor);
        } else {
            const DefinitionsParseResult parsed = parseMetricDefinitionsResponse(r.body);
            if (parsed.ok) {
                inventoryAt = clock();
                definitions = parsed.definitions;
            } else {
                why = parsed.error;
            }
        }
        // Unchecked names still poll: the metrics call itself says what is wrong.
        if (!why.isEmpty())
            warn(QStringLiteral("could not check the metric names of %1 (%2); polling them "
                                "unchecked")
                     .arg(resourceName(), why));
        replan();
        if (then)
            then();
    });
}

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
    }
    cycle->outstanding = static_cast<int>(requests.size());
    const quint64 gen = cycle->generation;
    for (const HttpRequest& req : requests)
        cycle->requests.append(
            http->send(req, q, [this, gen](const HttpResponse& r) { onMetrics(gen, r); }));
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
    const QString subscription = subscriptionPath(connection.resourceId);
    HttpRequest req;
    QString error;
    const QString path = subscription +
                         QLatin1String("/providers/Microsoft.CognitiveServices/locations/") +
                         location + QLatin1String("/usages");
    if (!prepare(&req, armUrl(path, kArmApiVersion), &error)) {
        quotaDone(gen, error, {});
        return;
    }
    cycle->requests.append(http->send(req, q, [this, gen](const HttpResponse& r) {
        if (!cycle || cycle->generation != gen)
            return;
        if (!r.ok()) {
            quotaDone(gen, describeFailure(r, kArm), {});
            return;
        }
        // The quota lands on the window's last minute, with the poll it belongs to.
        const UsagesParseResult parsed =
            parseUsagesResponse(r.body, connection.id, cycle->window.to - 60, location);
        quotaDone(gen, parsed.error, parsed.series);
    }));
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
    if (!cycle->error.isEmpty() || cycle->outstanding == 0)
        finishCycle();
}

void AzureSource::Private::onMetrics(quint64 gen, const HttpResponse& r)
{
    if (!cycle || cycle->generation != gen)
        return; // an answer to a cycle already decided (or cancelled)
    if (r.status > 0)
        health.latencyMs = r.elapsedMs;
    if (!r.ok()) {
        --cycle->outstanding;
        cycle->error = describeFailure(r, kMonitor);
        finishCycle();
        return;
    }
    // A backfill chunk is megabytes of JSON: parse it on the pool, continue on our thread.
    const QStringList dims = monitor ? QStringList() : dimensionNames();
    const QFuture<MetricsParseResult> parsing =
        QtConcurrent::run([body = r.body, source = connection.id, dims] {
            return parseMetricsResponse(body, source, dims);
        });
    whenReady(q, parsing, [this, gen](const MetricsParseResult& parsed) { onParsed(gen, parsed); });
}

void AzureSource::Private::onParsed(quint64 gen, const MetricsParseResult& parsed)
{
    if (!cycle || cycle->generation != gen)
        return;
    --cycle->outstanding;
    if (!parsed.ok) {
        cycle->error = parsed.error;
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
        cycle->batch.series += parsed.series;
    }
    if (!cycle->error.isEmpty() || cycle->outstanding == 0)
        finishCycle();
}

void AzureSource::Private::finishCycle()
{
    Cycle c = std::move(*cycle);
    cycle.reset();
    // One call failed: the others cannot make the window whole, so stop them.
    if (http) {
        for (quint64 id : c.requests)
            http->cancel(id);
    }
    const qint64 now = clock();
    if (c.quota && !c.error.isEmpty())
        quotaAt = 0; // the poll failed as a whole: read the quota again with the next one
    else if (c.quota && !c.quotaError.isEmpty())
        warn(c.quotaError);
    if (c.error.isEmpty()) {
        health.lastSuccess = now;
        health.lastError.clear();
        emit q->batchReady(c.batch);
    } else {
        health.lastError = c.error;
        emit q->pollFailed(GapMarker{connection.id, c.window, c.error, now});
    }
    if (c.backfill) {
        q->bookBackfillChunk(
            health, !c.error.isEmpty(), [this] { emitHealth(); },
            [this, run = runId] {
                if (run == runId)
                    nextChunk();
            });
        return;
    }
    setState(c.error.isEmpty() ? SourceHealth::State::Polling : SourceHealth::State::Failing);
    if (pollRequested) {
        pollRequested = false;
        poll();
    }
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
    if (running && inventoryRequest == 0 &&
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
        cycle.reset();
        if (http) {
            for (quint64 id : ids)
                http->cancel(id);
        }
    }
    if (inventoryRequest && http)
        http->cancel(inventoryRequest);
    inventoryRequest = 0;
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
