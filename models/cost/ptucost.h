#pragma once

#include "core/timerange.h"
#include "cost/money.h"
#include "cost/pricecatalog.h"

#include <QJsonObject>
#include <QString>
#include <QVector>
#include <optional>

namespace isc {

/// How provisioned throughput is paid for.
enum class PtuBilling {
    Hourly,             ///< on demand, per PTU-hour, prorated to the second
    MonthlyReservation, ///< monthly reservation, spread over each UTC calendar month
    YearlyReservation,  ///< yearly reservation, a twelfth spread over each UTC calendar month
};

/// One charge of a PTU deployment: the whole window (hourly) or its part in one UTC month.
struct PtuCharge
{
    TimeRange span;        ///< the part of the window charged here, s UTC
    qint64 ptuSeconds = 0; ///< PTUs x seconds in the span
    qint64 rateMicros = 0; ///< micro-dollars per PTU-hour (hourly) or per PTU-month/-year
    PtuBilling billing = PtuBilling::Hourly;
    Money amount;
};

/// PTU cost over time: PTUs x time x rate, whatever the traffic. Pure functions.
class PtuCost
{
public:
    /// PTUs x seconds of the window (0 for an invalid window or no PTUs).
    static qint64 ptuSeconds(int ptus, const TimeRange& window);

    /// The charges of `ptus` over `window`. Hourly: one charge, rounded once. Reservations: one
    /// charge per UTC calendar month touched, each the month's rate x the share of the month's
    /// seconds covered, rounded once per month. A missing reservation price falls back to the
    /// hourly rate and says so in `note`.
    static QVector<PtuCharge> charges(int ptus, const TimeRange& window, const PtuPrices& prices,
                                      PtuBilling billing, QString* note = nullptr);

    /// The sum of charges().
    static Money cost(int ptus, const TimeRange& window, const PtuPrices& prices,
                      PtuBilling billing, QString* note = nullptr);

    /// The cost of `ptus` for one average month (hourly: 730 hours; reservations: the monthly
    /// price, or a twelfth of the yearly one), for comparisons.
    static Money monthlyCost(int ptus, const PtuPrices& prices, PtuBilling billing);

    /// Hours in the average month used for hourly-rate comparisons (Azure's convention).
    static constexpr qint64 kHoursPerMonth = 730;
};

/// The UTC calendar month containing `ts`: [first day 00:00Z, first day of next month 00:00Z).
TimeRange utcMonthOf(qint64 ts);
/// The UTC day containing `ts`: [00:00Z, next 00:00Z).
TimeRange utcDayOf(qint64 ts);

/// Words for a billing mode: "hourly", "monthly reservation", "yearly reservation".
QString ptuBillingName(PtuBilling billing);

/// The pricing basis a workspace stores ("ptuBilling" of its cost settings): "hourly",
/// "monthly", "yearly".
QString ptuBillingKey(PtuBilling billing);
/// The billing mode of a stored key (case-insensitive); nullopt for any other text.
std::optional<PtuBilling> ptuBillingFromKey(const QString& key);
/// What a customer with a PTU deployment most likely pays: a monthly reservation.
constexpr PtuBilling kDefaultPtuBilling = PtuBilling::MonthlyReservation;
/// The basis a workspace's cost settings (its budget object, {"ptuBilling": "monthly"}) choose;
/// kDefaultPtuBilling when unset. An unknown value gives the default and sets `warning`.
PtuBilling ptuBillingOf(const QJsonObject& costSettings, QString* warning = nullptr);

} // namespace isc
