#include "cost/costengine.h"
#include "cost/pricecatalog.h"
#include "playground/playgroundtargets.h"
#include "routing/routingpolicy.h"
#include "routing/trafficwindow.h"

#include <QJsonArray>
#include <QtTest/QtTest>

using namespace isc;

namespace {

Workspace demo()
{
    return Workspace::demoWorkspace(QUrl(QStringLiteral("http://127.0.0.1:9")),
                                    QStringLiteral("/subscriptions/x/accounts/y"));
}

Deployments inventory()
{
    Deployment ptu;
    ptu.source = QStringLiteral("demo-azure");
    ptu.name = QStringLiteral("gpt-4o-ptu");
    ptu.model = QStringLiteral("gpt-4o");
    ptu.version = QStringLiteral("2024-11-20");
    ptu.sku = QStringLiteral("ProvisionedManaged");
    Deployment std = ptu;
    std.name = QStringLiteral("gpt-4o-mini-std");
    std.model = QStringLiteral("gpt-4o-mini");
    std.version = QStringLiteral("2024-07-18");
    std.sku = QStringLiteral("GlobalStandard");
    Deployment batch = std;
    batch.name = QStringLiteral("batch");
    batch.sku = QStringLiteral("GlobalBatch");
    return {ptu, std, batch};
}

QJsonObject policy()
{
    return QJsonObject{
        {"name", "short to mini"},
        {"fallback", "gpt-4o-ptu"},
        {"rules", QJsonArray{QJsonObject{
                      {"name", "short prompts"},
                      {"target", "demo-azure/gpt-4o-mini-std"},
                      {"when", QJsonObject{{"promptTokens", QJsonObject{{"max", 100}}}}}}}}};
}

} // namespace

class TestPlaygroundTargets : public QObject
{
    Q_OBJECT

private slots:
    void everyKindOfTheDemo()
    {
        int keyed = 0;
        const auto targets = playgroundTargets(demo(), inventory(), [&keyed](const Connection&) {
            ++keyed;
            return TargetKey{[](QString*) { return QStringLiteral("k"); }, {}};
        });
        QStringList ids;
        for (const PlaygroundTarget& t : targets)
            ids << t.id;
        QCOMPARE(ids, (QStringList{"demo-azure/gpt-4o-ptu", "demo-azure/gpt-4o-mini-std",
                                   "demo-openai/gpt-4o-mini", "demo-openai/gpt-4o",
                                   "demo-anthropic/claude-sonnet-4-20250514",
                                   "demo-anthropic/claude-3-5-haiku-20241022", "demo-vllm",
                                   "demo-llamacpp", "demo-ollama"}));
        QVERIFY(keyed > 0);
        QCOMPARE(targets[0].chat.dialect, ChatDialect::Azure);
        QCOMPARE(targets[0].chat.chatUrl().path(),
                 QStringLiteral("/openai/deployments/gpt-4o-ptu/chat/completions"));
        QCOMPARE(targets[4].chat.chatUrl().path(),
                 QStringLiteral("/providers/anthropic/v1/messages"));
        QCOMPARE(targets[6].chat.chatUrl().path(),
                 QStringLiteral("/local/vllm/v1/chat/completions"));
        QCOMPARE(targets[8].chat.chatUrl().path(),
                 QStringLiteral("/local/ollama/v1/chat/completions"));
        QVERIFY(!targets[6].chat.apiKey); // local servers: no key sent
        QCOMPARE(targets[6].provider, QStringLiteral("local"));
        QCOMPARE(targets[0].keyVariable, QStringLiteral("AZURE_OPENAI_API_KEY"));
    }

    void pricesFromTheCatalog()
    {
        const CostEngine engine(PriceCatalog::builtin());
        RunUsage u;
        u.input = 1000000;
        u.output = 0;
        ChatTarget azure;
        azure.deployment = QStringLiteral("gpt-4o-mini-std");
        const auto azurePrice =
            makePriceLookup(engine, inventory(), QStringLiteral("azure-openai"));
        const std::optional<Money> m = azurePrice(azure, QStringLiteral("whatever"), u);
        QVERIFY(m);
        QVERIFY(m->micros > 0);
        ChatTarget unknown;
        unknown.deployment = QStringLiteral("not-in-inventory");
        QVERIFY(!azurePrice(unknown, QStringLiteral("gpt-4o"), u)); // no SKU, no price
        const auto local = makePriceLookup(engine, {}, QStringLiteral("local"));
        QVERIFY(!local(ChatTarget{}, QStringLiteral("llama"), u)); // "no price", never $0
        const auto openai = makePriceLookup(engine, {}, QStringLiteral("openai"));
        QVERIFY(openai(ChatTarget{}, QStringLiteral("gpt-4o-mini"), u));
        QVERIFY(!openai(ChatTarget{}, QStringLiteral("no-such-model"), u));
    }

    void autoRoutes_data()
    {
        QTest::addColumn<QString>("prompt");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("rule");
        QTest::newRow("short") << "hi"
                               << "demo-azure/gpt-4o-mini-std"
                               << "short prompts";
        QTest::newRow("long") << QString(2000, QLatin1Char('x')) << "demo-azure/gpt-4o-ptu"
                              << "";
    }
    void autoRoutes()
    {
        QFETCH(QString, prompt);
        QFETCH(QString, target);
        QFETCH(QString, rule);
        const auto targets = playgroundTargets(demo(), inventory(), {});
        const AutoChoice c =
            chooseAutoTarget(policy(), ChatRequest::fromPrompt({}, prompt), {}, targets, 600);
        QVERIFY2(c.ok, qPrintable(c.reason));
        QCOMPARE(c.targetId, target);
        QCOMPARE(c.ruleName, rule);
        QVERIFY(!c.reason.isEmpty());
    }

    // The shipped demo policy in the Playground: the requested model, the tags of the deployment
    // it names and the live PTU utilization all take part, as they do in a replay.
    void demoPolicy_data()
    {
        QTest::addColumn<QString>("requested");
        QTest::addColumn<int>("promptChars");
        QTest::addColumn<double>("ptuUtilization");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("target");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("rule");
        const QString local = QStringLiteral("Small mini prompts run locally");
        const QString spill = QStringLiteral("PTU busy: spill over early");
        const QString ptu = QStringLiteral("gpt-4o on reserved capacity");
        const QString llama = QStringLiteral("meta-llama/Llama-3.1-8B-Instruct");
        QTest::newRow("mini, short: local")
            << "gpt-4o-mini" << 200 << 50.0 << true << "demo-vllm" << llama << local;
        QTest::newRow("mini, long: where it was sent")
            << "gpt-4o-mini" << 8000 << 50.0 << true << "demo-azure/gpt-4o-mini"
            << ""
            << "";
        QTest::newRow("gpt-4o, PTU calm")
            << "gpt-4o" << 200 << 60.0 << true << "demo-azure/gpt-4o-ptu"
            << "" << ptu;
        QTest::newRow("gpt-4o, PTU busy")
            << "gpt-4o" << 200 << 97.0 << true << "demo-azure/gpt-4o-std"
            << "" << spill;
        QTest::newRow("by deployment name")
            << "gpt-4o-ptu" << 200 << 99.0 << true << "demo-azure/gpt-4o-std"
            << "" << spill;
        QTest::newRow("nothing asked") << "" << 200 << 50.0 << false << ""
                                       << ""
                                       << "";
        QTest::newRow("unknown name") << "no-such-model" << 200 << 50.0 << false << ""
                                      << ""
                                      << "";
    }
    void demoPolicy()
    {
        QFETCH(QString, requested);
        QFETCH(int, promptChars);
        QFETCH(double, ptuUtilization);
        QFETCH(bool, ok);
        QFETCH(QString, target);
        QFETCH(QString, model);
        QFETCH(QString, rule);
        Deployments deps = inventory();
        deps[1].name = QStringLiteral("gpt-4o-mini"); // the demo fleet's names
        Deployment std = deps[0];
        std.name = QStringLiteral("gpt-4o-std");
        std.sku = QStringLiteral("Standard");
        deps.append(std);
        const auto targets = playgroundTargets(demo(), deps, {});
        AutoInputs inputs;
        inputs.requested = requested;
        inputs.utilizationPct.insert(QStringLiteral("gpt-4o-ptu"), ptuUtilization);
        const AutoChoice c =
            chooseAutoTarget(RoutingPolicy::demoDefault().toJsonObject(),
                             ChatRequest::fromPrompt({}, QString(promptChars, QLatin1Char('x'))),
                             inputs, targets, 600);
        QVERIFY2(c.ok == ok, qPrintable(c.reason));
        QVERIFY(!c.reason.isEmpty());
        if (!ok) {
            QVERIFY(c.reason.contains(QLatin1String("model field")) ||
                    c.reason.contains(requested));
            return;
        }
        QCOMPARE(c.targetId, target);
        QCOMPARE(c.model, model);
        QCOMPARE(c.ruleName, rule);
    }

    void liveInputsFromAWindow()
    {
        TrafficWindow w;
        w.range = TimeRange{6000, 6000 + 3 * 60};
        DeploymentTraffic& d =
            w.addDeployment(QStringLiteral("demo-azure"), QStringLiteral("gpt-4o-ptu"));
        d.utilizationPct = {90, 104, -1}; // the newest minute has not arrived yet
        d.requests = {100, 100, 0};
        d.requests429 = {0, 30, 0};
        d.requests5xx = {0, 10, 0};
        const AutoInputs live = liveRouterInputs(w);
        QCOMPARE(live.utilizationPct.value(QStringLiteral("gpt-4o-ptu")), 104.0);
        QCOMPARE(live.utilizationPct.value(QStringLiteral("demo-azure/gpt-4o-ptu")), 104.0);
        QCOMPARE(live.errorRatePct.value(QStringLiteral("gpt-4o-ptu")), 20.0);
        QCOMPARE(live.liveAsOf, qint64(6060));
    }

    void autoUnavailableWithoutPolicy()
    {
        QVERIFY(autoUnavailableReason({}).contains(QLatin1String("has none")));
        QVERIFY(autoUnavailableReason(policy()).isEmpty());
        const AutoChoice c =
            chooseAutoTarget({}, ChatRequest::fromPrompt({}, QStringLiteral("x")), {}, {}, 0);
        QVERIFY(!c.ok);
        QVERIFY(!c.reason.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundTargets)
#include "tst_playgroundtargets.moc"
