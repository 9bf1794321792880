#include "alertnotice.h"

#include <QCryptographicHash>
#include <QLocale>
#include <QRegularExpression>
#include <algorithm>

namespace isc {
namespace {

// "14:05" when `t` falls on the day of `ref` in `zone`, else "3 Mar 14:05".
QString noticeClock(const QDateTime& t, const QDateTime& ref, const QTimeZone& zone)
{
    const QDateTime local = t.toTimeZone(zone);
    const QLocale c = QLocale::c();
    if (ref.isValid() && ref.toTimeZone(zone).date() == local.date())
        return c.toString(local.time(), QStringLiteral("HH:mm"));
    return c.toString(local, QStringLiteral("d MMM HH:mm"));
}

QString valuePhrase(const AlertNotice& n)
{
    const QString value = noticeQuantity(n.value, n.unit);
    const QString window = durationWords(n.windowSeconds);
    switch (n.aggregation) {
    case AlertNotice::Aggregation::Average:
        return n.windowSeconds > 0 ? QStringLiteral("%1 on average over %2").arg(value, window)
                                   : QStringLiteral("%1 on average").arg(value);
    case AlertNotice::Aggregation::P95:
        return n.windowSeconds > 0
                   ? QStringLiteral("95th percentile of %1 over %2").arg(value, window)
                   : QStringLiteral("95th percentile of %1").arg(value);
    case AlertNotice::Aggregation::Latest:
        break;
    }
    return n.windowSeconds > 0 ? QStringLiteral("%1 for %2").arg(value, window) : value;
}

} // namespace

QString AlertNotice::dedupKeyFor(const QString& ruleId, const QMap<QString, QString>& labels)
{
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(ruleId.toUtf8());
    for (auto it = labels.cbegin(); it != labels.cend(); ++it) {
        // Separators that cannot occur in UTF-8 text keep "a=b,c" apart from "a=b" + "c".
        h.addData(QByteArrayView("\xff", 1));
        h.addData(it.key().toUtf8());
        h.addData(QByteArrayView("\xfe", 1));
        h.addData(it.value().toUtf8());
    }
    return QString::fromLatin1(h.result().toHex().left(16));
}

bool AlertNotice::operator==(const AlertNotice& o) const
{
    return ruleId == o.ruleId && ruleName == o.ruleName && metric == o.metric &&
           severity == o.severity && transition == o.transition && labels == o.labels &&
           value == o.value && threshold == o.threshold && comparison == o.comparison &&
           unit == o.unit && aggregation == o.aggregation && windowSeconds == o.windowSeconds &&
           at == o.at && startsAt == o.startsAt && dedupKey == o.dedupKey;
}

QString transitionName(AlertNotice::Transition transition)
{
    switch (transition) {
    case AlertNotice::Transition::Pending:
        return QStringLiteral("pending");
    case AlertNotice::Transition::Firing:
        return QStringLiteral("firing");
    case AlertNotice::Transition::Resolved:
        return QStringLiteral("resolved");
    }
    return {};
}

QString severityName(AlertNotice::Severity severity)
{
    switch (severity) {
    case AlertNotice::Severity::Info:
        return QStringLiteral("info");
    case AlertNotice::Severity::Warning:
        return QStringLiteral("warning");
    case AlertNotice::Severity::Critical:
        return QStringLiteral("critical");
    }
    return {};
}

QString comparisonSymbol(AlertNotice::Comparison comparison)
{
    switch (comparison) {
    case AlertNotice::Comparison::Above:
        return QStringLiteral(">");
    case AlertNotice::Comparison::AtOrAbove:
        return QStringLiteral("\u2265");
    case AlertNotice::Comparison::Below:
        return QStringLiteral("<");
    case AlertNotice::Comparison::AtOrBelow:
        return QStringLiteral("\u2264");
    }
    return {};
}

QString comparisonOperator(AlertNotice::Comparison comparison)
{
    switch (comparison) {
    case AlertNotice::Comparison::Above:
        return QStringLiteral(">");
    case AlertNotice::Comparison::AtOrAbove:
        return QStringLiteral(">=");
    case AlertNotice::Comparison::Below:
        return QStringLiteral("<");
    case AlertNotice::Comparison::AtOrBelow:
        return QStringLiteral("<=");
    }
    return {};
}

QString aggregationName(AlertNotice::Aggregation aggregation)
{
    switch (aggregation) {
    case AlertNotice::Aggregation::Latest:
        return QStringLiteral("latest");
    case AlertNotice::Aggregation::Average:
        return QStringLiteral("average");
    case AlertNotice::Aggregation::P95:
        return QStringLiteral("p95");
    }
    return {};
}

QString durationWords(qint64 seconds)
{
    seconds = std::max<qint64>(0, seconds);
    if (seconds < 60)
        return QStringLiteral("%1 s").arg(seconds);
    const qint64 minutes = (seconds + 30) / 60; // to the nearest minute from here on
    if (minutes < 60)
        return QStringLiteral("%1 min").arg(minutes);
    const qint64 hours = minutes / 60;
    if (hours < 24) {
        const qint64 rest = minutes % 60;
        return rest ? QStringLiteral("%1 h %2 min").arg(hours).arg(rest)
                    : QStringLiteral("%1 h").arg(hours);
    }
    const qint64 days = hours / 24;
    const qint64 restHours = hours % 24;
    return restHours ? QStringLiteral("%1 d %2 h").arg(days).arg(restHours)
                     : QStringLiteral("%1 d").arg(days);
}

QString noticeQuantity(double value, Unit unit)
{
    // formatQuantity() keeps fixed decimals ("90.0 %", "5.00k"); a round number reads better bare.
    static const QRegularExpression zeros(QStringLiteral("(\\d)\\.0+(?!\\d)"));
    QString text = formatQuantity(value, unit);
    const QRegularExpressionMatch m = zeros.match(text);
    if (m.hasMatch())
        text.replace(m.capturedStart(), m.capturedLength(), m.captured(1));
    return text;
}

QString noticeTarget(const AlertNotice& notice)
{
    QString what = notice.labels.value(QStringLiteral("deployment"));
    if (what.isEmpty())
        what = notice.labels.value(QStringLiteral("model"));
    const QString connection = notice.labels.value(QStringLiteral("connection"));
    if (what.isEmpty())
        return connection;
    return connection.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, connection);
}

NoticeWording wordNotice(const AlertNotice& n, const QTimeZone& zone)
{
    const QString metric = n.metric.isEmpty() ? n.ruleName : n.metric;
    const QString threshold = noticeQuantity(n.threshold, n.unit);
    QString condition =
        QStringLiteral("%1 %2 %3").arg(metric, comparisonSymbol(n.comparison), threshold);
    if (const QString target = noticeTarget(n); !target.isEmpty())
        condition += QStringLiteral(" on ") + target;

    NoticeWording w;
    const QString value = valuePhrase(n);
    switch (n.transition) {
    case AlertNotice::Transition::Firing:
        w.title = condition;
        w.body = QStringLiteral("%1, threshold %2").arg(value, threshold);
        if (n.startsAt.isValid())
            w.body += QStringLiteral(", since ") + noticeClock(n.startsAt, n.at, zone);
        break;
    case AlertNotice::Transition::Pending:
        w.title = QStringLiteral("Pending: ") + condition;
        w.body = QStringLiteral("%1, threshold %2").arg(value, threshold);
        if (n.startsAt.isValid())
            w.body += QStringLiteral(", pending since ") + noticeClock(n.startsAt, n.at, zone);
        break;
    case AlertNotice::Transition::Resolved:
        w.title = QStringLiteral("Resolved: ") + condition;
        w.body = QStringLiteral("Now %1, threshold %2").arg(value, threshold);
        if (n.startsAt.isValid() && n.at.isValid()) {
            w.body += QStringLiteral("; fired from %1 to %2 (%3)")
                          .arg(noticeClock(n.startsAt, n.at, zone), noticeClock(n.at, n.at, zone),
                               durationWords(n.startsAt.secsTo(n.at)));
        }
        break;
    }
    return w;
}

} // namespace isc
