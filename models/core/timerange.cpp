#include "timerange.h"

#include <QDateTime>
#include <QLocale>
#include <QObject>
#include <QRegularExpression>

namespace isc {

std::optional<qint64> parseDuration(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("^\\s*(\\d{1,9})\\s*([smhdw])\\s*$"));
    const auto m = re.match(text);
    if (!m.hasMatch())
        return std::nullopt;
    const qint64 n = m.captured(1).toLongLong();
    if (n <= 0)
        return std::nullopt;
    switch (m.captured(2).at(0).toLatin1()) {
    case 's':
        return n;
    case 'm':
        return n * 60;
    case 'h':
        return n * 3600;
    case 'd':
        return n * 86400;
    case 'w':
        return n * 7 * 86400;
    }
    return std::nullopt;
}

QString formatDuration(qint64 seconds)
{
    struct Unit
    {
        qint64 size;
        char suffix;
    };
    static constexpr Unit units[] = {{7 * 86400, 'w'}, {86400, 'd'}, {3600, 'h'}, {60, 'm'}};
    for (const auto& u : units) {
        if (seconds != 0 && seconds % u.size == 0)
            return QString::number(seconds / u.size) + QLatin1Char(u.suffix);
    }
    return QString::number(seconds) + QLatin1Char('s');
}

std::optional<qint64> parseIsoUtc(const QString& text)
{
    const QString t = text.trimmed();
    QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid()) {
        const QDate d = QDate::fromString(t, Qt::ISODate);
        if (!d.isValid())
            return std::nullopt;
        dt = QDateTime(d, QTime(0, 0), Qt::UTC);
    }
    // A time without zone designator is taken as UTC: the CLI and the APIs speak UTC.
    if (dt.timeSpec() == Qt::LocalTime)
        dt.setTimeSpec(Qt::UTC);
    return dt.toSecsSinceEpoch();
}

QString formatIsoUtc(qint64 ts)
{
    return QDateTime::fromSecsSinceEpoch(ts, Qt::UTC).toString(Qt::ISODate);
}

QString formatLocalSpan(TimeRange range)
{
    const QLocale locale;
    const QString fmt = QStringLiteral("ddd d MMM, HH:mm");
    return QStringLiteral("%1 – %2").arg(
        locale.toString(QDateTime::fromSecsSinceEpoch(range.from), fmt),
        locale.toString(QDateTime::fromSecsSinceEpoch(range.to), fmt));
}

QString rangeLabelText(TimeRange range)
{
    return QObject::tr("%1 (local time)").arg(formatLocalSpan(range));
}

qint64 nowUtc()
{
    return QDateTime::currentSecsSinceEpoch();
}

} // namespace isc
