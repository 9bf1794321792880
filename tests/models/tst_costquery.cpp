#include "core/labels.h"
#include "cost/costquery.h"
#include "store/samplestore.h"
#include "testsupport.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

constexpr qint64 kDay0 = 1767225600; // 2026-01-01T00:00:00Z

SeriesSamples series(const QString& source, const QString& metric, QList<Label> labels,
                     const QVector<Sample>& samples, const QString& aggregation = "total")
{
    SeriesSamples s;
    s.key = {source, metric, aggregation, labels::canonical(labels)};
    s.unit = QStringLiteral("Count");
    s.samples = samples;
    return s;
}

PriceCatalog small()
{
    QString error;
    auto c = PriceCatalog::fromJson(test::readFixture(QStringLiteral("cost/catalog_small.json")),
                                    &error);
    if (!c)
        qFatal("catalog_small.json: %s", qPrintable(error));
    return *c;
}

} // namespace

class tst_CostQuery : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void readsAndPricesTheStore()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("cost.sqlite"))).result().usable());
        const QString az = QStringLiteral("az"), oa = QStringLiteral("oa");
        const Label std{QStringLiteral("ModelDeploymentName"), QStringLiteral("std")};
        const Label ptu{QStringLiteral("ModelDeploymentName"), QStringLiteral("ptu")};
        PollBatch a;
        a.source = az;
        a.window = {kDay0, kDay0 + 2 * 86400};
        // Day 1: 600k + 400k prompt, 100k generated on the standard deployment; day 2: 1M / 0.
        a.series = {
            series(az, "ProcessedPromptTokens", {std},
                   {{kDay0, 600000}, {kDay0 + 60, 400000}, {kDay0 + 86400, 1000000}}),
            series(az, "GeneratedTokens", {std}, {{kDay0, 100000}}),
            series(az, "AzureOpenAIRequests", {std, {QStringLiteral("StatusCode"), "200"}},
                   {{kDay0, 10}}),
            series(az, "ProcessedPromptTokens", {ptu}, {{kDay0, 1000000}}),
            series(az, "AzureOpenAIContextTokensCacheMatchRate", {ptu}, {{kDay0, 25}},
                   QStringLiteral("average")),
        };
        QVERIFY(store.write(a).result().ok);
        const Label model{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o")};
        const Label batch{QStringLiteral("batch"), QStringLiteral("true")};
        const Label notBatch{QStringLiteral("batch"), QStringLiteral("false")};
        PollBatch o;
        o.source = oa;
        o.window = {kDay0, kDay0 + 86400};
        o.series = {
            series(oa, "InputTokensUncached", {model, notBatch}, {{kDay0, 600000}}),
            series(oa, "InputTokensCached", {model, notBatch}, {{kDay0, 400000}}),
            series(oa, "OutputTokens", {model, notBatch}, {{kDay0, 200000}}),
            series(oa, "InputTokensUncached", {model, batch}, {{kDay0, 1000000}}),
            series(oa, "OutputTokens", {model, batch}, {{kDay0, 100000}}),
            series(oa, "ReportedCost", {model}, {{kDay0, 5800000}}),
        };
        QVERIFY(store.write(o).result().ok);

        Deployment dStd;
        dStd.source = az;
        dStd.name = QStringLiteral("std");
        dStd.model = QStringLiteral("gpt-4o");
        dStd.version = QStringLiteral("2024-11-20");
        dStd.sku = QStringLiteral("Standard");
        Deployment dPtu = dStd;
        dPtu.name = QStringLiteral("ptu");
        dPtu.sku = QStringLiteral("ProvisionedManaged");
        dPtu.capacity = 100;

        CostQueryRequest req;
        req.range = {kDay0, kDay0 + 2 * 86400};
        req.kindBySource = {{az, QStringLiteral("azure-openai")}, {oa, QStringLiteral("openai")}};
        req.inventory = {dStd, dPtu};
        const CostQueryResult r = CostQuery::run(&store, CostEngine(small()), req);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));

        Money sum;
        const CostItem* stdItem = nullptr;
        const CostItem* ptuItem = nullptr;
        int openAiItems = 0;
        for (const CostItem& c : r.report.items) {
            sum += c.total;
            if (c.deployment == QLatin1String("std"))
                stdItem = &c;
            if (c.deployment == QLatin1String("ptu"))
                ptuItem = &c;
            if (c.provider == QLatin1String("openai"))
                ++openAiItems;
        }
        QCOMPARE(sum, r.report.total); // conservation over deployments
        QVERIFY(stdItem && ptuItem);
        // 2M prompt x 2.75 + 100k x 11 = 5.50 + 1.10.
        QCOMPARE(stdItem->total.micros, qint64(6600000));
        QCOMPARE(stdItem->tokens.requests, qint64(10));
        // 100 PTU x 48 h x $2; 25 % of its 1M prompt tokens were cache hits.
        QCOMPARE(ptuItem->total.micros, qint64(9600000000));
        QCOMPARE(ptuItem->tokens.cachedInput, qint64(250000));
        // OpenAI: standard $4.00 (cached, no double count) + batch $1.75, two items.
        QCOMPARE(openAiItems, 2);
        QCOMPARE(r.report.total.micros, qint64(6600000 + 9600000000 + 4000000 + 1750000));
        QCOMPARE(r.daily.size(), 2);
        QCOMPARE(r.daily[0].day, kDay0);
        // Day 1: std 1M x 2.75 + 0.1M x 11 = 3.85, PTU 24 h = 4,800, OpenAI 5.75.
        QCOMPARE(r.daily[0].cost.micros, qint64(3850000 + 4800000000 + 5750000));
        QCOMPARE(r.daily[1].cost.micros, qint64(2750000 + 4800000000));
        QCOMPARE(r.reported.size(), 1);
        QCOMPARE(r.reported[0].reported.micros, qint64(5800000));
        QCOMPARE(r.reported[0].comparison.difference.micros, qint64(50000));
    }

    // A local server that does not split its prompt stores it whole as InputTokens: its usage
    // counts those tokens as input (uncached), none are lost and none are counted twice.
    void wholePromptOfALocalServer()
    {
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("local.sqlite"))).result().usable());
        const QString tgi = QStringLiteral("tgi");
        const Label model{QStringLiteral("ModelDeploymentName"), QStringLiteral("llama-3-8b")};
        PollBatch b;
        b.source = tgi;
        b.window = {kDay0, kDay0 + 86400};
        b.series = {series(tgi, "Requests", {model}, {{kDay0, 4}}),
                    series(tgi, "InputTokens", {model}, {{kDay0, 3000}, {kDay0 + 60, 1000}}),
                    series(tgi, "OutputTokens", {model}, {{kDay0, 800}})};
        QVERIFY(store.write(b).result().ok);
        CostQueryRequest req;
        req.range = {kDay0, kDay0 + 86400};
        req.kindBySource = {{tgi, QStringLiteral("prometheus")}};
        const CostQueryResult r = CostQuery::run(&store, CostEngine(small()), req);
        QVERIFY2(r.error.isEmpty(), qPrintable(r.error));
        QCOMPARE(r.report.items.size(), 1);
        const CostItem& item = r.report.items.first();
        QCOMPARE(item.tokens.uncachedInput, qint64(4000));
        QCOMPARE(item.tokens.cachedInput, qint64(0));
        QCOMPARE(item.tokens.output, qint64(800));
        QCOMPARE(item.tokens.requests, qint64(4));
    }
};

QTEST_GUILESS_MAIN(tst_CostQuery)
#include "tst_costquery.moc"
