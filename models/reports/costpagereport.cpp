#include "costpagereport.h"

#include "cost/costforecast.h"

#include <QDateTime>
#include <QLocale>
#include <algorithm>
#include <map>

namespace isc {
namespace {

constexpr qint64 kDay = 86400;
const QString kAzure = QStringLiteral("azure-openai");
using GroupBy = CostPageInput::GroupBy;

QString providerLabel(const QString& kind)
{
    if (kind == kAzure)
        return CostPageReport::tr("Azure OpenAI");
    if (kind == QLatin1String("openai"))
        return CostPageReport::tr("OpenAI");
    if (kind == QLatin1String("anthropic"))
        return CostPageReport::tr("Anthropic");
    return kind;
}

QString groupOf(const CostItem& item, GroupBy by)
{
    switch (by) {
    case GroupBy::Model:
        return item.model.isEmpty() ? item.deployment : item.model;
    case GroupBy::Provider:
        return providerLabel(item.provider);
    case GroupBy::Deployment:
        break;
    }
    QString name = item.deployment;
    if (item.provider != kAzure)
        name += QStringLiteral(" · ") + providerLabel(item.provider);
    if (item.batch)
        name += CostPageReport::tr(" (batch)");
    return name;
}

QString utcOffsetText()
{
    const int offset = QDateTime::currentDateTime().offsetFromUtc();
    const int h = std::abs(offset) / 3600, m = (std::abs(offset) % 3600) / 60;
    return QStringLiteral("UTC%1%2:%3")
        .arg(offset < 0 ? QLatin1Char('-') : QLatin1Char('+'))
        .arg(h, 2, 10, QLatin1Char('0'))
        .arg(m, 2, 10, QLatin1Char('0'));
}

QString usd(Money m)
{
    return m.format(2);
}

/// Exact dollars for CSV: "12.345678".
QString usdExact(Money m)
{
    return m.format(6, QString()).remove(QLatin1Char(','));
}

QString countText(qint64 n)
{
    return QLocale().toString(n);
}

QString sourceName(const CostPageInput& in, const QString& id)
{
    for (const Connection& c : in.connections) {
        if (c.id == id)
            return c.displayName.isEmpty() ? c.id : c.displayName;
    }
    return id;
}

QString bucketLabel(const CostPageInput& in, qint64 start)
{
    if (in.bucketSeconds < kDay)
        return QDateTime::fromSecsSinceEpoch(start).toString(QStringLiteral("HH"));
    const QDateTime utc = QDateTime::fromSecsSinceEpoch(start, Qt::UTC);
    return in.range.buckets.size() > 12 ? utc.toString(QStringLiteral("d"))
                                        : utc.toString(QStringLiteral("MMM d"));
}

QVector<KpiFigure> tilesOf(const CostPageInput& in, const CostForecast& f)
{
    using Status = KpiFigure::Status;
    const QStringList titles = CostPageReport::tileTitles();
    QVector<KpiFigure> out(titles.size());
    for (int i = 0; i < titles.size(); ++i)
        out[i].title = titles[i];
    const CostReport& r = in.range.report;
    const QString basis = ptuBillingName(in.billing);

    KpiFigure& spend = out[0];
    spend.value = usd(r.total);
    spend.status = r.unpricedItems > 0 ? Status::Warning : Status::Normal;
    spend.trend = r.unpricedItems > 0
                      ? CostPageReport::tr("%n item(s) without a price", "", r.unpricedItems)
                      : CostPageReport::tr("%1 requests").arg(countText(r.requests));
    spend.sentiment = r.unpricedItems > 0 ? -1 : 0;
    spend.detail = CostPageReport::tr("Tokens x catalog prices, plus PTU time at the %1 rate, "
                                      "over the selected range.")
                       .arg(basis);

    out[1].value = usd(f.today);
    out[1].status = Status::Normal;
    out[1].trend = CostPageReport::tr("since 00:00 UTC");
    out[1].detail = CostPageReport::tr("The current UTC day so far (billing days are UTC).");

    out[2].value = usd(f.monthToDate);
    if (in.budget) {
        const double used = double(f.monthToDate.micros) / double(in.budget->micros);
        out[2].trend = CostPageReport::tr("%1 % of the %2 budget")
                           .arg(QString::number(used * 100, 'f', 0), usd(*in.budget));
        out[2].sentiment = used > 1 ? -1 : 0;
        out[2].status = used > 1 ? Status::Critical : Status::Normal;
    } else {
        out[2].trend = CostPageReport::tr("no budget set");
        out[2].status = Status::Normal;
    }
    out[2].detail = CostPageReport::tr("The current UTC calendar month so far, today included.");

    out[3].value = usd(f.forecast);
    const bool over = in.budget && f.forecast > *in.budget;
    out[3].trend = CostPageReport::tr("at %1/day").arg(usd(f.dailyRate));
    out[3].sentiment = over ? -1 : 0;
    out[3].status = over ? Status::Warning : Status::Normal;
    out[3].detail = f.method;

    out[4].value = r.requests > 0 ? r.costPer1kRequests().format(2) : QStringLiteral("—");
    out[4].trend = r.requests > 0
                       ? CostPageReport::tr("%1 per request").arg(r.costPerRequest().format(4))
                       : CostPageReport::tr("no requests");
    out[4].status = r.requests > 0 ? Status::Normal : Status::NoData;
    out[4].detail = CostPageReport::tr("Cost in the range / requests in the range (PTU time "
                                       "included, at the %1 rate).")
                        .arg(basis);

    out[5].value = usd(r.cacheSavings + r.batchSavings);
    out[5].trend =
        CostPageReport::tr("cache %1 · batch %2").arg(usd(r.cacheSavings), usd(r.batchSavings));
    out[5].sentiment = +1;
    out[5].status = Status::Normal;
    out[5].detail = CostPageReport::tr("What cached input tokens and the batch rate saved against "
                                       "the standard input and output prices.");
    return out;
}

BarChartReport burnDownOf(const CostPageInput& in, const CostForecast& f)
{
    BarChartReport data;
    data.title = CostPageReport::tr("Budget burn-down");
    data.valueAxisTitle = CostPageReport::tr("USD");
    if (!in.budget) {
        data.emptyMessage = CostPageReport::tr("No monthly budget is set for this workspace. Set "
                                               "one with \"Prices and budget…\".");
        return data;
    }
    const BurnDown bd =
        BurnDown::compute(Budget{in.workspaceName, *in.budget}, in.month.daily, in.queriedAt, f);
    // A sentence, on lines of its own: the day the budget runs out must not be cut off.
    data.note = QString(bd.summary).replace(QLatin1String("; "), QLatin1String(";\n"));
    data.categoryAxisTitle = CostPageReport::tr("UTC day of %1")
                                 .arg(QDateTime::fromSecsSinceEpoch(in.queriedAt, Qt::UTC)
                                          .toString(QStringLiteral("MMMM")));
    BarChartReport::Set spent{CostPageReport::tr("Spent (cumulative)"), {}, SeriesColor::Blue};
    BarChartReport::Set ideal{CostPageReport::tr("Even pace"), {}, SeriesColor::Grey};
    for (const BurnDownPoint& p : bd.points) {
        data.categories
            << QDateTime::fromSecsSinceEpoch(p.day, Qt::UTC).toString(QStringLiteral("d"));
        spent.values << p.spent.toUnits();
        ideal.values << p.ideal.toUnits();
    }
    data.sets = {spent, ideal};
    data.stacked = false;
    data.threshold = in.budget->toUnits();
    data.thresholdLabel = CostPageReport::tr("Budget %1").arg(usd(*in.budget));
    return data;
}

ReportTable spendersOf(const CostPageInput& in)
{
    const CostReport& r = in.range.report;
    QVector<CostItem> items = r.items;
    std::sort(items.begin(), items.end(), [](const CostItem& a, const CostItem& b) {
        return a.total > b.total || (a.total == b.total && a.deployment < b.deployment);
    });
    ReportTable out;
    out.headers = {
        CostPageReport::tr("Deployment / stream"),
        CostPageReport::tr("Provider"),
        CostPageReport::tr("Model"),
        CostPageReport::tr("SKU / tier"),
        CostPageReport::tr("Requests"),
        CostPageReport::tr("Input tokens"),
        CostPageReport::tr("Cached"),
        CostPageReport::tr("Output"),
        CostPageReport::tr("Cost"),
        CostPageReport::tr("Share"),
        CostPageReport::tr("Per 1k req"),
        CostPageReport::tr("Pricing"),
    };
    for (const CostItem& c : std::as_const(items)) {
        QVector<TableCell> row;
        row << TableCell::plain(groupOf(c, GroupBy::Deployment), sourceName(in, c.source))
            << TableCell::plain(providerLabel(c.provider))
            << TableCell::plain(c.version.isEmpty() ? c.model
                                                    : c.model + QLatin1Char(' ') + c.version)
            << TableCell::plain(c.provisioned ? c.sku + CostPageReport::tr(" (PTU)") : c.sku);
        row << TableCell::number(countText(c.tokens.requests), double(c.tokens.requests))
            << TableCell::number(countText(c.tokens.inputTotal()), double(c.tokens.inputTotal()))
            << TableCell::number(countText(c.tokens.cachedInput), double(c.tokens.cachedInput))
            << TableCell::number(countText(c.tokens.output), double(c.tokens.output));
        TableCell cost = TableCell::number(c.priced ? usd(c.total) : CostPageReport::tr("no price"),
                                           double(c.total.micros));
        QStringList lines;
        for (const CostLine& l : c.lines)
            lines << QStringLiteral("%1: %2%3")
                         .arg(costLineLabel(l.kind), l.amount.format(4),
                              l.detail.isEmpty() ? QString()
                                                 : QStringLiteral(" (%1)").arg(l.detail));
        cost.toolTip = lines.join(QLatin1Char('\n'));
        cost.warning = !c.priced;
        cost.override = c.overridden;
        row << cost;
        const double share =
            r.total.micros > 0 ? 100.0 * double(c.total.micros) / double(r.total.micros) : 0;
        row << TableCell::number(QString::number(share, 'f', 1) + QStringLiteral(" %"), share);
        const Money per1k = c.tokens.requests > 0
                                ? Money::mulDiv(c.total.micros, 1000, c.tokens.requests)
                                : Money{};
        row << TableCell::number(c.tokens.requests > 0 ? usd(per1k) : QStringLiteral("—"),
                                 double(per1k.micros));
        QStringList pricing;
        if (c.provisioned)
            pricing << ptuBillingName(in.billing);
        if (c.overridden)
            pricing << CostPageReport::tr("override");
        if (c.priced && !c.confirmed)
            pricing << CostPageReport::tr("unconfirmed price");
        if (c.priced && c.confirmed && !c.overridden)
            pricing << CostPageReport::tr("catalog %1").arg(c.priceAsOf);
        TableCell p =
            TableCell::plain(pricing.join(QStringLiteral(", ")),
                             (QStringList{c.priceSource} + c.notes).join(QLatin1Char('\n')));
        p.warning = !c.priced;
        p.override = c.overridden;
        row << p;
        out.rows << row;
    }
    return out;
}

QString notesOf(const CostPageInput& in, const CostForecast& f)
{
    int overridden = 0;
    for (const PriceEntry& e : in.catalog.entries())
        overridden += e.overridden ? 1 : 0;
    QString text =
        CostPageReport::tr(
            "<b>How:</b> tokens stored per deployment x the price catalog (as of %1)%2; cached "
            "tokens are priced once, at the cached rate; provisioned deployments cost PTUs x time "
            "at the <b>%3</b> rate whatever the traffic (the workspace's PTU pricing basis, the "
            "same on the Capacity page), and their spillover is priced on the standard "
            "deployment. <b>Forecast:</b> %4 <b>Days are UTC</b> for billing; times on this page "
            "are local (%5). Local servers are not priced.")
            .arg(in.catalog.asOf(),
                 overridden > 0
                     ? CostPageReport::tr(" with %n workspace override(s)", "", overridden)
                     : QString(),
                 ptuBillingName(in.billing), f.method.toHtmlEscaped(), utcOffsetText());
    return text;
}

QString reportedOf(const CostPageInput& in)
{
    QStringList lines;
    const QString fmt = QStringLiteral("yyyy-MM-dd");
    const QString first =
        QDateTime::fromSecsSinceEpoch(in.reconciledDays.from, Qt::UTC).toString(fmt);
    const QString last =
        QDateTime::fromSecsSinceEpoch(in.reconciledDays.to - kDay, Qt::UTC).toString(fmt);
    if (!in.reconciled.reported.isEmpty())
        lines << (first == last
                      ? CostPageReport::tr("Whole UTC day %1 (providers report per UTC day):")
                            .arg(first)
                      : CostPageReport::tr("Whole UTC days %1 – %2 (providers report per UTC "
                                           "day):")
                            .arg(first, last));
    for (const ReportedSourceCost& rc : in.reconciled.reported) {
        const double pct =
            rc.reported.micros != 0
                ? 100.0 * double(rc.comparison.difference.micros) / double(rc.reported.micros)
                : 0;
        lines << CostPageReport::tr("<b>%1</b>: reported %2, computed %3, difference %4 (%5 %). %6")
                     .arg(sourceName(in, rc.source).toHtmlEscaped(), usd(rc.reported),
                          usd(rc.computed), rc.comparison.difference.format(2),
                          QString::number(pct, 'f', 2), rc.comparison.explanation.toHtmlEscaped());
    }
    bool reporters = false;
    for (const Connection& c : in.connections)
        reporters =
            reporters || c.kind == QLatin1String("openai") || c.kind == QLatin1String("anthropic");
    if (lines.isEmpty())
        lines << (!reporters ? CostPageReport::tr("No provider in this workspace reports its own "
                                                  "costs (the OpenAI and Anthropic costs APIs do).")
                  : !in.reconciledDays.isValid()
                      ? CostPageReport::tr("Providers report costs per whole UTC day and this "
                                           "range holds none: choose 7 d or 30 d to compare them "
                                           "with the computed costs.")
                      : CostPageReport::tr("No reported costs stored for these UTC days yet."));
    return lines.join(QStringLiteral("<br>"));
}

} // namespace

CostPageReport CostPageReport::build(const CostPageInput& in)
{
    const CostForecast forecast = CostForecast::compute(in.month.daily, in.queriedAt, 7);
    CostPageReport r;
    r.tiles = tilesOf(in, forecast);
    r.spend = buildSpend(in);
    r.burnDown = burnDownOf(in, forecast);
    r.spenders = spendersOf(in);
    r.notes = notesOf(in, forecast);
    r.notesWarning = in.overrideWarning;
    r.reported = reportedOf(in);
    return r;
}

BarChartReport CostPageReport::buildSpend(const CostPageInput& in)
{
    BarChartReport data;
    data.title = tr("Spend over time");
    data.note = (in.bucketSeconds < kDay ? tr("per hour") : tr("per UTC day")) +
                tr(", PTUs at the %1 rate").arg(ptuBillingName(in.billing));
    data.valueAxisTitle = tr("USD");
    if (in.bucketSeconds < kDay) {
        data.categoryAxisTitle = tr("Hour starting (local time, %1)").arg(utcOffsetText());
    } else if (!in.range.buckets.isEmpty()) {
        const QString fmt = QStringLiteral("d MMM");
        data.categoryAxisTitle =
            tr("UTC day, %1 – %2")
                .arg(QDateTime::fromSecsSinceEpoch(in.range.buckets.first().start, Qt::UTC)
                         .toString(fmt),
                     QDateTime::fromSecsSinceEpoch(in.range.buckets.last().start, Qt::UTC)
                         .toString(fmt));
    }
    for (const CostBucket& b : in.range.buckets)
        data.categories << bucketLabel(in, b.start);
    const QVector<QPair<QString, QVector<Money>>> groups = spendByGroup(in);
    for (int g = 0; g < groups.size(); ++g) {
        const auto& [group, values] = groups.at(g);
        BarChartReport::Set s;
        s.name = group;
        // The folded rest is grey, not a deployment's colour.
        if (g == groups.size() - 1 && groups.size() == kMaxGroups && group == tr("Other"))
            s.color = SeriesColor::Grey;
        for (Money m : values)
            s.values << m.toUnits();
        data.sets << s;
    }
    data.stacked = true;
    data.emptyMessage = in.range.error.isEmpty()
                            ? tr("No priced usage in this range yet. Costs appear once the "
                                 "sources have stored token counts.")
                            : in.range.error;
    return data;
}

QVector<QPair<QString, QVector<Money>>> CostPageReport::spendByGroup(const CostPageInput& in)
{
    const int n = int(in.range.buckets.size());
    std::map<QString, QVector<Money>> byGroup;
    std::map<QString, Money> totals;
    for (int b = 0; b < n; ++b) {
        for (const CostItem& item : in.range.buckets[b].report.items) {
            const QString g = groupOf(item, in.groupBy);
            QVector<Money>& v = byGroup[g];
            v.resize(n);
            v[b] += item.total;
            totals[g] += item.total;
        }
    }
    QVector<QPair<QString, QVector<Money>>> out;
    for (auto& [g, v] : byGroup)
        out.append({g, v});
    std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
        return totals[a.first] > totals[b.first] ||
               (totals[a.first] == totals[b.first] && a.first < b.first);
    });
    if (out.size() > kMaxGroups) {
        QVector<Money> other(n);
        for (int i = kMaxGroups - 1; i < out.size(); ++i) {
            for (int b = 0; b < n; ++b)
                other[b] += out[i].second[b];
        }
        out.resize(kMaxGroups - 1);
        out.append({tr("Other"), other});
    }
    return out;
}

QString CostPageReport::csv(const CostPageInput& in)
{
    QString out;
    const QStringList header = {QStringLiteral("section"),       QStringLiteral("bucket_start_utc"),
                                QStringLiteral("group"),         QStringLiteral("provider"),
                                QStringLiteral("model"),         QStringLiteral("sku"),
                                QStringLiteral("requests"),      QStringLiteral("input_tokens"),
                                QStringLiteral("cached_tokens"), QStringLiteral("output_tokens"),
                                QStringLiteral("cost_usd"),      QStringLiteral("notes")};
    out += header.join(QLatin1Char(',')) + QLatin1String("\r\n");
    auto line = [&out](const QStringList& fields) {
        QStringList f;
        for (const QString& s : fields)
            f << csvField(s);
        out += f.join(QLatin1Char(',')) + QLatin1String("\r\n");
    };
    const auto groups = spendByGroup(in);
    for (int b = 0; b < in.range.buckets.size(); ++b) {
        for (const auto& [group, values] : groups) {
            line({QStringLiteral("spend"),
                  formatIsoUtc(in.range.buckets[b].start),
                  group,
                  {},
                  {},
                  {},
                  {},
                  {},
                  {},
                  {},
                  usdExact(values[b]),
                  {}});
        }
    }
    for (const CostItem& c : in.range.report.items) {
        QStringList notes = c.notes;
        if (c.overridden)
            notes.prepend(QStringLiteral("override"));
        if (!c.priced)
            notes.prepend(QStringLiteral("no price"));
        line({QStringLiteral("item"), formatIsoUtc(in.range.report.window.from),
              groupOf(c, GroupBy::Deployment), c.provider, c.model, c.sku,
              QString::number(c.tokens.requests), QString::number(c.tokens.inputTotal()),
              QString::number(c.tokens.cachedInput), QString::number(c.tokens.output),
              c.priced ? usdExact(c.total) : QString(), notes.join(QStringLiteral("; "))});
    }
    return out;
}

QStringList CostPageReport::tileTitles()
{
    return {tr("Spend in range"),     tr("Today (UTC)"),     tr("Month to date"),
            tr("Month-end forecast"), tr("Per 1k requests"), tr("Savings (cache, batch)")};
}

QString CostPageReport::billingText(PtuBilling billing)
{
    return tr("PTUs priced at the %1 rate, as on the Capacity page (Prices and budget…)")
        .arg(ptuBillingName(billing));
}

QString CostPageReport::rangeText(TimeRange range)
{
    return tr("%1 (local time, %2); billing days are UTC")
        .arg(formatLocalSpan(range), utcOffsetText());
}

} // namespace isc
