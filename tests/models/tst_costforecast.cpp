#include "cost/costforecast.h"
#include "cost/ptucost.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 kMar01 = 1772323200;      // 2026-03-01T00:00:00Z
constexpr qint64 kMar20Noon = 1774008000;  // 2026-03-20T12:00:00Z
constexpr qint64 kMar01_0600 = 1772344800; // 2026-03-01T06:00:00Z

Money dollars(qint64 d)
{
    return Money::fromMicros(d * 1000000);
}

/// $100 on each of March 1-19, $40 so far on the 20th, $999 on February 28.
QVector<DailyCost> march(qint64 skipDay = -1)
{
    QVector<DailyCost> days;
    days.append({kMar01 - kDay, dollars(999)});
    for (int i = 0; i < 19; ++i) {
        if (i != skipDay)
            days.append({kMar01 + i * kDay, dollars(100)});
    }
    days.append({kMar01 + 19 * kDay, dollars(40)});
    return days;
}

} // namespace

class tst_CostForecast : public QObject
{
    Q_OBJECT
private slots:
    void trailingMean()
    {
        const CostForecast f = CostForecast::compute(march(), kMar20Noon);
        QCOMPARE(f.today, dollars(40));
        QCOMPARE(f.monthToDate, dollars(1940)); // February's $999 is not in March
        QCOMPARE(f.dailyRate, dollars(100));
        QCOMPARE(f.fullDaysUsed, 7);
        // $1,940 + $100 x 11.5 days left.
        QCOMPARE(f.forecast, dollars(3090));
        QVERIFY(f.method.contains(QLatin1String("last 7 full UTC days")));
        QVERIFY(f.method.contains(QLatin1String("11.5 days left")));
    }

    void missingDayCountsAsZero()
    {
        const CostForecast f = CostForecast::compute(march(14), kMar20Noon); // no March 15
        QCOMPARE(f.monthToDate, dollars(1840));
        // Last 7 full days sum to $600: $1,840 + 600 x 11.5 / 7.
        QCOMPARE(f.forecast, dollars(1840) + Money::mulDiv(600000000, 115, 70));
    }

    void noFullDayYet()
    {
        const CostForecast f = CostForecast::compute({{kMar01, dollars(10)}}, kMar01_0600);
        QCOMPARE(f.fullDaysUsed, 0);
        QCOMPARE(f.forecast, dollars(1240)); // $10 in 6 h -> x 4 x 31 days
        QVERIFY(f.method.contains(QLatin1String("own rate")));
    }

    void utcDaysLocalDisplay()
    {
        // 16:00 on Feb 28 in Los Angeles is already March 1 UTC: billed in March, shown local.
        const QTimeZone la("America/Los_Angeles");
        QVERIFY(la.isValid());
        QCOMPARE(localTimeLabel(kMar01, la), QStringLiteral("2026-02-28 16:00"));
        const qint64 lateEveningLa = kMar01 + 7 * 3600 + 1800; // Feb 28 23:30 PST
        QCOMPARE(localTimeLabel(lateEveningLa, la), QStringLiteral("2026-02-28 23:30"));
        QCOMPARE(utcDayOf(lateEveningLa).from, kMar01);
        const CostForecast f =
            CostForecast::compute({{lateEveningLa, dollars(5)}}, kMar01 + 12 * 3600);
        QCOMPARE(f.today, dollars(5));
        QCOMPARE(f.monthToDate, dollars(5));
        QCOMPARE(localTimeLabel(kMar01, QTimeZone("Asia/Tokyo")),
                 QStringLiteral("2026-03-01 09:00"));
    }

    void burnDown()
    {
        const QVector<DailyCost> days = march();
        const CostForecast f = CostForecast::compute(days, kMar20Noon);
        const BurnDown b =
            BurnDown::compute({QStringLiteral("demo"), dollars(3000)}, days, kMar20Noon, f);
        QCOMPARE(b.points.size(), 20);
        QCOMPARE(b.points.first().spent, dollars(100));
        QCOMPARE(b.points.first().ideal, Money::mulDiv(3000000000, 1, 31));
        QCOMPARE(b.points.last().spent, dollars(1940));
        QCOMPARE(b.remaining, dollars(1060));
        QVERIFY(b.forecastOverBudget); // $3,090 > $3,000
        // $1,060 left at $100 a day from March 20 12:00 -> March 31 02:24 UTC.
        QCOMPARE(b.exhaustedOn, kMar01 + 30 * kDay);
        QVERIFY(b.summary.contains(QLatin1String("2026-03-31")));

        const BurnDown ok =
            BurnDown::compute({QStringLiteral("demo"), dollars(5000)}, days, kMar20Noon, f);
        QVERIFY(!ok.forecastOverBudget);
        QCOMPARE(ok.exhaustedOn, qint64(0));
        const BurnDown over =
            BurnDown::compute({QStringLiteral("demo"), dollars(1000)}, days, kMar20Noon, f);
        QVERIFY(over.remaining.micros < 0);
        QVERIFY(over.summary.startsWith(QLatin1String("Over budget")));
    }
};

QTEST_GUILESS_MAIN(tst_CostForecast)
#include "tst_costforecast.moc"
