#include "sources/connectiontester.h"

#include "net/httpclient.h"
#include "net/retrypolicy.h"
#include "sources/credentialprovider.h"

#include <QUrlQuery>

namespace isc {
namespace {

QUrl joined(QUrl base, const QString& tail)
{
    QString path = base.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    base.setPath(path + tail);
    return base;
}

QString kindName(const QString& kind)
{
    if (kind == QLatin1String("azure-openai") || kind == QLatin1String("azure-monitor"))
        return QStringLiteral("Azure Resource Manager");
    if (kind == QLatin1String("openai"))
        return QStringLiteral("OpenAI");
    if (kind == QLatin1String("anthropic"))
        return QStringLiteral("Anthropic");
    if (kind == QLatin1String("prometheus"))
        return QStringLiteral("The metrics endpoint");
    if (kind == QLatin1String("ollama"))
        return QStringLiteral("Ollama");
    return QStringLiteral("The server");
}

ConnectionTestResult judge(const Connection& c, const HttpResponse& r)
{
    ConnectionTestResult out;
    out.httpStatus = r.status;
    out.latencyMs = r.status > 0 ? r.elapsedMs : -1;
    out.detail = retry::providerMessage(r.body);
    const QString who = kindName(c.kind);
    if (r.ok()) {
        out.ok = true;
        out.summary = QStringLiteral("Connected in %1 ms (HTTP %2)").arg(r.elapsedMs).arg(r.status);
        if (c.kind == QLatin1String("prometheus") && !r.body.contains("# TYPE") &&
            !r.body.contains("# HELP")) {
            out.ok = false;
            out.summary = QStringLiteral("%1 answered, but not with Prometheus metrics").arg(who);
            out.detail = QString::fromUtf8(r.body.left(120)).simplified();
        }
        return out;
    }
    switch (r.error.kind) {
    case HttpError::Kind::Auth:
        out.summary = QStringLiteral("Authentication failed (HTTP %1): %2 refused the credential")
                          .arg(r.status)
                          .arg(who);
        break;
    case HttpError::Kind::Throttled:
        // "rate-limited until 14:02:10 UTC" is already the sentence: say it once.
        if (r.error.message.startsWith(QLatin1String("rate-limited"), Qt::CaseInsensitive))
            out.summary = QLatin1String("Rate-limited") + r.error.message.mid(12);
        else
            out.summary = QStringLiteral("Rate-limited: %1").arg(r.error.message);
        break;
    case HttpError::Kind::Tls:
        out.summary = QStringLiteral("TLS error: %1").arg(r.error.message);
        break;
    case HttpError::Kind::Timeout:
        out.summary = QStringLiteral("Timed out: %1").arg(r.error.message);
        break;
    case HttpError::Kind::Network:
        out.summary =
            QStringLiteral("Cannot reach %1: %2")
                .arg(c.endpoint.isEmpty() ? c.managementEndpoint.host() : c.endpoint.host(),
                     r.error.message);
        break;
    case HttpError::Kind::HttpStatus:
        if (r.status == 404)
            out.summary = QStringLiteral("Unknown resource (HTTP 404): check the %1")
                              .arg(c.isAzure() ? QStringLiteral("resource ID")
                                               : QStringLiteral("endpoint URL"));
        else
            out.summary = QStringLiteral("%1 answered HTTP %2").arg(who).arg(r.status);
        break;
    default:
        out.summary = r.error.message;
        break;
    }
    if (out.summary.isEmpty())
        out.summary = QStringLiteral("The test failed");
    return out;
}

} // namespace

ConnectionTester::ConnectionTester(HttpClient* http, QObject* parent)
    : QObject(parent), m_http(http), m_clock([] { return nowUtc(); })
{}

ConnectionTester::~ConnectionTester() = default;

void ConnectionTester::setClock(std::function<qint64()> nowUtc)
{
    m_clock = std::move(nowUtc);
}

QUrl ConnectionTester::testUrl(const Connection& c, qint64 now)
{
    if (c.isAzure()) {
        QUrl url = joined(c.managementEndpoint,
                          c.resourceId + QStringLiteral("/providers/Microsoft.Insights/"
                                                        "metricDefinitions"));
        url.setQuery(QStringLiteral("api-version=2018-01-01"));
        return url;
    }
    const qint64 hourAgo = floorTo(now - 3600, 60);
    if (c.kind == QLatin1String("openai")) {
        QUrl url = joined(c.endpoint, QStringLiteral("/organization/usage/completions"));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("start_time"), QString::number(hourAgo));
        q.addQueryItem(QStringLiteral("bucket_width"), QStringLiteral("1h"));
        q.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
        url.setQuery(q);
        return url;
    }
    if (c.kind == QLatin1String("anthropic")) {
        QUrl url = joined(c.endpoint, QStringLiteral("/organizations/usage_report/messages"));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("starting_at"), formatIsoUtc(floorTo(hourAgo, 3600)));
        q.addQueryItem(QStringLiteral("bucket_width"), QStringLiteral("1h"));
        q.addQueryItem(QStringLiteral("limit"), QStringLiteral("1"));
        url.setQuery(q);
        return url;
    }
    if (c.kind == QLatin1String("ollama"))
        return joined(c.endpoint, QStringLiteral("/api/version"));
    if (c.kind == QLatin1String("openai-compatible"))
        return joined(c.endpoint, QStringLiteral("/models"));
    return c.endpoint; // prometheus: the scrape URL itself
}

void ConnectionTester::test(const Connection& c, const Credential& credential,
                            std::function<void(const ConnectionTestResult&)> done)
{
    if (!credential.whenReady) {
        test(c, credential.secret, std::move(done));
        return;
    }
    credential.whenReady(
        this, kCredentialWaitMs,
        [this, c, secret = credential.secret, done = std::move(done)] { test(c, secret, done); });
}

void ConnectionTester::test(const Connection& c, SecretProvider secret,
                            std::function<void(const ConnectionTestResult&)> done)
{
    HttpRequest req;
    req.url = testUrl(c, m_clock());
    req.timeoutMs = 15000;
    req.maxRetries = 0; // a test says what happens now; the poller retries
    req.maxBodyBytes = 8 * 1024 * 1024;
    req.credentialHosts = credentialHosts(c); // the key goes to this connection's hosts only
    const bool needsKey = c.credential.kind != SecretRef::Kind::None || c.isAzure() ||
                          c.kind == QLatin1String("openai") || c.kind == QLatin1String("anthropic");
    if (needsKey) {
        QString error;
        const QString key = secret ? secret(&error) : QString();
        if (key.isEmpty()) {
            ConnectionTestResult r;
            r.summary = QStringLiteral("No credential: %1")
                            .arg(error.isEmpty() ? QStringLiteral("none is configured") : error);
            done(r);
            return;
        }
        if (c.kind == QLatin1String("anthropic")) {
            req.headers.append(HttpHeader{"x-api-key", key.toUtf8()});
            req.headers.append(HttpHeader{"anthropic-version", "2023-06-01"});
        } else {
            req.headers.append(HttpHeader{"Authorization", "Bearer " + key.toUtf8()});
        }
    }
    m_http->send(req, this, [c, done](const HttpResponse& r) { done(judge(c, r)); });
}

} // namespace isc
