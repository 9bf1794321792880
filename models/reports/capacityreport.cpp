#include "capacityreport.h"

#include <QDateTime>
#include <QLocale>
#include <limits>

namespace isc {
namespace {

const QString kAzure = QStringLiteral("azure-openai");

QString pct(double v, int decimals = 0)
{
    return QString::number(v, 'f', decimals) + QStringLiteral(" %");
}

QString usd(Money m)
{
    return m.format(0);
}

/// The connection's display name (its id when it has none or is unknown).
QString sourceName(const CapacityReportInput& in, const QString& id)
{
    for (const Connection& c : in.connections) {
        if (c.id == id)
            return c.displayName.isEmpty() ? c.id : c.displayName;
    }
    return id;
}

bool isAzureSource(const CapacityReportInput& in, const QString& id)
{
    for (const Connection& c : in.connections) {
        if (c.id == id)
            return c.kind == kAzure;
    }
    return true; // unknown connection: show it rather than hide it
}

} // namespace

CapacityReport CapacityReport::build(const CapacityReportInput& in)
{
    CapacityReport r;
    r.load = buildLoad(in);
    r.advice = buildAdvice(in);
    r.quota = buildQuota(in);
    r.lifecycle = buildLifecycle(in);
    r.fineTuning = buildFineTuning(in);
    return r;
}

QString CapacityReport::billingNote(PtuBilling billing)
{
    return tr("Monthly figures price PTUs at the <b>%1</b> rate: the workspace's pricing basis, "
              "the "
              "same as on the Cost page (change it under Cost, Prices and budget…).")
        .arg(ptuBillingName(billing));
}

TableCell CapacityReport::upgradeCell(const QString& option)
{
    if (option.isEmpty())
        return TableCell::plain(tr("not reported"),
                                tr("The deployments list gave no "
                                   "versionUpgradeOption for this deployment."));
    QString text = option, meaning;
    if (option == QLatin1String("OnceNewDefaultVersionAvailable")) {
        text = tr("new default");
        meaning = tr("Azure moves it to each new default version of the model.");
    } else if (option == QLatin1String("OnceCurrentVersionExpired")) {
        text = tr("at expiry");
        meaning = tr("Azure moves it to the default version when this version retires.");
    } else if (option == QLatin1String("NoAutoUpgrade")) {
        text = tr("no auto-upgrade");
        meaning = tr("Never upgraded automatically: it stops serving when this version retires "
                     "unless it is moved by hand.");
    }
    return TableCell::plain(
        text, meaning.isEmpty() ? option : QStringLiteral("%1 (%2)").arg(meaning, option));
}

CapacityLoadSection CapacityReport::buildLoad(const CapacityReportInput& in)
{
    CapacityLoadSection out;
    out.table.headers = {tr("Deployment"), tr("Model"),      tr("PTUs"),         tr("p50"),
                         tr("p95"),        tr("Max"),        tr("Min at 100 %"), tr("429s"),
                         tr("Spillover"),  tr("Cache match")};
    BarChartReport& chart = out.chart;
    chart.title = tr("PTU utilization");
    chart.note = tr("per minute over the range");
    chart.valueAxisTitle = tr("% of reserved");
    chart.stacked = false;
    chart.threshold = 100;
    chart.thresholdLabel = tr("100 % reserved: 429s above");
    chart.emptyMessage = tr("No provisioned (PTU) deployments in this workspace, or no "
                            "utilization recorded in this range.");
    BarChartReport::Set p50{tr("p50"), {}, SeriesColor::Teal};
    BarChartReport::Set p95{tr("p95"), {}, SeriesColor::Blue};
    BarChartReport::Set max{tr("max"), {}, SeriesColor::Orange};
    for (const ProvisionedLoad& p : in.result.provisioned) {
        QVector<TableCell> row;
        row << TableCell::plain(p.deployment.name, sourceName(in, p.deployment.source))
            << TableCell::plain(p.deployment.model + QLatin1Char(' ') + p.deployment.version)
            << TableCell::number(QString::number(p.deployment.capacity), p.deployment.capacity);
        if (p.minutesWithData == 0) {
            row << TableCell::plain(tr("no data")) << TableCell::plain({}) << TableCell::plain({})
                << TableCell::plain({});
        } else {
            TableCell c95 = TableCell::number(pct(p.utilP95), p.utilP95);
            c95.warning = p.utilP95 >= 100;
            TableCell cmax = TableCell::number(pct(p.utilMax), p.utilMax);
            cmax.warning = p.utilMax >= 100;
            row << TableCell::number(pct(p.utilP50), p.utilP50) << c95 << cmax
                << TableCell::number(QLocale().toString(p.minutesAtCapacity), p.minutesAtCapacity,
                                     tr("of %1 minutes with data").arg(p.minutesWithData));
        }
        TableCell r429 = TableCell::number(pct(100 * p.share429(), 1), p.share429(),
                                           tr("%1 of %2 requests answered 429")
                                               .arg(QLocale().toString(qint64(p.requests429)),
                                                    QLocale().toString(qint64(p.requests))));
        r429.warning = p.share429() >= 0.01;
        row << r429
            << TableCell::number(
                   pct(100 * p.spilloverShare(), 1), p.spilloverShare(),
                   p.deployment.spilloverTo.isEmpty()
                       ? tr("No spillover deployment configured")
                       : tr("Share of requests served by %1 instead").arg(p.deployment.spilloverTo))
            << (p.cacheMatchRate >= 0
                    ? TableCell::number(pct(p.cacheMatchRate, 1), p.cacheMatchRate,
                                        tr("Mean AzureOpenAIContextTokensCacheMatchRate"))
                    : TableCell::plain(tr("not recorded")));
        out.table.rows << row;
        if (p.minutesWithData > 0) {
            chart.categories << p.deployment.name;
            p50.values << p.utilP50;
            p95.values << p.utilP95;
            max.values << p.utilMax;
        }
    }
    chart.sets = {p50, p95, max};
    out.note = out.table.isEmpty() ? tr("No provisioned deployments in the inventory.")
                                   : tr("At 100 % and over, Azure answers 429; with spillover "
                                        "set, those calls go to the standard deployment.");
    return out;
}

CapacityAdviceSection CapacityReport::buildAdvice(const CapacityReportInput& in)
{
    CapacityAdviceSection out;
    const QString pName = QStringLiteral("p") + QString::number(in.percentile, 'g', 3);
    out.table.headers = {
        tr("Deployment"),           tr("%1 minute").arg(pName),   tr("PTUs now"),
        tr("Recommended"),          tr("Current /month"),         tr("Right-sized /month"),
        tr("Pay-per-token /month"), tr("PTU + spillover /month"), tr("Break-even")};
    QVector<QVector<TableCell>>& rows = out.table.rows;
    BarChartReport& chart = out.chart;
    chart.title = tr("Monthly cost by option");
    chart.note = tr("%1, %2 target, PTUs at the %3 rate")
                     .arg(pName, pct(in.targetUtilization * 100), ptuBillingName(in.billing));
    chart.valueAxisTitle = tr("USD per month");
    chart.stacked = false;
    chart.categories = {tr("Current"), tr("Right-sized"), tr("Pay-per-token"),
                        tr("PTU + spillover")};
    chart.emptyMessage = tr("The advisor needs a provisioned deployment with recorded traffic "
                            "and a PTU price in the catalog.");
    QStringList& assumed = out.assumptions;
    QStringList unpricedPayg; // deployments whose pay-per-token options have no price
    for (const ProvisionedLoad& p : in.result.provisioned) {
        const Deployment& dep = p.deployment;
        const PriceLookup ptu = in.catalog.lookup(kAzure, dep.model, dep.version, dep.sku);
        if (!ptu.found() || !ptu.entry->ptu) {
            rows << QVector<TableCell>{
                TableCell::plain(dep.name),
                TableCell::plain(
                    tr("no PTU price for %1 %2 %3").arg(dep.model, dep.version, dep.sku))};
            rows.last().last().warning = true;
            continue;
        }
        // Pay-per-token prices: the spillover deployment's SKU, else GlobalStandard.
        QString paygSku = QStringLiteral("GlobalStandard");
        for (const Deployment& o : in.result.inventory) {
            if (o.source == dep.source && o.name == dep.spilloverTo)
                paygSku = o.sku;
        }
        PriceLookup payg = in.catalog.lookup(kAzure, dep.model, dep.version, paygSku);
        if (!payg.found())
            payg =
                in.catalog.lookup(kAzure, dep.model, dep.version, QStringLiteral("GlobalStandard"));
        PtuAdvisorInput ain;
        ain.minutes = p.demand;
        ain.ptu = *ptu.entry->ptu;
        if (payg.found())
            ain.payg = payg.entry->tokens;
        ain.currentPtus = dep.capacity;
        ain.targetUtilization = in.targetUtilization;
        ain.percentile = in.percentile;
        ain.billing = in.billing;
        const PtuAdvice a = PtuAdvisor::advise(ain);
        out.advice << a;
        const bool overrideUsed = ptu.entry->overridden || (payg.found() && payg.entry->overridden);
        auto money = [&](Money m, const QString& tip = {}) {
            TableCell c = TableCell::number(usd(m), double(m.micros), tip);
            c.override = overrideUsed;
            return c;
        };
        // Without a pay-per-token price those options are unknown: "no price", never $0.
        const QString noPaygTip = tr("No pay-per-token price for %1 %2 in the catalog; add one in "
                                     "the price editor (Cost page) to compare.")
                                      .arg(dep.model, dep.version);
        auto paygMoney = [&](Money m, const QString& tip) {
            if (a.paygPriced)
                return money(m, tip);
            TableCell c = TableCell::plain(tr("no price"), noPaygTip);
            c.warning = true;
            return c;
        };
        if (!a.paygPriced)
            unpricedPayg << dep.name;
        const QString ptuTip = tr("PTUs at the %1 rate (the workspace's pricing basis)")
                                   .arg(ptuBillingName(in.billing));
        TableCell rec =
            TableCell::number(QString::number(a.recommendedPtus), a.recommendedPtus,
                              tr("Minimum %1, increment %2, %3 input tokens/min per PTU")
                                  .arg(ain.ptu.minimum)
                                  .arg(ain.ptu.increment)
                                  .arg(QLocale().toString(ain.ptu.inputTpmPerPtu)));
        rec.warning = a.recommendedPtus != dep.capacity;
        rows << QVector<TableCell>{
            TableCell::plain(dep.name),
            TableCell::number(QLocale().toString(qint64(a.sizedTpm)) + tr(" tok/min"), a.sizedTpm,
                              tr("Weighted: input + %1 x output").arg(ain.ptu.outputTokenWeight)),
            TableCell::number(QString::number(dep.capacity), dep.capacity),
            rec,
            money(a.currentMonthly, ptuTip),
            money(a.rightSizedMonthly, ptuTip),
            paygMoney(a.paygMonthly, tr("At %1 %2 prices").arg(dep.model, paygSku)),
            paygMoney(a.ptuPlusSpilloverMonthly,
                      tr("%1 PTUs + the overflow at pay-per-token prices").arg(a.spilloverPtus)),
            a.paygPriced
                ? TableCell::number(a.breakEvenUtilization > 1 ? tr("never")
                                                               : pct(100 * a.breakEvenUtilization),
                                    a.breakEvenUtilization,
                                    tr("Average utilization above which PTUs cost less than "
                                       "pay-per-token"))
                : paygMoney({}, {})};
        BarChartReport::Set s;
        s.name = dep.name;
        // No bar (NaN), not a $0 bar, for an option without a price.
        const double none = std::numeric_limits<double>::quiet_NaN();
        s.values = {a.currentMonthly.toUnits(), a.rightSizedMonthly.toUnits(),
                    a.paygPriced ? a.paygMonthly.toUnits() : none,
                    a.paygPriced ? a.ptuPlusSpilloverMonthly.toUnits() : none};
        chart.sets << s;
        out.verdicts << tr("%1: %2").arg(dep.name, a.verdict);
        for (const QString& line : a.assumptions) {
            if (!assumed.contains(line))
                assumed << line;
        }
        const QString source =
            tr("PTU prices: %1 (%2, %3).")
                .arg(ptu.entry->source, ptu.entry->asOf,
                     ptu.entry->overridden
                         ? tr("workspace override")
                         : (ptu.entry->confirmed ? tr("confirmed") : tr("not confirmed")));
        if (!assumed.contains(source))
            assumed << source;
    }
    assumed.prepend(tr("Demand per minute = requests sent, 429s included, x that minute's tokens "
                       "per served request (rejected calls never show up as tokens)."));
    if (!unpricedPayg.isEmpty())
        chart.note +=
            tr("; no pay-per-token price for %1").arg(unpricedPayg.join(QStringLiteral(", ")));
    return out;
}

CapacityQuotaSection CapacityReport::buildQuota(const CapacityReportInput& in)
{
    CapacityQuotaSection out;
    out.table.headers = {tr("SKU"),    tr("Model"),      tr("Used"),  tr("Current"), tr("Limit"),
                         tr("Region"), tr("Connection"), tr("Quota"), tr("Read at")};
    for (const QuotaUsage& u : in.result.quota) {
        TableCell used = TableCell::number(
            u.limit > 0 ? pct(100 * u.usedFraction()) : tr("no limit"), u.usedFraction());
        used.warning = u.isWarning();
        out.warnings += u.isWarning() ? 1 : 0;
        out.table.rows << QVector<TableCell>{
            TableCell::plain(u.sku),
            TableCell::plain(u.model),
            used,
            TableCell::number(QLocale().toString(u.current, 'f', 0), u.current),
            TableCell::number(QLocale().toString(u.limit, 'f', 0), u.limit),
            TableCell::plain(u.location.isEmpty() ? tr("not recorded") : u.location),
            TableCell::plain(sourceName(in, u.source)),
            TableCell::plain(u.quota),
            TableCell::plain(QLocale().toString(QDateTime::fromSecsSinceEpoch(u.at),
                                                QStringLiteral("d MMM HH:mm")))};
    }
    out.warning = tr("%n quota(s) at or over 80 %: new deployments or capacity increases there may "
                     "be refused.",
                     "", out.warnings);
    out.note = out.table.isEmpty()
                   ? tr("No quota readings stored yet. The Azure source reads each location's "
                        "quota (usages API) about hourly; readings appear here after its first "
                        "read.")
                   : tr("Units as Azure counts them: thousands of tokens per minute on standard "
                        "SKUs, PTUs on provisioned ones. Newest reading in the range.");
    return out;
}

CapacityLifecycleSection CapacityReport::buildLifecycle(const CapacityReportInput& in)
{
    CapacityLifecycleSection out;
    const QDate today = QDateTime::fromSecsSinceEpoch(in.nowUtc, Qt::UTC).date();
    out.table.headers = {tr("Deployment"), tr("Model"), tr("Version"),  tr("Retirement"),
                         tr("Status"),     tr("SKU"),   tr("Capacity"), tr("Upgrade option")};
    for (const Deployment& dep : in.result.inventory) {
        if (!isAzureSource(in, dep.source))
            continue; // the lifecycle catalog is Azure's; local servers have none
        const LifecycleAssessment a = in.lifecycle.assess(dep, today);
        const bool warn = a.level == LifecycleAssessment::Level::Soon ||
                          a.level == LifecycleAssessment::Level::Retired;
        if (warn)
            out.warned << dep.name;
        TableCell retirement = TableCell::plain(
            a.entry && a.entry->retirement.isValid()
                ? a.entry->retirement.toString(Qt::ISODate) +
                      (a.entry->confirmed ? QString() : QStringLiteral(" *"))
                : tr("unknown"),
            a.entry ? tr("%1\nSource: %2 (as of %3)%4")
                          .arg(a.entry->note, a.entry->source, a.entry->asOf,
                               a.entry->replacement.isEmpty()
                                   ? QString()
                                   : tr("\nReplacement: %1").arg(a.entry->replacement))
                    : QString());
        retirement.warning = warn;
        QString shortText;
        switch (a.level) {
        case LifecycleAssessment::Level::Retired:
            shortText = a.entry && !a.entry->replacement.isEmpty()
                            ? tr("past retirement: move to %1").arg(a.entry->replacement)
                            : tr("past retirement");
            break;
        case LifecycleAssessment::Level::Soon:
            shortText = tr("retires in %n day(s)", "", int(a.daysLeft));
            break;
        case LifecycleAssessment::Level::Ok:
            shortText = tr("ok");
            break;
        case LifecycleAssessment::Level::Unknown:
            shortText = tr("not in the catalog");
            break;
        }
        TableCell status = TableCell::plain(shortText, a.text);
        status.warning = warn;
        TableCell upgrade = upgradeCell(dep.upgradeOption);
        // Near retirement, a deployment that is never upgraded is the one that stops serving.
        upgrade.warning = warn && dep.upgradeOption == QLatin1String("NoAutoUpgrade");
        out.table.rows << QVector<TableCell>{
            TableCell::plain(dep.name, sourceName(in, dep.source)),
            TableCell::plain(dep.model),
            TableCell::plain(dep.version),
            retirement,
            status,
            TableCell::plain(dep.sku),
            TableCell::number(dep.isProvisioned() ? tr("%1 PTU").arg(dep.capacity)
                                                  : tr("%1k TPM").arg(dep.capacity),
                              dep.capacity),
            upgrade};
    }
    out.warning = tr("%n deployment(s) within %1 days of retirement or past it: %2. Plan the move "
                     "to the replacement model (hover a status for details).",
                     "", int(out.warned.size()))
                      .arg(LifecycleCatalog::kWarnDays)
                      .arg(out.warned.join(QStringLiteral(", ")));
    out.note = in.result.inventory.isEmpty()
                   ? tr("No deployments in the inventory yet (Azure OpenAI connections list "
                        "theirs on the first poll).")
                   : tr("Dates from Microsoft's retirement table (lifecycle catalog as of %1); * = "
                        "not confirmed as current. Microsoft has moved these dates before.")
                         .arg(in.lifecycle.asOf());
    return out;
}

CapacityFineTuneSection CapacityReport::buildFineTuning(const CapacityReportInput& in)
{
    CapacityFineTuneSection out;
    out.table.headers = {tr("Deployment / job"), tr("Base model"), tr("Training hours"),
                         tr("Hosting hours"),    tr("Hosting /h"), tr("Hosting cost")};
    QVector<QVector<TableCell>>& rows = out.table.rows;
    const CapacityResult& result = in.result;
    const double hours = double(result.range.duration()) / 3600.0;
    for (const Deployment& dep : result.inventory) {
        QString base, version;
        if (!splitFineTunedModel(dep.model, &base, &version))
            continue;
        const PriceLookup p = in.catalog.lookup(kAzure, base, version, QStringLiteral("FineTuned"));
        double training = 0;
        for (const FineTuneUsage& f : result.fineTuning) {
            if (f.source == dep.source && f.name == dep.name)
                training += f.trainingHours;
        }
        QVector<TableCell> row{TableCell::plain(dep.name),
                               TableCell::plain(base + QLatin1Char(' ') + version),
                               TableCell::number(QString::number(training, 'f', 1), training),
                               TableCell::number(QString::number(hours, 'f', 1), hours)};
        if (p.found() && p.entry->hostingHourlyMicros) {
            const qint64 rate = *p.entry->hostingHourlyMicros;
            const Money cost = Money::mulDiv(rate, result.range.duration(), 3600);
            TableCell r =
                TableCell::number(Money::fromMicros(rate).format(2), double(rate), p.entry->note);
            r.override = p.entry->overridden;
            row << r << TableCell::number(cost.format(2), double(cost.micros));
        } else {
            TableCell none = TableCell::plain(
                tr("no price"),
                tr("Add a FineTuned entry with hostingHourly in the price editor."));
            none.warning = true;
            row << none << TableCell::plain({});
        }
        rows << row;
    }
    for (const FineTuneUsage& f : result.fineTuning) {
        bool listed = false;
        for (const QVector<TableCell>& r : std::as_const(rows))
            listed = listed || r.first().text == f.name;
        if (!listed && f.trainingHours > 0)
            rows << QVector<TableCell>{
                TableCell::plain(f.name), TableCell::plain({}),
                TableCell::number(QString::number(f.trainingHours, 'f', 1), f.trainingHours)};
    }
    const PriceLookup example =
        in.catalog.lookup(kAzure, QStringLiteral("gpt-4o-mini"), QStringLiteral("2024-07-18"),
                          QStringLiteral("FineTuned"));
    const QString priceNote =
        example.found() && example.entry->hostingHourlyMicros
            ? tr(" The catalog prices hosting per deployment-hour (gpt-4o-mini 2024-07-18: "
                 "%1/h%2).")
                  .arg(Money::fromMicros(*example.entry->hostingHourlyMicros).format(2),
                       example.entry->confirmed ? QString() : tr(", not confirmed"))
            : QString();
    out.note = (rows.isEmpty() ? tr("No fine-tuned deployments in the inventory and no training "
                                    "hours (FineTunedTrainingHours) in this range.")
                               : tr("Fine-tuned deployments are billed for every hour they are "
                                    "deployed, whatever the traffic; tokens are priced on the "
                                    "Cost page.")) +
               priceNote;
    return out;
}

} // namespace isc
