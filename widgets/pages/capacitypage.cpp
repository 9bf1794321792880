#include "capacitypage.h"

#include "charts/barchart.h"
#include "core/refreshthrottle.h"
#include "core/whenready.h"
#include "cost/costengine.h"
#include "cost/lifecyclecatalog.h"
#include "cost/ptucost.h"
#include "itemmodels/costtablemodel.h"
#include "pages/costpage.h"
#include "store/samplestore.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QDateTime>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>

namespace isc {
namespace {

const QString kAzure = QStringLiteral("azure-openai");
constexpr int kRowHeight = 22;

QString pct(double v, int decimals = 0)
{
    return QString::number(v, 'f', decimals) + QStringLiteral(" %");
}

QString usd(Money m)
{
    return m.format(0);
}

QFrame* card(QWidget* parent, QVBoxLayout** layout)
{
    auto* f = new QFrame(parent);
    f->setObjectName(QStringLiteral("CapacityCard"));
    f->setStyleSheet(QStringLiteral(
        "#CapacityCard { background: white; border: 1px solid #dcdfe3; border-radius: 4px; }"));
    *layout = new QVBoxLayout(f);
    (*layout)->setContentsMargins(8, 6, 8, 8);
    (*layout)->setSpacing(4);
    return f;
}

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setStyleSheet(QStringLiteral("font-weight: 600; font-size: 13px; color: #303030;"));
    return l;
}

QLabel* note(QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setStyleSheet(QStringLiteral("color: #404040;"));
    return l;
}

QTableView* table(CostTableModel* model, QWidget* parent)
{
    auto* v = new QTableView(parent);
    v->setModel(model);
    v->setItemDelegate(new CostTableDelegate(v));
    v->setSelectionBehavior(QAbstractItemView::SelectRows);
    v->setEditTriggers(QAbstractItemView::NoEditTriggers);
    v->verticalHeader()->hide();
    v->verticalHeader()->setDefaultSectionSize(kRowHeight);
    v->horizontalHeader()->setStretchLastSection(true);
    v->setAlternatingRowColors(true);
    v->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    return v;
}

/// Tables as tall as their rows (up to `maxRows`): the page scrolls, not each table.
void fitHeight(QTableView* v, int maxRows)
{
    const int rows = std::clamp(v->model()->rowCount(), 1, maxRows);
    const int h = v->horizontalHeader()->sizeHint().height() + rows * kRowHeight + 4 +
                  (v->horizontalScrollBar()->isVisible() ? 14 : 0);
    v->setFixedHeight(h);
    v->resizeColumnsToContents();
}

} // namespace

struct CapacityPage::Private
{
    CapacityPage* q = nullptr;
    QPointer<SampleStore> store;
    Workspace workspace;
    CostEngine engine{PriceCatalog::builtin()};
    LifecycleCatalog lifecycle = LifecycleCatalog::builtin();
    std::function<qint64()> clock;
    double target = 0.8;
    double percentile = 95;
    PtuBilling billing = PtuBilling::MonthlyReservation;

    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QComboBox* targetBox = nullptr;
    QComboBox* percentileBox = nullptr;
    QComboBox* billingBox = nullptr;
    CostTableModel* load = nullptr;
    CostTableModel* adviceTable = nullptr;
    CostTableModel* quota = nullptr;
    CostTableModel* lifecycleTable = nullptr;
    CostTableModel* fineTune = nullptr;
    QTableView *loadView = nullptr, *adviceView = nullptr, *quotaView = nullptr,
               *lifecycleView = nullptr, *fineTuneView = nullptr;
    BarChart* utilization = nullptr;
    BarChart* adviceChart = nullptr;
    QLabel* loadNote = nullptr;
    QLabel* assumptions = nullptr;
    QLabel* quotaNote = nullptr;
    QLabel* lifecycleNote = nullptr;
    QLabel* fineTuneNote = nullptr;
    RefreshThrottle* throttle = nullptr;
    QTimer advanceTimer;

    CapacityResult result;
    QVector<PtuAdvice> advice;
    int generation = 0;
    bool loaded = false;

    bool isAzureSource(const QString& id) const
    {
        for (const Connection& c : workspace.connections) {
            if (c.id == id)
                return c.kind == kAzure;
        }
        return true; // unknown connection: show it rather than hide it
    }

    qint64 now() const { return clock ? clock() : QDateTime::currentSecsSinceEpoch(); }

    QString sourceName(const QString& id) const
    {
        for (const Connection& c : workspace.connections) {
            if (c.id == id)
                return c.displayName.isEmpty() ? c.id : c.displayName;
        }
        return id;
    }

    void runNow()
    {
        if (!store)
            return;
        const int gen = ++generation;
        CapacityRequest req;
        req.range = picker->range();
        req.connections = workspace.connections;
        whenReady(q, CapacityQuery::start(store, req), [this, gen](const CapacityResult& r) {
            if (gen != generation)
                return;
            result = r;
            updateAll();
            loaded = true;
            emit q->loaded();
        });
    }

    void updateAll()
    {
        updateLoad();
        updateAdvice();
        updateQuota();
        updateLifecycle();
        updateFineTuning();
    }

    void updateLoad();
    void updateAdvice();
    void updateQuota();
    void updateLifecycle();
    void updateFineTuning();
};

void CapacityPage::Private::updateLoad()
{
    const QStringList headers = {CapacityPage::tr("Deployment"),   CapacityPage::tr("Model"),
                                 CapacityPage::tr("PTUs"),         CapacityPage::tr("p50"),
                                 CapacityPage::tr("p95"),          CapacityPage::tr("Max"),
                                 CapacityPage::tr("Min at 100 %"), CapacityPage::tr("429s"),
                                 CapacityPage::tr("Spillover"),    CapacityPage::tr("Cache match")};
    QVector<QVector<TableCell>> rows;
    BarChartData chart;
    chart.title = CapacityPage::tr("PTU utilization");
    chart.note = CapacityPage::tr("per minute over the range");
    chart.valueAxisTitle = CapacityPage::tr("% of reserved");
    chart.stacked = false;
    chart.threshold = 100;
    chart.thresholdLabel = CapacityPage::tr("100 % reserved: 429s above");
    chart.emptyMessage =
        CapacityPage::tr("No provisioned (PTU) deployments in this workspace, or no "
                         "utilization recorded in this range.");
    BarChartData::Set p50{CapacityPage::tr("p50"), {}, QColor(0x76B7B2)};
    BarChartData::Set p95{CapacityPage::tr("p95"), {}, QColor(0x4E79A7)};
    BarChartData::Set max{CapacityPage::tr("max"), {}, QColor(0xF28E2B)};
    for (const ProvisionedLoad& p : std::as_const(result.provisioned)) {
        QVector<TableCell> row;
        row << TableCell::plain(p.deployment.name, sourceName(p.deployment.source))
            << TableCell::plain(p.deployment.model + QLatin1Char(' ') + p.deployment.version)
            << TableCell::number(QString::number(p.deployment.capacity), p.deployment.capacity);
        if (p.minutesWithData == 0) {
            row << TableCell::plain(CapacityPage::tr("no data")) << TableCell::plain({})
                << TableCell::plain({}) << TableCell::plain({});
        } else {
            TableCell c95 = TableCell::number(pct(p.utilP95), p.utilP95);
            c95.warning = p.utilP95 >= 100;
            TableCell cmax = TableCell::number(pct(p.utilMax), p.utilMax);
            cmax.warning = p.utilMax >= 100;
            row << TableCell::number(pct(p.utilP50), p.utilP50) << c95 << cmax
                << TableCell::number(
                       QLocale().toString(p.minutesAtCapacity), p.minutesAtCapacity,
                       CapacityPage::tr("of %1 minutes with data").arg(p.minutesWithData));
        }
        TableCell r429 = TableCell::number(pct(100 * p.share429(), 1), p.share429(),
                                           CapacityPage::tr("%1 of %2 requests answered 429")
                                               .arg(QLocale().toString(qint64(p.requests429)),
                                                    QLocale().toString(qint64(p.requests))));
        r429.warning = p.share429() >= 0.01;
        row << r429
            << TableCell::number(pct(100 * p.spilloverShare(), 1), p.spilloverShare(),
                                 p.deployment.spilloverTo.isEmpty()
                                     ? CapacityPage::tr("No spillover deployment configured")
                                     : CapacityPage::tr("Share of requests served by %1 instead")
                                           .arg(p.deployment.spilloverTo))
            << (p.cacheMatchRate >= 0
                    ? TableCell::number(
                          pct(p.cacheMatchRate, 1), p.cacheMatchRate,
                          CapacityPage::tr("Mean AzureOpenAIContextTokensCacheMatchRate"))
                    : TableCell::plain(CapacityPage::tr("not recorded")));
        rows << row;
        if (p.minutesWithData > 0) {
            chart.categories << p.deployment.name;
            p50.values << p.utilP50;
            p95.values << p.utilP95;
            max.values << p.utilMax;
        }
    }
    chart.sets = {p50, p95, max};
    load->setTable(headers, rows);
    utilization->setData(chart);
    fitHeight(loadView, 4);
    loadNote->setText(rows.isEmpty()
                          ? CapacityPage::tr("No provisioned deployments in the inventory.")
                          : CapacityPage::tr("At 100 % and over, Azure answers 429; with spillover "
                                             "set, those calls go to the standard deployment."));
}

void CapacityPage::Private::updateAdvice()
{
    advice.clear();
    const QString pName = QStringLiteral("p") + QString::number(percentile, 'g', 3);
    const QStringList headers = {CapacityPage::tr("Deployment"),
                                 CapacityPage::tr("%1 minute").arg(pName),
                                 CapacityPage::tr("PTUs now"),
                                 CapacityPage::tr("Recommended"),
                                 CapacityPage::tr("Current /month"),
                                 CapacityPage::tr("Right-sized /month"),
                                 CapacityPage::tr("Pay-per-token /month"),
                                 CapacityPage::tr("PTU + spillover /month"),
                                 CapacityPage::tr("Break-even")};
    QVector<QVector<TableCell>> rows;
    BarChartData chart;
    chart.title = CapacityPage::tr("Monthly cost by option");
    chart.note = CapacityPage::tr("%1, %2 target, %3")
                     .arg(pName, pct(target * 100), ptuBillingName(billing));
    chart.valueAxisTitle = CapacityPage::tr("USD per month");
    chart.stacked = false;
    chart.categories = {CapacityPage::tr("Current"), CapacityPage::tr("Right-sized"),
                        CapacityPage::tr("Pay-per-token"), CapacityPage::tr("PTU + spillover")};
    chart.emptyMessage =
        CapacityPage::tr("The advisor needs a provisioned deployment with recorded traffic "
                         "and a PTU price in the catalog.");
    QStringList assumed;
    for (const ProvisionedLoad& p : std::as_const(result.provisioned)) {
        const Deployment& dep = p.deployment;
        const PriceLookup ptu = engine.catalog().lookup(kAzure, dep.model, dep.version, dep.sku);
        if (!ptu.found() || !ptu.entry->ptu) {
            rows << QVector<TableCell>{
                TableCell::plain(dep.name),
                TableCell::plain(CapacityPage::tr("no PTU price for %1 %2 %3")
                                     .arg(dep.model, dep.version, dep.sku))};
            rows.last().last().warning = true;
            continue;
        }
        // Pay-per-token prices: the spillover deployment's SKU, else GlobalStandard.
        QString paygSku = QStringLiteral("GlobalStandard");
        for (const Deployment& o : std::as_const(result.inventory)) {
            if (o.source == dep.source && o.name == dep.spilloverTo)
                paygSku = o.sku;
        }
        PriceLookup payg = engine.catalog().lookup(kAzure, dep.model, dep.version, paygSku);
        if (!payg.found())
            payg = engine.catalog().lookup(kAzure, dep.model, dep.version,
                                           QStringLiteral("GlobalStandard"));
        PtuAdvisorInput in;
        in.minutes = p.demand;
        in.ptu = *ptu.entry->ptu;
        if (payg.found())
            in.payg = payg.entry->tokens;
        in.currentPtus = dep.capacity;
        in.targetUtilization = target;
        in.percentile = percentile;
        in.billing = billing;
        const PtuAdvice a = PtuAdvisor::advise(in);
        advice << a;
        const bool overrideUsed = ptu.entry->overridden || (payg.found() && payg.entry->overridden);
        auto money = [&](Money m, const QString& tip = {}) {
            TableCell c = TableCell::number(usd(m), double(m.micros), tip);
            c.override = overrideUsed;
            return c;
        };
        TableCell rec = TableCell::number(
            QString::number(a.recommendedPtus), a.recommendedPtus,
            CapacityPage::tr("Minimum %1, increment %2, %3 input tokens/min per PTU")
                .arg(in.ptu.minimum)
                .arg(in.ptu.increment)
                .arg(QLocale().toString(in.ptu.inputTpmPerPtu)));
        rec.warning = a.recommendedPtus != dep.capacity;
        rows << QVector<TableCell>{
            TableCell::plain(dep.name),
            TableCell::number(
                QLocale().toString(qint64(a.sizedTpm)) + CapacityPage::tr(" tok/min"), a.sizedTpm,
                CapacityPage::tr("Weighted: input + %1 x output").arg(in.ptu.outputTokenWeight)),
            TableCell::number(QString::number(dep.capacity), dep.capacity),
            rec,
            money(a.currentMonthly),
            money(a.rightSizedMonthly),
            money(a.paygMonthly, payg.found()
                                     ? CapacityPage::tr("At %1 %2 prices").arg(dep.model, paygSku)
                                     : CapacityPage::tr("No pay-per-token price found")),
            money(a.ptuPlusSpilloverMonthly,
                  CapacityPage::tr("%1 PTUs + the overflow at pay-per-token prices")
                      .arg(a.spilloverPtus)),
            TableCell::number(
                a.breakEvenUtilization > 1 ? CapacityPage::tr("never")
                                           : pct(100 * a.breakEvenUtilization),
                a.breakEvenUtilization,
                CapacityPage::tr("Average utilization above which PTUs cost less than "
                                 "pay-per-token"))};
        BarChartData::Set s;
        s.name = dep.name;
        s.values = {a.currentMonthly.toUnits(), a.rightSizedMonthly.toUnits(),
                    a.paygMonthly.toUnits(), a.ptuPlusSpilloverMonthly.toUnits()};
        chart.sets << s;
        for (const QString& line : a.assumptions) {
            if (!assumed.contains(line))
                assumed << line;
        }
        const QString source =
            CapacityPage::tr("PTU prices: %1 (%2, %3).")
                .arg(ptu.entry->source, ptu.entry->asOf,
                     ptu.entry->overridden
                         ? CapacityPage::tr("workspace override")
                         : (ptu.entry->confirmed ? CapacityPage::tr("confirmed")
                                                 : CapacityPage::tr("not confirmed")));
        if (!assumed.contains(source))
            assumed << source;
    }
    assumed.prepend(
        CapacityPage::tr("Demand per minute = requests sent, 429s included, x that minute's tokens "
                         "per served request (rejected calls never show up as tokens)."));
    adviceTable->setTable(headers, rows);
    adviceChart->setData(chart);
    fitHeight(adviceView, 4);
    QString html = QStringLiteral("<ul style='margin:0'>");
    for (const QString& a : std::as_const(assumed))
        html += QStringLiteral("<li>%1</li>").arg(a.toHtmlEscaped());
    assumptions->setText(html + QStringLiteral("</ul>"));
}

void CapacityPage::Private::updateQuota()
{
    const QStringList headers = {CapacityPage::tr("SKU"),   CapacityPage::tr("Model"),
                                 CapacityPage::tr("Used"),  CapacityPage::tr("Current"),
                                 CapacityPage::tr("Limit"), CapacityPage::tr("Region (connection)"),
                                 CapacityPage::tr("Quota"), CapacityPage::tr("Read at")};
    QVector<QVector<TableCell>> rows;
    int warnings = 0;
    for (const QuotaUsage& u : std::as_const(result.quota)) {
        TableCell used = TableCell::number(u.limit > 0 ? pct(100 * u.usedFraction())
                                                       : CapacityPage::tr("no limit"),
                                           u.usedFraction());
        used.warning = u.isWarning();
        warnings += u.isWarning() ? 1 : 0;
        rows << QVector<TableCell>{
            TableCell::plain(u.sku),
            TableCell::plain(u.model),
            used,
            TableCell::number(QLocale().toString(u.current, 'f', 0), u.current),
            TableCell::number(QLocale().toString(u.limit, 'f', 0), u.limit),
            TableCell::plain(sourceName(u.source)),
            TableCell::plain(u.quota),
            TableCell::plain(QLocale().toString(QDateTime::fromSecsSinceEpoch(u.at),
                                                QStringLiteral("d MMM HH:mm")))};
    }
    quota->setTable(headers, rows);
    quotaView->setVisible(!rows.isEmpty());
    fitHeight(quotaView, 5);
    if (rows.isEmpty())
        quotaNote->setText(
            CapacityPage::tr("No quota readings stored yet. The Azure source reads each "
                             "location's quota (usages API) about hourly; readings appear here "
                             "after its first read."));
    else
        quotaNote->setText(
            (warnings > 0 ? QStringLiteral("<span style='color:#B03A2E'><b>%1</b></span> ")
                                .arg(CapacityPage::tr("%n quota(s) at or over 80 %.", "", warnings))
                          : QString()) +
            CapacityPage::tr(
                "Units as Azure counts them: thousands of tokens per minute on standard SKUs, PTUs "
                "on provisioned ones. Newest reading in the range."));
}

void CapacityPage::Private::updateLifecycle()
{
    const QDate today = QDateTime::fromSecsSinceEpoch(now(), Qt::UTC).date();
    const QStringList headers = {
        CapacityPage::tr("Deployment"), CapacityPage::tr("Model"),
        CapacityPage::tr("Version"),    CapacityPage::tr("Retirement"),
        CapacityPage::tr("Status"),     CapacityPage::tr("SKU"),
        CapacityPage::tr("Capacity"),   CapacityPage::tr("Upgrade option")};
    QVector<QVector<TableCell>> rows;
    QStringList warned;
    for (const Deployment& dep : std::as_const(result.inventory)) {
        if (!isAzureSource(dep.source))
            continue; // the lifecycle catalog is Azure's; local servers have none
        const LifecycleAssessment a = lifecycle.assess(dep, today);
        const bool warn = a.level == LifecycleAssessment::Level::Soon ||
                          a.level == LifecycleAssessment::Level::Retired;
        if (warn)
            warned << dep.name;
        TableCell retirement = TableCell::plain(
            a.entry && a.entry->retirement.isValid()
                ? a.entry->retirement.toString(Qt::ISODate) +
                      (a.entry->confirmed ? QString() : QStringLiteral(" *"))
                : CapacityPage::tr("unknown"),
            a.entry
                ? CapacityPage::tr("%1\nSource: %2 (as of %3)%4")
                      .arg(a.entry->note, a.entry->source, a.entry->asOf,
                           a.entry->replacement.isEmpty()
                               ? QString()
                               : CapacityPage::tr("\nReplacement: %1").arg(a.entry->replacement))
                : QString());
        retirement.warning = warn;
        QString shortText;
        switch (a.level) {
        case LifecycleAssessment::Level::Retired:
            shortText =
                a.entry && !a.entry->replacement.isEmpty()
                    ? CapacityPage::tr("past retirement: move to %1").arg(a.entry->replacement)
                    : CapacityPage::tr("past retirement");
            break;
        case LifecycleAssessment::Level::Soon:
            shortText = CapacityPage::tr("retires in %n day(s)", "", int(a.daysLeft));
            break;
        case LifecycleAssessment::Level::Ok:
            shortText = CapacityPage::tr("ok");
            break;
        case LifecycleAssessment::Level::Unknown:
            shortText = CapacityPage::tr("not in the catalog");
            break;
        }
        TableCell status = TableCell::plain(shortText, a.text);
        status.warning = warn;
        rows << QVector<TableCell>{
            TableCell::plain(dep.name, sourceName(dep.source)),
            TableCell::plain(dep.model),
            TableCell::plain(dep.version),
            retirement,
            status,
            TableCell::plain(dep.sku),
            TableCell::number(dep.isProvisioned() ? CapacityPage::tr("%1 PTU").arg(dep.capacity)
                                                  : CapacityPage::tr("%1k TPM").arg(dep.capacity),
                              dep.capacity),
            TableCell::plain(CapacityPage::tr("not recorded"),
                             CapacityPage::tr("The deployments inventory does not store "
                                              "versionUpgradeOption yet."))};
    }
    lifecycleTable->setTable(headers, rows);
    fitHeight(lifecycleView, 7);
    QString text;
    if (!warned.isEmpty())
        text = QStringLiteral("<span style='color:#B03A2E'><b>%1</b></span> ")
                   .arg(CapacityPage::tr(
                            "%n deployment(s) within %1 days of retirement or past it: %2.", "",
                            int(warned.size()))
                            .arg(LifecycleCatalog::kWarnDays)
                            .arg(warned.join(QStringLiteral(", "))));
    text += CapacityPage::tr(
                "Dates from Microsoft's retirement table (lifecycle catalog as of %1); * = not "
                "confirmed as current. Microsoft has moved these dates before.")
                .arg(lifecycle.asOf());
    if (result.inventory.isEmpty())
        text = CapacityPage::tr(
            "No deployments in the inventory yet (Azure OpenAI connections list theirs on "
            "the first poll).");
    lifecycleNote->setText(text);
}

void CapacityPage::Private::updateFineTuning()
{
    const QStringList headers = {
        CapacityPage::tr("Deployment / job"), CapacityPage::tr("Base model"),
        CapacityPage::tr("Training hours"),   CapacityPage::tr("Hosting hours"),
        CapacityPage::tr("Hosting /h"),       CapacityPage::tr("Hosting cost")};
    QVector<QVector<TableCell>> rows;
    const double hours = double(result.range.duration()) / 3600.0;
    for (const Deployment& dep : std::as_const(result.inventory)) {
        QString base, version;
        if (!splitFineTunedModel(dep.model, &base, &version))
            continue;
        const PriceLookup p =
            engine.catalog().lookup(kAzure, base, version, QStringLiteral("FineTuned"));
        double training = 0;
        for (const FineTuneUsage& f : std::as_const(result.fineTuning)) {
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
            TableCell none = TableCell::plain(CapacityPage::tr("no price"),
                                              CapacityPage::tr("Add a FineTuned entry with "
                                                               "hostingHourly in the price "
                                                               "editor."));
            none.warning = true;
            row << none << TableCell::plain({});
        }
        rows << row;
    }
    for (const FineTuneUsage& f : std::as_const(result.fineTuning)) {
        bool listed = false;
        for (const QVector<TableCell>& r : std::as_const(rows))
            listed = listed || r.first().text == f.name;
        if (!listed && f.trainingHours > 0)
            rows << QVector<TableCell>{
                TableCell::plain(f.name), TableCell::plain({}),
                TableCell::number(QString::number(f.trainingHours, 'f', 1), f.trainingHours)};
    }
    fineTune->setTable(headers, rows);
    fineTuneView->setVisible(!rows.isEmpty());
    fitHeight(fineTuneView, 4);
    const PriceLookup example =
        engine.catalog().lookup(kAzure, QStringLiteral("gpt-4o-mini"), QStringLiteral("2024-07-18"),
                                QStringLiteral("FineTuned"));
    const QString priceNote =
        example.found() && example.entry->hostingHourlyMicros
            ? CapacityPage::tr(" The catalog prices hosting per deployment-hour (gpt-4o-mini "
                               "2024-07-18: %1/h%2).")
                  .arg(Money::fromMicros(*example.entry->hostingHourlyMicros).format(2),
                       example.entry->confirmed ? QString() : CapacityPage::tr(", not confirmed"))
            : QString();
    fineTuneNote->setText(
        rows.isEmpty()
            ? CapacityPage::tr("No fine-tuned deployments in the inventory and no training hours "
                               "(FineTunedTrainingHours) in this range.") +
                  priceNote
            : CapacityPage::tr(
                  "Fine-tuned deployments are billed for every hour they are deployed, whatever "
                  "the traffic; tokens are priced on the Cost page.") +
                  priceNote);
}

CapacityPage::CapacityPage(SampleStore* store, Workspace workspace, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    setObjectName(QStringLiteral("CapacityPage"));
    setAccessibleName(tr("Capacity"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0xF3F4F6));
    setPalette(pal);

    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(16, 12, 16, 8);
    outer->setSpacing(8);
    auto* header = new QHBoxLayout;
    auto* titleBox = new QVBoxLayout;
    titleBox->setSpacing(0);
    auto* title = new QLabel(tr("Capacity"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    d->rangeLabel = new QLabel(this);
    d->rangeLabel->setStyleSheet(QStringLiteral("color: #606060;"));
    titleBox->addWidget(title);
    titleBox->addWidget(d->rangeLabel);
    header->addLayout(titleBox);
    header->addStretch(1);
    auto combo = [&](const QString& label, const QStringList& items, const QString& name) {
        auto* l = new QLabel(label, this);
        auto* box = new QComboBox(this);
        box->addItems(items);
        box->setAccessibleName(name);
        l->setBuddy(box);
        header->addWidget(l);
        header->addWidget(box);
        return box;
    };
    d->targetBox = combo(tr("&Target:"),
                         {QStringLiteral("60 %"), QStringLiteral("70 %"), QStringLiteral("80 %"),
                          QStringLiteral("90 %"), QStringLiteral("100 %")},
                         tr("Target utilization"));
    d->targetBox->setCurrentIndex(2);
    d->percentileBox =
        combo(tr("Si&ze for:"), {tr("p95 minute"), tr("p99 minute")}, tr("Percentile sized for"));
    d->billingBox =
        combo(tr("&Billing:"),
              {ptuBillingName(PtuBilling::Hourly), ptuBillingName(PtuBilling::MonthlyReservation),
               ptuBillingName(PtuBilling::YearlyReservation)},
              tr("PTU billing"));
    d->billingBox->setCurrentIndex(1);
    header->addSpacing(8);
    d->picker = new TimeRangePicker(this);
    header->addWidget(d->picker);
    outer->addLayout(header);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    content->setAutoFillBackground(false);
    scroll->setWidget(content);
    scroll->viewport()->setAutoFillBackground(false);
    outer->addWidget(scroll, 1);
    auto* grid = new QGridLayout(content);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(10);

    d->load = new CostTableModel(this);
    d->adviceTable = new CostTableModel(this);
    d->quota = new CostTableModel(this);
    d->lifecycleTable = new CostTableModel(this);
    d->fineTune = new CostTableModel(this);

    QVBoxLayout* l = nullptr;
    QFrame* loadCard = card(content, &l);
    l->addWidget(heading(tr("Provisioned deployments"), loadCard));
    d->loadView = table(d->load, loadCard);
    d->loadView->setAccessibleName(tr("Provisioned deployments"));
    l->addWidget(d->loadView);
    d->utilization = new BarChart(loadCard);
    d->utilization->setFixedHeight(250);
    l->addWidget(d->utilization);
    d->loadNote = note(loadCard);
    l->addWidget(d->loadNote);
    auto* left = new QVBoxLayout;
    left->setSpacing(10);
    left->addWidget(loadCard);

    QFrame* adviceCard = card(content, &l);
    l->addWidget(heading(tr("PTU advisor"), adviceCard));
    d->adviceView = table(d->adviceTable, adviceCard);
    d->adviceView->setAccessibleName(tr("PTU advisor"));
    l->addWidget(d->adviceView);
    d->adviceChart = new BarChart(adviceCard);
    d->adviceChart->setFixedHeight(250);
    l->addWidget(d->adviceChart);
    left->addWidget(adviceCard);
    left->addStretch(1);
    grid->addLayout(left, 0, 0);

    auto* right = new QVBoxLayout;
    right->setSpacing(10);
    QFrame* lifecycleCard = card(content, &l);
    l->addWidget(heading(tr("Deployments and lifecycle"), lifecycleCard));
    d->lifecycleView = table(d->lifecycleTable, lifecycleCard);
    d->lifecycleView->setAccessibleName(tr("Deployments and lifecycle"));
    l->addWidget(d->lifecycleView);
    d->lifecycleNote = note(lifecycleCard);
    l->addWidget(d->lifecycleNote);
    right->addWidget(lifecycleCard);

    QFrame* quotaCard = card(content, &l);
    l->addWidget(heading(tr("Quota per region and SKU"), quotaCard));
    d->quotaView = table(d->quota, quotaCard);
    d->quotaView->setAccessibleName(tr("Quota"));
    l->addWidget(d->quotaView);
    d->quotaNote = note(quotaCard);
    l->addWidget(d->quotaNote);
    right->addWidget(quotaCard);

    QFrame* ftCard = card(content, &l);
    l->addWidget(heading(tr("Fine-tuning"), ftCard));
    d->fineTuneView = table(d->fineTune, ftCard);
    d->fineTuneView->setAccessibleName(tr("Fine-tuning"));
    l->addWidget(d->fineTuneView);
    d->fineTuneNote = note(ftCard);
    l->addWidget(d->fineTuneNote);
    right->addWidget(ftCard);

    QFrame* assumptionsCard = card(content, &l);
    l->addWidget(heading(CapacityPage::tr("PTU advisor: how it sizes"), assumptionsCard));
    d->assumptions = note(assumptionsCard);
    d->assumptions->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    l->addWidget(d->assumptions);
    right->addWidget(assumptionsCard);
    right->addStretch(1);
    grid->addLayout(right, 0, 1);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);

    d->throttle = new RefreshThrottle([this] { d->runNow(); }, 2000, this);
    connect(d->picker, &TimeRangePicker::rangeChanged, this, [this](TimeRange r) {
        const QLocale locale;
        const QString fmt = QStringLiteral("ddd d MMM, HH:mm");
        d->rangeLabel->setText(tr("%1 – %2 (local time)")
                                   .arg(locale.toString(QDateTime::fromSecsSinceEpoch(r.from), fmt),
                                        locale.toString(QDateTime::fromSecsSinceEpoch(r.to), fmt)));
        refresh();
    });
    connect(d->targetBox, &QComboBox::activated, this,
            [this](int i) { setTargetUtilization(0.6 + 0.1 * i); });
    connect(d->percentileBox, &QComboBox::activated, this,
            [this](int i) { setPercentile(i == 0 ? 95 : 99); });
    connect(d->billingBox, &QComboBox::activated, this,
            [this](int i) { setBilling(PtuBilling(i)); });
    if (store) {
        connect(store, &SampleStore::dataChanged, this, [this](const QString&, TimeRange window) {
            const TimeRange r = d->picker->range();
            if (window.isValid() && (window.to <= r.from || window.from >= r.to))
                return;
            refresh();
        });
    }
    d->advanceTimer.setInterval(60'000);
    connect(&d->advanceTimer, &QTimer::timeout, d->picker, &TimeRangePicker::advance);
    d->advanceTimer.start();

    setWorkspace(workspace);
    emit d->picker->rangeChanged(d->picker->range());
}

CapacityPage::~CapacityPage() = default;

void CapacityPage::setWorkspace(const Workspace& workspace)
{
    d->workspace = workspace;
    d->engine = costEngineFor(workspace, nullptr);
    refresh();
}

void CapacityPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange CapacityPage::timeRange() const
{
    return d->picker->range();
}

void CapacityPage::setTargetUtilization(double target)
{
    d->target = std::clamp(target, 0.05, 1.0);
    d->targetBox->setCurrentIndex(std::clamp(int(std::lround((d->target - 0.6) * 10)), 0, 4));
    if (d->loaded)
        d->updateAdvice();
}

double CapacityPage::targetUtilization() const
{
    return d->target;
}

void CapacityPage::setPercentile(double percentile)
{
    d->percentile = percentile;
    d->percentileBox->setCurrentIndex(percentile >= 99 ? 1 : 0);
    if (d->loaded)
        d->updateAdvice();
}

double CapacityPage::percentile() const
{
    return d->percentile;
}

void CapacityPage::setBilling(PtuBilling billing)
{
    d->billing = billing;
    d->billingBox->setCurrentIndex(int(billing));
    if (d->loaded)
        d->updateAdvice();
}

PtuBilling CapacityPage::billing() const
{
    return d->billing;
}

void CapacityPage::setClock(std::function<qint64()> nowUtc)
{
    d->clock = nowUtc;
    d->picker->setClock(std::move(nowUtc));
}

bool CapacityPage::isLoaded() const
{
    return d->loaded;
}

const CapacityResult& CapacityPage::result() const
{
    return d->result;
}

const QVector<PtuAdvice>& CapacityPage::advice() const
{
    return d->advice;
}

TimeRangePicker* CapacityPage::rangePicker() const
{
    return d->picker;
}

CostTableModel* CapacityPage::loadModel() const
{
    return d->load;
}

CostTableModel* CapacityPage::adviceModel() const
{
    return d->adviceTable;
}

CostTableModel* CapacityPage::quotaModel() const
{
    return d->quota;
}

CostTableModel* CapacityPage::lifecycleModel() const
{
    return d->lifecycleTable;
}

CostTableModel* CapacityPage::fineTuneModel() const
{
    return d->fineTune;
}

BarChart* CapacityPage::utilizationChart() const
{
    return d->utilization;
}

BarChart* CapacityPage::adviceChart() const
{
    return d->adviceChart;
}

QString CapacityPage::assumptionsText() const
{
    return d->assumptions->text();
}

QString CapacityPage::quotaText() const
{
    return d->quotaNote->text();
}

QString CapacityPage::lifecycleText() const
{
    return d->lifecycleNote->text();
}

QString CapacityPage::fineTuneText() const
{
    return d->fineTuneNote->text();
}

void CapacityPage::refresh()
{
    d->throttle->request();
}

} // namespace isc
