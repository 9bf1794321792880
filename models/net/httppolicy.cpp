#include "net/httpclient.h"

#include "net/retrypolicy.h"

#include <QDateTime>
#include <QRandomGenerator>

// The policy half of HttpClient: pure functions over a request and its answer.
namespace isc {
namespace {

QString withDetail(const QString& head, const QString& detail)
{
    return detail.isEmpty() ? head : head + QLatin1String(": ") + detail;
}

} // namespace

QString httpHostPort(const QUrl& url)
{
    const int port = url.port(url.scheme() == QLatin1String("https") ? 443 : 80);
    return url.host() + QLatin1Char(':') + QString::number(port);
}

QString httpOrigin(const QUrl& url)
{
    return url.scheme() + QLatin1String("://") + httpHostPort(url);
}

QString credentialRefusal(const HttpRequest& r)
{
    if (r.credentialHosts.isEmpty())
        return {};
    const QString host = r.url.host();
    for (const QString& allowed : r.credentialHosts) {
        if (host.compare(allowed, Qt::CaseInsensitive) == 0)
            return {};
    }
    for (const auto& header : r.headers) {
        if (isCredentialHeader(header.first))
            return QStringLiteral("the credential of this connection is only sent to %1; "
                                  "refused to send it to %2")
                .arg(r.credentialHosts.join(QLatin1String(", ")), host);
    }
    return {};
}

HttpError contentTypeError(const HttpRequest& request, const HttpResponse& response)
{
    const QByteArray expected = request.expectContentType.toLower();
    const QByteArray type = response.header("content-type").toLower();
    if (expected.isEmpty() || type.startsWith(expected))
        return {};
    // A proxy's or gateway's HTML page with 200 is not the answer asked for.
    return parseError(request.url, QStringLiteral("expected %1 but got %2")
                                       .arg(QString::fromLatin1(expected),
                                            type.isEmpty() ? QStringLiteral("no content type")
                                                           : QString::fromLatin1(type.left(80))));
}

HttpVerdict judgeHttpAnswer(const HttpRequest& request, const HttpResponse& resp,
                            const QString& reasonPhrase, int attempts)
{
    HttpVerdict v;
    const int status = resp.status;
    const bool canRetry = attempts <= std::max(0, request.maxRetries);
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    const std::optional<qint64> serverDelay = retry::serverRetryDelayMs(resp.headers, nowMs);
    const QString message = retry::providerMessage(resp.body);
    const auto throttledUntil = [&](qint64 delayMs) {
        const qint64 until = (nowMs + delayMs + 999) / 1000;
        v.error = {HttpError::Kind::Throttled,
                   QStringLiteral("rate-limited until %1 UTC")
                       .arg(QDateTime::fromSecsSinceEpoch(until, Qt::UTC)
                                .toString(QStringLiteral("HH:mm:ss"))),
                   until};
    };

    const bool spendLimit = retry::isSpendLimitReached(status, resp.body);
    bool retryable = false;
    if (!retry::isNeverRetriedStatus(status) && !spendLimit) {
        const std::optional<bool> should = retry::shouldRetryHeader(resp.headers);
        retryable = should.value_or(retry::isRetryableStatus(status));
    }
    if (retryable && serverDelay && *serverDelay > request.maxRetryAfterMs) {
        throttledUntil(*serverDelay); // waiting that long is the caller's decision, not ours
        return v;
    }
    if (retryable && canRetry) {
        const double jitter = QRandomGenerator::global()->generateDouble();
        v.retry = true;
        v.retryDelayMs = serverDelay ? *serverDelay : retry::backoffMs(attempts - 1, jitter);
        return v;
    }

    if (status == 401 || status == 403) {
        v.error = {HttpError::Kind::Auth,
                   withDetail(QStringLiteral("authentication failed (%1)").arg(status), message),
                   0};
    } else if (spendLimit) {
        v.error = {HttpError::Kind::Throttled,
                   withDetail(QStringLiteral("the spend limit of the account is reached (429); "
                                             "raise it in the provider's console"),
                              message),
                   0};
    } else if (status == 429) {
        if (serverDelay) {
            throttledUntil(*serverDelay);
        } else {
            v.error = {HttpError::Kind::Throttled,
                       withDetail(QStringLiteral("rate-limited (429)"), message), 0};
        }
    } else {
        const QString reason = reasonPhrase.trimmed();
        QString head =
            QStringLiteral("%1 answered HTTP %2").arg(httpHostPort(request.url)).arg(status);
        if (!reason.isEmpty())
            head += QLatin1Char(' ') + reason;
        v.error = {HttpError::Kind::HttpStatus, withDetail(head, message), 0};
    }
    return v;
}

} // namespace isc
