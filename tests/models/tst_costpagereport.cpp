#include "reports/costpagereport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kDay = 86400;
constexpr qint64 kDay0 = 1767225600; // 2026-01-01T00:00:00Z

CostItem item(const QString& provider, const QString& deployment, const QString& model,
              double dollars, qint64 requests, bool priced = true)
{
    CostItem c;
    c.source =
        provider == QLatin1String("azure-openai") ? QStringLiteral("az") : QStringLiteral("oa");
    c.provider = provider;
    c.deployment = deployment;
    c.model = model;
    c.tokens.requests = requests;
    c.tokens.uncachedInput = 1000 * requests;
    c.tokens.output = 100 * requests;
    c.total = priced ? Money::fromUnits(dollars) : Money{};
    c.priced = priced;
    c.confirmed = true;
    c.priceAsOf = QStringLiteral("2026-11-25");
    return c;
}

/// Two daily buckets: day 1 with every item, day 2 with the first only.
CostPageInput input(const QVector<CostItem>& items)
{
    CostPageInput in;
    Connection az;
    az.id = QStringLiteral("az");
    az.kind = QStringLiteral("azure-openai");
    az.displayName = QStringLiteral("Azure account");
    in.connections = {az};
    in.bucketSeconds = kDay;
    in.queriedAt = kDay0 + 2 * kDay + 3600;
    in.range.report.window = {kDay0, kDay0 + 2 * kDay};
    for (const CostItem& c : items) {
        in.range.report.items << c;
        in.range.report.total += c.total;
        in.range.report.requests += c.tokens.requests;
        in.range.report.unpricedItems += c.priced ? 0 : 1;
    }
    CostBucket first{kDay0, {}};
    first.report.items = items;
    CostBucket second{kDay0 + kDay, {}};
    if (!items.isEmpty())
        second.report.items = {items.first()};
    in.range.buckets = {first, second};
    in.month.daily = {{kDay0, Money::fromUnits(100)}, {kDay0 + kDay, Money::fromUnits(50)}};
    return in;
}

QVector<CostItem> fleet()
{
    return {item(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o-ptu"),
                 QStringLiteral("gpt-4o"), 60, 600),
            item(QStringLiteral("openai"), QStringLiteral("gpt-4o-mini"),
                 QStringLiteral("gpt-4o-mini"), 30, 300),
            item(QStringLiteral("azure-openai"), QStringLiteral("std"), QStringLiteral("gpt-4o"),
                 10, 100)};
}

} // namespace

class tst_CostPageReport : public QObject
{
    Q_OBJECT
private slots:
    void spendByGroup_data()
    {
        QTest::addColumn<int>("groupBy");
        QTest::addColumn<QStringList>("groups");
        QTest::newRow("deployment") << int(CostPageInput::GroupBy::Deployment)
                                    << QStringList{"gpt-4o-ptu", "gpt-4o-mini · OpenAI", "std"};
        QTest::newRow("model") << int(CostPageInput::GroupBy::Model)
                               << QStringList{"gpt-4o", "gpt-4o-mini"};
        QTest::newRow("provider") << int(CostPageInput::GroupBy::Provider)
                                  << QStringList{"Azure OpenAI", "OpenAI"};
    }
    void spendByGroup()
    {
        QFETCH(int, groupBy);
        QFETCH(QStringList, groups);
        CostPageInput in = input(fleet());
        in.groupBy = CostPageInput::GroupBy(groupBy);
        const auto byGroup = CostPageReport::spendByGroup(in);
        QStringList names;
        for (const auto& g : byGroup)
            names << g.first;
        QCOMPARE(names, groups);
        // The largest group spent on both days.
        QCOMPARE(byGroup.first().second.size(), 2);
        QVERIFY(byGroup.first().second.at(1) > Money{});

        const BarChartReport chart = CostPageReport::buildSpend(in);
        QCOMPARE(chart.sets.size(), groups.size());
        QCOMPARE(chart.categories, (QStringList{"Jan 1", "Jan 2"}));
        QVERIFY(chart.stacked);
        QVERIFY(chart.note.startsWith(QStringLiteral("per UTC day, PTUs at the")));
        QCOMPARE(chart.categoryAxisTitle, QStringLiteral("UTC day, 1 Jan – 2 Jan"));
    }

    // More groups than colours worth telling apart: the smallest stack as "Other".
    void spendFoldsSmallGroups()
    {
        QVector<CostItem> items;
        for (int i = 9; i >= 0; --i) // the first spends on both days: d9 leads
            items << item(QStringLiteral("azure-openai"), QStringLiteral("d%1").arg(i),
                          QStringLiteral("m%1").arg(i), 10 + i, 10);
        const auto byGroup = CostPageReport::spendByGroup(input(items));
        QCOMPARE(byGroup.size(), CostPageReport::kMaxGroups);
        QCOMPARE(byGroup.first().first, QStringLiteral("d9"));
        QCOMPARE(byGroup.last().first, QStringLiteral("Other"));
        // d0..d3 fold into Other: 10 + 11 + 12 + 13 on the first day.
        QCOMPARE(byGroup.last().second.at(0), Money::fromUnits(46));
        // Drawn in grey: the rest is not a deployment with a colour of its own.
        const BarChartReport chart = CostPageReport::buildSpend(input(items));
        QCOMPARE(chart.sets.last().name, QStringLiteral("Other"));
        QCOMPARE(chart.sets.last().color, SeriesColor::Grey);
        QCOMPARE(chart.sets.first().color, SeriesColor::Auto);
    }

    void tiles_data()
    {
        QTest::addColumn<QString>("budget");
        QTest::addColumn<bool>("unpriced");
        QTest::addColumn<QString>("monthTrend");
        QTest::addColumn<int>("monthStatus");
        QTest::addColumn<int>("spendStatus");
        QTest::newRow("no budget")
            << "" << false << "no budget set" << int(KpiFigure::Status::Normal)
            << int(KpiFigure::Status::Normal);
        QTest::newRow("within budget")
            << "1000" << false << "15 % of the $1,000.00 budget" << int(KpiFigure::Status::Normal)
            << int(KpiFigure::Status::Normal);
        QTest::newRow("over budget")
            << "100" << true << "150 % of the $100.00 budget" << int(KpiFigure::Status::Critical)
            << int(KpiFigure::Status::Warning);
    }
    void tiles()
    {
        QFETCH(QString, budget);
        QFETCH(bool, unpriced);
        QFETCH(QString, monthTrend);
        QFETCH(int, monthStatus);
        QFETCH(int, spendStatus);
        QVector<CostItem> items = fleet();
        if (unpriced)
            items << item(QStringLiteral("openai"), QStringLiteral("new-model"),
                          QStringLiteral("new-model"), 0, 5, false);
        CostPageInput in = input(items);
        if (!budget.isEmpty()) {
            Money m;
            QVERIFY(Money::parse(budget, &m));
            in.budget = m;
        }
        const CostPageReport r = CostPageReport::build(in);
        QCOMPARE(r.tiles.size(), 6);
        QCOMPARE(r.tiles.at(0).title, QStringLiteral("Spend in range"));
        QCOMPARE(r.tiles.at(0).value, QStringLiteral("$100.00"));
        QCOMPARE(int(r.tiles.at(0).status), spendStatus);
        QCOMPARE(r.tiles.at(0).trend, unpriced ? QStringLiteral("1 item(s) without a price")
                                               : QStringLiteral("1,000 requests"));
        QCOMPARE(r.tiles.at(2).value, QStringLiteral("$150.00"));
        QCOMPARE(r.tiles.at(2).trend, monthTrend);
        QCOMPARE(int(r.tiles.at(2).status), monthStatus);
        // Per 1k requests: the unpriced item's 5 requests count too (the Spend tile names it).
        QCOMPARE(r.tiles.at(4).value,
                 unpriced ? QStringLiteral("$99.50") : QStringLiteral("$100.00"));
        QCOMPARE(r.tiles.at(5).sentiment, 1);
        // The burn-down needs a budget; without one it says how to set it.
        QCOMPARE(r.burnDown.threshold.has_value(), !budget.isEmpty());
        if (budget.isEmpty())
            QVERIFY(r.burnDown.emptyMessage.contains(QStringLiteral("Prices and budget")));
        else
            QCOMPARE(r.burnDown.sets.size(), 2);
    }

    void spenders()
    {
        QVector<CostItem> items = fleet();
        items << item(QStringLiteral("openai"), QStringLiteral("new-model"),
                      QStringLiteral("new-model"), 0, 5, false);
        const ReportTable t = CostPageReport::build(input(items)).spenders;
        QCOMPARE(t.headers.size(), 12);
        QCOMPARE(t.rows.size(), 4);
        QCOMPARE(t.text(0, 0), QStringLiteral("gpt-4o-ptu"));
        QCOMPARE(t.rows.at(0).at(0).toolTip, QStringLiteral("Azure account"));
        QCOMPARE(t.text(0, 1), QStringLiteral("Azure OpenAI"));
        QCOMPARE(t.text(0, 8), QStringLiteral("$60.00"));
        QCOMPARE(t.text(0, 9), QStringLiteral("60.0 %"));
        QCOMPARE(t.text(0, 10), QStringLiteral("$100.00"));
        QCOMPARE(t.text(0, 11), QStringLiteral("catalog 2026-11-25"));
        QCOMPARE(t.text(3, 8), QStringLiteral("no price"));
        QVERIFY(t.rows.at(3).at(8).warning);
    }

    void reported_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("wholeDays");
        QTest::addColumn<QString>("text");
        QTest::newRow("no reporter")
            << "azure-openai" << true << "No provider in this workspace reports its own costs";
        QTest::newRow("no whole day")
            << "openai" << false << "Providers report costs per whole UTC day";
        QTest::newRow("none stored")
            << "openai" << true << "No reported costs stored for these UTC days yet.";
    }
    void reported()
    {
        QFETCH(QString, kind);
        QFETCH(bool, wholeDays);
        QFETCH(QString, text);
        CostPageInput in = input(fleet());
        in.connections.first().kind = kind;
        in.reconciledDays = wholeDays ? TimeRange{kDay0, kDay0 + kDay} : TimeRange{};
        QVERIFY(CostPageReport::build(in).reported.startsWith(text));
    }

    void reportedBesideComputed()
    {
        CostPageInput in = input(fleet());
        in.reconciledDays = {kDay0, kDay0 + kDay};
        ReportedSourceCost rc;
        rc.source = QStringLiteral("az");
        rc.reported = Money::fromUnits(110);
        rc.computed = Money::fromUnits(100);
        rc.comparison.difference = Money::fromUnits(10);
        in.reconciled.reported = {rc};
        const QString text = CostPageReport::build(in).reported;
        QVERIFY2(text.startsWith(QStringLiteral("Whole UTC day 2026-01-01")), qPrintable(text));
        QVERIFY2(text.contains(QStringLiteral("<b>Azure account</b>: reported $110.00, computed "
                                              "$100.00, difference $10.00 (9.09 %)")),
                 qPrintable(text));
    }

    void notes()
    {
        CostPageInput in = input(fleet());
        in.overrideWarning = QStringLiteral("The workspace's price overrides were ignored: x");
        const CostPageReport r = CostPageReport::build(in);
        QVERIFY(r.notes.contains(QStringLiteral("<b>monthly reservation</b> rate")));
        QVERIFY(r.notes.contains(QStringLiteral("(as of ") + in.catalog.asOf() + ')'));
        QCOMPARE(r.notesWarning, in.overrideWarning);
    }

    void csv()
    {
        const QString csv = CostPageReport::csv(input(fleet()));
        const QStringList lines = csv.split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        // The header, 3 groups x 2 days, then 3 items.
        QCOMPARE(lines.size(), 1 + 6 + 3);
        QVERIFY(lines.first().startsWith(QStringLiteral("section,bucket_start_utc,group")));
        QCOMPARE(lines.at(1), QStringLiteral("spend,2026-01-01T00:00:00Z,gpt-4o-ptu,,,,,,,,"
                                             "60.000000,"));
        QVERIFY(lines.last().startsWith(QStringLiteral("item,2026-01-01T00:00:00Z,std,")));
    }

    void headerTexts()
    {
        QCOMPARE(CostPageReport::billingText(PtuBilling::MonthlyReservation),
                 QStringLiteral("PTUs priced at the monthly reservation rate, as on the Capacity "
                                "page (Prices and budget…)"));
        QVERIFY(CostPageReport::rangeText({kDay0, kDay0 + kDay})
                    .endsWith(QStringLiteral("; billing days are UTC")));
    }
};

QTEST_GUILESS_MAIN(tst_CostPageReport)
#include "tst_costpagereport.moc"
