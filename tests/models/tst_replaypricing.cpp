#include "core/workspace.h"
#include "cost/costengine.h"
#include "cost/costquery.h"
#include "replaytestdata.h"
#include "routing/replayengine.h"
#include "routing/replaypricing.h"
#include "store/samplestore.h"

#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

namespace {

const QString kSource = QStringLiteral("demo-azure");

DeploymentTraffic traffic(const QString& kind, const QString& model, const QString& sku,
                          RouteClass rc)
{
    DeploymentTraffic t;
    t.source = QStringLiteral("src");
    t.name = model;
    t.model = model;
    t.sku = sku;
    t.connectionKind = kind;
    t.routeClass = rc;
    return t;
}

} // namespace

class tst_ReplayPricing : public QObject
{
    Q_OBJECT
private:
    CostEngine m_engine{PriceCatalog::builtin()};

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void tokensAsTheCostEngine_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("sku");
        QTest::newRow("azure standard") << "azure-openai"
                                        << "gpt-4o"
                                        << "2024-11-20"
                                        << "Standard";
        QTest::newRow("azure global mini") << "azure-openai"
                                           << "gpt-4o-mini"
                                           << "2024-07-18"
                                           << "GlobalStandard";
        QTest::newRow("azure batch") << "azure-openai"
                                     << "gpt-4o-mini"
                                     << "2024-07-18"
                                     << "GlobalBatch";
        QTest::newRow("openai") << "openai"
                                << "gpt-4o"
                                << ""
                                << "";
    }
    void tokensAsTheCostEngine()
    {
        QFETCH(QString, kind);
        QFETCH(QString, model);
        QFETCH(QString, version);
        QFETCH(QString, sku);
        DeploymentTraffic t = traffic(kind, model, sku, classifyRoute(kind, sku));
        t.version = version;
        const ReplayPricing p = ReplayPricing::fromCatalog(m_engine);
        UsageItem u;
        u.provider = kind;
        u.model = model;
        u.version = kind == QLatin1String("azure-openai") ? version : QString();
        u.sku = kind == QLatin1String("azure-openai") ? sku : QString();
        u.tokens = TokenUsage::fromPrompt(1'234'567, 0, 345'678);
        const CostItem c = m_engine.priceTokens(u);
        QVERIFY(c.priced);
        QVERIFY(c.total.micros > 0);
        QCOMPARE(Money::fromUnits(p.tokens(t, 1'234'567, 345'678)), c.total);
    }

    void localAndProvisioned()
    {
        const ReplayPricing p = ReplayPricing::fromCatalog(m_engine);
        const DeploymentTraffic local =
            traffic(QStringLiteral("prometheus"), QStringLiteral("llama"), {}, RouteClass::Local);
        QCOMPARE(p.tokens(local, 1e6, 1e6), 0.0);
        DeploymentTraffic ptu =
            traffic(QStringLiteral("azure-openai"), QStringLiteral("gpt-4o"),
                    QStringLiteral("ProvisionedManaged"), RouteClass::Provisioned);
        ptu.version = QStringLiteral("2024-11-20");
        ptu.capacity = 100;
        QCOMPARE(p.tokens(ptu, 1e6, 1e6), 0.0); // reserved: the tokens are paid for
        const TimeRange day{test::kReplayTuesday, test::kReplayTuesday + 86400};
        Deployment d;
        d.model = ptu.model;
        d.version = ptu.version;
        d.sku = ptu.sku;
        d.capacity = 100;
        const CostItem c = m_engine.priceProvisioned(d, day, PtuBilling::Hourly);
        QVERIFY(c.total.micros > 0);
        QCOMPARE(Money::fromUnits(p.fixed(ptu, day)), c.total);
        QVERIFY(p.note.contains(QLatin1String("catalog")));
    }

    // Cached and batch shares recorded over the window apply to what the target serves.
    void recordedMix()
    {
        DeploymentTraffic t = traffic(QStringLiteral("openai"), QStringLiteral("gpt-4o"), {},
                                      RouteClass::OtherProvider);
        t.recordedMix[0] = {600'000, 200'000, 0, 0, 150'000};
        t.recordedMix[1] = {200'000, 0, 0, 0, 50'000};
        UsageItem standard;
        standard.provider = QStringLiteral("openai");
        standard.model = QStringLiteral("gpt-4o");
        standard.tokens.uncachedInput = 600'000;
        standard.tokens.cachedInput = 200'000;
        standard.tokens.output = 150'000;
        UsageItem batch = standard;
        batch.batch = true;
        batch.tokens = {};
        batch.tokens.uncachedInput = 200'000;
        batch.tokens.output = 50'000;
        const Money expected =
            m_engine.priceTokens(standard).total + m_engine.priceTokens(batch).total;
        const ReplayPricing p = ReplayPricing::fromCatalog(m_engine);
        QCOMPARE(Money::fromUnits(p.tokens(t, 1'000'000, 200'000)), expected);
        // Half the traffic: half of every class.
        QVERIFY(std::abs(p.tokens(t, 500'000, 100'000) - expected.toUnits() / 2) < 1e-5);
    }

    void sizing()
    {
        const PtuSizing s =
            catalogSizing(PriceCatalog::builtin(), QStringLiteral("gpt-4o"),
                          QStringLiteral("2024-11-20"), QStringLiteral("ProvisionedManaged"));
        QCOMPARE(s.inputTokensPerPtuPerMinute, 2500.0);
        QCOMPARE(s.outputTokenWeight, 3.0);
        const PtuSizing none = catalogSizing(PriceCatalog::builtin(), QStringLiteral("no-such"));
        QCOMPARE(none.inputTokensPerPtuPerMinute, PtuSizing{}.inputTokensPerPtuPerMinute);
        // The defaults are the catalog's gpt-4o figures, output weight included.
        const PtuSizing gpt4o = catalogSizing(PriceCatalog::builtin(), QStringLiteral("gpt-4o"),
                                              QStringLiteral("2024-11-20"));
        QCOMPARE(gpt4o.inputTokensPerPtuPerMinute, 2500.0);
        QCOMPARE(PtuSizing{}.inputTokensPerPtuPerMinute, gpt4o.inputTokensPerPtuPerMinute);
        QCOMPARE(PtuSizing{}.outputTokenWeight, gpt4o.outputTokenWeight);
        // A model sized per deployment type: regional gpt-4o-mini from the catalog's tables.
        const PtuSizing mini =
            catalogSizing(PriceCatalog::builtin(), QStringLiteral("gpt-4o-mini"),
                          QStringLiteral("2024-07-18"), QStringLiteral("ProvisionedManaged"));
        QCOMPARE(mini.inputTokensPerPtuPerMinute, 37000.0);
    }

    void overrides()
    {
        QString warning;
        const QJsonArray bad{QJsonValue(42)};
        catalogWithOverrides(bad, &warning);
        QVERIFY(!warning.isEmpty());
    }

    // The identity replay, priced through the catalog, equals what CostQuery reports for the
    // same stored day (the Cost page's figure).
    void identityEqualsCostQuery()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const emu::TrafficModel tm(42);
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("h.sqlite"))).result().usable());
        const Deployments inventory = test::fleetInventory(tm, kSource);
        store.saveDeployments(kSource, inventory).waitForFinished();
        QVERIFY(
            store.write(test::batchFromModel(tm, kSource, test::kReplayTuesday, 1440)).result().ok);
        const TimeRange day{test::kReplayTuesday, test::kReplayTuesday + 86400};

        CostQueryRequest req;
        req.range = day;
        req.kindBySource.insert(kSource, QStringLiteral("azure-openai"));
        req.inventory = inventory;
        const CostQueryResult cost = CostQuery::run(&store, m_engine, req);
        QVERIFY2(cost.error.isEmpty(), qPrintable(cost.error));
        QVERIFY(cost.report.total.micros > 0);

        TrafficWindow w;
        QString error;
        Connection c;
        c.id = kSource;
        c.kind = QStringLiteral("azure-openai");
        QVERIFY2(TrafficWindow::load(store, day, QVector<Connection>{c}, &w, &error),
                 qPrintable(error));
        ReplayOptions opt;
        opt.pricing = ReplayPricing::fromCatalog(m_engine);
        const ReplaySummary actual = ReplayEngine::actual(w, opt.pricing);
        const ReplaySummary replayed = ReplayEngine::replay(w, opt);
        const qint64 tolerance = w.deployments.size(); // a micro-dollar of rounding per item
        QVERIFY2(std::abs(actual.total.cost.micros - cost.report.total.micros) <= tolerance,
                 qPrintable(QStringLiteral("%1 vs %2")
                                .arg(actual.total.cost.micros)
                                .arg(cost.report.total.micros)));
        QVERIFY(std::abs(replayed.total.cost.micros - cost.report.total.micros) <= tolerance);
    }
};

QTEST_MAIN(tst_ReplayPricing)
#include "tst_replaypricing.moc"
