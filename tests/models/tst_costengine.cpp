#include "cost/costengine.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

PriceCatalog small()
{
    QString error;
    auto c = PriceCatalog::fromJson(test::readFixture(QStringLiteral("cost/catalog_small.json")),
                                    &error);
    if (!c)
        qFatal("catalog_small.json: %s", qPrintable(error));
    return *c;
}

UsageItem usage(const QString& provider, const QString& model, TokenUsage t, bool batch = false)
{
    UsageItem u;
    u.source = provider + QStringLiteral("-conn");
    u.provider = provider;
    u.deployment = model;
    u.model = model;
    u.batch = batch;
    u.tokens = t;
    return u;
}

Money sumLines(const CostItem& c)
{
    Money m;
    for (const CostLine& l : c.lines)
        m += l.amount;
    return m;
}

Deployment dep(const QString& name, const QString& model, const QString& version,
               const QString& sku, int capacity)
{
    Deployment d;
    d.source = QStringLiteral("azure-conn");
    d.name = name;
    d.model = model;
    d.version = version;
    d.sku = sku;
    d.capacity = capacity;
    return d;
}

} // namespace

class tst_CostEngine : public QObject
{
    Q_OBJECT
private slots:
    void payPerToken_data()
    {
        QTest::addColumn<QString>("provider");
        QTest::addColumn<QString>("model");
        QTest::addColumn<qint64>("prompt");
        QTest::addColumn<qint64>("cached");
        QTest::addColumn<qint64>("completion");
        QTest::addColumn<bool>("batch");
        QTest::addColumn<qint64>("micros");
        QTest::addColumn<qint64>("cacheSavings");
        QTest::addColumn<qint64>("batchSavings");
        // (1,000,000 - 400,000) x 2.50 + 400,000 x 1.25 + 200,000 x 10 = 1.50 + 0.50 + 2.00.
        // Counting the cached tokens twice would give $4.50 or $5.50.
        QTest::newRow("cached, no double count")
            << "openai"
            << "gpt-4o" << qint64(1000000) << qint64(400000) << qint64(200000) << false
            << qint64(4000000) << qint64(500000) << qint64(0);
        QTest::newRow("no cache") << "openai"
                                  << "gpt-4o" << qint64(1000000) << qint64(0) << qint64(0) << false
                                  << qint64(2500000) << qint64(0) << qint64(0);
        // Batch: 1,000,000 x 1.25 + 100,000 x 5.00 = 1.75, saving 1.25 + 0.50.
        QTest::newRow("batch") << "openai"
                               << "gpt-4o" << qint64(1000000) << qint64(0) << qint64(100000) << true
                               << qint64(1750000) << qint64(0) << qint64(1750000);
        // Reasoning tokens are part of completion: nothing extra to add.
        QTest::newRow("dated model")
            << "openai"
            << "gpt-4o-2024-08-06" << qint64(2000) << qint64(0) << qint64(1000) << false
            << qint64(15000) << qint64(0) << qint64(0);
        // One token at $2.50/1M is 2.5 micro-dollars, one at $10 is 10: 12.5 -> 13, rounded once.
        QTest::newRow("sub-micro rounding once") << "openai"
                                                 << "gpt-4o" << qint64(1) << qint64(0) << qint64(1)
                                                 << false << qint64(13) << qint64(0) << qint64(0);
        // No cached price: cached tokens at the input price, with a note.
        QTest::newRow("no cached price")
            << "openai"
            << "nocache" << qint64(1000000) << qint64(500000) << qint64(0) << false
            << qint64(1000000) << qint64(0) << qint64(0);
    }
    void payPerToken()
    {
        QFETCH(QString, provider);
        QFETCH(QString, model);
        QFETCH(qint64, prompt);
        QFETCH(qint64, cached);
        QFETCH(qint64, completion);
        QFETCH(bool, batch);
        QFETCH(qint64, micros);
        QFETCH(qint64, cacheSavings);
        QFETCH(qint64, batchSavings);
        const CostEngine engine(small());
        const CostItem c = engine.priceTokens(
            usage(provider, model, TokenUsage::fromPrompt(prompt, cached, completion), batch));
        QVERIFY(c.priced);
        QCOMPARE(c.total.micros, micros);
        QCOMPARE(sumLines(c), c.total);
        QCOMPARE(c.cacheSavings.micros, cacheSavings);
        QCOMPARE(c.batchSavings.micros, batchSavings);
        QCOMPARE(c.batch, batch);
    }

    void anthropicCacheClasses()
    {
        TokenUsage t;
        t.uncachedInput = 100000; // x 3.00  = 0.300
        t.cacheWrite5m = 20000;   // x 3.75  = 0.075
        t.cacheWrite1h = 10000;   // x 6.00  = 0.060
        t.cachedInput = 500000;   // x 0.30  = 0.150 (cache read)
        t.output = 30000;         // x 15.00 = 0.450
        const CostEngine engine(small());
        const CostItem c = engine.priceTokens(
            usage(QStringLiteral("anthropic"), QStringLiteral("claude-test-20250101"), t));
        QCOMPARE(c.total.micros, qint64(1035000));
        QCOMPARE(c.lines.size(), 5);
        QCOMPARE(c.lines[1].kind, CostLineKind::CacheRead);
        QCOMPARE(c.lines[1].amount.micros, qint64(150000));
        QCOMPARE(c.lines[2].kind, CostLineKind::CacheWrite5m);
        QCOMPARE(c.lines[2].amount.micros, qint64(75000));
        QCOMPARE(c.lines[3].kind, CostLineKind::CacheWrite1h);
        QCOMPARE(c.lines[3].amount.micros, qint64(60000));
        QCOMPARE(c.cacheSavings.micros, qint64(1350000)); // 500,000 x (3.00 - 0.30)

        // Anthropic's cost report gives cents as strings: "103.5" cents = $1.035 = computed.
        Money reported;
        QVERIFY(Money::parseCents(QStringLiteral("103.5"), &reported));
        const ReportedComparison same = compareReported(c.total, reported);
        QCOMPARE(same.difference.micros, qint64(0));
        QVERIFY(Money::parseCents(QStringLiteral("110.0000"), &reported));
        const ReportedComparison more = compareReported(c.total, reported, true);
        QCOMPARE(more.difference.micros, qint64(65000));
        QVERIFY(more.explanation.contains(QLatin1String("more")));
        QVERIFY(more.explanation.contains(QLatin1String("overrides")));
    }

    void missingPriceIsNotZero()
    {
        const CostEngine engine(small());
        const CostItem c = engine.priceTokens(usage(
            QStringLiteral("openai"), QStringLiteral("gpt-9"), TokenUsage::fromPrompt(1, 0, 1)));
        QVERIFY(!c.priced);
        QCOMPARE(c.total.micros, qint64(0));
        QVERIFY(!c.notes.isEmpty());
        // Cache-write tokens on a model without cache-write prices are left out, and said so.
        TokenUsage t;
        t.uncachedInput = 1000000;
        t.cacheWrite5m = 1000;
        const CostItem w =
            engine.priceTokens(usage(QStringLiteral("openai"), QStringLiteral("gpt-4o"), t));
        QCOMPARE(w.total.micros, qint64(2500000));
        QVERIFY(w.notes.join(' ').contains(QLatin1String("cache write (5m)")));
    }

    void azurePricedByInventoryNotResponse()
    {
        const CostEngine engine(small());
        const Deployments inv = {
            dep(QStringLiteral("chat"), QStringLiteral("gpt-4o"), QStringLiteral("2024-11-20"),
                QStringLiteral("Standard"), 450),
            dep(QStringLiteral("mini-batch"), QStringLiteral("gpt-4o-mini"),
                QStringLiteral("2024-07-18"), QStringLiteral("GlobalBatch"), 10000),
        };
        UsageItem chat = usage(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o-mini"),
                               TokenUsage::fromPrompt(1000000, 0, 100000));
        chat.source = QStringLiteral("azure-conn");
        chat.deployment = QStringLiteral("chat"); // the response said "gpt-4o-mini": ignored
        UsageItem batch = chat;
        batch.deployment = QStringLiteral("mini-batch");
        batch.tokens = TokenUsage::fromPrompt(2000000, 0, 500000);
        UsageItem unknown = chat;
        unknown.deployment = QStringLiteral("gone");
        const TimeRange day{1767225600, 1767225600 + 86400};
        const CostReport r = engine.price({chat, batch, unknown}, inv, day);
        QCOMPARE(r.items.size(), 3);
        // 1,000,000 x 2.75 + 100,000 x 11 = 2.75 + 1.10 (gpt-4o Standard, not gpt-4o-mini).
        QCOMPARE(r.items[0].total.micros, qint64(3850000));
        QCOMPARE(r.items[0].model, QStringLiteral("gpt-4o"));
        // GlobalBatch at the batch rate of GlobalStandard: 2M x 0.075 + 0.5M x 0.30 = 0.30.
        QCOMPARE(r.items[1].total.micros, qint64(300000));
        QVERIFY(r.items[1].batch);
        QCOMPARE(r.items[1].match, PriceLookup::Match::BatchSku);
        QCOMPARE(r.items[1].batchSavings.micros, qint64(300000));
        QVERIFY(!r.items[2].priced);
        QCOMPARE(r.unpricedItems, 1);
        QCOMPARE(r.total.micros, qint64(4150000));
    }

    // Azure lists a fine-tune as model "gpt-4o-mini-2024-07-18.ft-abc123", version "1": its
    // tokens are priced at the catalog's fine-tuned gpt-4o-mini rates, not left unpriced.
    void fineTunedDeploymentTokens()
    {
        const CostEngine engine(PriceCatalog::builtin());
        const Deployments inv = {dep(QStringLiteral("ft-mini"),
                                     QStringLiteral("gpt-4o-mini-2024-07-18.ft-abc123"),
                                     QStringLiteral("1"), QStringLiteral("Standard"), 1)};
        UsageItem u = usage(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o-mini"),
                            TokenUsage::fromPrompt(1000000, 200000, 100000, 500));
        u.source = QStringLiteral("azure-conn");
        u.deployment = QStringLiteral("ft-mini");
        const CostReport r = engine.price({u}, inv, {1767225600, 1767225600 + 86400});
        QCOMPARE(r.items.size(), 1);
        const CostItem& c = r.items.first();
        QVERIFY2(c.priced, qPrintable(c.notes.join(QLatin1Char(' '))));
        QCOMPARE(c.match, PriceLookup::Match::FineTuned);
        // 800,000 x $0.165 + 200,000 x $0.0825 + 100,000 x $0.66 = 0.132 + 0.0165 + 0.066.
        QCOMPARE(c.total.micros, qint64(214500));
        QCOMPARE(sumLines(c), c.total);
        QCOMPARE(c.lines.size(), 3);
        QCOMPARE(c.lines[0].amount.micros, qint64(132000));
        QCOMPARE(c.lines[1].amount.micros, qint64(16500));
        QCOMPARE(c.lines[2].amount.micros, qint64(66000));
        // Cached tokens saved 200,000 x ($0.165 - $0.0825).
        QCOMPARE(c.cacheSavings.micros, qint64(16500));
        QVERIFY(c.notes.join(QLatin1Char(' ')).contains(QLatin1String("fine-tune")));
        QCOMPARE(r.unpricedItems, 0);
        QCOMPARE(r.total.micros, qint64(214500));
    }

    void provisionedIsTimeNotTokens()
    {
        const CostEngine engine(small());
        const Deployments inv = {
            dep(QStringLiteral("ptu"), QStringLiteral("gpt-4o"), QStringLiteral("2024-11-20"),
                QStringLiteral("ProvisionedManaged"), 100),
            dep(QStringLiteral("std"), QStringLiteral("gpt-4o"), QStringLiteral("2024-11-20"),
                QStringLiteral("Standard"), 450),
        };
        UsageItem onPtu = usage(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                                TokenUsage::fromPrompt(50000000, 0, 5000000, 1000));
        onPtu.source = QStringLiteral("azure-conn");
        onPtu.deployment = QStringLiteral("ptu");
        UsageItem spill = onPtu; // spillover lands on the standard deployment
        spill.deployment = QStringLiteral("std");
        spill.tokens = TokenUsage::fromPrompt(1000000, 0, 0, 10);
        const TimeRange day{1767225600, 1767225600 + 86400};
        for (const PtuBilling b : {PtuBilling::Hourly, PtuBilling::MonthlyReservation}) {
            const CostReport r = engine.price({onPtu, spill}, inv, day, b);
            QCOMPARE(r.items.size(), 2);
            const CostItem& ptu = r.items[1];
            QVERIFY(ptu.provisioned);
            QCOMPARE(ptu.tokens.uncachedInput, qint64(50000000)); // shown, included
            // 100 PTU x 24 h x $2 = $4,800; monthly: 100 x $260 x 1/31 = $838.709677.
            QCOMPARE(ptu.total.micros,
                     b == PtuBilling::Hourly ? qint64(4800000000) : qint64(838709677));
            QCOMPARE(r.items[0].total.micros, qint64(2750000)); // spillover at Standard
            QCOMPARE(r.requests, qint64(1010));
        }
        // Without traffic the PTUs still cost.
        const CostReport idle = engine.price({}, inv, day);
        QCOMPARE(idle.items.size(), 1);
        QCOMPARE(idle.total.micros, qint64(4800000000));
    }

    void overridesApplyAndShow()
    {
        PriceCatalog c = small();
        QString error;
        QVERIFY(c.applyOverrides("[{\"provider\":\"openai\",\"model\":\"gpt-4o\","
                                 "\"discountPercent\":20,\"note\":\"Enterprise\"}]",
                                 &error));
        const CostEngine engine(c);
        const CostItem item =
            engine.priceTokens(usage(QStringLiteral("openai"), QStringLiteral("gpt-4o"),
                                     TokenUsage::fromPrompt(1000000, 400000, 200000)));
        QCOMPARE(item.total.micros, qint64(3200000)); // $4.00 less 20 %
        QVERIFY(item.overridden);
        QVERIFY(item.priceSource.contains(QLatin1String("Enterprise")));
    }

    void conservation()
    {
        // The sum over items equals the total, and every item's lines sum to its total, for
        // awkward token counts that round differently line by line.
        const CostEngine engine(small());
        QVector<UsageItem> items;
        for (int i = 1; i <= 40; ++i) {
            TokenUsage t = TokenUsage::fromPrompt(i * 7777 + 3, i * 1111 + 1, i * 333 + 7, i);
            t.cacheWrite5m = i % 3;
            items.append(usage(QStringLiteral("openai"), QStringLiteral("gpt-4o"), t, i % 2));
            TokenUsage a;
            a.uncachedInput = i * 13 + 1;
            a.cachedInput = i * 17;
            a.cacheWrite5m = i * 19 + 1;
            a.cacheWrite1h = i * 23;
            a.output = i * 29 + 3;
            items.append(
                usage(QStringLiteral("anthropic"), QStringLiteral("claude-test-20250101"), a));
        }
        const CostReport r = engine.price(items, {}, {0, 86400});
        Money sum;
        for (const CostItem& c : r.items) {
            QCOMPARE(sumLines(c), c.total);
            sum += c.total;
        }
        QCOMPARE(sum, r.total);
        QVERIFY(r.total.micros > 0);
        QCOMPARE(r.costPerRequest(), Money::mulDiv(r.total.micros, 1, r.requests));
        QCOMPARE(r.topSpenders(3).size(), 3);
        QVERIFY(r.topSpenders(3)[0].total >= r.topSpenders(3)[1].total);
    }
};

QTEST_GUILESS_MAIN(tst_CostEngine)
#include "tst_costengine.moc"
