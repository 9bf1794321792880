#include "deliverylog.h"

#include <QLocale>
#include <QStringList>
#include <algorithm>

namespace isc {

QString DeliveryAttempt::toText() const
{
    QString what;
    switch (outcome) {
    case Outcome::Delivered:
        what = QStringLiteral("delivered");
        break;
    case Outcome::Retrying:
        what = QStringLiteral("retrying in %1 s")
                   .arg(QString::number(static_cast<double>(retryInMs) / 1000.0, 'f', 1));
        break;
    case Outcome::Failed:
        what = QStringLiteral("failed");
        break;
    }
    QString line = QStringLiteral("%1 %2 (%3) %4 \"%5\" attempt %6: %7")
                       .arg(QLocale::c().toString(at.toUTC(), QStringLiteral("HH:mm:ss")),
                            webhookId, target, transitionName(transition), ruleName)
                       .arg(attempt)
                       .arg(what);
    if (!detail.isEmpty())
        line += QStringLiteral(" — ") + detail;
    return line;
}

DeliveryLog::DeliveryLog(int capacity) : m_capacity(std::max(1, capacity)) {}

void DeliveryLog::append(const DeliveryAttempt& attempt)
{
    m_entries.append(attempt);
    if (m_entries.size() > m_capacity)
        m_entries.remove(0, m_entries.size() - m_capacity);
}

QString DeliveryLog::text() const
{
    QStringList lines;
    lines.reserve(m_entries.size());
    for (const DeliveryAttempt& a : m_entries)
        lines.append(a.toText());
    return lines.join(QLatin1Char('\n'));
}

QString redactWebhookUrl(const QUrl& url)
{
    if (!url.isValid() || url.host().isEmpty())
        return QStringLiteral("…");
    QString shown = url.scheme() + QStringLiteral("://") + url.host();
    if (url.port() > 0)
        shown += QLatin1Char(':') + QString::number(url.port());
    return shown + QStringLiteral("/…");
}

QString scrubWebhookUrl(QString text, const QUrl& url)
{
    const QString ellipsis = QStringLiteral("…");
    const QStringList spellings{url.toString(QUrl::FullyEncoded),
                                url.toString(QUrl::FullyDecoded),
                                url.toString(),
                                url.toDisplayString(),
                                url.path(QUrl::FullyEncoded),
                                url.path(QUrl::FullyDecoded),
                                url.query(QUrl::FullyEncoded),
                                url.query(QUrl::FullyDecoded),
                                url.userInfo(QUrl::FullyDecoded)};
    for (const QString& s : spellings) {
        if (s.size() > 1) // "/" alone is no secret, and replacing it would garble the text
            text.replace(s, ellipsis);
    }
    return text;
}

} // namespace isc
