#include "azurerequests.h"

#include "azurejson.h"
#include "net/retrypolicy.h"

namespace isc::azure {

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

QString filterFor(const QStringList& splitBy)
{
    QStringList clauses;
    for (const auto& dim : splitBy)
        clauses << dim + QLatin1String(" eq '*'");
    return clauses.join(QLatin1String(" and "));
}

QString resourceType(const QString& resourceId)
{
    const QStringList parts = resourceId.split(QLatin1Char('/'), Qt::SkipEmptyParts);
    const qsizetype i = parts.lastIndexOf(QStringLiteral("providers"));
    if (i < 0 || i + 2 >= parts.size())
        return {};
    return parts.at(i + 1) + QLatin1Char('/') + parts.at(i + 2);
}

QString describeFailure(const HttpResponse& r, const QString& service)
{
    const QString detail = retry::providerMessage(r.body);
    // Azure's own code and message, when the body is an Azure error document.
    QString code, message;
    bool azureError = false;
    if (r.status > 0 && !r.body.isEmpty()) {
        QString parseError;
        const auto root = parseAzureObject(r.body, service, &parseError);
        azureError = root && azureErrorDocument(*root, &code, &message);
    }
    switch (r.error.kind) {
    case HttpError::Kind::Auth:
        return QStringLiteral("%1 refused the token (%2)%3")
            .arg(service)
            .arg(r.status)
            .arg(detail.isEmpty() ? QString() : QLatin1String(": ") + detail);
    case HttpError::Kind::HttpStatus:
        if (azureError)
            return QStringLiteral("%1 rejected the request (HTTP %2 %3): %4")
                .arg(service)
                .arg(r.status)
                .arg(code, message);
        return service + QLatin1String(": ") + r.error.message;
    case HttpError::Kind::Throttled:
        // "rate-limited until T" alone hides which limit Azure means and what it advises.
        if (azureError)
            return QStringLiteral("%1: %2 (HTTP %3 %4): %5")
                .arg(service, r.error.message)
                .arg(r.status)
                .arg(code, message);
        return service + QLatin1String(": ") + r.error.message;
    default:
        return r.error.message;
    }
}

namespace {

// "https://management.azure.com" (with the port when there is one).
QString originOf(const QUrl& url)
{
    return url
        .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment |
                  QUrl::RemoveUserInfo)
        .toString();
}

} // namespace

QUrl nextPageUrl(const QString& nextLink, const QUrl& current, const QSet<QString>& seen,
                 int pagesRead, const QString& service, const QString& listName, QString* error)
{
    error->clear();
    if (nextLink.isEmpty())
        return {};
    const QUrl next = current.resolved(QUrl(nextLink));
    const QString here = current.host().toLower();
    if (!next.isValid() || next.host().toLower() != here || next.scheme() != current.scheme() ||
        next.port() != current.port()) {
        *error = QStringLiteral("%1: the next page of %2 is on %3, not %4; it was not read "
                                "(the token is only sent to the connection's hosts), so %2 "
                                "stops at page %5")
                     .arg(service, listName,
                          next.host().isEmpty() ? QStringLiteral("an unreadable address")
                                                : originOf(next),
                          originOf(current))
                     .arg(pagesRead);
        return {};
    }
    if (seen.contains(next.toString(QUrl::FullyEncoded))) {
        *error = QStringLiteral("%1: page %2 of %3 links back to a page already read; stopped "
                                "there, so the list is incomplete")
                     .arg(service)
                     .arg(pagesRead)
                     .arg(listName);
        return {};
    }
    if (pagesRead >= kMaxListPages) {
        *error = QStringLiteral("%1: %2 runs past %3 pages; stopped reading there, so the list "
                                "is incomplete")
                     .arg(service, listName)
                     .arg(kMaxListPages);
        return {};
    }
    return next;
}

} // namespace isc::azure
