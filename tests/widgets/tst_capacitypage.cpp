#include "charts/barchart.h"
#include "core/labels.h"
#include "itemmodels/costtablemodel.h"
#include "pages/capacitypage.h"
#include "store/samplestore.h"

#include <QAbstractItemModelTester>
#include <QFrame>
#include <QJsonArray>
#include <QJsonObject>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

constexpr qint64 kDay0 = 1767225600; // 2026-01-01T00:00:00Z
constexpr int kMinutes = 120;
const QString kAz = QStringLiteral("az");

SeriesSamples series(const QString& metric, QList<Label> labels, const QVector<Sample>& samples,
                     const QString& aggregation = QStringLiteral("total"))
{
    SeriesSamples s;
    s.key = {kAz, metric, aggregation, labels::canonical(labels)};
    s.unit = QStringLiteral("Count");
    s.samples = samples;
    return s;
}

Label dep(const QString& name)
{
    return {QStringLiteral("ModelDeploymentName"), name};
}

Workspace workspace()
{
    Workspace ws;
    Connection az;
    az.id = kAz;
    az.kind = QStringLiteral("azure-openai");
    az.displayName = QStringLiteral("Azure account");
    ws.connections = {az};
    return ws;
}

/// The row of `model` whose first column is `name`, -1 when none.
int rowOf(const CostTableModel* model, const QString& name)
{
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->text(r, 0) == name)
            return r;
    }
    return -1;
}

/// Waits for the newest refresh of `page` to land.
bool settle(CapacityPage* page)
{
    QSignalSpy loaded(page, &CapacityPage::loaded);
    if (!loaded.wait(15000))
        return false;
    while (loaded.wait(300)) {
    }
    return true;
}

} // namespace

class tst_CapacityPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SampleStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("cap.sqlite"))).result().usable());
        const Deployment ptu{kAz,
                             QStringLiteral("ptu"),
                             QStringLiteral("gpt-4o"),
                             QStringLiteral("2024-11-20"),
                             QStringLiteral("ProvisionedManaged"),
                             50,
                             QStringLiteral("std"),
                             QStringLiteral("Succeeded"),
                             QStringLiteral("NoAutoUpgrade")};
        const Deployment std{kAz,
                             QStringLiteral("std"),
                             QStringLiteral("gpt-4o"),
                             QStringLiteral("2024-11-20"),
                             QStringLiteral("Standard"),
                             100,
                             {},
                             QStringLiteral("Succeeded"),
                             QStringLiteral("OnceNewDefaultVersionAvailable")};
        const Deployment ft{kAz,
                            QStringLiteral("ft-mini"),
                            QStringLiteral("gpt-4o-mini-2024-07-18.ft-abc123"),
                            QStringLiteral("1"),
                            QStringLiteral("Standard"),
                            1,
                            {},
                            QStringLiteral("Succeeded"),
                            {}}; // no versionUpgradeOption reported
        m_store->saveDeployments(kAz, {ptu, std, ft}).waitForFinished();

        // Utilization 1..120 % over 120 minutes; from 100 % on, 2 of 12 requests get a 429 and
        // one of them is served by "std" as spillover.
        QVector<Sample> util, ok, r429, spill, prompt, generated;
        for (int m = 0; m < kMinutes; ++m) {
            const qint64 t = kDay0 + 60LL * m;
            util.append({t, double(m + 1)});
            ok.append({t, 10});
            prompt.append({t, 10000});
            generated.append({t, 2000});
            if (m + 1 >= 100) {
                r429.append({t, 2});
                spill.append({t, 1});
            }
        }
        const Label s200{QStringLiteral("StatusCode"), QStringLiteral("200")};
        const Label s429{QStringLiteral("StatusCode"), QStringLiteral("429")};
        const Label noSpill{QStringLiteral("IsSpillover"), QStringLiteral("False")};
        const Label yesSpill{QStringLiteral("IsSpillover"), QStringLiteral("True")};
        PollBatch b;
        b.source = kAz;
        b.window = {kDay0, kDay0 + 60 * kMinutes};
        b.series = {
            series(QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"),
                   {dep(QStringLiteral("ptu"))}, util, QStringLiteral("average")),
            series(QStringLiteral("AzureOpenAIRequests"),
                   {dep(QStringLiteral("ptu")), s200, noSpill}, ok),
            series(QStringLiteral("AzureOpenAIRequests"),
                   {dep(QStringLiteral("ptu")), s429, noSpill}, r429),
            series(QStringLiteral("AzureOpenAIRequests"),
                   {dep(QStringLiteral("std")), s200, yesSpill}, spill),
            series(QStringLiteral("ProcessedPromptTokens"), {dep(QStringLiteral("ptu"))}, prompt),
            series(QStringLiteral("GeneratedTokens"), {dep(QStringLiteral("ptu"))}, generated),
            series(QStringLiteral("AzureOpenAIContextTokensCacheMatchRate"),
                   {dep(QStringLiteral("ptu"))}, {{kDay0, 20}, {kDay0 + 60, 40}},
                   QStringLiteral("average")),
            series(QStringLiteral("QuotaCurrent"),
                   {{QStringLiteral("quota"), QStringLiteral("OpenAI.Standard.gpt-4o")},
                    {QStringLiteral("location"), QStringLiteral("swedencentral")}},
                   {{kDay0, 90}}, QStringLiteral("average")),
            series(QStringLiteral("QuotaLimit"),
                   {{QStringLiteral("quota"), QStringLiteral("OpenAI.Standard.gpt-4o")},
                    {QStringLiteral("location"), QStringLiteral("swedencentral")}},
                   {{kDay0, 100}}, QStringLiteral("average")),
            series(QStringLiteral("QuotaCurrent"),
                   {{QStringLiteral("quota"), QStringLiteral("OpenAI.GlobalStandard.gpt-4.1")}},
                   {{kDay0, 10}}, QStringLiteral("average")),
            series(QStringLiteral("QuotaLimit"),
                   {{QStringLiteral("quota"), QStringLiteral("OpenAI.GlobalStandard.gpt-4.1")}},
                   {{kDay0, 1000}}, QStringLiteral("average")),
        };
        QVERIFY(m_store->write(b).result().ok);
    }

    void cleanupTestCase() { m_store.reset(); }

    void utilizationAdvisorQuotaLifecycle()
    {
        CapacityPage page(m_store.get(), workspace());
        QAbstractItemModelTester t1(page.loadModel());
        QAbstractItemModelTester t2(page.adviceModel());
        QAbstractItemModelTester t3(page.lifecycleModel());
        page.setClock([] { return kDay0 + 60 * kMinutes; });
        page.setTimeRange({kDay0, kDay0 + 60 * kMinutes});
        QVERIFY(settle(&page));

        QCOMPARE(page.result().provisioned.size(), 1);
        const ProvisionedLoad& p = page.result().provisioned.first();
        QCOMPARE(p.utilP50, 60.0);
        QCOMPARE(p.utilP95, 114.0);
        QCOMPARE(p.utilMax, 120.0);
        QCOMPARE(p.minutesAtCapacity, 21);
        QCOMPARE(p.requests, 1242.0);
        QCOMPARE(p.requests429, 42.0);
        QCOMPARE(p.spilledOver, 21.0);
        QCOMPARE(p.cacheMatchRate, 30.0);
        QCOMPARE(page.loadModel()->rowCount(), 1);
        QCOMPARE(page.loadModel()->text(0, 4), QStringLiteral("114 %"));
        QCOMPARE(page.utilizationChart()->setCount(), 3); // p50, p95, max
        QVERIFY(page.utilizationChart()->hasThreshold());

        // Advisor: the p95 minute asks 12k input + 2.4k output = 19.2k weighted tokens (x3);
        // 19.2k / (2,500 x 0.8) = 10 PTUs, raised to the minimum of 50.
        QCOMPARE(page.advice().size(), 1);
        QCOMPARE(page.advice().first().sizedTpm, 19200.0);
        QCOMPARE(page.advice().first().recommendedPtus, 50);
        QCOMPARE(page.adviceModel()->rowCount(), 1);
        QCOMPARE(page.adviceChart()->categoryCount(), 4);
        QCOMPARE(page.adviceChart()->setCount(), 1);
        // With a pay-per-token price every option is priced, in dollars.
        QVERIFY(page.advice().first().paygPriced);
        for (int column : {4, 5, 6, 7})
            QVERIFY2(page.adviceModel()->text(0, column).startsWith(QLatin1Char('$')),
                     qPrintable(page.adviceModel()->text(0, column)));
        // The workspace sets no basis: PTUs at a monthly reservation, said beside the figures.
        QCOMPARE(page.billing(), PtuBilling::MonthlyReservation);
        QCOMPARE(page.advice().first().currentMonthly, Money::fromUnits(50 * 260));
        QVERIFY(page.billingText().contains(QStringLiteral("monthly reservation")));
        QVERIFY(page.adviceChart()->data().note.contains(QStringLiteral("monthly reservation")));
        QVERIFY(page.assumptionsText().contains(QStringLiteral("429s included")));
        // The cheapest option is named first, in words, for the deployment.
        QVERIFY(!page.advice().first().verdict.isEmpty());
        QVERIFY2(page.assumptionsText().contains(page.advice().first().verdict.toHtmlEscaped()),
                 qPrintable(page.assumptionsText()));
        // A stricter target at p99 changes the sizing without a new query.
        page.setTargetUtilization(0.6);
        page.setPercentile(99);
        QCOMPARE(page.advice().first().recommendedPtus, 50);
        QVERIFY(page.adviceChart()->data().note.contains(QStringLiteral("p99")));

        // Quota: newest reading, 90 % warned.
        QCOMPARE(page.quotaModel()->rowCount(), 2);
        QCOMPARE(page.quotaModel()->warningRows(), 1);
        QVERIFY(page.quotaText().contains(QStringLiteral("80 %")));
        QCOMPARE(page.quotaModel()->headers().at(5), QStringLiteral("Region"));
        for (int row = 0; row < page.quotaModel()->rowCount(); ++row)
            QCOMPARE(page.quotaModel()->text(row, 5), QStringLiteral("swedencentral"));

        // Lifecycle: gpt-4o 2024-11-20 retires 2026-06-05, more than 60 days away in January.
        QCOMPARE(page.lifecycleModel()->rowCount(), 3);
        QCOMPARE(page.lifecycleModel()->warningRows(), 0);
        // The upgrade option, as the deployments list gave it (versionUpgradeOption).
        const CostTableModel* lifecycle = page.lifecycleModel();
        QCOMPARE(lifecycle->headers().at(7), QStringLiteral("Upgrade option"));
        QCOMPARE(lifecycle->text(rowOf(lifecycle, QStringLiteral("ptu")), 7),
                 QStringLiteral("no auto-upgrade"));
        QCOMPARE(lifecycle->text(rowOf(lifecycle, QStringLiteral("std")), 7),
                 QStringLiteral("new default"));
        QCOMPARE(lifecycle->text(rowOf(lifecycle, QStringLiteral("ft-mini")), 7),
                 QStringLiteral("not reported"));
        QVERIFY(lifecycle->index(rowOf(lifecycle, QStringLiteral("ptu")), 7)
                    .data(Qt::ToolTipRole)
                    .toString()
                    .contains(QStringLiteral("NoAutoUpgrade")));

        // Fine-tuning: the fine-tuned deployment's hosting, 2 h x $1.70.
        QCOMPARE(page.fineTuneModel()->rowCount(), 1);
        QCOMPARE(page.fineTuneModel()->text(0, 5), QStringLiteral("$3.40"));
    }

    void sectionsReadable_data()
    {
        QTest::addColumn<QSize>("size");
        QTest::newRow("1440x900 window") << QSize(1230, 780); // the page's share of the window
        QTest::newRow("small window") << QSize(800, 500);
    }
    void sectionsReadable()
    {
        QFETCH(QSize, size);
        CapacityPage page(m_store.get(), workspace());
        page.setClock([] { return QDate(2026, 4, 20).startOfDay(Qt::UTC).toSecsSinceEpoch(); });
        page.setTimeRange({kDay0, kDay0 + 60 * kMinutes});
        page.resize(size);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QVERIFY(settle(&page));
        // The warnings stand as wrapped lines of their own.
        QVERIFY(page.lifecycleText().contains(QStringLiteral("within 60 days")));
        QVERIFY(page.quotaText().contains(QStringLiteral("80 %")));

        // Every card's parts are stacked, never drawn over each other, and each gets the
        // height it needs at its width (labels wrapped, tables as tall as their rows).
        const auto cards = page.findChildren<QFrame*>(QStringLiteral("Card"));
        QVERIFY(cards.size() >= 6);
        auto laidOut = [&] {
            for (QFrame* card : cards) {
                int bottom = -1;
                const auto parts =
                    card->findChildren<QWidget*>(QString(), Qt::FindDirectChildrenOnly);
                for (QWidget* w : parts) {
                    if (w->isHidden())
                        continue;
                    if (w->y() < bottom || w->geometry().bottom() > card->height())
                        return false;
                    bottom = w->geometry().bottom();
                    if (w->hasHeightForWidth() && w->height() < w->heightForWidth(w->width()))
                        return false;
                }
            }
            return true;
        };
        QTRY_VERIFY(laidOut());
        for (QTableView* table : page.findChildren<QTableView*>()) {
            if (table->isHidden())
                continue;
            const int rows = table->model()->rowCount();
            QVERIFY2(table->viewport()->height() >= rows * table->rowHeight(0),
                     qPrintable(table->accessibleName()));
            // Columns fit at the first size: no horizontal scroll bar hiding them.
            if (size.width() >= 1200)
                QVERIFY2(!table->horizontalScrollBar()->isVisible(),
                         qPrintable(table->accessibleName()));
        }
        // Every assumption of the advisor is listed, not only the page's own first line.
        const QString assumptions = page.assumptionsText();
        QVERIFY(assumptions.count(QStringLiteral("<li>")) >= 9);
        for (const QString& a : page.advice().first().assumptions)
            QVERIFY2(assumptions.contains(a.toHtmlEscaped()), qPrintable(a));
    }

    void warnsBeforeRetirement_data()
    {
        QTest::addColumn<QString>("today");
        QTest::addColumn<int>("warnings");
        QTest::newRow("61 days before") << "2026-04-05" << 0;
        QTest::newRow("60 days before") << "2026-04-06" << 2;
        QTest::newRow("retired") << "2026-06-06" << 2;
    }

    void warnsBeforeRetirement()
    {
        QFETCH(QString, today);
        QFETCH(int, warnings);
        const qint64 now = QDateTime(QDate::fromString(today, Qt::ISODate), QTime(12, 0), Qt::UTC)
                               .toSecsSinceEpoch();
        CapacityPage page(m_store.get(), workspace());
        page.setClock([now] { return now; });
        page.setTimeRange({kDay0, kDay0 + 60 * kMinutes});
        QVERIFY(settle(&page));
        QCOMPARE(page.lifecycleModel()->warningRows(), warnings);
        QCOMPARE(page.lifecycleText().contains(QStringLiteral("within 60 days")), warnings > 0);
        // Near retirement, the deployment that is never upgraded is flagged in that column too.
        const CostTableModel* lifecycle = page.lifecycleModel();
        auto upgradeWarned = [&](const QString& name) {
            return lifecycle->index(rowOf(lifecycle, name), 7)
                .data(CostTableModel::WarningRole)
                .toBool();
        };
        QCOMPARE(upgradeWarned(QStringLiteral("ptu")), warnings > 0);
        QVERIFY(!upgradeWarned(QStringLiteral("std")));
    }

    // A PTU model with no pay-per-token price: the options priced at it read "no price" (and
    // draw no bar), never $0; the PTU options keep their dollars.
    void advisorSaysNoPriceWithoutPayPerToken()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("nopayg.sqlite"))).result().usable());
        const Deployment ptu{kAz,
                             QStringLiteral("ptu-x"),
                             QStringLiteral("gpt-x"),
                             QStringLiteral("2025-01-01"),
                             QStringLiteral("ProvisionedManaged"),
                             50,
                             {},
                             QStringLiteral("Succeeded"),
                             QStringLiteral("NoAutoUpgrade")};
        store.saveDeployments(kAz, {ptu}).waitForFinished();
        QVector<Sample> util, ok, prompt, generated;
        for (int m = 0; m < kMinutes; ++m) {
            const qint64 t = kDay0 + 60LL * m;
            util.append({t, 40});
            ok.append({t, 10});
            prompt.append({t, 10000});
            generated.append({t, 2000});
        }
        PollBatch b;
        b.source = kAz;
        b.window = {kDay0, kDay0 + 60 * kMinutes};
        b.series = {
            series(QStringLiteral("AzureOpenAIProvisionedManagedUtilizationV2"),
                   {dep(QStringLiteral("ptu-x"))}, util, QStringLiteral("average")),
            series(QStringLiteral("AzureOpenAIRequests"),
                   {dep(QStringLiteral("ptu-x")),
                    {QStringLiteral("StatusCode"), QStringLiteral("200")}},
                   ok),
            series(QStringLiteral("ProcessedPromptTokens"), {dep(QStringLiteral("ptu-x"))}, prompt),
            series(QStringLiteral("GeneratedTokens"), {dep(QStringLiteral("ptu-x"))}, generated),
        };
        QVERIFY(store.write(b).result().ok);
        // The workspace prices its PTUs (an override adds the model); nothing prices its tokens.
        Workspace ws = workspace();
        ws.priceOverrides = QJsonArray{QJsonObject{
            {QStringLiteral("provider"), QStringLiteral("azure-openai")},
            {QStringLiteral("model"), QStringLiteral("gpt-x")},
            {QStringLiteral("version"), QStringLiteral("2025-01-01")},
            {QStringLiteral("sku"), QStringLiteral("ProvisionedManaged")},
            {QStringLiteral("ptu"), QJsonObject{{QStringLiteral("hourly"), QStringLiteral("2.00")},
                                                {QStringLiteral("monthly"), QStringLiteral("260")},
                                                {QStringLiteral("minimum"), 50},
                                                {QStringLiteral("increment"), 50},
                                                {QStringLiteral("inputTpmPerPtu"), 2500},
                                                {QStringLiteral("outputTokenWeight"), 3}}}}};
        CapacityPage page(&store, ws);
        QAbstractItemModelTester tester(page.adviceModel());
        page.setClock([] { return kDay0 + 60 * kMinutes; });
        page.setTimeRange({kDay0, kDay0 + 60 * kMinutes});
        QVERIFY(settle(&page));

        QCOMPARE(page.advice().size(), 1);
        QVERIFY(!page.advice().first().paygPriced);
        QCOMPARE(page.adviceModel()->rowCount(), 1);
        // Current and right-sized are PTU prices: 50 PTU x $260 a month.
        QCOMPARE(page.adviceModel()->text(0, 4), QStringLiteral("$13,000"));
        QCOMPARE(page.adviceModel()->text(0, 5), QStringLiteral("$13,000"));
        for (int column : {6, 7, 8}) {
            QCOMPARE(page.adviceModel()->text(0, column), QStringLiteral("no price"));
            QVERIFY(
                page.adviceModel()->index(0, column).data(CostTableModel::WarningRole).toBool());
        }
        QVERIFY(!page.adviceModel()->toCsv().contains(QStringLiteral("$0")));
        const BarChartData chart = page.adviceChart()->data();
        QCOMPARE(chart.sets.size(), 1);
        QCOMPARE(chart.sets.first().values.size(), 4);
        QCOMPARE(chart.sets.first().values.at(0), 13000.0);
        QVERIFY(std::isnan(chart.sets.first().values.at(2)));
        QVERIFY(std::isnan(chart.sets.first().values.at(3)));
        QVERIFY(chart.note.contains(QStringLiteral("no pay-per-token price for ptu-x")));
        QVERIFY(page.assumptionsText().contains(QStringLiteral("no price")));
    }

    void emptyStates()
    {
        QTemporaryDir dir;
        SampleStore empty;
        QVERIFY(empty.open(dir.filePath(QStringLiteral("empty.sqlite"))).result().usable());
        CapacityPage page(&empty, workspace());
        page.setTimeRange({kDay0, kDay0 + 3600});
        QVERIFY(settle(&page));
        QCOMPARE(page.loadModel()->rowCount(), 0);
        QVERIFY(page.utilizationChart()->isEmpty());
        QVERIFY(page.adviceChart()->isEmpty());
        QVERIFY(page.quotaText().contains(QStringLiteral("No quota readings")));
        QVERIFY(page.fineTuneText().contains(QStringLiteral("No fine-tuned deployments")));
        QVERIFY(page.lifecycleText().contains(QStringLiteral("No deployments")));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SampleStore> m_store;
};

QTEST_MAIN(tst_CapacityPage)
#include "tst_capacitypage.moc"
