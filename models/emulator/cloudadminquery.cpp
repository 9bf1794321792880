#include "cloudadminquery.h"

#include "core/timerange.h"

#include <QUrl>

namespace isc::emu::detail {

QList<std::pair<QString, QString>> parseQueryAll(const QByteArray& raw)
{
    QList<std::pair<QString, QString>> out;
    for (const QByteArray& p : raw.split('&')) {
        if (p.isEmpty())
            continue;
        const qsizetype eq = p.indexOf('=');
        QByteArray k = eq < 0 ? p : p.left(eq);
        QByteArray v = eq < 0 ? QByteArray() : p.mid(eq + 1);
        k.replace('+', ' ');
        v.replace('+', ' ');
        out.append(
            {QUrl::fromPercentEncoding(k).trimmed().toLower(), QUrl::fromPercentEncoding(v)});
    }
    return out;
}

QStringList queryValues(const QList<std::pair<QString, QString>>& query, const QString& key)
{
    QStringList values;
    const QString array = key + QLatin1String("[]");
    for (const auto& [k, v] : query) {
        if (k == key || k == array)
            values << v;
    }
    return values;
}

QString queryValue(const QList<std::pair<QString, QString>>& query, const QString& key)
{
    for (const auto& [k, v] : query) {
        if (k == key)
            return v;
    }
    return {};
}

std::optional<BucketWidth> usageBucketWidth(const QString& text)
{
    if (text == QLatin1String("1m"))
        return BucketWidth{60, 60, 1440};
    if (text == QLatin1String("1h"))
        return BucketWidth{3600, 24, 168};
    if (text == QLatin1String("1d"))
        return BucketWidth{86400, 7, 31};
    return std::nullopt;
}

namespace {

QString encodeCursor(qint64 from, qint64 to, qint64 width, qint64 next)
{
    const QByteArray plain = QByteArrayLiteral("emu1:") + QByteArray::number(from) + ':' +
                             QByteArray::number(to) + ':' + QByteArray::number(width) + ':' +
                             QByteArray::number(next);
    return QStringLiteral("page_") +
           QString::fromLatin1(
               plain.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

// The next bucket start from a cursor issued for the same (from, to, width); nullopt otherwise.
std::optional<qint64> decodeCursor(const QString& cursor, qint64 from, qint64 to, qint64 width)
{
    if (!cursor.startsWith(QLatin1String("page_")))
        return std::nullopt;
    const QByteArray plain =
        QByteArray::fromBase64(cursor.mid(5).toLatin1(), QByteArray::Base64UrlEncoding);
    const QList<QByteArray> parts = plain.split(':');
    if (parts.size() != 5 || parts[0] != "emu1")
        return std::nullopt;
    bool ok[4] = {};
    const qint64 f = parts[1].toLongLong(&ok[0]);
    const qint64 t = parts[2].toLongLong(&ok[1]);
    const qint64 w = parts[3].toLongLong(&ok[2]);
    const qint64 n = parts[4].toLongLong(&ok[3]);
    if (!ok[0] || !ok[1] || !ok[2] || !ok[3] || f != from || t != to || w != width)
        return std::nullopt;
    return n;
}

} // namespace

std::optional<BucketPage> planPage(qint64 from, qint64 to, qint64 width, int limit,
                                   const QString& page)
{
    qint64 start = floorTo(from, width);
    if (!page.isEmpty()) {
        const auto next = decodeCursor(page, from, to, width);
        if (!next)
            return std::nullopt;
        start = *next;
    }
    BucketPage out;
    qint64 b = start;
    for (; b < to && out.starts.size() < limit; b += width)
        out.starts.append(b);
    if (b < to)
        out.nextPage = encodeCursor(from, to, width, b);
    return out;
}

QString picoUsdAsCents(qint64 picoUsd)
{
    // 1 cent = 10^10 pico-USD.
    constexpr qint64 perCent = 10000000000LL;
    const bool negative = picoUsd < 0;
    const qint64 v = negative ? -picoUsd : picoUsd;
    QString frac = QString::number(v % perCent).rightJustified(10, QLatin1Char('0'));
    while (frac.size() > 2 && frac.endsWith(QLatin1Char('0')))
        frac.chop(1);
    return (negative ? QStringLiteral("-") : QString()) + QString::number(v / perCent) +
           QLatin1Char('.') + frac;
}

} // namespace isc::emu::detail
