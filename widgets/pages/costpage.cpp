#include "costpage.h"

#include "charts/barchart.h"
#include "core/refreshthrottle.h"
#include "cost/ptucost.h"
#include "dialogs/priceeditordialog.h"
#include "itemmodels/costtablemodel.h"
#include "kit/costtabledelegate.h"
#include "kit/kpitile.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "store/storejobs.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QScrollArea>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>
#include <algorithm>
#include <map>

namespace isc {
namespace {

constexpr qint64 kDay = 86400;
constexpr int kMaxGroups = 7; // more stack as "Other": a legend of 20 colours says nothing
constexpr int kAdvanceMs = 60'000;

const QString kAzure = QStringLiteral("azure-openai");

bool isPriced(const QString& kind)
{
    return kind == kAzure || kind == QLatin1String("openai") || kind == QLatin1String("anthropic");
}

QString providerLabel(const QString& kind)
{
    if (kind == kAzure)
        return CostPage::tr("Azure OpenAI");
    if (kind == QLatin1String("openai"))
        return CostPage::tr("OpenAI");
    if (kind == QLatin1String("anthropic"))
        return CostPage::tr("Anthropic");
    return kind;
}

QString groupOf(const CostItem& item, CostPage::GroupBy by)
{
    switch (by) {
    case CostPage::GroupBy::Model:
        return item.model.isEmpty() ? item.deployment : item.model;
    case CostPage::GroupBy::Provider:
        return providerLabel(item.provider);
    case CostPage::GroupBy::Deployment:
        break;
    }
    QString name = item.deployment;
    if (item.provider != kAzure)
        name += QStringLiteral(" · ") + providerLabel(item.provider);
    if (item.batch)
        name += CostPage::tr(" (batch)");
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

QFrame* card(QWidget* parent)
{
    auto* f = new QFrame(parent);
    f->setObjectName(QStringLiteral("CostCard"));
    f->setStyleSheet(QStringLiteral(
        "#CostCard { background: white; border: 1px solid #dcdfe3; border-radius: 4px; }"));
    return f;
}

QLabel* heading(const QString& text, QWidget* parent)
{
    auto* l = new QLabel(text, parent);
    l->setStyleSheet(QStringLiteral("font-weight: 600; color: #303030;"));
    return l;
}

} // namespace

struct CostPage::Private
{
    CostPage* q = nullptr;
    QPointer<SampleStore> store;
    Workspace workspace;
    CostEngine engine{PriceCatalog::builtin()};
    QString overrideWarning;
    PtuBilling billing = kDefaultPtuBilling; ///< the workspace's, shared with the Capacity page
    QString billingWarning;
    std::function<qint64()> clock;
    GroupBy groupBy = GroupBy::Deployment;

    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QLabel* basisLabel = nullptr;
    QComboBox* groupBox = nullptr;
    QVector<KpiTile*> tiles;
    BarChart* spend = nullptr;
    BarChart* burn = nullptr;
    CostTableModel* spenders = nullptr;
    QTableView* spendersView = nullptr;
    QLabel* notes = nullptr;
    QLabel* reported = nullptr;
    QLabel* warning = nullptr;
    RefreshThrottle* throttle = nullptr;
    QTimer advanceTimer;

    CostQueryResult range, month;
    CostQueryResult reconciled; ///< whole UTC days only: providers report per UTC day
    TimeRange reconciledDays;
    qint64 bucketSeconds = kDay;
    qint64 queriedAt = 0;
    bool loaded = false;
    StoreJobs jobs; ///< last: cancelled first when the page goes

    qint64 now() const { return clock ? clock() : QDateTime::currentSecsSinceEpoch(); }

    QHash<QString, QString> kinds() const
    {
        QHash<QString, QString> out;
        for (const Connection& c : workspace.connections) {
            if (isPriced(c.kind))
                out.insert(c.id, c.kind);
        }
        return out;
    }

    QString sourceName(const QString& id) const
    {
        for (const Connection& c : workspace.connections) {
            if (c.id == id)
                return c.displayName.isEmpty() ? c.id : c.displayName;
        }
        return id;
    }

    void runNow();
    void updateView();
    void updateTiles(const CostForecast& forecast, std::optional<Money> budget);
    void updateSpend();
    void updateBurnDown(const CostForecast& forecast, std::optional<Money> budget);
    void updateTable();
    void updateNotes(const CostForecast& forecast);
    QString bucketLabel(qint64 start) const;
    /// Per group, per bucket cost (micro-dollars); groups ordered by total, largest first.
    QVector<QPair<QString, QVector<Money>>> spendByGroup() const;
};

void CostPage::Private::runNow()
{
    const TimeRange r = picker->range();
    bucketSeconds = r.duration() <= 2 * kDay ? 3600 : kDay;
    queriedAt = now();
    const qint64 t = queriedAt;
    CostQueryRequest req;
    req.range = r;
    req.kindBySource = kinds();
    req.billing = billing;
    req.bucketSeconds = bucketSeconds;
    // The month (and the 7 days before today, for the forecast's daily rate), UTC days.
    CostQueryRequest m = req;
    const qint64 monthStart = utcMonthOf(t).from;
    m.range = {std::min(monthStart, floorTo(t, kDay) - 7 * kDay), t};
    m.bucketSeconds = kDay;
    // Reported costs come per UTC day: compare whole days of the range (or yesterday).
    CostQueryRequest rec;
    for (auto it = req.kindBySource.cbegin(); it != req.kindBySource.cend(); ++it) {
        if (it.value() != kAzure)
            rec.kindBySource.insert(it.key(), it.value());
    }
    // Only days wholly inside the range: the store may lack tokens before its start.
    const TimeRange days{floorTo(r.from + kDay - 1, kDay), floorTo(std::min(r.to, t), kDay)};
    if (!days.isValid())
        rec.kindBySource.clear();
    rec.range = days;
    rec.bucketSeconds = kDay;
    struct Priced
    {
        CostQueryResult range, month, reconciled;
    };
    // One job: the inventory decides the pricing of all three, read on the store's thread.
    jobs.run(
        store, QStringLiteral("cost"),
        [engine = engine, req, m, rec](StoreBackend& db, const JobToken& token) {
            const Deployments inventory = db.deployments(QString());
            Priced out;
            if (!rec.kindBySource.isEmpty())
                out.reconciled = CostQuery::run(db, engine, rec, token); // no inventory: no PTUs
            CostQueryRequest withInventory = req;
            withInventory.inventory = inventory;
            out.range = CostQuery::run(db, engine, withInventory, token);
            withInventory = m;
            withInventory.inventory = inventory;
            out.month = CostQuery::run(db, engine, withInventory, token);
            return out;
        },
        [this, days](const Priced& p) {
            range = p.range;
            month = p.month;
            reconciled = p.reconciled;
            reconciledDays = days;
            updateView();
            loaded = true;
            emit q->loaded();
        });
}

QString CostPage::Private::bucketLabel(qint64 start) const
{
    if (bucketSeconds < kDay)
        return QDateTime::fromSecsSinceEpoch(start).toString(QStringLiteral("HH"));
    const QDateTime utc = QDateTime::fromSecsSinceEpoch(start, Qt::UTC);
    return range.buckets.size() > 12 ? utc.toString(QStringLiteral("d"))
                                     : utc.toString(QStringLiteral("MMM d"));
}

QVector<QPair<QString, QVector<Money>>> CostPage::Private::spendByGroup() const
{
    const int n = int(range.buckets.size());
    std::map<QString, QVector<Money>> byGroup;
    std::map<QString, Money> totals;
    for (int b = 0; b < n; ++b) {
        for (const CostItem& item : range.buckets[b].report.items) {
            const QString g = groupOf(item, groupBy);
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
        out.append({CostPage::tr("Other"), other});
    }
    return out;
}

void CostPage::Private::updateView()
{
    const qint64 t = queriedAt;
    const CostForecast forecast = CostForecast::compute(month.daily, t, 7);
    const std::optional<Money> budget = workspaceBudget(workspace);
    updateTiles(forecast, budget);
    updateSpend();
    updateBurnDown(forecast, budget);
    updateTable();
    updateNotes(forecast);
}

void CostPage::Private::updateTiles(const CostForecast& f, std::optional<Money> budget)
{
    const CostReport& r = range.report;
    KpiTile* spendTile = tiles[0];
    spendTile->setValueText(usd(r.total));
    spendTile->setStatus(r.unpricedItems > 0 ? KpiTile::Status::Warning : KpiTile::Status::Normal);
    spendTile->setTrend(r.unpricedItems > 0
                            ? CostPage::tr("%n item(s) without a price", "", r.unpricedItems)
                            : CostPage::tr("%1 requests").arg(countText(r.requests)),
                        r.unpricedItems > 0 ? -1 : 0);
    spendTile->setDetail(CostPage::tr("Tokens x catalog prices, plus PTU time at the %1 rate, "
                                      "over the selected range.")
                             .arg(ptuBillingName(billing)));

    tiles[1]->setValueText(usd(f.today));
    tiles[1]->setStatus(KpiTile::Status::Normal);
    tiles[1]->setTrend(CostPage::tr("since 00:00 UTC"), 0);
    tiles[1]->setDetail(CostPage::tr("The current UTC day so far (billing days are UTC)."));

    tiles[2]->setValueText(usd(f.monthToDate));
    if (budget) {
        const double used = double(f.monthToDate.micros) / double(budget->micros);
        tiles[2]->setTrend(CostPage::tr("%1 % of the %2 budget")
                               .arg(QString::number(used * 100, 'f', 0), usd(*budget)),
                           used > 1 ? -1 : 0);
        tiles[2]->setStatus(used > 1 ? KpiTile::Status::Critical : KpiTile::Status::Normal);
    } else {
        tiles[2]->setTrend(CostPage::tr("no budget set"), 0);
        tiles[2]->setStatus(KpiTile::Status::Normal);
    }
    tiles[2]->setDetail(CostPage::tr("The current UTC calendar month so far, today included."));

    tiles[3]->setValueText(usd(f.forecast));
    const bool over = budget && f.forecast > *budget;
    tiles[3]->setTrend(CostPage::tr("at %1/day").arg(usd(f.dailyRate)), over ? -1 : 0);
    tiles[3]->setStatus(over ? KpiTile::Status::Warning : KpiTile::Status::Normal);
    tiles[3]->setDetail(f.method);

    tiles[4]->setValueText(r.requests > 0 ? r.costPer1kRequests().format(2) : QStringLiteral("—"));
    tiles[4]->setTrend(r.requests > 0
                           ? CostPage::tr("%1 per request").arg(r.costPerRequest().format(4))
                           : CostPage::tr("no requests"),
                       0);
    tiles[4]->setStatus(r.requests > 0 ? KpiTile::Status::Normal : KpiTile::Status::NoData);
    tiles[4]->setDetail(CostPage::tr("Cost in the range / requests in the range (PTU time "
                                     "included, at the %1 rate).")
                            .arg(ptuBillingName(billing)));

    tiles[5]->setValueText(usd(r.cacheSavings + r.batchSavings));
    tiles[5]->setTrend(
        CostPage::tr("cache %1 · batch %2").arg(usd(r.cacheSavings), usd(r.batchSavings)), +1);
    tiles[5]->setStatus(KpiTile::Status::Normal);
    tiles[5]->setDetail(CostPage::tr("What cached input tokens and the batch rate saved against "
                                     "the standard input and output prices."));
}

void CostPage::Private::updateSpend()
{
    BarChartData data;
    data.title = CostPage::tr("Spend over time");
    data.note = (bucketSeconds < kDay ? CostPage::tr("per hour") : CostPage::tr("per UTC day")) +
                CostPage::tr(", PTUs at the %1 rate").arg(ptuBillingName(billing));
    data.valueAxisTitle = CostPage::tr("USD");
    if (bucketSeconds < kDay) {
        data.categoryAxisTitle =
            CostPage::tr("Hour starting (local time, %1)").arg(utcOffsetText());
    } else if (!range.buckets.isEmpty()) {
        const QString fmt = QStringLiteral("d MMM");
        data.categoryAxisTitle =
            CostPage::tr("UTC day, %1 – %2")
                .arg(QDateTime::fromSecsSinceEpoch(range.buckets.first().start, Qt::UTC)
                         .toString(fmt),
                     QDateTime::fromSecsSinceEpoch(range.buckets.last().start, Qt::UTC)
                         .toString(fmt));
    }
    for (const CostBucket& b : std::as_const(range.buckets))
        data.categories << bucketLabel(b.start);
    for (const auto& [group, values] : spendByGroup()) {
        BarChartData::Set s;
        s.name = group;
        for (Money m : values)
            s.values << m.toUnits();
        data.sets << s;
    }
    data.stacked = true;
    data.emptyMessage = range.error.isEmpty()
                            ? CostPage::tr("No priced usage in this range yet. Costs appear once "
                                           "the sources have stored token counts.")
                            : range.error;
    spend->setData(data);
}

void CostPage::Private::updateBurnDown(const CostForecast& f, std::optional<Money> budget)
{
    BarChartData data;
    data.title = CostPage::tr("Budget burn-down");
    data.valueAxisTitle = CostPage::tr("USD");
    if (!budget) {
        data.emptyMessage = CostPage::tr("No monthly budget is set for this workspace. Set one "
                                         "with \"Prices and budget…\".");
        burn->setData(data);
        return;
    }
    const BurnDown bd =
        BurnDown::compute(Budget{workspace.name, *budget}, month.daily, queriedAt, f);
    // A sentence, on lines of its own: the day the budget runs out must not be cut off.
    data.note = QString(bd.summary).replace(QLatin1String("; "), QLatin1String(";\n"));
    data.categoryAxisTitle =
        CostPage::tr("UTC day of %1")
            .arg(
                QDateTime::fromSecsSinceEpoch(queriedAt, Qt::UTC).toString(QStringLiteral("MMMM")));
    BarChartData::Set spent{CostPage::tr("Spent (cumulative)"), {}, QColor(0x4E79A7)};
    BarChartData::Set ideal{CostPage::tr("Even pace"), {}, QColor(0xBAB0AC)};
    for (const BurnDownPoint& p : bd.points) {
        data.categories
            << QDateTime::fromSecsSinceEpoch(p.day, Qt::UTC).toString(QStringLiteral("d"));
        spent.values << p.spent.toUnits();
        ideal.values << p.ideal.toUnits();
    }
    data.sets = {spent, ideal};
    data.stacked = false;
    data.threshold = budget->toUnits();
    data.thresholdLabel = CostPage::tr("Budget %1").arg(usd(*budget));
    burn->setData(data);
}

void CostPage::Private::updateTable()
{
    const CostReport& r = range.report;
    QVector<CostItem> items = r.items;
    std::sort(items.begin(), items.end(), [](const CostItem& a, const CostItem& b) {
        return a.total > b.total || (a.total == b.total && a.deployment < b.deployment);
    });
    const QStringList headers = {
        CostPage::tr("Deployment / stream"),
        CostPage::tr("Provider"),
        CostPage::tr("Model"),
        CostPage::tr("SKU / tier"),
        CostPage::tr("Requests"),
        CostPage::tr("Input tokens"),
        CostPage::tr("Cached"),
        CostPage::tr("Output"),
        CostPage::tr("Cost"),
        CostPage::tr("Share"),
        CostPage::tr("Per 1k req"),
        CostPage::tr("Pricing"),
    };
    QVector<QVector<TableCell>> rows;
    for (const CostItem& c : std::as_const(items)) {
        QVector<TableCell> row;
        row << TableCell::plain(groupOf(c, GroupBy::Deployment), sourceName(c.source))
            << TableCell::plain(providerLabel(c.provider))
            << TableCell::plain(c.version.isEmpty() ? c.model
                                                    : c.model + QLatin1Char(' ') + c.version)
            << TableCell::plain(c.provisioned ? c.sku + CostPage::tr(" (PTU)") : c.sku);
        row << TableCell::number(countText(c.tokens.requests), double(c.tokens.requests))
            << TableCell::number(countText(c.tokens.inputTotal()), double(c.tokens.inputTotal()))
            << TableCell::number(countText(c.tokens.cachedInput), double(c.tokens.cachedInput))
            << TableCell::number(countText(c.tokens.output), double(c.tokens.output));
        TableCell cost = TableCell::number(c.priced ? usd(c.total) : CostPage::tr("no price"),
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
            pricing << ptuBillingName(billing);
        if (c.overridden)
            pricing << CostPage::tr("override");
        if (c.priced && !c.confirmed)
            pricing << CostPage::tr("unconfirmed price");
        if (c.priced && c.confirmed && !c.overridden)
            pricing << CostPage::tr("catalog %1").arg(c.priceAsOf);
        TableCell p =
            TableCell::plain(pricing.join(QStringLiteral(", ")),
                             (QStringList{c.priceSource} + c.notes).join(QLatin1Char('\n')));
        p.warning = !c.priced;
        p.override = c.overridden;
        row << p;
        rows << row;
    }
    spenders->setTable(headers, rows);
    spendersView->resizeColumnsToContents();
}

void CostPage::Private::updateNotes(const CostForecast& f)
{
    int overridden = 0;
    for (const PriceEntry& e : engine.catalog().entries())
        overridden += e.overridden ? 1 : 0;
    QString text =
        CostPage::tr("<b>How:</b> tokens stored per deployment x the price catalog (as of %1)%2; "
                     "cached tokens are priced once, at the cached rate; provisioned deployments "
                     "cost PTUs x time at the <b>%3</b> rate whatever the traffic (the "
                     "workspace's PTU pricing basis, the same on the Capacity page), and their "
                     "spillover is priced on the standard deployment. <b>Forecast:</b> %4 "
                     "<b>Days are UTC</b> for billing; times on this page are local (%5). Local "
                     "servers are not priced.")
            .arg(engine.catalog().asOf(),
                 overridden > 0 ? CostPage::tr(" with %n workspace override(s)", "", overridden)
                                : QString(),
                 ptuBillingName(billing), f.method.toHtmlEscaped(), utcOffsetText());
    if (!overrideWarning.isEmpty())
        text += QStringLiteral("<br><span style='color:#B03A2E'>%1</span>")
                    .arg(overrideWarning.toHtmlEscaped());
    notes->setText(text);

    QStringList lines;
    const QString fmt = QStringLiteral("yyyy-MM-dd");
    const QString first = QDateTime::fromSecsSinceEpoch(reconciledDays.from, Qt::UTC).toString(fmt);
    const QString last =
        QDateTime::fromSecsSinceEpoch(reconciledDays.to - kDay, Qt::UTC).toString(fmt);
    if (!reconciled.reported.isEmpty())
        lines << (first == last
                      ? CostPage::tr("Whole UTC day %1 (providers report per UTC day):").arg(first)
                      : CostPage::tr("Whole UTC days %1 – %2 (providers report per UTC "
                                     "day):")
                            .arg(first, last));
    for (const ReportedSourceCost& rc : std::as_const(reconciled.reported)) {
        const double pct =
            rc.reported.micros != 0
                ? 100.0 * double(rc.comparison.difference.micros) / double(rc.reported.micros)
                : 0;
        lines << CostPage::tr("<b>%1</b>: reported %2, computed %3, difference %4 (%5 %). %6")
                     .arg(sourceName(rc.source).toHtmlEscaped(), usd(rc.reported), usd(rc.computed),
                          rc.comparison.difference.format(2), QString::number(pct, 'f', 2),
                          rc.comparison.explanation.toHtmlEscaped());
    }
    bool reporters = false;
    for (const Connection& c : workspace.connections)
        reporters =
            reporters || c.kind == QLatin1String("openai") || c.kind == QLatin1String("anthropic");
    if (lines.isEmpty())
        lines << (!reporters ? CostPage::tr("No provider in this workspace reports its own costs "
                                            "(the OpenAI and Anthropic costs APIs do).")
                  : !reconciledDays.isValid()
                      ? CostPage::tr("Providers report costs per whole UTC day and this range "
                                     "holds none: choose 7 d or 30 d to compare them with the "
                                     "computed costs.")
                      : CostPage::tr("No reported costs stored for these UTC days yet."));
    reported->setText(lines.join(QStringLiteral("<br>")));
}

CostPage::CostPage(SampleStore* store, Workspace workspace, QWidget* parent)
    : QWidget(parent), d(std::make_unique<Private>())
{
    d->q = this;
    d->store = store;
    setObjectName(QStringLiteral("CostPage"));
    setAccessibleName(tr("Cost"));
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0xF3F4F6));
    setPalette(pal);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 12, 16, 16);
    layout->setSpacing(10);

    auto* header = new QHBoxLayout;
    auto* titleBox = new QVBoxLayout;
    titleBox->setSpacing(0);
    auto* title = new QLabel(tr("Cost"), this);
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.6);
    titleFont.setBold(true);
    title->setFont(titleFont);
    d->rangeLabel = new QLabel(this);
    d->rangeLabel->setStyleSheet(QStringLiteral("color: #606060;"));
    d->basisLabel = new QLabel(this);
    d->basisLabel->setStyleSheet(QStringLiteral("color: #606060;"));
    d->basisLabel->setAccessibleName(tr("PTU pricing basis"));
    d->basisLabel->setWordWrap(true); // wraps rather than widening the page past the window
    titleBox->addWidget(title);
    titleBox->addWidget(d->rangeLabel);
    titleBox->addWidget(d->basisLabel);
    header->addLayout(titleBox, 1);
    auto* groupLabel = new QLabel(tr("&Stack by:"), this);
    d->groupBox = new QComboBox(this);
    d->groupBox->addItems({tr("Deployment"), tr("Model"), tr("Provider")});
    d->groupBox->setAccessibleName(tr("Stack spend by"));
    groupLabel->setBuddy(d->groupBox);
    header->addWidget(groupLabel);
    header->addWidget(d->groupBox);
    auto* prices = new QPushButton(tr("&Prices and budget…"), this);
    auto* exportButton = new QPushButton(tr("&Export CSV…"), this);
    header->addWidget(prices);
    header->addWidget(exportButton);
    header->addSpacing(8);
    d->picker = new TimeRangePicker(this);
    header->addWidget(d->picker);
    layout->addLayout(header);

    d->warning = new QLabel(this);
    d->warning->setWordWrap(true);
    d->warning->setStyleSheet(QStringLiteral("color: #B03A2E;"));
    d->warning->hide();
    layout->addWidget(d->warning);

    auto* kpiRow = new QHBoxLayout;
    kpiRow->setSpacing(10);
    const QStringList tileTitles = {tr("Spend in range"),  tr("Today (UTC)"),
                                    tr("Month to date"),   tr("Month-end forecast"),
                                    tr("Per 1k requests"), tr("Savings (cache, batch)")};
    for (const QString& t : tileTitles) {
        auto* tile = new KpiTile(this);
        tile->setTitle(t);
        tile->setValueText(QStringLiteral("…"));
        d->tiles << tile;
        kpiRow->addWidget(tile);
    }
    layout->addLayout(kpiRow);

    auto* charts = new QHBoxLayout;
    charts->setSpacing(10);
    auto* spendCard = card(this);
    auto* spendLayout = new QVBoxLayout(spendCard);
    spendLayout->setContentsMargins(4, 4, 4, 4);
    d->spend = new BarChart(spendCard);
    spendLayout->addWidget(d->spend);
    auto* burnCard = card(this);
    auto* burnLayout = new QVBoxLayout(burnCard);
    burnLayout->setContentsMargins(4, 4, 4, 4);
    d->burn = new BarChart(burnCard);
    burnLayout->addWidget(d->burn);
    charts->addWidget(spendCard, 3);
    charts->addWidget(burnCard, 2);
    layout->addLayout(charts, 5);

    auto* bottom = new QHBoxLayout;
    bottom->setSpacing(10);
    auto* tableCard = card(this);
    auto* tableLayout = new QVBoxLayout(tableCard);
    tableLayout->setContentsMargins(8, 6, 8, 8);
    tableLayout->addWidget(heading(tr("Top spenders"), tableCard));
    d->spenders = new CostTableModel(this);
    auto* proxy = new QSortFilterProxyModel(this);
    proxy->setSourceModel(d->spenders);
    proxy->setSortRole(CostTableModel::SortRole);
    d->spendersView = new QTableView(tableCard);
    d->spendersView->setModel(proxy);
    d->spendersView->setItemDelegate(new CostTableDelegate(d->spendersView));
    d->spendersView->setSortingEnabled(true);
    d->spendersView->sortByColumn(8, Qt::DescendingOrder);
    d->spendersView->setSelectionBehavior(QAbstractItemView::SelectRows);
    d->spendersView->setEditTriggers(QAbstractItemView::NoEditTriggers);
    d->spendersView->verticalHeader()->hide();
    d->spendersView->verticalHeader()->setDefaultSectionSize(22);
    d->spendersView->horizontalHeader()->setStretchLastSection(true);
    d->spendersView->setAlternatingRowColors(true);
    d->spendersView->setAccessibleName(tr("Top spenders"));
    tableLayout->addWidget(d->spendersView);
    bottom->addWidget(tableCard, 3);

    auto* noteCard = card(this);
    auto* noteScroll = new QScrollArea(this);
    noteScroll->setWidgetResizable(true);
    noteScroll->setFrameShape(QFrame::NoFrame);
    noteScroll->setWidget(noteCard);
    auto* noteLayout = new QVBoxLayout(noteCard);
    noteLayout->setContentsMargins(8, 6, 8, 8);
    noteLayout->addWidget(heading(tr("Reported by the provider vs computed"), noteCard));
    d->reported = new QLabel(noteCard);
    d->reported->setWordWrap(true);
    d->reported->setTextFormat(Qt::RichText);
    d->reported->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    noteLayout->addWidget(d->reported);
    noteLayout->addSpacing(6);
    noteLayout->addWidget(heading(tr("How these numbers are computed"), noteCard));
    d->notes = new QLabel(noteCard);
    d->notes->setWordWrap(true);
    d->notes->setTextFormat(Qt::RichText);
    d->notes->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    d->notes->setStyleSheet(QStringLiteral("color: #404040;"));
    noteLayout->addWidget(d->notes);
    noteLayout->addStretch(1);
    bottom->addWidget(noteScroll, 2);
    layout->addLayout(bottom, 4);

    d->throttle = new RefreshThrottle([this] { d->runNow(); }, 2000, this);

    connect(d->picker, &TimeRangePicker::rangeChanged, this, [this](TimeRange r) {
        const QLocale locale;
        const QString fmt = QStringLiteral("ddd d MMM, HH:mm");
        d->rangeLabel->setText(tr("%1 – %2 (local time, %3); billing days are UTC")
                                   .arg(locale.toString(QDateTime::fromSecsSinceEpoch(r.from), fmt),
                                        locale.toString(QDateTime::fromSecsSinceEpoch(r.to), fmt),
                                        utcOffsetText()));
        refresh();
    });
    connect(d->groupBox, &QComboBox::activated, this, [this](int i) { setGroupBy(GroupBy(i)); });
    connect(prices, &QPushButton::clicked, this, &CostPage::editPrices);
    connect(exportButton, &QPushButton::clicked, this, &CostPage::exportCsvInteractive);
    if (store) {
        connect(store, &SampleStore::dataChanged, this, [this](const QString&, TimeRange window) {
            const TimeRange r = d->picker->range();
            if (window.isValid() && window.to <= std::min(r.from, utcMonthOf(d->now()).from))
                return;
            refresh();
        });
    }
    d->advanceTimer.setInterval(kAdvanceMs);
    connect(&d->advanceTimer, &QTimer::timeout, d->picker, &TimeRangePicker::advance);
    d->advanceTimer.start();

    setWorkspace(workspace);
    emit d->picker->rangeChanged(d->picker->range());
}

CostPage::~CostPage() = default;

void CostPage::setWorkspace(const Workspace& workspace)
{
    d->workspace = workspace;
    d->overrideWarning.clear();
    d->engine = costEngineFor(workspace, &d->overrideWarning);
    d->billingWarning.clear();
    d->billing = workspacePtuBilling(workspace, &d->billingWarning);
    d->basisLabel->setText(tr("PTUs priced at the %1 rate, as on the Capacity page (Prices "
                              "and budget…)")
                               .arg(ptuBillingName(d->billing)));
    QStringList warnings;
    for (const QString& w : {d->overrideWarning, d->billingWarning}) {
        if (!w.isEmpty())
            warnings << w;
    }
    d->warning->setText(warnings.join(QLatin1Char('\n')));
    d->warning->setVisible(!warnings.isEmpty());
    refresh();
}

const Workspace& CostPage::workspace() const
{
    return d->workspace;
}

void CostPage::setTimeRange(TimeRange range)
{
    d->picker->setCustomRange(range);
}

TimeRange CostPage::timeRange() const
{
    return d->picker->range();
}

void CostPage::setGroupBy(GroupBy groupBy)
{
    d->groupBy = groupBy;
    d->groupBox->setCurrentIndex(int(groupBy));
    if (d->loaded)
        d->updateSpend();
}

CostPage::GroupBy CostPage::groupBy() const
{
    return d->groupBy;
}

void CostPage::setClock(std::function<qint64()> nowUtc)
{
    d->clock = nowUtc;
    d->picker->setClock(std::move(nowUtc));
}

bool CostPage::isLoaded() const
{
    return d->loaded;
}

const CostQueryResult& CostPage::rangeResult() const
{
    return d->range;
}

const CostQueryResult& CostPage::monthResult() const
{
    return d->month;
}

TimeRangePicker* CostPage::rangePicker() const
{
    return d->picker;
}

BarChart* CostPage::spendChart() const
{
    return d->spend;
}

BarChart* CostPage::burnDownChart() const
{
    return d->burn;
}

CostTableModel* CostPage::spendersModel() const
{
    return d->spenders;
}

QVector<KpiTile*> CostPage::tiles() const
{
    return d->tiles;
}

QString CostPage::notesText() const
{
    return d->reported->text() + QLatin1Char('\n') + d->notes->text();
}

PtuBilling CostPage::billing() const
{
    return d->billing;
}

QString CostPage::billingText() const
{
    return d->basisLabel->text();
}

void CostPage::refresh()
{
    d->throttle->request();
}

QString CostPage::csv() const
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
    const auto groups = d->spendByGroup();
    for (int b = 0; b < d->range.buckets.size(); ++b) {
        for (const auto& [group, values] : groups) {
            line({QStringLiteral("spend"),
                  formatIsoUtc(d->range.buckets[b].start),
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
    for (const CostItem& c : d->range.report.items) {
        QStringList notes = c.notes;
        if (c.overridden)
            notes.prepend(QStringLiteral("override"));
        if (!c.priced)
            notes.prepend(QStringLiteral("no price"));
        line({QStringLiteral("item"), formatIsoUtc(d->range.report.window.from),
              groupOf(c, GroupBy::Deployment), c.provider, c.model, c.sku,
              QString::number(c.tokens.requests), QString::number(c.tokens.inputTotal()),
              QString::number(c.tokens.cachedInput), QString::number(c.tokens.output),
              c.priced ? usdExact(c.total) : QString(), notes.join(QStringLiteral("; "))});
    }
    return out;
}

bool CostPage::exportCsv(const QString& path, QString* error) const
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly)) {
        *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    file.write(csv().toUtf8());
    if (!file.commit()) {
        *error = tr("Could not write %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void CostPage::exportCsvInteractive()
{
    const QString path = QFileDialog::getSaveFileName(
        this, tr("Export Costs"), QStringLiteral("inferscope-costs.csv"), tr("CSV files (*.csv)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportCsv(path, &error)) {
        d->warning->setText(error);
        d->warning->show();
    }
}

void CostPage::editPrices()
{
    PriceEditorDialog dlg(PriceCatalog::builtin(), d->workspace.priceOverrides, d->workspace.budget,
                          this);
    if (dlg.exec() != QDialog::Accepted)
        return;
    Workspace next = d->workspace;
    next.priceOverrides = dlg.overrides();
    next.budget = dlg.budget();
    setWorkspace(next);
    emit priceSettingsChanged(next.priceOverrides, next.budget);
}

} // namespace isc
