#include "chattarget.h"

#include <QUrlQuery>

namespace isc {
namespace {

QUrl withPath(const QUrl& base, const QString& tail)
{
    QUrl url = base;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    url.setPath(path + tail);
    return url;
}

bool endsWithV1(const QUrl& url)
{
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    return path.endsWith(QLatin1String("/v1"));
}

} // namespace

QUrl ChatTarget::chatUrl() const
{
    switch (dialect) {
    case ChatDialect::Azure: {
        if (deployment.isEmpty()) {
            // The v1 path takes the deployment as `model`; accept ".../openai/v1" bases too.
            return endsWithV1(baseUrl)
                       ? withPath(baseUrl, QStringLiteral("/chat/completions"))
                       : withPath(baseUrl, QStringLiteral("/openai/v1/chat/completions"));
        }
        QUrl url =
            withPath(baseUrl, QStringLiteral("/openai/deployments/%1/chat/completions")
                                  .arg(QString::fromUtf8(QUrl::toPercentEncoding(deployment))));
        QUrlQuery q;
        q.addQueryItem(QStringLiteral("api-version"), apiVersion);
        url.setQuery(q);
        return url;
    }
    case ChatDialect::Anthropic:
        return withPath(baseUrl, endsWithV1(baseUrl) ? QStringLiteral("/messages")
                                                     : QStringLiteral("/v1/messages"));
    case ChatDialect::OpenAi:
        break;
    }
    return withPath(baseUrl, endsWithV1(baseUrl) ? QStringLiteral("/chat/completions")
                                                 : QStringLiteral("/v1/chat/completions"));
}

} // namespace isc
