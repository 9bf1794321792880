#include "cost/costengine.h"
#include "cost/pricecatalog.h"
#include "playground/playgroundtargets.h"

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
            return std::function<QString(QString*)>([](QString*) { return QStringLiteral("k"); });
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
            chooseAutoTarget(policy(), ChatRequest::fromPrompt({}, prompt), targets, 600);
        QVERIFY2(c.ok, qPrintable(c.reason));
        QCOMPARE(c.targetId, target);
        QCOMPARE(c.ruleName, rule);
        QVERIFY(!c.reason.isEmpty());
    }

    void autoUnavailableWithoutPolicy()
    {
        QVERIFY(autoUnavailableReason({}).contains(QLatin1String("has none")));
        QVERIFY(autoUnavailableReason(policy()).isEmpty());
        const AutoChoice c =
            chooseAutoTarget({}, ChatRequest::fromPrompt({}, QStringLiteral("x")), {}, 0);
        QVERIFY(!c.ok);
        QVERIFY(!c.reason.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestPlaygroundTargets)
#include "tst_playgroundtargets.moc"
