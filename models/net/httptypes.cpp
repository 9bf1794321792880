#include "httptypes.h"

namespace isc {

QByteArray HttpResponse::header(const QByteArray& name) const
{
    const QByteArray lower = name.toLower();
    for (const auto& [k, v] : headers) {
        if (k == lower || k.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    }
    return {};
}

QString kindLabel(HttpError::Kind kind)
{
    switch (kind) {
    case HttpError::Kind::None:
        return QStringLiteral("ok");
    case HttpError::Kind::Network:
        return QStringLiteral("network");
    case HttpError::Kind::Timeout:
        return QStringLiteral("timeout");
    case HttpError::Kind::Tls:
        return QStringLiteral("TLS");
    case HttpError::Kind::HttpStatus:
        return QStringLiteral("HTTP status");
    case HttpError::Kind::Auth:
        return QStringLiteral("sign-in");
    case HttpError::Kind::Throttled:
        return QStringLiteral("rate-limited");
    case HttpError::Kind::TooLarge:
        return QStringLiteral("too large");
    case HttpError::Kind::Cancelled:
        return QStringLiteral("cancelled");
    case HttpError::Kind::Parse:
        return QStringLiteral("unreadable answer");
    }
    return {};
}

QString describe(const HttpError& error)
{
    if (!error.message.isEmpty())
        return error.message;
    switch (error.kind) {
    case HttpError::Kind::None:
        return {};
    case HttpError::Kind::Network:
        return QStringLiteral("the server could not be reached");
    case HttpError::Kind::Timeout:
        return QStringLiteral("the server stopped answering (timeout)");
    case HttpError::Kind::Tls:
        return QStringLiteral("the secure connection failed");
    case HttpError::Kind::HttpStatus:
        return QStringLiteral("the server refused the request");
    case HttpError::Kind::Auth:
        return QStringLiteral("the credential was refused; check the key or sign in again");
    case HttpError::Kind::Throttled:
        return QStringLiteral("rate-limited by the server");
    case HttpError::Kind::TooLarge:
        return QStringLiteral("the answer was too large and was refused");
    case HttpError::Kind::Cancelled:
        return QStringLiteral("cancelled");
    case HttpError::Kind::Parse:
        return QStringLiteral("the answer could not be read");
    }
    return {};
}

HttpError parseError(const QUrl& url, const QString& detail)
{
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    QString head =
        QStringLiteral("the answer from %1:%2 could not be read").arg(url.host()).arg(port);
    if (!detail.isEmpty())
        head += QLatin1String(": ") + detail;
    return {HttpError::Kind::Parse, head, 0};
}

bool isCredentialHeader(const QByteArray& name)
{
    static const char* const names[] = {"authorization", "proxy-authorization",       "api-key",
                                        "x-api-key",     "ocp-apim-subscription-key", "cookie"};
    for (const char* n : names) {
        if (name.compare(n, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace isc
