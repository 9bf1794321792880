#include "retrypolicy.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <algorithm>
#include <cmath>

namespace isc::retry {
namespace {

QByteArray headerValue(const QList<HttpHeader>& headers, const char* name)
{
    for (const auto& [k, v] : headers) {
        if (k.compare(name, Qt::CaseInsensitive) == 0)
            return v.trimmed();
    }
    return {};
}

// A non-negative number of `unit`-ms, rounded up; nullopt when not a finite number.
std::optional<qint64> parseNumber(const QByteArray& text, double unitMs)
{
    if (text.isEmpty())
        return std::nullopt;
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok || !std::isfinite(v) || v < 0 || v > 1e12)
        return std::nullopt;
    return static_cast<qint64>(std::ceil(v * unitMs));
}

std::optional<qint64> parseHttpDate(const QByteArray& text)
{
    const QString s = QString::fromLatin1(text).trimmed();
    QDateTime dt = QDateTime::fromString(s, Qt::RFC2822Date);
    if (!dt.isValid()) {
        // IMF-fixdate with the literal "GMT" zone, as RFC 9110 prescribes.
        QString t = s;
        if (t.endsWith(QLatin1String(" GMT")))
            t.chop(4);
        dt = QLocale::c().toDateTime(t, QStringLiteral("ddd, dd MMM yyyy HH:mm:ss"));
        if (dt.isValid())
            dt.setTimeSpec(Qt::UTC);
    }
    if (!dt.isValid())
        return std::nullopt;
    return dt.toMSecsSinceEpoch();
}

} // namespace

bool isRetryableStatus(int status)
{
    return status == 408 || status == 409 || status == 429 || status >= 500;
}

bool isNeverRetriedStatus(int status)
{
    return status == 400 || status == 401 || status == 403 || status == 404 || status == 422;
}

std::optional<qint64> serverRetryDelayMs(const QList<HttpHeader>& headers, qint64 nowMs)
{
    if (auto ms = parseNumber(headerValue(headers, "retry-after-ms"), 1))
        return ms;
    if (auto ms = parseNumber(headerValue(headers, "x-ms-retry-after-ms"), 1))
        return ms;
    const QByteArray ra = headerValue(headers, "retry-after");
    if (ra.isEmpty())
        return std::nullopt;
    if (auto ms = parseNumber(ra, 1000))
        return ms;
    if (auto at = parseHttpDate(ra))
        return std::max<qint64>(0, *at - nowMs);
    return std::nullopt;
}

bool isSpendLimitReached(int status, const QByteArray& body)
{
    if (status != 429)
        return false;
    const QByteArray head = body.left(64 * 1024).toLower();
    return head.contains("enforced_spend_limit_reached") || head.contains("spend limit");
}

std::optional<bool> shouldRetryHeader(const QList<HttpHeader>& headers)
{
    const QByteArray v = headerValue(headers, "x-should-retry").toLower();
    if (v == "true")
        return true;
    if (v == "false")
        return false;
    return std::nullopt;
}

qint64 backoffMs(int retryIndex, double jitter)
{
    const double base = std::min(0.5 * std::pow(2.0, std::clamp(retryIndex, 0, 30)), 8.0);
    const double j = std::clamp(jitter, 0.0, 1.0);
    return static_cast<qint64>(std::llround(base * (1.0 - 0.25 * j) * 1000.0));
}

QString providerMessage(const QByteArray& body)
{
    constexpr int maxLength = 300;
    const auto shorten = [](QString s) {
        s = s.simplified();
        if (s.size() > maxLength)
            s = s.left(maxLength - 1) + QChar(0x2026);
        return s;
    };
    if (body.isEmpty())
        return {};
    QJsonParseError pe{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::NoError && doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue err = o.value(QLatin1String("error"));
        if (err.isObject()) {
            const QString m = err.toObject().value(QLatin1String("message")).toString();
            if (!m.isEmpty())
                return shorten(m);
        } else if (err.isString() && !err.toString().isEmpty()) {
            return shorten(err.toString());
        }
        const QString m = o.value(QLatin1String("message")).toString();
        if (!m.isEmpty())
            return shorten(m);
        return {};
    }
    const QByteArray trimmed = body.left(4096).trimmed();
    if (trimmed.startsWith('<') || trimmed.startsWith('{') || trimmed.startsWith('['))
        return {}; // HTML error pages and broken JSON say nothing a user can act on
    return shorten(QString::fromUtf8(
        trimmed.left(trimmed.indexOf('\n') < 0 ? trimmed.size() : trimmed.indexOf('\n'))));
}

} // namespace isc::retry
