#pragma once

#include "net/tokenprovider.h"

#include <QByteArray>
#include <QUrl>
#include <functional>
#include <optional>

namespace isc {

class HttpClient;

/// The resource (audience) of an Azure API endpoint: "https://management.usgovcloudapi.net/" for
/// any URL on that host. What `az account get-access-token --resource` takes.
QString azureResource(const QUrl& endpoint);

/// The OAuth 2.0 scope of an Azure API endpoint: azureResource() + ".default".
QString azureScope(const QUrl& endpoint);

/// Signs in to Microsoft Entra ID as an application (OAuth 2.0 client credentials): POST
/// {authorityHost}/{tenant}/oauth2/v2.0/token. Tokens stay in memory.
class EntraTokenProvider : public TokenProvider
{
    Q_OBJECT
public:
    struct Config
    {
        QUrl authorityHost = QUrl(QStringLiteral("https://login.microsoftonline.com"));
        QString tenantId;
        QString clientId;
        /// The client secret, asked for at each fetch (same shape as a SecretProvider).
        std::function<QString(QString* error)> clientSecret;
        /// Optional: calls `ready` once clientSecret answers without waiting (a keychain read),
        /// bounded by the caller; `context` is the provider. Without it the secret is asked at
        /// once.
        std::function<void(QObject* context, std::function<void()> ready)> whenClientSecretReady;
        /// What the token is for; azureScope() of the connection's management endpoint.
        QString scope = QStringLiteral("https://management.azure.com/.default");
    };

    /// Uses `http` for the token request (not owned; must outlive this object).
    EntraTokenProvider(Config config, HttpClient* http, QObject* parent = nullptr);
    ~EntraTokenProvider() override;

    /// The token endpoint for `config`.
    static QUrl tokenUrl(const Config& config);

    /// Reads a token endpoint answer (`access_token`, `expires_in` in s) received at `nowUtc`;
    /// nullopt with `error` set to words (Entra's `error_description` when given) otherwise.
    static std::optional<AccessToken> parseTokenResponse(const QByteArray& json, qint64 nowUtc,
                                                         QString* error);

protected:
    void startFetch() override;

private:
    void sendTokenRequest();

    Config m_config;
    HttpClient* m_http = nullptr;
};

} // namespace isc
