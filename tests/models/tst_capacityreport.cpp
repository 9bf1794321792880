#include "reports/capacityreport.h"

#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

constexpr qint64 kDay0 = 1767225600; // 2026-01-01T00:00:00Z
const QString kAz = QStringLiteral("az");

Deployment deployment(const QString& name, const QString& model, const QString& version,
                      const QString& sku, int capacity, const QString& spillover = {},
                      const QString& upgrade = {})
{
    return {kAz,    name, model, version, sku, capacity, spillover, QStringLiteral("Succeeded"),
            upgrade};
}

const Deployment kPtu =
    deployment(QStringLiteral("ptu"), QStringLiteral("gpt-4o"), QStringLiteral("2024-11-20"),
               QStringLiteral("ProvisionedManaged"), 50, QStringLiteral("std"),
               QStringLiteral("NoAutoUpgrade"));
const Deployment kStd = deployment(QStringLiteral("std"), QStringLiteral("gpt-4o"),
                                   QStringLiteral("2024-11-20"), QStringLiteral("Standard"), 100,
                                   {}, QStringLiteral("OnceNewDefaultVersionAvailable"));
const Deployment kFineTuned =
    deployment(QStringLiteral("ft-mini"), QStringLiteral("gpt-4o-mini-2024-07-18.ft-abc123"),
               QStringLiteral("1"), QStringLiteral("Standard"), 1);

CapacityReportInput input()
{
    CapacityReportInput in;
    Connection az;
    az.id = kAz;
    az.kind = QStringLiteral("azure-openai");
    az.displayName = QStringLiteral("Azure account");
    in.connections = {az};
    in.result.range = {kDay0, kDay0 + 7200};
    in.result.inventory = {kPtu, kStd, kFineTuned};
    in.nowUtc = kDay0 + 7200;
    return in;
}

/// The PTU deployment's load: 120 minutes of 12k input and 2.4k output tokens.
ProvisionedLoad load(double p95)
{
    ProvisionedLoad p;
    p.deployment = kPtu;
    p.minutesWithData = 120;
    p.utilP50 = 60;
    p.utilP95 = p95;
    p.utilMax = 120;
    p.minutesAtCapacity = 21;
    p.requests = 1242;
    p.requests429 = 42;
    p.spilledOver = 21;
    p.cacheMatchRate = 30;
    p.demand = QVector<MinuteTokens>(120, MinuteTokens{12000, 2400});
    return p;
}

} // namespace

class tst_CapacityReport : public QObject
{
    Q_OBJECT
private slots:
    void loadRows_data()
    {
        QTest::addColumn<int>("minutesWithData");
        QTest::addColumn<double>("p95");
        QTest::addColumn<QString>("p95Text");
        QTest::addColumn<bool>("p95Warned");
        QTest::addColumn<int>("chartCategories");
        QTest::newRow("over the reservation") << 120 << 114.0 << "114 %" << true << 1;
        QTest::newRow("under it") << 120 << 80.0 << "80 %" << false << 1;
        QTest::newRow("no utilization recorded") << 0 << 0.0 << "" << false << 0;
    }
    void loadRows()
    {
        QFETCH(int, minutesWithData);
        QFETCH(double, p95);
        QFETCH(QString, p95Text);
        QFETCH(bool, p95Warned);
        QFETCH(int, chartCategories);
        CapacityReportInput in = input();
        ProvisionedLoad p = load(p95);
        p.minutesWithData = minutesWithData;
        in.result.provisioned = {p};

        const CapacityLoadSection s = CapacityReport::buildLoad(in);
        QCOMPARE(s.table.headers.size(), 10);
        QCOMPARE(s.table.rows.size(), 1);
        const QVector<TableCell>& row = s.table.rows.first();
        QCOMPARE(row.at(0).text, QStringLiteral("ptu"));
        QCOMPARE(row.at(0).toolTip, QStringLiteral("Azure account"));
        QCOMPARE(row.at(1).text, QStringLiteral("gpt-4o 2024-11-20"));
        QCOMPARE(row.at(3).text, minutesWithData > 0 ? QStringLiteral("60 %") : "no data");
        QCOMPARE(row.at(4).text, p95Text);
        QCOMPARE(row.at(4).warning, p95Warned);
        // 42 of 1,242 requests answered 429: 3.4 %, over the 1 % that is warned.
        QCOMPARE(row.at(7).text, QStringLiteral("3.4 %"));
        QVERIFY(row.at(7).warning);
        QVERIFY(row.at(8).toolTip.contains(QStringLiteral("served by std")));
        QCOMPARE(row.at(9).text, QStringLiteral("30.0 %"));
        QCOMPARE(s.chart.categories.size(), chartCategories);
        QCOMPARE(s.chart.sets.size(), 3);
        QCOMPARE(s.chart.sets.at(1).color, SeriesColor::Blue);
        QCOMPARE(s.chart.threshold.value_or(0), 100.0);
        QVERIFY(s.note.contains(QStringLiteral("Azure answers 429")));
    }

    void loadEmpty()
    {
        const CapacityLoadSection s = CapacityReport::buildLoad(input());
        QVERIFY(s.table.isEmpty());
        QCOMPARE(s.note, QStringLiteral("No provisioned deployments in the inventory."));
    }

    void advice_data()
    {
        QTest::addColumn<double>("target");
        QTest::addColumn<double>("percentile");
        QTest::addColumn<QString>("noteStart");
        QTest::newRow("p95 at 80 %") << 0.8 << 95.0 << "p95, 80 % target";
        QTest::newRow("p99 at 60 %") << 0.6 << 99.0 << "p99, 60 % target";
    }
    void advice()
    {
        QFETCH(double, target);
        QFETCH(double, percentile);
        QFETCH(QString, noteStart);
        CapacityReportInput in = input();
        in.result.provisioned = {load(114)};
        in.targetUtilization = target;
        in.percentile = percentile;

        const CapacityAdviceSection s = CapacityReport::buildAdvice(in);
        QCOMPARE(s.advice.size(), 1);
        // 12k input + 3 x 2.4k output = 19.2k weighted tokens a minute; the minimum is 50 PTUs.
        QCOMPARE(s.advice.first().sizedTpm, 19200.0);
        QCOMPARE(s.advice.first().recommendedPtus, 50);
        QCOMPARE(s.table.headers.at(1), QStringLiteral("p%1 minute").arg(percentile));
        const QVector<TableCell>& row = s.table.rows.first();
        QCOMPARE(row.at(1).text, QStringLiteral("19,200 tok/min"));
        QCOMPARE(row.at(3).text, QStringLiteral("50"));
        QVERIFY(!row.at(3).warning);                         // as deployed
        QCOMPARE(row.at(4).text, QStringLiteral("$13,000")); // 50 PTUs x $260 a month
        for (int column : {5, 6, 7})
            QVERIFY2(row.at(column).text.startsWith(QLatin1Char('$')),
                     qPrintable(row.at(column).text));
        QVERIFY(s.chart.note.startsWith(noteStart));
        QVERIFY(s.chart.note.endsWith(QStringLiteral("monthly reservation rate")));
        QCOMPARE(s.chart.categories.size(), 4);
        QCOMPARE(s.chart.sets.size(), 1);
        QCOMPARE(s.chart.sets.first().values.at(0), 13000.0);
        QCOMPARE(s.verdicts, QStringList{QStringLiteral("ptu: ") + s.advice.first().verdict});
        QVERIFY(s.assumptions.first().contains(QStringLiteral("429s included")));
        for (const QString& a : s.advice.first().assumptions)
            QCOMPARE(s.assumptions.count(a), 1);
        QCOMPARE(s.assumptions.filter(QStringLiteral("PTU prices: ")).size(), 1);
    }

    // Without a pay-per-token price those options read "no price" and draw no bar, never $0.
    void adviceWithoutPayPerTokenPrice()
    {
        CapacityReportInput in = input();
        QString error;
        QVERIFY2(in.catalog.applyOverrides(
                     QByteArrayLiteral(
                         "[{\"provider\":\"azure-openai\",\"model\":\"gpt-x\",\"version\":"
                         "\"2025-01-01\",\"sku\":\"ProvisionedManaged\",\"ptu\":{\"hourly\":"
                         "\"2.00\",\"monthly\":\"260\",\"minimum\":50,\"increment\":50,"
                         "\"inputTpmPerPtu\":2500,\"outputTokenWeight\":3}}]"),
                     &error),
                 qPrintable(error));
        ProvisionedLoad p = load(40);
        p.deployment =
            deployment(QStringLiteral("ptu-x"), QStringLiteral("gpt-x"),
                       QStringLiteral("2025-01-01"), QStringLiteral("ProvisionedManaged"), 50);
        in.result.provisioned = {p};

        const CapacityAdviceSection s = CapacityReport::buildAdvice(in);
        QVERIFY(!s.advice.first().paygPriced);
        const QVector<TableCell>& row = s.table.rows.first();
        QCOMPARE(row.at(4).text, QStringLiteral("$13,000"));
        QVERIFY(row.at(4).override);
        for (int column : {6, 7, 8}) {
            QCOMPARE(row.at(column).text, QStringLiteral("no price"));
            QVERIFY(row.at(column).warning);
        }
        QVERIFY(std::isnan(s.chart.sets.first().values.at(2)));
        QVERIFY(std::isnan(s.chart.sets.first().values.at(3)));
        QVERIFY(s.chart.note.endsWith(QStringLiteral("; no pay-per-token price for ptu-x")));
        QVERIFY(s.assumptions.filter(QStringLiteral("workspace override")).size() == 1);
    }

    void adviceWithoutPtuPrice()
    {
        CapacityReportInput in = input();
        ProvisionedLoad p = load(40);
        p.deployment.model = QStringLiteral("unknown-model");
        in.result.provisioned = {p};
        const CapacityAdviceSection s = CapacityReport::buildAdvice(in);
        QVERIFY(s.advice.isEmpty());
        QCOMPARE(s.table.rows.first().size(), 2);
        QCOMPARE(s.table.text(0, 1),
                 QStringLiteral("no PTU price for unknown-model 2024-11-20 ProvisionedManaged"));
        QVERIFY(s.table.rows.first().last().warning);
        QVERIFY(s.chart.sets.isEmpty());
        QCOMPARE(s.assumptions.size(), 1); // only the demand sentence
    }

    void quota_data()
    {
        QTest::addColumn<double>("current");
        QTest::addColumn<double>("limit");
        QTest::addColumn<QString>("used");
        QTest::addColumn<int>("warnings");
        QTest::newRow("90 % used") << 90.0 << 100.0 << "90 %" << 1;
        QTest::newRow("80 % used") << 80.0 << 100.0 << "80 %" << 1;
        QTest::newRow("1 % used") << 10.0 << 1000.0 << "1 %" << 0;
        QTest::newRow("no limit") << 10.0 << 0.0 << "no limit" << 0;
    }
    void quota()
    {
        QFETCH(double, current);
        QFETCH(double, limit);
        QFETCH(QString, used);
        QFETCH(int, warnings);
        CapacityReportInput in = input();
        QuotaUsage u;
        u.source = kAz;
        u.quota = QStringLiteral("OpenAI.Standard.gpt-4o");
        u.sku = QStringLiteral("Standard");
        u.model = QStringLiteral("gpt-4o");
        u.current = current;
        u.limit = limit;
        u.at = kDay0;
        in.result.quota = {u};

        const CapacityQuotaSection s = CapacityReport::buildQuota(in);
        QCOMPARE(s.table.text(0, 2), used);
        QCOMPARE(s.table.rows.first().at(2).warning, warnings > 0);
        QCOMPARE(s.table.text(0, 5), QStringLiteral("not recorded")); // no location
        QCOMPARE(s.table.text(0, 6), QStringLiteral("Azure account"));
        QCOMPARE(s.warnings, warnings);
        QVERIFY(s.warning.startsWith(QStringLiteral("%1 quota").arg(warnings)));
        QVERIFY(s.note.startsWith(QStringLiteral("Units as Azure counts them")));
    }

    void quotaEmpty()
    {
        const CapacityQuotaSection s = CapacityReport::buildQuota(input());
        QVERIFY(s.table.isEmpty());
        QCOMPARE(s.warnings, 0);
        QVERIFY(s.note.startsWith(QStringLiteral("No quota readings stored yet.")));
    }

    // gpt-4o 2024-11-20 retires 2026-06-05 (lifecycle catalog): warned 60 days before.
    void lifecycle_data()
    {
        QTest::addColumn<QString>("today");
        QTest::addColumn<QString>("status");
        QTest::addColumn<int>("warned");
        QTest::newRow("61 days before") << "2026-04-05"
                                        << "ok" << 0;
        QTest::newRow("60 days before") << "2026-04-06"
                                        << "retires in 60 day(s)" << 2;
        QTest::newRow("past it") << "2026-06-06"
                                 << "past retirement" << 2;
    }
    void lifecycle()
    {
        QFETCH(QString, today);
        QFETCH(QString, status);
        QFETCH(int, warned);
        CapacityReportInput in = input();
        in.nowUtc = QDateTime(QDate::fromString(today, Qt::ISODate), QTime(12, 0), Qt::UTC)
                        .toSecsSinceEpoch();
        // A local server's deployment is not in Azure's lifecycle catalog: not listed.
        Connection local;
        local.id = QStringLiteral("local");
        local.kind = QStringLiteral("ollama");
        in.connections << local;
        Deployment llama = kStd;
        llama.source = local.id;
        llama.name = QStringLiteral("llama");
        in.result.inventory << llama;

        const CapacityLifecycleSection s = CapacityReport::buildLifecycle(in);
        QCOMPARE(s.table.rows.size(), 3);
        QCOMPARE(s.table.text(0, 0), QStringLiteral("ptu"));
        QVERIFY(s.table.text(0, 4).startsWith(status));
        QCOMPARE(s.table.text(0, 6), QStringLiteral("50 PTU"));
        QCOMPARE(s.table.text(1, 6), QStringLiteral("100k TPM"));
        QCOMPARE(s.warned.size(), warned);
        QCOMPARE(s.warning.contains(QStringLiteral("within 60 days")), true);
        QCOMPARE(s.warning.contains(QStringLiteral("ptu, std")), warned > 0);
        // Near retirement, the deployment that is never upgraded is flagged in that column too.
        QCOMPARE(s.table.rows.at(0).at(7).warning, warned > 0);
        QVERIFY(!s.table.rows.at(1).at(7).warning);
        QVERIFY(s.note.startsWith(QStringLiteral("Dates from Microsoft's retirement table")));
    }

    void upgradeCell_data()
    {
        QTest::addColumn<QString>("option");
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("toolTipStart");
        QTest::newRow("none") << ""
                              << "not reported"
                              << "The deployments list gave no";
        QTest::newRow("new default") << "OnceNewDefaultVersionAvailable"
                                     << "new default"
                                     << "Azure moves it to each new default";
        QTest::newRow("at expiry") << "OnceCurrentVersionExpired"
                                   << "at expiry"
                                   << "Azure moves it to the default version";
        QTest::newRow("never") << "NoAutoUpgrade"
                               << "no auto-upgrade"
                               << "Never upgraded";
        QTest::newRow("unknown") << "SomethingNew"
                                 << "SomethingNew"
                                 << "SomethingNew";
    }
    void upgradeCell()
    {
        QFETCH(QString, option);
        QFETCH(QString, text);
        QFETCH(QString, toolTipStart);
        const TableCell c = CapacityReport::upgradeCell(option);
        QCOMPARE(c.text, text);
        QVERIFY2(c.toolTip.startsWith(toolTipStart), qPrintable(c.toolTip));
        if (!option.isEmpty())
            QVERIFY(c.toolTip.contains(option));
    }

    void fineTuning()
    {
        CapacityReportInput in = input();
        in.result.fineTuning = {{kAz, QStringLiteral("ft-mini"), 0.5},
                                {kAz, QStringLiteral("job-7"), 1.4},
                                {kAz, QStringLiteral("job-idle"), 0}};
        const CapacityFineTuneSection s = CapacityReport::buildFineTuning(in);
        // The fine-tuned deployment (2 h hosted at $1.70/h), then the job only trained.
        QCOMPARE(s.table.rows.size(), 2);
        QCOMPARE(s.table.text(0, 1), QStringLiteral("gpt-4o-mini 2024-07-18"));
        QCOMPARE(s.table.text(0, 2), QStringLiteral("0.5"));
        QCOMPARE(s.table.text(0, 3), QStringLiteral("2.0"));
        QCOMPARE(s.table.text(0, 5), QStringLiteral("$3.40"));
        QCOMPARE(s.table.text(1, 0), QStringLiteral("job-7"));
        QCOMPARE(s.table.text(1, 2), QStringLiteral("1.4"));
        QVERIFY(s.note.startsWith(QStringLiteral("Fine-tuned deployments are billed")));
        QVERIFY(s.note.contains(QStringLiteral("gpt-4o-mini 2024-07-18: $1.70/h")));
    }

    void emptyNotes()
    {
        CapacityReportInput in = input();
        in.result.inventory.clear();
        const CapacityReport r = CapacityReport::build(in);
        QVERIFY(r.fineTuning.note.startsWith(QStringLiteral("No fine-tuned deployments")));
        QVERIFY(r.lifecycle.note.startsWith(QStringLiteral("No deployments in the inventory")));
        QVERIFY(r.lifecycle.warned.isEmpty());
        QVERIFY(r.advice.chart.sets.isEmpty());
    }

    void billingNote()
    {
        QVERIFY(CapacityReport::billingNote(PtuBilling::MonthlyReservation)
                    .contains(QStringLiteral("<b>monthly reservation</b>")));
    }
};

QTEST_GUILESS_MAIN(tst_CapacityReport)
#include "tst_capacityreport.moc"
