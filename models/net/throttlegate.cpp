#include "net/throttlegate.h"

#include "net/httpclient.h"
#include "net/retrypolicy.h"

#include <QCryptographicHash>
#include <QDateTime>

namespace isc {

ThrottleGate::ThrottleGate() : m_clock([] { return QDateTime::currentMSecsSinceEpoch(); }) {}

QString ThrottleGate::scopeOf(const HttpRequest& request)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    for (const auto& [name, value] : request.headers) {
        if (!isCredentialHeader(name))
            continue;
        hash.addData(name.toLower());
        hash.addData(QByteArrayView("\n", 1));
        hash.addData(value);
        hash.addData(QByteArrayView("\n", 1));
    }
    // 8 bytes tell keys apart; they say nothing usable about the key itself.
    return httpOrigin(request.url) + QLatin1Char(' ') +
           QString::fromLatin1(hash.result().left(8).toHex());
}

void ThrottleGate::setClock(std::function<qint64()> nowMs)
{
    m_clock = std::move(nowMs);
}

qint64 ThrottleGate::now() const
{
    return m_clock();
}

void ThrottleGate::hold(const QString& scope, qint64 untilMs)
{
    qint64& held = m_holds[scope];
    held = std::max(held, untilMs);
}

void ThrottleGate::noteAnswer(const HttpRequest& request, const HttpResponse& response)
{
    if (response.status != 429 && response.status < 500)
        return;
    const qint64 t = now();
    if (const auto delay = retry::serverRetryDelayMs(response.headers, t); delay && *delay > 0)
        hold(scopeOf(request), t + *delay);
}

qint64 ThrottleGate::heldUntil(const QString& scope) const
{
    const qint64 until = m_holds.value(scope, 0);
    return until > now() ? until : 0;
}

qint64 ThrottleGate::heldUntilForOrigin(const QUrl& url) const
{
    if (!url.isValid() || url.host().isEmpty())
        return 0;
    const QString prefix = httpOrigin(url) + QLatin1Char(' ');
    const qint64 t = now();
    qint64 latest = 0;
    for (auto it = m_holds.constBegin(); it != m_holds.constEnd(); ++it) {
        if (it.key().startsWith(prefix) && it.value() > t)
            latest = std::max(latest, it.value());
    }
    return latest;
}

QString throttledUntilWords(qint64 untilMs)
{
    const qint64 seconds = (untilMs + 999) / 1000;
    return QStringLiteral("rate-limited until %1 UTC")
        .arg(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC).toString(QStringLiteral("HH:mm:ss")));
}

} // namespace isc
