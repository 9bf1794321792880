#include "cost/ptucost.h"

#include <QDate>
#include <QDateTime>
#include <QJsonValue>
#include <algorithm>

namespace isc {

TimeRange utcMonthOf(qint64 ts)
{
    const QDate d = QDateTime::fromSecsSinceEpoch(ts, Qt::UTC).date();
    const QDate first(d.year(), d.month(), 1);
    const QDateTime from(first, QTime(0, 0), Qt::UTC);
    const QDateTime to(first.addMonths(1), QTime(0, 0), Qt::UTC);
    return {from.toSecsSinceEpoch(), to.toSecsSinceEpoch()};
}

TimeRange utcDayOf(qint64 ts)
{
    const qint64 from = floorTo(ts, 86400);
    return {from, from + 86400};
}

QString ptuBillingName(PtuBilling billing)
{
    switch (billing) {
    case PtuBilling::Hourly:
        return QStringLiteral("hourly");
    case PtuBilling::MonthlyReservation:
        return QStringLiteral("monthly reservation");
    case PtuBilling::YearlyReservation:
        return QStringLiteral("yearly reservation");
    }
    return {};
}

QString ptuBillingKey(PtuBilling billing)
{
    switch (billing) {
    case PtuBilling::Hourly:
        return QStringLiteral("hourly");
    case PtuBilling::MonthlyReservation:
        return QStringLiteral("monthly");
    case PtuBilling::YearlyReservation:
        return QStringLiteral("yearly");
    }
    return {};
}

std::optional<PtuBilling> ptuBillingFromKey(const QString& key)
{
    for (const PtuBilling b :
         {PtuBilling::Hourly, PtuBilling::MonthlyReservation, PtuBilling::YearlyReservation}) {
        if (key.trimmed().compare(ptuBillingKey(b), Qt::CaseInsensitive) == 0)
            return b;
    }
    return std::nullopt;
}

qint64 PtuCost::ptuSeconds(int ptus, const TimeRange& window)
{
    if (ptus <= 0 || !window.isValid())
        return 0;
    return qint64(ptus) * window.duration();
}

QVector<PtuCharge> PtuCost::charges(int ptus, const TimeRange& window, const PtuPrices& prices,
                                    PtuBilling billing, QString* note)
{
    QVector<PtuCharge> out;
    if (ptus <= 0 || !window.isValid())
        return out;
    std::optional<qint64> rate;
    if (billing == PtuBilling::MonthlyReservation)
        rate = prices.monthlyMicros;
    else if (billing == PtuBilling::YearlyReservation)
        rate = prices.yearlyMicros;
    if (billing != PtuBilling::Hourly && !rate) {
        if (note)
            *note = QStringLiteral("No %1 price in the catalog; the hourly rate was used.")
                        .arg(ptuBillingName(billing));
        billing = PtuBilling::Hourly;
    }
    if (billing == PtuBilling::Hourly) {
        PtuCharge c;
        c.span = window;
        c.ptuSeconds = ptuSeconds(ptus, window);
        c.rateMicros = prices.hourlyMicros;
        c.billing = billing;
        c.amount = Money::mulDiv(c.ptuSeconds, prices.hourlyMicros, 3600);
        out.append(c);
        return out;
    }
    // Reservations: each UTC calendar month costs the full monthly rate (a twelfth of the yearly).
    const qint64 perYear = billing == PtuBilling::YearlyReservation ? 12 : 1;
    for (qint64 t = window.from; t < window.to;) {
        const TimeRange month = utcMonthOf(t);
        PtuCharge c;
        c.span = {t, std::min(window.to, month.to)};
        c.ptuSeconds = ptuSeconds(ptus, c.span);
        c.rateMicros = *rate;
        c.billing = billing;
        c.amount = Money::mulDiv(c.ptuSeconds, *rate, month.duration() * perYear);
        out.append(c);
        t = c.span.to;
    }
    return out;
}

Money PtuCost::cost(int ptus, const TimeRange& window, const PtuPrices& prices, PtuBilling billing,
                    QString* note)
{
    Money sum;
    for (const PtuCharge& c : charges(ptus, window, prices, billing, note))
        sum += c.amount;
    return sum;
}

Money PtuCost::monthlyCost(int ptus, const PtuPrices& prices, PtuBilling billing)
{
    if (billing == PtuBilling::MonthlyReservation && prices.monthlyMicros)
        return Money::fromMicros(qint64(ptus) * *prices.monthlyMicros);
    if (billing == PtuBilling::YearlyReservation && prices.yearlyMicros)
        return Money::mulDiv(ptus, *prices.yearlyMicros, 12);
    return Money::fromMicros(qint64(ptus) * prices.hourlyMicros * kHoursPerMonth);
}

PtuBilling ptuBillingOf(const QJsonObject& costSettings, QString* warning)
{
    const QJsonValue v = costSettings.value(QLatin1String("ptuBilling"));
    if (v.isUndefined() || v.isNull())
        return kDefaultPtuBilling;
    if (const std::optional<PtuBilling> b = ptuBillingFromKey(v.toString()))
        return *b;
    if (warning)
        *warning = QStringLiteral("The workspace's PTU pricing basis \"%1\" is not \"hourly\", "
                                  "\"monthly\" or \"yearly\"; provisioned deployments are priced "
                                  "at the %2 rate.")
                       .arg(v.toVariant().toString(), ptuBillingName(kDefaultPtuBilling));
    return kDefaultPtuBilling;
}

} // namespace isc
