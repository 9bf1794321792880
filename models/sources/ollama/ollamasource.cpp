#include "ollamasource.h"

#include "core/labels.h"
#include "core/timerange.h"
#include "net/httpclient.h"
#include "ollamaparser.h"
#include "sources/credentialprovider.h"

#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <optional>

Q_LOGGING_CATEGORY(lcOllama, "inferscope.ollama")

namespace isc::ollama {
namespace {

QUrl apiUrl(QUrl base, const QString& path)
{
    QString p = base.path();
    while (p.endsWith(QLatin1Char('/')))
        p.chop(1);
    base.setPath(p + path);
    return base;
}

} // namespace

struct OllamaSource::Private
{
    explicit Private(OllamaSource* owner)
        : q(owner), connection(owner->connection()), health(owner->mutableHealth())
    {}

    OllamaSource* q = nullptr;
    const Connection& connection; // q's, as the lifecycle (PollingSource) keeps them
    SourceHealth& health;
    QPointer<HttpClient> http;
    SecretProvider secret;
    QString version;
    quint64 generation = 0; // bumped by cancelWork(): answers of an old cycle do nothing
    Deployments lastInventory;

    struct Cycle
    {
        std::optional<HttpResponse> ps;
        std::optional<HttpResponse> tags;
        QList<quint64> requests;
    };
    std::optional<Cycle> cycle;

    qint64 clock() const { return q->now(); }
    void poll();
    void onAnswer();
    void fail(const QString& error);
    HttpRequest request(const QString& path) const;
    QString describe(const HttpResponse& r, const QString& path) const;
};

HttpRequest OllamaSource::Private::request(const QString& path) const
{
    HttpRequest req;
    req.url = apiUrl(connection.endpoint, path);
    req.credentialHosts = credentialHosts(connection); // a key only goes to this connection
    req.timeoutMs = 10000;
    req.maxRetries = 1;
    req.maxBodyBytes = 4 * 1024 * 1024;
    if (secret && connection.credential.kind != SecretRef::Kind::None) {
        QString err;
        const QString token = secret(&err);
        if (!token.isEmpty()) // Ollama behind a proxy that wants a bearer token
            req.headers.append({QByteArrayLiteral("Authorization"), "Bearer " + token.toUtf8()});
    }
    return req;
}

QString OllamaSource::Private::describe(const HttpResponse& r, const QString& path) const
{
    const QString url = apiUrl(connection.endpoint, path).toDisplayString();
    if (r.error.kind == HttpError::Kind::HttpStatus && r.status == 404)
        return QStringLiteral("%1 answered 404: is this an Ollama server? (the base URL is like "
                              "http://localhost:11434)")
            .arg(url);
    return QStringLiteral("polling %1 failed: %2").arg(url, r.error.message);
}

void OllamaSource::Private::fail(const QString& error)
{
    qCWarning(lcOllama, "%s", qPrintable(error));
    const qint64 now = clock();
    health.lastError = error;
    const qint64 minute = floorTo(now, 60);
    emit q->pollFailed(GapMarker{connection.id, {minute, minute + 60}, error, now});
}

void OllamaSource::runPoll()
{
    d->poll();
}

void OllamaSource::Private::poll()
{
    health.lastAttempt = clock();
    if (!http) {
        fail(QStringLiteral("no HTTP client"));
        q->cycleEnded(true);
        return;
    }
    cycle = Cycle{};
    const quint64 gen = generation;
    if (version.isEmpty()) {
        http->send(request(QStringLiteral("/api/version")), q, [this, gen](const HttpResponse& r) {
            if (gen == generation && r.ok())
                version = parseOllamaVersion(r.body);
        });
    }
    cycle->requests.append(
        http->send(request(QStringLiteral("/api/ps")), q, [this, gen](const HttpResponse& r) {
            if (gen != generation || !cycle)
                return;
            cycle->ps = r;
            onAnswer();
        }));
    cycle->requests.append(
        http->send(request(QStringLiteral("/api/tags")), q, [this, gen](const HttpResponse& r) {
            if (gen != generation || !cycle)
                return;
            cycle->tags = r;
            onAnswer();
        }));
}

void OllamaSource::Private::onAnswer()
{
    if (!cycle->ps || !cycle->tags)
        return;
    const HttpResponse ps = *cycle->ps;
    const HttpResponse tags = *cycle->tags;
    cycle.reset();
    health.latencyMs = std::max(ps.elapsedMs, tags.elapsedMs);
    const qint64 now = clock();

    QString error;
    OllamaModelsResult loaded, installed;
    if (!ps.ok())
        error = describe(ps, QStringLiteral("/api/ps"));
    else if (!tags.ok())
        error = describe(tags, QStringLiteral("/api/tags"));
    if (error.isEmpty()) {
        loaded = parseOllamaPs(ps.body);
        installed = parseOllamaTags(tags.body);
        if (!loaded.ok)
            error = loaded.error;
        else if (!installed.ok)
            error = installed.error;
    }
    if (!error.isEmpty()) {
        fail(error);
    } else {
        // Every model known, loaded ones first-hand from /api/ps.
        QMap<QString, const OllamaModel*> all;
        QMap<QString, const OllamaModel*> loadedByName;
        for (const auto& m : installed.models)
            all.insert(m.name, &m);
        for (const auto& m : loaded.models) {
            loadedByName.insert(m.name, &m);
            if (!all.contains(m.name))
                all.insert(m.name, &m);
        }
        const qint64 minute = floorTo(now, 60);
        PollBatch batch;
        batch.source = connection.id;
        batch.window = {minute, minute + 60};
        Deployments inventory;
        auto add = [&](const QString& metric, const QString& unit, const QString& model,
                       double value) {
            SeriesSamples s;
            s.key = SeriesKey{connection.id, metric, QStringLiteral("average"),
                              labels::canonical({{QStringLiteral("ModelDeploymentName"), model}})};
            s.unit = unit;
            s.samples.append({minute, value});
            batch.series.append(s);
        };
        for (auto it = all.cbegin(); it != all.cend(); ++it) {
            const OllamaModel* r = loadedByName.value(it.key());
            add(QStringLiteral("ModelLoaded"), QStringLiteral("Count"), it.key(), r ? 1 : 0);
            if (r) {
                add(QStringLiteral("ModelSizeBytes"), QStringLiteral("Bytes"), it.key(),
                    static_cast<double>(r->sizeBytes));
                add(QStringLiteral("ModelVramBytes"), QStringLiteral("Bytes"), it.key(),
                    static_cast<double>(r->sizeVramBytes));
                if (r->expiresAt > 0)
                    add(QStringLiteral("ModelExpiresInSeconds"), QStringLiteral("Seconds"),
                        it.key(), static_cast<double>(std::max<qint64>(0, r->expiresAt - now)));
            }
            const OllamaModel* m = it.value();
            Deployment dep;
            dep.source = connection.id;
            dep.name = it.key();
            dep.model = m->family.isEmpty() ? m->model : m->family;
            dep.version = (m->parameterSize + QLatin1Char(' ') + m->quantizationLevel).trimmed();
            dep.sku = QStringLiteral("Ollama");
            dep.state = r ? QStringLiteral("Loaded") : QStringLiteral("Installed");
            inventory.append(dep);
        }
        if (inventory != lastInventory) {
            lastInventory = inventory;
            emit q->inventoryReady(inventory);
        }
        health.lastSuccess = now;
        health.lastError.clear();
        emit q->batchReady(batch);
    }
    q->cycleEnded(!error.isEmpty());
}

OllamaSource::OllamaSource(Connection connection, HttpClient* http, SecretProvider secret,
                           QObject* parent)
    : PollingSource(std::move(connection), minimumPollSeconds, parent),
      d(std::make_unique<Private>(this))
{
    d->http = http;
    d->secret = std::move(secret);
}

OllamaSource::~OllamaSource()
{
    halt(false);
}

void OllamaSource::cancelWork()
{
    ++d->generation;
    if (d->cycle) {
        const QList<quint64> ids = d->cycle->requests;
        d->cycle.reset();
        if (d->http) {
            for (quint64 id : ids)
                d->http->cancel(id);
        }
    }
}

QString OllamaSource::serverVersion() const
{
    return d->version;
}

} // namespace isc::ollama
