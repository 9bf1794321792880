#include "net/entratokenprovider.h"

#include "net/httpclient.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QUrlQuery>

namespace isc {

QString azureResource(const QUrl& endpoint)
{
    if (!endpoint.isValid() || endpoint.host().isEmpty())
        return QStringLiteral("https://management.azure.com/");
    QUrl root;
    root.setScheme(endpoint.scheme().isEmpty() ? QStringLiteral("https") : endpoint.scheme());
    root.setHost(endpoint.host().toLower());
    if (endpoint.port() > 0 &&
        endpoint.port() != (root.scheme() == QLatin1String("https") ? 443 : 80))
        root.setPort(endpoint.port());
    root.setPath(QStringLiteral("/"));
    return root.toString();
}

QString azureScope(const QUrl& endpoint)
{
    return azureResource(endpoint) + QLatin1String(".default");
}

EntraTokenProvider::EntraTokenProvider(Config config, HttpClient* http, QObject* parent)
    : TokenProvider(parent), m_config(std::move(config)), m_http(http)
{}

EntraTokenProvider::~EntraTokenProvider() = default;

QUrl EntraTokenProvider::tokenUrl(const Config& config)
{
    QUrl url = config.authorityHost;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + QLatin1Char('/') + config.tenantId + QLatin1String("/oauth2/v2.0/token"));
    return url;
}

std::optional<AccessToken> EntraTokenProvider::parseTokenResponse(const QByteArray& json,
                                                                  qint64 nowUtc, QString* error)
{
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return std::nullopt;
    };
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(json, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject())
        return fail(QStringLiteral("Entra ID answered something that is not a token (%1)")
                        .arg(pe.error != QJsonParseError::NoError
                                 ? pe.errorString()
                                 : QStringLiteral("not an object")));
    const QJsonObject o = doc.object();
    const QString code = o.value(QLatin1String("error")).toString();
    if (!code.isEmpty()) {
        QString description = o.value(QLatin1String("error_description")).toString();
        description = description.section(QLatin1Char('\n'), 0, 0).trimmed(); // trace ids follow
        return fail(
            QStringLiteral("Entra ID refused the sign-in (%1)%2")
                .arg(code, description.isEmpty() ? QString() : QLatin1String(": ") + description));
    }
    const QString token = o.value(QLatin1String("access_token")).toString();
    const QJsonValue expires = o.value(QLatin1String("expires_in"));
    // Entra sends a number; some proxies and old endpoints send it as a string.
    bool ok = expires.isDouble();
    const qint64 seconds = expires.isDouble() ? static_cast<qint64>(expires.toDouble())
                                              : expires.toString().toLongLong(&ok);
    if (token.isEmpty())
        return fail(QStringLiteral("Entra ID's answer has no access_token"));
    if (!ok || seconds <= 0)
        return fail(QStringLiteral("Entra ID's answer has no usable expires_in"));
    return AccessToken{token, nowUtc + seconds};
}

void EntraTokenProvider::startFetch()
{
    if (!m_config.whenClientSecretReady) {
        sendTokenRequest();
        return;
    }
    // A keychain read may still be running: the secret is asked for when it has ended.
    QPointer<EntraTokenProvider> self = this;
    m_config.whenClientSecretReady(this, [self] {
        if (self)
            self->sendTokenRequest();
    });
}

void EntraTokenProvider::sendTokenRequest()
{
    QString error;
    const QString secret = m_config.clientSecret ? m_config.clientSecret(&error) : QString();
    if (m_config.tenantId.isEmpty() || m_config.clientId.isEmpty()) {
        finishFetch({}, QStringLiteral("the Entra ID sign-in needs a tenant id and a client id"));
        return;
    }
    if (secret.isEmpty()) {
        finishFetch({}, QStringLiteral("the client secret for Entra ID is not available: %1")
                            .arg(error.isEmpty() ? QStringLiteral("none is configured") : error));
        return;
    }
    QUrlQuery form;
    form.addQueryItem(QStringLiteral("grant_type"), QStringLiteral("client_credentials"));
    form.addQueryItem(QStringLiteral("client_id"), m_config.clientId);
    form.addQueryItem(QStringLiteral("client_secret"), secret);
    form.addQueryItem(QStringLiteral("scope"), m_config.scope);

    HttpRequest req;
    req.url = tokenUrl(m_config);
    req.method = "POST";
    req.headers.append(HttpHeader("Content-Type", "application/x-www-form-urlencoded"));
    req.headers.append(HttpHeader("Accept", "application/json"));
    // QUrlQuery leaves '+' and '&' inside values alone; encode them for a form body.
    QByteArray body;
    for (const auto& [key, value] : form.queryItems(QUrl::FullyDecoded)) {
        if (!body.isEmpty())
            body += '&';
        body += QUrl::toPercentEncoding(key) + '=' + QUrl::toPercentEncoding(value);
    }
    req.body = body;
    req.maxBodyBytes = 1024 * 1024;
    req.timeoutMs = 15000;
    req.credentialHosts = QStringList{req.url.host()};
    const qint64 sentAt = now();
    m_http->send(req, this, [this, sentAt](const HttpResponse& r) {
        QString why;
        if (r.ok() || r.status == 400 || r.status == 401) {
            // Entra explains refusals in the JSON body (invalid_client, unauthorized_client...).
            if (auto token = parseTokenResponse(r.body, sentAt, &why); token && r.ok()) {
                finishFetch(*token, QString());
                return;
            }
            if (why.isEmpty())
                why = describe(r.error);
        } else {
            why = QStringLiteral("could not sign in to Entra ID: %1").arg(describe(r.error));
        }
        finishFetch({}, why);
    });
}

} // namespace isc
