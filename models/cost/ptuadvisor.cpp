#include "cost/ptuadvisor.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace isc {
namespace {

__extension__ typedef __int128 Int128;

constexpr qint64 kMinutesPerMonth = PtuCost::kHoursPerMonth * 60;

/// Exact pay-per-token cost of tokens in 10^-12 dollars.
Int128 paygExact(qint64 input, qint64 output, const TokenPrices& p)
{
    return static_cast<Int128>(input) * p.input.value_or(0) +
           static_cast<Int128>(output) * p.output.value_or(0);
}

/// An exact cost over `minutes` observed, scaled to a 730-hour month, rounded once.
Money monthly(Int128 exact, int minutes)
{
    if (minutes <= 0)
        return {};
    const Int128 den = static_cast<Int128>(minutes) * 1000000;
    const Int128 n = exact * kMinutesPerMonth;
    return Money::fromMicros(static_cast<qint64>((n + den / 2) / den));
}

QString percentText(double fraction)
{
    return QString::number(fraction * 100.0, 'f', fraction * 100 < 10 ? 1 : 0) +
           QStringLiteral(" %");
}

QString pName(double p)
{
    return QStringLiteral("p") + QString::number(p, 'g', 4);
}

// The cheapest option and its sentence; runs after every Money of `a` is set.
void decide(PtuAdvice& a, int currentPtus)
{
    using Option = PtuAdvice::Option;
    QVector<std::pair<Option, Money>> priced{{Option::RightSized, a.rightSizedMonthly}};
    if (a.paygPriced) {
        priced.append({Option::PtuPlusSpillover, a.ptuPlusSpilloverMonthly});
        priced.append({Option::PayPerToken, a.paygMonthly});
    }
    // Stable: an exact tie keeps the simpler option listed first.
    std::stable_sort(priced.begin(), priced.end(),
                     [](const auto& x, const auto& y) { return x.second < y.second; });
    a.cheapest = priced.first().first;
    a.cheapestMonthly = priced.first().second;
    QStringList savings;
    if (priced.size() > 1)
        savings << QStringLiteral("%1 less than %2")
                       .arg((priced.at(1).second - a.cheapestMonthly).format(2),
                            PtuAdvisor::optionName(priced.at(1).first, a));
    if (currentPtus > 0 && a.currentMonthly > a.cheapestMonthly)
        savings << QStringLiteral("%1 less than the current %2 PTUs")
                       .arg((a.currentMonthly - a.cheapestMonthly).format(2))
                       .arg(currentPtus);
    const QString head = a.paygPriced ? QStringLiteral("Cheapest: %1, %2 a month")
                                      : QStringLiteral("Cheapest priced option: %1, %2 a month");
    a.verdict = head.arg(PtuAdvisor::optionName(a.cheapest, a), a.cheapestMonthly.format(2));
    if (!savings.isEmpty())
        a.verdict += QStringLiteral(" (%1)").arg(savings.join(QStringLiteral("; ")));
    a.verdict += a.paygPriced
                     ? QStringLiteral(".")
                     : QStringLiteral("; pay-per-token and PTU + spillover have no price.");
}

} // namespace

QString PtuAdvisor::optionName(PtuAdvice::Option option, const PtuAdvice& advice)
{
    switch (option) {
    case PtuAdvice::Option::RightSized:
        return QStringLiteral("%1 right-sized PTUs").arg(advice.recommendedPtus);
    case PtuAdvice::Option::PtuPlusSpillover:
        return QStringLiteral("%1 PTUs + spillover").arg(advice.spilloverPtus);
    case PtuAdvice::Option::PayPerToken:
        break;
    }
    return QStringLiteral("pay-per-token");
}

double PtuAdvisor::percentile(QVector<double> values, double p)
{
    if (values.isEmpty())
        return 0;
    std::sort(values.begin(), values.end());
    const double rank = std::ceil(std::clamp(p, 0.0, 100.0) / 100.0 * double(values.size()));
    const qsizetype i = std::clamp<qsizetype>(qsizetype(rank) - 1, 0, values.size() - 1);
    return values[i];
}

int PtuAdvisor::ptusFor(double tpm, const PtuPrices& ptu, double target)
{
    if (ptu.inputTpmPerPtu <= 0 || target <= 0)
        return ptu.minimum;
    const double perPtu = double(ptu.inputTpmPerPtu) * target;
    // Subtract a hair so that an exact fit (150000 / 2000 = 75) is not pushed up by rounding.
    int n = int(std::ceil(tpm / perPtu - 1e-9));
    n = std::max(n, ptu.minimum);
    if (ptu.increment > 0 && n > ptu.minimum)
        n = ptu.minimum + (n - ptu.minimum + ptu.increment - 1) / ptu.increment * ptu.increment;
    return n;
}

double PtuAdvisor::weighted(const MinuteTokens& m, const PtuPrices& ptu)
{
    return double(m.input) + ptu.outputTokenWeight * double(m.output);
}

PtuAdvice PtuAdvisor::advise(const PtuAdvisorInput& in)
{
    PtuAdvice a;
    a.paygPriced = in.payg.input.has_value() && in.payg.output.has_value();
    const PtuPrices& ptu = in.ptu;
    const int n = int(in.minutes.size());
    a.observedMinutes = n;
    QVector<double> w;
    w.reserve(n);
    Int128 paygAll = 0;
    double weightedSum = 0;
    for (const MinuteTokens& m : in.minutes) {
        w.append(weighted(m, ptu));
        weightedSum += w.last();
        paygAll += paygExact(m.input, m.output, in.payg);
    }
    a.p95Tpm = percentile(w, 95);
    a.p99Tpm = percentile(w, 99);
    a.sizedTpm = percentile(w, in.percentile);
    a.recommendedPtus = ptusFor(a.sizedTpm, ptu, in.targetUtilization);
    if (in.currentPtus > 0 && ptu.inputTpmPerPtu > 0)
        a.currentUtilizationAtSized = a.sizedTpm / (double(in.currentPtus) * ptu.inputTpmPerPtu);

    a.currentMonthly = PtuCost::monthlyCost(in.currentPtus, ptu, in.billing);
    a.rightSizedMonthly = PtuCost::monthlyCost(a.recommendedPtus, ptu, in.billing);
    a.paygMonthly = monthly(paygAll, n);

    // PTU + spillover: a base sized for a typical minute at 100 %, the overflow pay-per-token.
    a.spilloverPtus = ptusFor(percentile(w, in.spilloverPercentile), ptu, 1.0);
    const double capacity = double(a.spilloverPtus) * double(ptu.inputTpmPerPtu);
    Int128 overflow = 0;
    for (int i = 0; i < n; ++i) {
        if (w[i] <= capacity || w[i] <= 0)
            continue;
        const double share = (w[i] - capacity) / w[i];
        const MinuteTokens& m = in.minutes[i];
        overflow += paygExact(qint64(std::llround(double(m.input) * share)),
                              qint64(std::llround(double(m.output) * share)), in.payg);
    }
    a.spilloverPtuMonthly = PtuCost::monthlyCost(a.spilloverPtus, ptu, in.billing);
    if (!a.paygPriced) {
        // Unknown, not free: nothing priced at pay-per-token rates may read as $0.
        a.paygMonthly = {};
        a.spilloverPaygMonthly = {};
        a.ptuPlusSpilloverMonthly = {};
        a.breakEvenUtilization = std::numeric_limits<double>::quiet_NaN();
    } else {
        a.spilloverPaygMonthly = monthly(overflow, n);
        a.ptuPlusSpilloverMonthly = a.spilloverPtuMonthly + a.spilloverPaygMonthly;
    }

    // Break-even: the utilization at which a PTU's month costs what its tokens would.
    const double paygPerWeighted =
        weightedSum > 0 ? double(static_cast<qint64>(paygAll / 1000000)) / weightedSum : 0;
    const double ptuMonth = double(PtuCost::monthlyCost(1, ptu, in.billing).micros);
    const double tokensPerPtuMonth = double(ptu.inputTpmPerPtu) * double(kMinutesPerMonth);
    if (a.paygPriced)
        a.breakEvenUtilization = paygPerWeighted > 0 && tokensPerPtuMonth > 0
                                     ? ptuMonth / (tokensPerPtuMonth * paygPerWeighted)
                                     : std::numeric_limits<double>::infinity();

    decide(a, in.currentPtus);

    QStringList& s = a.assumptions;
    s << QStringLiteral("Traffic: the %1 observed minutes (%2 days, idle minutes included), "
                        "scaled to a month of %3 hours.")
             .arg(n)
             .arg(QString::number(double(n) / 1440.0, 'f', 1))
             .arg(PtuCost::kHoursPerMonth);
    s << QStringLiteral("Capacity is counted in weighted tokens per minute: input + %1 x output, "
                        "%2 per PTU.")
             .arg(ptu.outputTokenWeight)
             .arg(ptu.inputTpmPerPtu);
    s << QStringLiteral("Sized for the %1 minute (nearest rank) at %2 target utilization.")
             .arg(pName(in.percentile), percentText(in.targetUtilization));
    s << QStringLiteral("PTUs are at least %1, in steps of %2.")
             .arg(ptu.minimum)
             .arg(ptu.increment);
    s << QStringLiteral("PTU price: %1 (%2 per PTU a month).")
             .arg(ptuBillingName(in.billing), PtuCost::monthlyCost(1, ptu, in.billing).format(2));
    if (a.paygPriced)
        s << QStringLiteral("Pay-per-token: %1 input, %2 output; cached input is not discounted.")
                 .arg(formatPricePerMillion(*in.payg.input),
                      formatPricePerMillion(*in.payg.output));
    else
        s << QStringLiteral("Pay-per-token: no price in the catalog, so the pay-per-token and "
                            "PTU + spillover options and the break-even are not priced (add a "
                            "price override to compare them).");
    s << QStringLiteral("PTU + spillover: PTUs sized for the %1 minute at 100 %; tokens above "
                        "that capacity spill to a standard deployment at pay-per-token prices.")
             .arg(pName(in.spilloverPercentile));
    s << QStringLiteral("Break-even: the utilization at which a PTU costs what its tokens would "
                        "cost pay-per-token, at the observed input/output mix.");
    return a;
}

} // namespace isc
