#pragma once

#include "cost/money.h"
#include "cost/pricecatalog.h"
#include "cost/ptucost.h"

#include <QStringList>
#include <QVector>

namespace isc {

/// Tokens of one minute of observed traffic.
struct MinuteTokens
{
    qint64 input = 0;  ///< prompt tokens (cached included: PTU capacity counts them)
    qint64 output = 0; ///< completion tokens
};

/// What the advisor works from.
struct PtuAdvisorInput
{
    QVector<MinuteTokens> minutes;  ///< every minute of the window, idle minutes as zeros
    PtuPrices ptu;                  ///< sizing and prices of the provisioned SKU considered
    TokenPrices payg;               ///< pay-per-token prices to compare with (input, output)
    int currentPtus = 0;            ///< PTUs deployed now (0 = none)
    double targetUtilization = 0.8; ///< (0, 1]: the sized minute may use this share of capacity
    double percentile = 95;         ///< the minute sized for, e.g. 95 or 99
    PtuBilling billing = PtuBilling::MonthlyReservation;
    double spilloverPercentile = 50; ///< PTU + spillover: PTUs sized for this minute at 100 %
};

/// The advisor's answer; every Money is per average month (730 hours).
struct PtuAdvice
{
    /// The options the advisor prices against each other.
    enum class Option {
        RightSized,       ///< recommendedPtus at the target utilization
        PtuPlusSpillover, ///< spilloverPtus, the overflow at pay-per-token prices
        PayPerToken,      ///< no PTUs: every token at pay-per-token prices
    };
    /// False when the input had no pay-per-token price (input and output): paygMonthly,
    /// spilloverPaygMonthly, ptuPlusSpilloverMonthly and breakEvenUtilization are then unknown
    /// (zero and NaN here) and must be shown as "no price", never as $0.
    bool paygPriced = false;
    int observedMinutes = 0;
    double p95Tpm = 0;   ///< weighted tokens per minute (input + weight x output), p95 minute
    double p99Tpm = 0;   ///< same, p99 minute
    double sizedTpm = 0; ///< at the chosen percentile
    int recommendedPtus = 0;
    double currentUtilizationAtSized = 0; ///< sized minute / current capacity (fraction)
    Money currentMonthly;                 ///< the current reservation
    Money rightSizedMonthly;              ///< recommendedPtus
    Money paygMonthly;                    ///< all the traffic at pay-per-token prices
    int spilloverPtus = 0;                ///< PTU + spillover scenario
    Money spilloverPtuMonthly;
    Money spilloverPaygMonthly; ///< the overflow at pay-per-token prices
    Money ptuPlusSpilloverMonthly;
    double breakEvenUtilization = 0; ///< fraction of capacity where PTU = pay-per-token; > 1: never
    /// The cheapest priced option (ties go to the first in Option's order); RightSized when
    /// the pay-per-token options have no price.
    Option cheapest = Option::RightSized;
    Money cheapestMonthly; ///< its cost per month
    /// One sentence naming the cheapest option, what it saves against the runner-up and the
    /// current PTUs, e.g. "Cheapest: pay-per-token, $11,924.55 a month ($1,075.45 less than 50
    /// right-sized PTUs; …)."
    QString verdict;
    QStringList assumptions; ///< sentences for the page
};

/// Sizes provisioned throughput from observed traffic. Pure functions.
class PtuAdvisor
{
public:
    /// Nearest-rank percentile (p in (0, 100]) of `values`; 0 when empty.
    static double percentile(QVector<double> values, double p);
    /// PTUs to serve `tpm` weighted tokens/min at `target` utilization, at least the minimum and
    /// on the increment grid.
    static int ptusFor(double tpm, const PtuPrices& ptu, double target);
    /// Weighted tokens of a minute: input + outputTokenWeight x output.
    static double weighted(const MinuteTokens& m, const PtuPrices& ptu);
    /// Words for an option at the PTU counts of `advice`, e.g. "50 right-sized PTUs".
    static QString optionName(PtuAdvice::Option option, const PtuAdvice& advice);
    /// The whole analysis.
    static PtuAdvice advise(const PtuAdvisorInput& in);
};

} // namespace isc
