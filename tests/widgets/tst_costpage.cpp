#include "charts/barchart.h"
#include "core/labels.h"
#include "cost/ptucost.h"
#include "emulator/trafficmodel.h"
#include "itemmodels/costtablemodel.h"
#include "kit/kpitile.h"
#include "pages/capacitypage.h"
#include "pages/costpage.h"
#include "store/samplestore.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kDay0 = 1767225600; // 2026-01-01T00:00:00Z
constexpr qint64 kDay = 86400;

SeriesSamples series(const QString& source, const QString& metric, QList<Label> labels,
                     const QVector<Sample>& samples)
{
    SeriesSamples s;
    s.key = {source, metric, QStringLiteral("total"), labels::canonical(labels)};
    s.unit = QStringLiteral("Count");
    s.samples = samples;
    return s;
}

Label dep(const QString& name)
{
    return {QStringLiteral("ModelDeploymentName"), name};
}

/// The test workspace; PTUs priced `ptuBilling` ("hourly" keeps the figures below simple).
Workspace workspace(const QString& ptuBilling = QStringLiteral("hourly"))
{
    Workspace ws;
    ws.name = QStringLiteral("test");
    if (!ptuBilling.isEmpty())
        ws.budget.insert(QStringLiteral("ptuBilling"), ptuBilling);
    Connection az;
    az.id = QStringLiteral("az");
    az.kind = QStringLiteral("azure-openai");
    az.displayName = QStringLiteral("Azure account");
    Connection oa;
    oa.id = QStringLiteral("oa");
    oa.kind = QStringLiteral("openai");
    oa.displayName = QStringLiteral("OpenAI org");
    ws.connections = {az, oa};
    return ws;
}

} // namespace

class tst_CostPage : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_store = std::make_unique<SampleStore>();
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("cost.sqlite"))).result().usable());
        const QString az = QStringLiteral("az"), oa = QStringLiteral("oa");
        Deployment ptu{az,
                       QStringLiteral("ptu"),
                       QStringLiteral("gpt-4o"),
                       QStringLiteral("2024-11-20"),
                       QStringLiteral("ProvisionedManaged"),
                       50,
                       QStringLiteral("std"),
                       QStringLiteral("Succeeded"),
                       QStringLiteral("NoAutoUpgrade")};
        Deployment std{az,
                       QStringLiteral("std"),
                       QStringLiteral("gpt-4o"),
                       QStringLiteral("2024-11-20"),
                       QStringLiteral("Standard"),
                       100,
                       {},
                       QStringLiteral("Succeeded"),
                       QStringLiteral("OnceNewDefaultVersionAvailable")};
        m_store->saveDeployments(az, {ptu, std}).waitForFinished();
        PollBatch a;
        a.source = az;
        a.window = {kDay0, kDay0 + 2 * kDay};
        // 1M prompt + 100k generated on "std", split over the two days.
        a.series = {
            series(az, "ProcessedPromptTokens", {dep("std")},
                   {{kDay0 + 3600, 600000}, {kDay0 + kDay + 7200, 400000}}),
            series(az, "GeneratedTokens", {dep("std")}, {{kDay0 + 3600, 100000}}),
            series(az, "AzureOpenAIRequests", {dep("std"), {QStringLiteral("StatusCode"), "200"}},
                   {{kDay0 + 3600, 600}, {kDay0 + kDay + 7200, 400}}),
        };
        QVERIFY(m_store->write(a).result().ok);
        const Label model = dep(QStringLiteral("gpt-4o"));
        const Label batch{QStringLiteral("batch"), QStringLiteral("true")};
        const Label notBatch{QStringLiteral("batch"), QStringLiteral("false")};
        PollBatch o;
        o.source = oa;
        o.window = {kDay0, kDay0 + kDay};
        o.series = {
            series(oa, "InputTokensUncached", {model, notBatch}, {{kDay0, 600000}}),
            series(oa, "InputTokensCached", {model, notBatch}, {{kDay0, 400000}}),
            series(oa, "OutputTokens", {model, notBatch}, {{kDay0, 200000}}),
            series(oa, "Requests", {model, notBatch}, {{kDay0, 1000}}),
            series(oa, "InputTokensUncached", {model, batch}, {{kDay0, 1000000}}),
            series(oa, "OutputTokens", {model, batch}, {{kDay0, 100000}}),
            series(oa, "ReportedCost", {model}, {{kDay0, 5800000}}),
        };
        QVERIFY(m_store->write(o).result().ok);
    }

    void cleanupTestCase() { m_store.reset(); }

    void pricesTheRangeAndFillsTheViews()
    {
        CostPage page(m_store.get(), workspace());
        QAbstractItemModelTester tester(page.spendersModel());
        page.setClock([] { return kDay0 + 2 * kDay; });
        QSignalSpy loaded(&page, &CostPage::loaded);
        page.setTimeRange({kDay0, kDay0 + 2 * kDay});
        QVERIFY(loaded.wait(10000));
        while (loaded.wait(300)) {
        } // the constructor's refresh may land first: wait for the newest

        // std: 1M x $2.75 + 100k x $11 = $3.85; ptu: 50 PTU x 48 h x $2.00 = $4,800 (hourly);
        // OpenAI: 600k x 2.50 + 400k x 1.25 + 200k x 10 = $4.00; batch 1M x 1.25 + 100k x 5 =
        // $1.75.
        const CostReport& r = page.rangeResult().report;
        QCOMPARE(r.total, Money::fromMicros(4'809'600'000));
        QCOMPARE(page.tiles().at(0)->valueText(), QStringLiteral("$4,809.60"));
        QCOMPARE(page.spendersModel()->rowCount(), 4);
        QCOMPARE(page.spendersModel()->text(0, 0), QStringLiteral("ptu"));

        // Two days: hourly buckets, stacked by deployment.
        QCOMPARE(page.spendChart()->categoryCount(), 48);
        QCOMPARE(page.spendChart()->setCount(), 4);
        QCOMPARE(page.spendChart()->valueAxisTitle(), QStringLiteral("USD"));
        page.setGroupBy(CostPage::GroupBy::Provider);
        QCOMPARE(page.spendChart()->setNames(),
                 (QStringList{QStringLiteral("Azure OpenAI"), QStringLiteral("OpenAI")}));
        page.setGroupBy(CostPage::GroupBy::Model);
        QCOMPARE(page.spendChart()->setCount(), 1); // gpt-4o on both providers

        // Reported beside computed, and the UTC note.
        QVERIFY2(page.notesText().contains(QStringLiteral("reported $5.80, computed $5.75")),
                 qPrintable(page.notesText()));
        QVERIFY(page.notesText().contains(QStringLiteral("Days are UTC")));
        // The PTU line says its basis beside the figure.
        QCOMPARE(page.billing(), PtuBilling::Hourly);
        QCOMPARE(page.spendersModel()->text(0, 11).section(QLatin1Char(','), 0, 0),
                 QStringLiteral("hourly"));
        QVERIFY(page.billingText().contains(QStringLiteral("hourly rate")));
        // No budget: a clear empty state.
        QVERIFY(page.burnDownChart()->isEmpty());
        QVERIFY(page.burnDownChart()->stateMessage().contains(QStringLiteral("budget")));
    }

    void dailyBucketsForLongerRanges()
    {
        CostPage page(m_store.get(), workspace());
        page.setClock([] { return kDay0 + 3 * kDay; });
        QSignalSpy loaded(&page, &CostPage::loaded);
        page.setTimeRange({kDay0, kDay0 + 3 * kDay});
        QVERIFY(loaded.wait(10000));
        while (loaded.wait(300)) {
        }
        QCOMPARE(page.spendChart()->categoryCount(), 3);
        QCOMPARE(page.spendChart()->data().categories.first(), QStringLiteral("Jan 1"));
    }

    void exportsWhatIsShown()
    {
        CostPage page(m_store.get(), workspace());
        page.setClock([] { return kDay0 + 2 * kDay; });
        QSignalSpy loaded(&page, &CostPage::loaded);
        page.setTimeRange({kDay0, kDay0 + 2 * kDay});
        QVERIFY(loaded.wait(10000));
        while (loaded.wait(300)) {
        }
        const QString path = m_dir.filePath(QStringLiteral("costs.csv"));
        QString error;
        QVERIFY2(page.exportCsv(path, &error), qPrintable(error));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(f.readAll()).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.first(), QStringLiteral("section,bucket_start_utc,group,provider,model,sku,"
                                               "requests,input_tokens,cached_tokens,"
                                               "output_tokens,cost_usd,notes"));
        // 48 hourly buckets x 4 groups, then 4 items; spend rows sum to the total exactly.
        qint64 spendMicros = 0, itemMicros = 0;
        int spendRows = 0, itemRows = 0;
        for (const QString& line : lines.mid(1)) {
            const QStringList f2 = line.split(QLatin1Char(','));
            Money m;
            QVERIFY2(Money::parse(f2.at(10), &m), qPrintable(line));
            if (f2.first() == QLatin1String("spend")) {
                spendMicros += m.micros;
                ++spendRows;
            } else {
                QCOMPARE(f2.first(), QStringLiteral("item"));
                itemMicros += m.micros;
                ++itemRows;
            }
        }
        QCOMPARE(spendRows, 48 * 4);
        QCOMPARE(itemRows, 4);
        QCOMPARE(itemMicros, qint64(4'809'600'000));
        QCOMPARE(spendMicros, qint64(4'809'600'000));
        QVERIFY(lines.join(QLatin1Char('\n')).contains(QStringLiteral("2026-01-01T01:00:00Z")));
        QVERIFY(!page.exportCsv(m_dir.filePath(QStringLiteral("missing/dir/x.csv")), &error));
        QVERIFY(!error.isEmpty());
    }

    void budgetAndOverrides()
    {
        Workspace ws = workspace();
        ws.budget = QJsonObject{{QStringLiteral("monthlyUsd"), QStringLiteral("10000")},
                                {QStringLiteral("ptuBilling"), QStringLiteral("hourly")}};
        // 50 % off the PTU-hour: the PTU deployment costs $2,400.
        ws.priceOverrides =
            QJsonArray{QJsonObject{{QStringLiteral("provider"), QStringLiteral("azure-openai")},
                                   {QStringLiteral("model"), QStringLiteral("gpt-4o")},
                                   {QStringLiteral("sku"), QStringLiteral("ProvisionedManaged")},
                                   {QStringLiteral("discountPercent"), QStringLiteral("50")}}};
        CostPage page(m_store.get(), ws);
        page.setClock([] { return kDay0 + 2 * kDay; });
        QSignalSpy loaded(&page, &CostPage::loaded);
        page.setTimeRange({kDay0, kDay0 + 2 * kDay});
        QVERIFY(loaded.wait(10000));
        while (loaded.wait(300)) {
        }
        QCOMPARE(page.rangeResult().report.total, Money::fromMicros(2'409'600'000));
        QVERIFY(!page.burnDownChart()->isEmpty());
        QVERIFY(page.burnDownChart()->hasThreshold());
        QCOMPARE(page.burnDownChart()->categoryCount(), 3); // Jan 1..3 (today)
        const QModelIndex ptuCost = page.spendersModel()->index(0, 8);
        QVERIFY(ptuCost.data(CostTableModel::OverrideRole).toBool());
        QVERIFY(page.notesText().contains(QStringLiteral("override")));
    }

    // One pricing basis for PTUs on both pages: the demo's 100-PTU deployment costs the same
    // month on the Cost page (a whole UTC month; hourly: Azure's 730-hour month) as in the
    // Capacity page's advisor, and both say the basis in words.
    void ptuBasisIsOneSettingForBothPages_data()
    {
        QTest::addColumn<QString>("basis"); // the workspace's ptuBilling; empty = unset
        QTest::addColumn<int>("billing");
        QTest::addColumn<qint64>("hours"); // the Cost page's range from 2026-01-01
        QTest::addColumn<qint64>("micros");
        // 100 PTU x $260 per PTU-month, January being 744 of its own 744 hours.
        QTest::newRow("default: monthly reservation")
            << QString() << int(PtuBilling::MonthlyReservation) << qint64(744)
            << qint64(26'000'000'000);
        QTest::newRow("monthly") << "monthly" << int(PtuBilling::MonthlyReservation) << qint64(744)
                                 << qint64(26'000'000'000);
        // 100 PTU x $2,652 / 12.
        QTest::newRow("yearly") << "yearly" << int(PtuBilling::YearlyReservation) << qint64(744)
                                << qint64(22'100'000'000);
        // 100 PTU x 730 h x $2.
        QTest::newRow("hourly") << "hourly" << int(PtuBilling::Hourly) << qint64(730)
                                << qint64(146'000'000'000);
        // A typo is reported and priced like the default, on both pages alike.
        QTest::newRow("unknown") << "montly" << int(PtuBilling::MonthlyReservation) << qint64(744)
                                 << qint64(26'000'000'000);
    }
    void ptuBasisIsOneSettingForBothPages()
    {
        QFETCH(QString, basis);
        QFETCH(int, billing);
        QFETCH(qint64, hours);
        QFETCH(qint64, micros);
        const emu::FleetDeployment demo = emu::TrafficModel::demoFleet().first();
        QCOMPARE(demo.capacity, 100);
        QVERIFY(demo.sku.endsWith(QLatin1String("ProvisionedManaged")));
        Deployment ptu;
        ptu.source = QStringLiteral("az");
        ptu.name = demo.name;
        ptu.model = demo.model;
        ptu.version = demo.version;
        ptu.sku = demo.sku;
        ptu.capacity = demo.capacity;
        ptu.spilloverTo = demo.spilloverTo;
        ptu.state = QStringLiteral("Succeeded");
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("ptu.sqlite"))).result().usable());
        store.saveDeployments(ptu.source, {ptu}).waitForFinished();
        const Workspace ws = workspace(basis);
        const auto now = [] { return kDay0 + 31 * kDay; };

        CostPage cost(&store, ws);
        cost.setClock(now);
        QSignalSpy costLoaded(&cost, &CostPage::loaded);
        cost.setTimeRange({kDay0, kDay0 + hours * 3600});
        QVERIFY(costLoaded.wait(10000));
        while (costLoaded.wait(300)) {
        }
        CapacityPage capacity(&store, ws);
        capacity.setClock(now);
        QSignalSpy capacityLoaded(&capacity, &CapacityPage::loaded);
        capacity.setTimeRange({kDay0, kDay0 + kDay});
        QVERIFY(capacityLoaded.wait(15000));
        while (capacityLoaded.wait(300)) {
        }

        QCOMPARE(int(cost.billing()), billing);
        QCOMPARE(int(capacity.billing()), billing);
        const CostReport& r = cost.rangeResult().report;
        QCOMPARE(r.items.size(), 1);
        QVERIFY(r.items.first().provisioned);
        QCOMPARE(r.items.first().total.micros, micros);
        QCOMPARE(capacity.advice().size(), 1);
        QCOMPARE(capacity.advice().first().currentMonthly.micros, micros);

        const QString words = ptuBillingName(PtuBilling(billing));
        QVERIFY2(cost.billingText().contains(words), qPrintable(cost.billingText()));
        QVERIFY2(capacity.billingText().contains(words), qPrintable(capacity.billingText()));
        QVERIFY(cost.notesText().contains(words));
        QVERIFY(cost.spendChart()->data().note.contains(words));
        QVERIFY(capacity.adviceChart()->data().note.contains(words));
    }

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SampleStore> m_store;
};

QTEST_MAIN(tst_CostPage)
#include "tst_costpage.moc"
