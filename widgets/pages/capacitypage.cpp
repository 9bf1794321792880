#include "capacitypage.h"

#include "charts/barchart.h"
#include "core/refreshthrottle.h"
#include "cost/costengine.h"
#include "cost/lifecyclecatalog.h"
#include "cost/ptucost.h"
#include "itemmodels/costtablemodel.h"
#include "kit/costtabledelegate.h"
#include "pages/costpage.h"
#include "store/samplestore.h"
#include "store/storejobs.h"
#include "timerangepicker.h"

#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QHelpEvent>
#include <QLabel>
#include <QLocale>
#include <QPointer>
#include <QScrollArea>
#include <QScrollBar>
#include <QTableView>
#include <QTimer>
#include <QToolTip>
#include <QVBoxLayout>
#include <algorithm>
#include <limits>

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

/// properties.versionUpgradeOption in a few words, and what it means for the deployment.
TableCell upgradeCell(const QString& option)
{
    if (option.isEmpty())
        return TableCell::plain(CapacityPage::tr("not reported"),
                                CapacityPage::tr("The deployments list gave no "
                                                 "versionUpgradeOption for this deployment."));
    QString text = option, meaning;
    if (option == QLatin1String("OnceNewDefaultVersionAvailable")) {
        text = CapacityPage::tr("new default");
        meaning = CapacityPage::tr("Azure moves it to each new default version of the model.");
    } else if (option == QLatin1String("OnceCurrentVersionExpired")) {
        text = CapacityPage::tr("at expiry");
        meaning = CapacityPage::tr("Azure moves it to the default version when this version "
                                   "retires.");
    } else if (option == QLatin1String("NoAutoUpgrade")) {
        text = CapacityPage::tr("no auto-upgrade");
        meaning = CapacityPage::tr("Never upgraded automatically: it stops serving when this "
                                   "version retires unless it is moved by hand.");
    }
    return TableCell::plain(
        text, meaning.isEmpty() ? option : QStringLiteral("%1 (%2)").arg(meaning, option));
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

/// A warning line above a table: wrapped, in the layout, hidden while there is nothing to say.
QLabel* banner(QWidget* parent)
{
    auto* l = new QLabel(parent);
    l->setWordWrap(true);
    l->setTextFormat(Qt::RichText);
    l->setStyleSheet(QStringLiteral("background: #FDECEA; border: 1px solid #F1B0A8; "
                                    "border-radius: 3px; padding: 4px 8px; color: #7A1E12;"));
    l->hide();
    return l;
}

/// A table as tall as its rows (up to `maxRows`, then it scrolls itself): the page scrolls, not
/// each table. Columns fit their contents up to a cap (longer text is elided and its cell shows
/// the whole text as a tooltip); the horizontal scroll bar appears only when the columns do not
/// fit, and the height makes room for it then.
class FitTable : public QTableView
{
public:
    static constexpr int kMaxColumnWidth = 240; // px; longer cells are elided

    FitTable(CostTableModel* model, int maxRows, QWidget* parent)
        : QTableView(parent), m_maxRows(maxRows)
    {
        setModel(model);
        setItemDelegate(new CostTableDelegate(this));
        setSelectionBehavior(QAbstractItemView::SelectRows);
        setEditTriggers(QAbstractItemView::NoEditTriggers);
        setTextElideMode(Qt::ElideRight);
        setWordWrap(false);
        verticalHeader()->hide();
        verticalHeader()->setDefaultSectionSize(kRowHeight);
        verticalHeader()->setMinimumSectionSize(kRowHeight);
        horizontalHeader()->setStretchLastSection(false);
        setAlternatingRowColors(true);
        setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    }

    /// Sizes the columns to the new contents and the height to the new rows.
    void fit()
    {
        m_widths.clear();
        m_contentWidth = 0;
        for (int c = 0; c < horizontalHeader()->count(); ++c) {
            const int w =
                std::min(std::max(sizeHintForColumn(c), horizontalHeader()->sectionSizeHint(c)),
                         kMaxColumnWidth);
            m_widths << w;
            m_contentWidth += w;
        }
        spread();
        m_overflow = overflows();
        updateGeometry();
    }

    QSize sizeHint() const override { return {QTableView::sizeHint().width(), fittedHeight()}; }
    QSize minimumSizeHint() const override
    {
        return {QTableView::minimumSizeHint().width(), fittedHeight()};
    }

protected:
    void resizeEvent(QResizeEvent* event) override
    {
        QTableView::resizeEvent(event);
        spread();
        if (overflows() != m_overflow) {
            m_overflow = !m_overflow;
            updateGeometry();
        }
    }

    bool viewportEvent(QEvent* event) override
    {
        if (event->type() == QEvent::ToolTip) {
            const auto* help = static_cast<QHelpEvent*>(event);
            const QModelIndex index = indexAt(help->pos());
            const QString text = index.data().toString();
            if (index.isValid() && index.data(Qt::ToolTipRole).toString().isEmpty() &&
                fontMetrics().horizontalAdvance(text) + 8 > visualRect(index).width()) {
                QToolTip::showText(help->globalPos(), text, viewport(), visualRect(index));
                return true;
            }
        }
        return QTableView::viewportEvent(event);
    }

private:
    bool overflows() const { return m_contentWidth > viewport()->width(); }

    /// Columns at their content widths, the room left over shared out evenly.
    void spread()
    {
        const int n = int(m_widths.size());
        const int extra = n > 0 ? std::max(0, viewport()->width() - m_contentWidth) : 0;
        for (int c = 0; c < n; ++c)
            setColumnWidth(c, m_widths[c] + extra / n + (c == n - 1 ? extra % n : 0));
    }

    int fittedHeight() const
    {
        const int rows = std::clamp(model() ? model()->rowCount() : 0, 1, m_maxRows);
        int h = 2 * frameWidth() + horizontalHeader()->sizeHint().height() + rows * kRowHeight;
        if (m_overflow)
            h += horizontalScrollBar()->sizeHint().height();
        return h;
    }

    int m_maxRows;
    QVector<int> m_widths;  ///< px each column needs, capped at kMaxColumnWidth
    int m_contentWidth = 0; ///< their sum
    bool m_overflow = false;
};

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
    PtuBilling billing = kDefaultPtuBilling; ///< the workspace's, shared with the Cost page

    TimeRangePicker* picker = nullptr;
    QLabel* rangeLabel = nullptr;
    QComboBox* targetBox = nullptr;
    QComboBox* percentileBox = nullptr;
    CostTableModel* load = nullptr;
    CostTableModel* adviceTable = nullptr;
    CostTableModel* quota = nullptr;
    CostTableModel* lifecycleTable = nullptr;
    CostTableModel* fineTune = nullptr;
    FitTable *loadView = nullptr, *adviceView = nullptr, *quotaView = nullptr,
             *lifecycleView = nullptr, *fineTuneView = nullptr;
    BarChart* utilization = nullptr;
    BarChart* adviceChart = nullptr;
    QLabel* loadNote = nullptr;
    QLabel* billingNote = nullptr;
    QLabel* assumptions = nullptr;
    QLabel* quotaBanner = nullptr;
    QLabel* quotaNote = nullptr;
    QLabel* lifecycleBanner = nullptr;
    QLabel* lifecycleNote = nullptr;
    QLabel* fineTuneNote = nullptr;
    RefreshThrottle* throttle = nullptr;
    QTimer advanceTimer;

    CapacityResult result;
    QVector<PtuAdvice> advice;
    bool loaded = false;
    StoreJobs jobs; ///< last: cancelled first when the page goes

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
        CapacityRequest req;
        req.range = picker->range();
        req.connections = workspace.connections;
        jobs.run(
            store, QStringLiteral("capacity"),
            [req](StoreBackend& db, const JobToken& token) {
                return CapacityQuery::run(db, req, token);
            },
            [this](const CapacityResult& r) {
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
    loadView->fit();
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
    chart.note = CapacityPage::tr("%1, %2 target, PTUs at the %3 rate")
                     .arg(pName, pct(target * 100), ptuBillingName(billing));
    chart.valueAxisTitle = CapacityPage::tr("USD per month");
    chart.stacked = false;
    chart.categories = {CapacityPage::tr("Current"), CapacityPage::tr("Right-sized"),
                        CapacityPage::tr("Pay-per-token"), CapacityPage::tr("PTU + spillover")};
    chart.emptyMessage =
        CapacityPage::tr("The advisor needs a provisioned deployment with recorded traffic "
                         "and a PTU price in the catalog.");
    QStringList assumed;
    QStringList unpricedPayg; // deployments whose pay-per-token options have no price
    QStringList verdicts;     // the cheapest option of each deployment, first in the notes
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
        // Without a pay-per-token price those options are unknown: "no price", never $0.
        const QString noPaygTip =
            CapacityPage::tr("No pay-per-token price for %1 %2 in the catalog; add one in the "
                             "price editor (Cost page) to compare.")
                .arg(dep.model, dep.version);
        auto paygMoney = [&](Money m, const QString& tip) {
            if (a.paygPriced)
                return money(m, tip);
            TableCell c = TableCell::plain(CapacityPage::tr("no price"), noPaygTip);
            c.warning = true;
            return c;
        };
        if (!a.paygPriced)
            unpricedPayg << dep.name;
        const QString ptuTip = CapacityPage::tr("PTUs at the %1 rate (the workspace's pricing "
                                                "basis)")
                                   .arg(ptuBillingName(billing));
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
            money(a.currentMonthly, ptuTip),
            money(a.rightSizedMonthly, ptuTip),
            paygMoney(a.paygMonthly, CapacityPage::tr("At %1 %2 prices").arg(dep.model, paygSku)),
            paygMoney(a.ptuPlusSpilloverMonthly,
                      CapacityPage::tr("%1 PTUs + the overflow at pay-per-token prices")
                          .arg(a.spilloverPtus)),
            a.paygPriced
                ? TableCell::number(a.breakEvenUtilization > 1 ? CapacityPage::tr("never")
                                                               : pct(100 * a.breakEvenUtilization),
                                    a.breakEvenUtilization,
                                    CapacityPage::tr("Average utilization above which PTUs cost "
                                                     "less than pay-per-token"))
                : paygMoney({}, {})};
        BarChartData::Set s;
        s.name = dep.name;
        // No bar (NaN), not a $0 bar, for an option without a price.
        const double none = std::numeric_limits<double>::quiet_NaN();
        s.values = {a.currentMonthly.toUnits(), a.rightSizedMonthly.toUnits(),
                    a.paygPriced ? a.paygMonthly.toUnits() : none,
                    a.paygPriced ? a.ptuPlusSpilloverMonthly.toUnits() : none};
        chart.sets << s;
        verdicts << CapacityPage::tr("%1: %2").arg(dep.name, a.verdict);
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
    if (!unpricedPayg.isEmpty())
        chart.note += CapacityPage::tr("; no pay-per-token price for %1")
                          .arg(unpricedPayg.join(QStringLiteral(", ")));
    adviceTable->setTable(headers, rows);
    adviceChart->setData(chart);
    adviceView->fit();
    QString html;
    for (const QString& v : std::as_const(verdicts))
        html += QStringLiteral("<p style='margin:0 0 4px 0'><b>%1</b></p>").arg(v.toHtmlEscaped());
    html += QStringLiteral("<ul style='margin:0'>");
    for (const QString& a : std::as_const(assumed))
        html += QStringLiteral("<li>%1</li>").arg(a.toHtmlEscaped());
    assumptions->setText(html + QStringLiteral("</ul>"));
}

void CapacityPage::Private::updateQuota()
{
    const QStringList headers = {
        CapacityPage::tr("SKU"),        CapacityPage::tr("Model"), CapacityPage::tr("Used"),
        CapacityPage::tr("Current"),    CapacityPage::tr("Limit"), CapacityPage::tr("Region"),
        CapacityPage::tr("Connection"), CapacityPage::tr("Quota"), CapacityPage::tr("Read at")};
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
            TableCell::plain(u.location.isEmpty() ? CapacityPage::tr("not recorded") : u.location),
            TableCell::plain(sourceName(u.source)),
            TableCell::plain(u.quota),
            TableCell::plain(QLocale().toString(QDateTime::fromSecsSinceEpoch(u.at),
                                                QStringLiteral("d MMM HH:mm")))};
    }
    quota->setTable(headers, rows);
    quotaView->setVisible(!rows.isEmpty());
    quotaView->fit();
    quotaBanner->setText(
        CapacityPage::tr("%n quota(s) at or over 80 %: new deployments or capacity increases "
                         "there may be refused.",
                         "", warnings)
            .toHtmlEscaped());
    quotaBanner->setVisible(warnings > 0);
    if (rows.isEmpty())
        quotaNote->setText(
            CapacityPage::tr("No quota readings stored yet. The Azure source reads each "
                             "location's quota (usages API) about hourly; readings appear here "
                             "after its first read."));
    else
        quotaNote->setText(CapacityPage::tr(
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
        TableCell upgrade = upgradeCell(dep.upgradeOption);
        // Near retirement, a deployment that is never upgraded is the one that stops serving.
        upgrade.warning = warn && dep.upgradeOption == QLatin1String("NoAutoUpgrade");
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
            upgrade};
    }
    lifecycleTable->setTable(headers, rows);
    lifecycleView->fit();
    lifecycleBanner->setText(
        CapacityPage::tr("%n deployment(s) within %1 days of retirement or past it: %2. Plan "
                         "the move to the replacement model (hover a status for details).",
                         "", int(warned.size()))
            .arg(LifecycleCatalog::kWarnDays)
            .arg(warned.join(QStringLiteral(", ")))
            .toHtmlEscaped());
    lifecycleBanner->setVisible(!warned.isEmpty());
    lifecycleNote->setText(
        result.inventory.isEmpty()
            ? CapacityPage::tr("No deployments in the inventory yet (Azure OpenAI connections "
                               "list theirs on the first poll).")
            : CapacityPage::tr("Dates from Microsoft's retirement table (lifecycle catalog as of "
                               "%1); * = not confirmed as current. Microsoft has moved these "
                               "dates before.")
                  .arg(lifecycle.asOf()));
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
    fineTuneView->fit();
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
    // One column of full-width cards: the wide tables keep all their columns in view at
    // 1440 px, and the page scrolls rather than squeezing a table or overlapping its notes.
    auto* column = new QVBoxLayout(content);
    column->setContentsMargins(0, 0, 0, 0);
    column->setSpacing(10);

    d->load = new CostTableModel(this);
    d->adviceTable = new CostTableModel(this);
    d->quota = new CostTableModel(this);
    d->lifecycleTable = new CostTableModel(this);
    d->fineTune = new CostTableModel(this);

    QVBoxLayout* l = nullptr;
    QFrame* loadCard = card(content, &l);
    l->addWidget(heading(tr("Provisioned deployments"), loadCard));
    d->loadView = new FitTable(d->load, 8, loadCard);
    d->loadView->setAccessibleName(tr("Provisioned deployments"));
    l->addWidget(d->loadView);
    d->loadNote = note(loadCard);
    l->addWidget(d->loadNote);
    column->addWidget(loadCard);

    // The two charts side by side, each under the table it draws.
    auto* charts = new QHBoxLayout;
    charts->setSpacing(10);
    QFrame* utilizationCard = card(content, &l);
    d->utilization = new BarChart(utilizationCard);
    d->utilization->setFixedHeight(250);
    l->addWidget(d->utilization);
    charts->addWidget(utilizationCard, 1);
    QFrame* costCard = card(content, &l);
    d->adviceChart = new BarChart(costCard);
    d->adviceChart->setFixedHeight(250);
    l->addWidget(d->adviceChart);
    charts->addWidget(costCard, 1);
    column->addLayout(charts);

    QFrame* adviceCard = card(content, &l);
    l->addWidget(heading(tr("PTU advisor"), adviceCard));
    d->billingNote = note(adviceCard);
    d->billingNote->setAccessibleName(tr("PTU pricing basis"));
    l->addWidget(d->billingNote);
    d->adviceView = new FitTable(d->adviceTable, 8, adviceCard);
    d->adviceView->setAccessibleName(tr("PTU advisor"));
    l->addWidget(d->adviceView);
    l->addSpacing(4);
    l->addWidget(heading(tr("PTU advisor: how it sizes"), adviceCard));
    d->assumptions = note(adviceCard);
    d->assumptions->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    l->addWidget(d->assumptions);
    column->addWidget(adviceCard);

    QFrame* lifecycleCard = card(content, &l);
    l->addWidget(heading(tr("Deployments and lifecycle"), lifecycleCard));
    d->lifecycleBanner = banner(lifecycleCard);
    l->addWidget(d->lifecycleBanner);
    d->lifecycleView = new FitTable(d->lifecycleTable, 12, lifecycleCard);
    d->lifecycleView->setAccessibleName(tr("Deployments and lifecycle"));
    l->addWidget(d->lifecycleView);
    d->lifecycleNote = note(lifecycleCard);
    l->addWidget(d->lifecycleNote);
    column->addWidget(lifecycleCard);

    QFrame* quotaCard = card(content, &l);
    l->addWidget(heading(tr("Quota per region and SKU"), quotaCard));
    d->quotaBanner = banner(quotaCard);
    l->addWidget(d->quotaBanner);
    d->quotaView = new FitTable(d->quota, 10, quotaCard);
    d->quotaView->setAccessibleName(tr("Quota"));
    l->addWidget(d->quotaView);
    d->quotaNote = note(quotaCard);
    l->addWidget(d->quotaNote);
    column->addWidget(quotaCard);

    QFrame* ftCard = card(content, &l);
    l->addWidget(heading(tr("Fine-tuning"), ftCard));
    d->fineTuneView = new FitTable(d->fineTune, 6, ftCard);
    d->fineTuneView->setAccessibleName(tr("Fine-tuning"));
    d->fineTuneView->hide();
    l->addWidget(d->fineTuneView);
    d->fineTuneNote = note(ftCard);
    l->addWidget(d->fineTuneNote);
    column->addWidget(ftCard);
    column->addStretch(1);

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
    d->billing = workspacePtuBilling(workspace);
    d->billingNote->setText(
        tr("Monthly figures price PTUs at the <b>%1</b> rate: the workspace's pricing basis, the "
           "same as on the Cost page (change it under Cost, Prices and budget…).")
            .arg(ptuBillingName(d->billing)));
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

QString CapacityPage::billingText() const
{
    return d->billingNote->text();
}

QString CapacityPage::quotaText() const
{
    return d->quotaBanner->isHidden()
               ? d->quotaNote->text()
               : d->quotaBanner->text() + QLatin1Char(' ') + d->quotaNote->text();
}

QString CapacityPage::lifecycleText() const
{
    return d->lifecycleBanner->isHidden()
               ? d->lifecycleNote->text()
               : d->lifecycleBanner->text() + QLatin1Char(' ') + d->lifecycleNote->text();
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
