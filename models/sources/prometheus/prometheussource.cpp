#include "prometheussource.h"

#include "core/timerange.h"
#include "core/whenready.h"
#include "localservermetrics.h"
#include "net/httpclient.h"
#include "prometheusparser.h"
#include "scrapeaccumulator.h"
#include "sources/credentialprovider.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

Q_LOGGING_CATEGORY(lcPrometheus, "inferscope.prometheus")

namespace isc::prometheus {
namespace {

// `/v1/models` beside the metrics path: http://host:8080/metrics -> http://host:8080/v1/models.
QUrl modelsUrlFor(QUrl metrics)
{
    QString path = metrics.path();
    if (path.endsWith(QLatin1String("/metrics")))
        path.chop(8);
    metrics.setPath(path + QLatin1String("/v1/models"));
    metrics.setQuery(QString());
    return metrics;
}

bool hasModelLabel(const ExpositionParseResult& r)
{
    for (const auto& f : r.families) {
        for (const auto& s : f.samples) {
            if (!s.label(QStringLiteral("model_name")).isEmpty())
                return true;
        }
    }
    return false;
}

} // namespace

struct PrometheusSource::Private
{
    PrometheusSource* q = nullptr;
    Connection connection;
    QPointer<HttpClient> http;
    SecretProvider secret;
    std::function<qint64()> clock = [] { return nowUtc(); };
    SourceHealth health;
    QTimer pollTimer;
    ScrapeAccumulator accumulator;

    bool running = false;
    quint64 generation = 0; // bumped by stop(): answers of an old run do nothing
    quint64 request = 0;    // the scrape (or /v1/models call) in flight, 0 = none
    bool busy = false;
    bool pollRequested = false;
    QString defaultModel;
    bool modelResolved = false;
    QStringList knownModels;
    ServerKind server = ServerKind::Unknown;

    void emitHealth();
    void poll();
    void onScrape(quint64 gen, const HttpResponse& r, qint64 atMs);
    void onParsed(quint64 gen, const ExpositionParseResult& parsed, qint64 atMs);
    void resolveModel(quint64 gen, std::function<void()> then);
    void finish(const QString& error, const PollBatch* batch);
    bool authorize(QList<HttpHeader>* headers, QString* error) const;
    QString describe(const HttpResponse& r) const;
};

void PrometheusSource::Private::emitHealth()
{
    health.nextPoll =
        running && pollTimer.isActive() ? clock() + (pollTimer.remainingTime() + 999) / 1000 : 0;
    emit q->healthChanged(health);
}

bool PrometheusSource::Private::authorize(QList<HttpHeader>* headers, QString* error) const
{
    if (!secret || connection.credential.kind == SecretRef::Kind::None)
        return true;
    QString err;
    const QString token = secret(&err);
    if (token.isEmpty()) {
        if (err.isEmpty())
            return true;
        *error = err;
        return false;
    }
    headers->append({QByteArrayLiteral("Authorization"), "Bearer " + token.toUtf8()});
    return true;
}

QString PrometheusSource::Private::describe(const HttpResponse& r) const
{
    const QString url = connection.endpoint.toDisplayString();
    if (r.error.kind == HttpError::Kind::HttpStatus && r.status == 404)
        return QStringLiteral("%1 answered 404: check the metrics URL (vLLM and TGI serve "
                              "/metrics; llama-server needs --metrics)")
            .arg(url);
    if (r.error.kind == HttpError::Kind::Auth)
        return QStringLiteral("%1 refused the credential (%2): check the bearer token")
            .arg(url)
            .arg(r.status);
    return QStringLiteral("scraping %1 failed: %2").arg(url, r.error.message);
}

void PrometheusSource::Private::poll()
{
    if (!running)
        return;
    if (busy) {
        pollRequested = true;
        return;
    }
    HttpRequest req;
    req.url = connection.endpoint;
    req.credentialHosts = credentialHosts(connection); // a key only goes to this connection
    req.maxRetries = 0; // the next scrape is the retry; a late one would misplace the increase
    req.timeoutMs = 10000;
    req.maxBodyBytes = 16 * 1024 * 1024;
    req.headers.append({QByteArrayLiteral("Accept"),
                        QByteArrayLiteral("application/openmetrics-text;version=1.0.0,text/"
                                          "plain;version=0.0.4;q=0.5,*/*;q=0.1")});
    QString error;
    health.lastAttempt = clock();
    if (!http || !authorize(&req.headers, &error)) {
        finish(error.isEmpty() ? QStringLiteral("no HTTP client") : error, nullptr);
        return;
    }
    busy = true;
    const quint64 gen = generation;
    request = http->send(req, q, [this, gen](const HttpResponse& r) {
        if (gen != generation)
            return;
        request = 0;
        onScrape(gen, r, clock() * 1000);
    });
}

void PrometheusSource::Private::onScrape(quint64 gen, const HttpResponse& r, qint64 atMs)
{
    health.latencyMs = r.elapsedMs;
    if (r.error.kind == HttpError::Kind::Cancelled) {
        busy = false;
        return;
    }
    if (!r.ok()) {
        finish(describe(r), nullptr);
        return;
    }
    const bool om = r.header("content-type").startsWith("application/openmetrics-text");
    const QFuture<ExpositionParseResult> parsing = QtConcurrent::run([body = r.body, om] {
        return parseExposition(body, om ? ExpositionFormat::OpenMetrics : ExpositionFormat::Auto);
    });
    whenReady(q, parsing, [this, gen, atMs](const ExpositionParseResult& parsed) {
        if (gen == generation)
            onParsed(gen, parsed, atMs);
    });
}

void PrometheusSource::Private::onParsed(quint64 gen, const ExpositionParseResult& parsed,
                                         qint64 atMs)
{
    if (!parsed.ok) {
        finish(QStringLiteral("%1 sent metrics Inferscope cannot read (%2)")
                   .arg(connection.endpoint.toDisplayString(), parsed.error),
               nullptr);
        return;
    }
    if (!modelResolved && !hasModelLabel(parsed)) {
        resolveModel(gen, [this, gen, parsed, atMs] {
            if (gen == generation)
                onParsed(gen, parsed, atMs);
        });
        return;
    }
    const LocalScrape scrape = extractLocalScrape(parsed, atMs, defaultModel);
    if (scrape.server != server && server != ServerKind::Unknown)
        accumulator.clear(); // another server now answers on this URL
    server = scrape.server;
    if (scrape.counters.isEmpty() && scrape.gauges.isEmpty() && scrape.histograms.isEmpty()) {
        const QString message =
            QStringLiteral("%1: the scrape has no vLLM, llama.cpp or TGI metrics")
                .arg(connection.endpoint.toDisplayString());
        qCWarning(lcPrometheus, "%s", qPrintable(message));
        emit q->warning(message);
    }
    if (scrape.models != knownModels) {
        knownModels = scrape.models;
        Deployments inventory;
        for (const QString& m : knownModels) {
            Deployment dep;
            dep.source = connection.id;
            dep.name = m;
            dep.model = m;
            dep.sku = serverKindName(server);
            dep.state = QStringLiteral("Succeeded");
            inventory.append(dep);
        }
        emit q->inventoryReady(inventory);
    }
    const PollBatch batch = accumulator.add(scrape, connection.id);
    finish(QString(), &batch);
}

void PrometheusSource::Private::resolveModel(quint64 gen, std::function<void()> then)
{
    auto fallback = [this] {
        defaultModel = connection.displayName.isEmpty() ? connection.id : connection.displayName;
    };
    HttpRequest req;
    req.url = modelsUrlFor(connection.endpoint);
    req.credentialHosts = credentialHosts(connection);
    req.maxRetries = 0;
    req.timeoutMs = 5000;
    req.maxBodyBytes = 1024 * 1024;
    QString error;
    if (!http || !authorize(&req.headers, &error)) {
        fallback();
        modelResolved = true;
        then();
        return;
    }
    request = http->send(req, q, [this, gen, then, fallback](const HttpResponse& r) {
        if (gen != generation)
            return;
        request = 0;
        if (r.error.kind == HttpError::Kind::Cancelled)
            return;
        const QJsonArray data =
            QJsonDocument::fromJson(r.body).object().value(QLatin1String("data")).toArray();
        const QString id = data.isEmpty()
                               ? QString()
                               : data.first().toObject().value(QLatin1String("id")).toString();
        if (r.ok() && !id.isEmpty())
            defaultModel = id;
        else
            fallback();
        modelResolved = true;
        then();
    });
}

void PrometheusSource::Private::finish(const QString& error, const PollBatch* batch)
{
    busy = false;
    const qint64 now = clock();
    if (error.isEmpty()) {
        health.lastSuccess = now;
        health.lastError.clear();
        health.state = SourceHealth::State::Polling;
        if (batch && !batch->series.isEmpty())
            emit q->batchReady(*batch);
    } else {
        qCWarning(lcPrometheus, "%s", qPrintable(error));
        health.lastError = error;
        health.state = SourceHealth::State::Failing;
        const qint64 minute = floorTo(now, 60);
        emit q->pollFailed(GapMarker{connection.id, {minute, minute + 60}, error, now});
    }
    emitHealth();
    if (pollRequested && running) {
        pollRequested = false;
        poll();
    }
}

PrometheusSource::PrometheusSource(Connection connection, HttpClient* http, SecretProvider secret,
                                   QObject* parent)
    : Source(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->connection = std::move(connection);
    d->http = http;
    d->secret = std::move(secret);
    d->health.source = d->connection.id;
    d->health.displayName = d->connection.displayName;
    d->pollTimer.setTimerType(Qt::CoarseTimer);
    connect(&d->pollTimer, &QTimer::timeout, this, [this] {
        if (!d->busy)
            d->poll();
    });
}

PrometheusSource::~PrometheusSource()
{
    ++d->generation;
    if (d->request && d->http)
        d->http->cancel(d->request);
}

const Connection& PrometheusSource::connection() const
{
    return d->connection;
}

void PrometheusSource::start(const QVector<TimeRange>& backfill)
{
    Q_UNUSED(backfill) // a scrape is "now" only: nothing to backfill
    if (d->running)
        return;
    d->running = true;
    ++d->generation;
    emit backfillFinished();
    d->health.state = SourceHealth::State::Polling;
    d->pollTimer.start(std::max(minimumPollSeconds, d->connection.pollIntervalSeconds) * 1000);
    d->emitHealth();
    d->poll();
}

void PrometheusSource::stop()
{
    const bool wasRunning = d->running;
    d->running = false;
    ++d->generation;
    d->pollTimer.stop();
    d->busy = false;
    d->pollRequested = false;
    if (d->request && d->http)
        d->http->cancel(d->request);
    d->request = 0;
    d->accumulator.clear();
    if (wasRunning) {
        d->health.state = SourceHealth::State::Idle;
        d->emitHealth();
    }
}

void PrometheusSource::pollNow()
{
    d->poll();
}

void PrometheusSource::setClock(std::function<qint64()> nowUtc)
{
    d->clock = std::move(nowUtc);
}

SourceHealth PrometheusSource::health() const
{
    return d->health;
}

bool PrometheusSource::isBackfilling() const
{
    return false;
}

QString PrometheusSource::defaultModel() const
{
    return d->defaultModel;
}

} // namespace isc::prometheus
