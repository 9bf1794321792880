#include "prometheussource.h"

#include "prometheussource_p.h"

#include "core/timerange.h"
#include "core/whenready.h"
#include "localservermetrics.h"
#include "net/httpclient.h"
#include "prometheusparser.h"
#include "scrapeaccumulator.h"
#include "selectedmetrics.h"
#include "sources/credentialprovider.h"

#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>
#include <algorithm>
#include <optional>

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

} // namespace

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
    if (r.error.kind == HttpError::Kind::TooLarge)
        return QStringLiteral("%1 answered more than %2 bytes of metrics, more than Inferscope "
                              "reads per scrape: drop high-cardinality labels on the server (%3)")
            .arg(url)
            .arg(ParseLimits().maxBodyBytes)
            .arg(r.error.message);
    return QStringLiteral("scraping %1 failed: %2").arg(url, r.error.message);
}

QString PrometheusSource::Private::emptyAnswer(const HttpResponse& r) const
{
    const QString url = connection.endpoint.toDisplayString();
    if (r.status == 204)
        return QStringLiteral("%1 answered 204 No Content: no metrics to read; check the metrics "
                              "URL (vLLM and TGI serve /metrics; llama-server needs --metrics)")
            .arg(url);
    if (r.body.trimmed().isEmpty())
        return QStringLiteral("%1 answered HTTP %2 with an empty body: no metrics to read; check "
                              "the metrics URL (vLLM and TGI serve /metrics; llama-server needs "
                              "--metrics)")
            .arg(url)
            .arg(r.status);
    return QString();
}

QString PrometheusSource::Private::unreadable(const HttpResponse& r,
                                              const ExpositionParseResult& parsed) const
{
    const QString url = connection.endpoint.toDisplayString();
    const QByteArray encoding = r.header("content-encoding").trimmed();
    if (!parsed.ok) {
        if (!encoding.isEmpty() && encoding != "identity")
            return QStringLiteral("%1 sent a body (Content-Encoding: %2) that failed to "
                                  "decompress: %3")
                .arg(url, QString::fromLatin1(encoding.left(40)), parsed.error);
        return QStringLiteral("%1 sent metrics Inferscope cannot read (%2)").arg(url, parsed.error);
    }
    if (parsed.sampleCount() == 0)
        return QStringLiteral("%1 answered only comments, no samples: the server exposes no "
                              "metrics yet (or the URL is not its metrics endpoint)")
            .arg(url);
    return QString();
}

LocalScrape PrometheusSource::Private::reduce(const ExpositionParseResult& parsed,
                                              qint64 atMs) const
{
    LocalScrape scrape = extractLocalScrape(parsed, atMs, defaultModel);
    extractSelected(parsed, connection.selectors, &scrape);
    return scrape;
}

QString PrometheusSource::Private::nothingToStore(const LocalScrape& scrape) const
{
    if (!scrape.counters.isEmpty() || !scrape.gauges.isEmpty() || !scrape.histograms.isEmpty())
        return QString();
    const QString url = connection.endpoint.toDisplayString();
    if (scrape.refusedCount() > 0)
        return QStringLiteral("%1: every sample Inferscope reads was refused: %2")
            .arg(url, scrape.summary());
    if (connection.selectors.isEmpty())
        return QStringLiteral("%1: the scrape has no vLLM, llama.cpp or TGI metrics; to store "
                              "other series, list them under \"selectors\" in the connection "
                              "(name, type counter|gauge|histogram, matchers)")
            .arg(url);
    return QStringLiteral("%1: none of the %2 selectors matched a series of the scrape: %3")
        .arg(url)
        .arg(connection.selectors.size())
        .arg(scrape.summary());
}

void PrometheusSource::Private::noteStanding(const LocalScrape& scrape)
{
    const QString standing = scrape.summary();
    health.warning = standing;
    if (standing == lastWarning)
        return; // said once, not every scrape
    lastWarning = standing;
    if (!standing.isEmpty())
        qCWarning(lcPrometheus, "%s: %s", qPrintable(connection.id), qPrintable(standing));
    emit q->warning(standing);
}

HttpRequest PrometheusSource::Private::scrapeRequest() const
{
    HttpRequest req;
    req.url = connection.endpoint;
    req.credentialHosts = credentialHosts(connection); // a key only goes to this connection
    req.timeoutMs = 10000;
    req.maxBodyBytes = ParseLimits().maxBodyBytes;
    req.headers.append({QByteArrayLiteral("Accept"),
                        QByteArrayLiteral("application/openmetrics-text;version=1.0.0,text/"
                                          "plain;version=0.0.4;q=0.5,*/*;q=0.1")});
    return req;
}

void PrometheusSource::runPoll()
{
    d->poll();
}

void PrometheusSource::Private::poll()
{
    HttpRequest req = scrapeRequest();
    req.maxRetries = 0; // the next scrape is the retry; a late one would misplace the increase
    QString error;
    health.lastAttempt = clock();
    if (!http || !authorize(&req.headers, &error)) {
        finish(error.isEmpty() ? QStringLiteral("no HTTP client") : error, nullptr);
        return;
    }
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
        q->cycleEnded(false); // not by stop() (its answers never arrive): nothing to store
        return;
    }
    if (!r.ok()) {
        finish(describe(r), nullptr);
        return;
    }
    if (const QString empty = emptyAnswer(r); !empty.isEmpty()) {
        finish(empty, nullptr);
        return;
    }
    const bool om = r.header("content-type").startsWith("application/openmetrics-text");
    const QFuture<ExpositionParseResult> parsing = QtConcurrent::run([body = r.body, om] {
        return parseExposition(body, om ? ExpositionFormat::OpenMetrics : ExpositionFormat::Auto);
    });
    whenReady(q, parsing, [this, gen, atMs, r](const ExpositionParseResult& parsed) {
        if (gen != generation)
            return;
        if (const QString why = unreadable(r, parsed); !why.isEmpty()) {
            finish(why, nullptr);
            return;
        }
        onParsed(gen, parsed, atMs);
    });
}

void PrometheusSource::Private::onParsed(quint64 gen, const ExpositionParseResult& parsed,
                                         qint64 atMs)
{
    if (!modelResolved && detectServer(parsed) != ServerKind::Unknown && !hasModelLabel(parsed)) {
        resolveModel(gen, [this, gen, parsed, atMs] {
            if (gen == generation)
                onParsed(gen, parsed, atMs);
        });
        return;
    }
    const LocalScrape scrape = reduce(parsed, atMs);
    if (scrape.server != server && server != ServerKind::Unknown)
        accumulator.clear(); // another server now answers on this URL
    server = scrape.server;
    if (const QString nothing = nothingToStore(scrape); !nothing.isEmpty()) {
        finish(nothing, nullptr);
        return;
    }
    noteStanding(scrape);
    noteModels(scrape);
    const PollBatch batch = accumulator.add(scrape, connection.id);
    finish(QString(), &batch);
}

void PrometheusSource::Private::noteModels(const LocalScrape& scrape)
{
    if (scrape.models == knownModels)
        return;
    knownModels = scrape.models;
    Deployments inventory;
    for (const QString& m : knownModels) {
        Deployment dep;
        dep.source = connection.id;
        dep.name = m;
        dep.model = m;
        dep.sku = serverKindName(scrape.server);
        dep.state = QStringLiteral("Succeeded");
        inventory.append(dep);
    }
    emit q->inventoryReady(inventory);
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
    const qint64 now = clock();
    if (error.isEmpty()) {
        health.lastSuccess = now;
        health.lastError.clear();
        // Even an empty batch (a baseline of counters only): the poll landed, which is what
        // `collect --once` waits for.
        if (batch)
            emit q->batchReady(*batch);
    } else {
        if (error != health.lastError) // logged once, not at every scrape of a standing failure
            qCWarning(lcPrometheus, "%s", qPrintable(error));
        health.lastError = error;
        const qint64 minute = floorTo(now, 60);
        emit q->pollFailed(GapMarker{connection.id, {minute, minute + 60}, error, now});
    }
    q->cycleEnded(!error.isEmpty());
}

PrometheusSource::PrometheusSource(Connection connection, HttpClient* http, SecretProvider secret,
                                   QObject* parent)
    : PollingSource(std::move(connection), minimumPollSeconds, parent),
      d(std::make_unique<Private>(this))
{
    d->http = http;
    d->secret = std::move(secret);
}

PrometheusSource::~PrometheusSource()
{
    halt(false);
}

void PrometheusSource::cancelWork()
{
    ++d->generation;
    if (d->request && d->http)
        d->http->cancel(d->request);
    d->request = 0;
    d->accumulator.clear(); // the next start's first scrape is a baseline again
    d->chunk.reset();
}

void PrometheusSource::setBackfillChunkSeconds(qint64 seconds)
{
    d->chunkSeconds = std::max(backfillStepSeconds, seconds);
}

QString PrometheusSource::defaultModel() const
{
    return d->defaultModel;
}

} // namespace isc::prometheus
