#include "routingreport.h"

#include "core/units.h"

#include <cmath>

namespace isc {
namespace {

QString percent(double share)
{
    return QStringLiteral("%1 %").arg(100.0 * share, 0, 'f', 1);
}

} // namespace

RoutingReport RoutingReport::build(const ReplaySummary& summary, const QString& error)
{
    RoutingReport r;
    const RouteFigures& t = summary.total;
    const bool any = error.isEmpty() && t.requests > 0;
    const QStringList titles = tileTitles();
    r.tiles.resize(titles.size());
    auto set = [&](int i, const QString& value, const QString& trend, int sentiment,
                   const QString& detail) {
        KpiFigure& f = r.tiles[i];
        f.title = titles[i];
        f.value = any ? value : tr("No data");
        f.trend = any ? trend : QString();
        f.sentiment = sentiment;
        f.detail = detail;
        f.status = any ? KpiFigure::Status::Normal : KpiFigure::Status::NoData;
    };
    set(0, t.cost.format(2),
        tr("%1 per 1k requests").arg(Money::fromUnits(t.costPer1kRequests()).format(3)), 0,
        summary.pricingNote);
    if (!summary.baseline.isEmpty()) {
        const Money avoided = summary.costAvoided();
        const double pct = summary.baselineCost.micros > 0 ? 100.0 * double(avoided.micros) /
                                                                 double(summary.baselineCost.micros)
                                                           : 0;
        set(1, avoided.format(2),
            (pct >= 0 ? tr("%1 % below %2 (%3)") : tr("%1 % above %2 (%3)"))
                .arg(std::abs(pct), 0, 'f', 0)
                .arg(summary.baselineName.isEmpty() ? tr("the baseline") : summary.baselineName,
                     summary.baselineCost.format(0)),
            avoided.micros >= 0 ? 1 : -1, summary.baseline);
        r.baselineNote = tr("<b>Cost avoided</b> is the actual cost against a baseline: %1 That "
                            "would have cost %2 for this range's %3 prompt and %4 output tokens.")
                             .arg(summary.baseline.toHtmlEscaped(), summary.baselineCost.format(2),
                                  formatCompact(summary.demandPromptTokens),
                                  formatCompact(summary.demandOutputTokens));
        r.pricesNote = tr("Prices: %1").arg(summary.pricingNote);
    } else {
        set(1, tr("–"), tr("no pay-per-token model to compare with"), 0, QString());
        r.baselineNote = tr("<b>Cost avoided</b> needs a model with a pay-per-token price in the "
                            "range to price the baseline.");
    }
    set(2, percent(summary.spilloverRate),
        tr("%1 requests served elsewhere").arg(formatCompact(t.spilloverOut)), 0,
        tr("Requests a provisioned deployment answered 429 and its spillover deployment served, "
           "over all requests."));
    set(3, percent(summary.localShare), tr("cloud %1").arg(percent(summary.cloudShare)), 0,
        tr("Share of the served requests that ran on local models."));
    set(4, formatCompact(t.requests429),
        tr("%1 of requests").arg(percent(t.requests > 0 ? t.requests429 / t.requests : 0)),
        t.requests429 > 0 ? -1 : 0, tr("429 answers, including those then served by spillover."));
    return r;
}

QStringList RoutingReport::tileTitles()
{
    return {tr("Cost"), tr("Cost avoided"), tr("Spillover rate"), tr("Local share"),
            tr("429 answers")};
}

QString RoutingReport::chartTitle(bool tokens)
{
    return tokens ? tr("Tokens served per route") : tr("Requests per route");
}

QString RoutingReport::chartUnit(bool tokens)
{
    return tokens ? tr("tokens/min") : tr("requests/min");
}

} // namespace isc
