#include "replaytestdata.h"
#include "testsupport.h"

#include "alerts/alerttemplates.h"
#include "emulator/trafficmodel.h"
#include "sources/azure/azuresource.h"
#include "sources/prometheus/localservermetrics.h"

#include <QtTest/QtTest>

using namespace isc;

Q_DECLARE_METATYPE(isc::Workspace)

namespace {

const QUrl kBase(QStringLiteral("http://127.0.0.1:8080/"));

Workspace demo()
{
    return Workspace::demoWorkspace(kBase,
                                    QStringLiteral("/subscriptions/s/resourceGroups/rg/providers/"
                                                   "Microsoft.CognitiveServices/accounts/a"));
}

Workspace only(const QString& kind)
{
    Workspace ws = demo();
    ws.connections.erase(std::remove_if(ws.connections.begin(), ws.connections.end(),
                                        [&](const Connection& c) { return c.kind != kind; }),
                         ws.connections.end());
    return ws;
}

Deployments fleet()
{
    return test::fleetInventory(emu::TrafficModel(42), QStringLiteral("demo-azure"));
}

QStringList ids(const QVector<AlertRule>& rules)
{
    QStringList out;
    for (const auto& r : rules)
        out << r.id;
    return out;
}

AlertRule ruleOf(const QVector<AlertRule>& rules, const QString& id)
{
    for (const auto& r : rules) {
        if (r.id == id)
            return r;
    }
    return {};
}

// The metric names a vLLM scrape is stored under (normalised), from a captured scrape.
QStringList localStoredNames()
{
    // What the local servers we read (vLLM, TGI, llama.cpp) store between them.
    QStringList out;
    for (const char* fixture : {"prometheus/vllm-current.txt", "prometheus/vllm-v1.txt",
                                "prometheus/tgi.txt", "prometheus/llamacpp-current.txt"}) {
        const auto scrape = prometheus::parseExposition(test::readFixture(QLatin1String(fixture)));
        for (const auto& b : prometheus::discoverFamilies(scrape))
            out << b.metric;
    }
    return out;
}

} // namespace

class tst_AlertTemplates : public QObject
{
    Q_OBJECT
private slots:
    void applicable_data();
    void applicable();
    void scopedToTheInventory();
    void readSeriesThatAreStored();
    void latencyNamesSayWhichStatistic();
};

void tst_AlertTemplates::applicable_data()
{
    QTest::addColumn<Workspace>("workspace");
    QTest::addColumn<Deployments>("inventory");
    QTest::addColumn<QStringList>("expected");
    const QStringList azure{"ptu-utilization", "http-429-share", "spillover-share", "ttft-average",
                            "ttlt-average"};
    QTest::newRow("demo fleet") << demo() << fleet()
                                << QStringList{
                                       "ptu-utilization", "http-429-share", "spillover-share",
                                       "ttft-average",    "ttft-p95",       "ttlt-average",
                                       "ttlt-p95",        "source-stale",   "quota-usage",
                                       "retirement",      "local-queue",    "local-kv-cache"};
    Workspace budgeted = demo();
    budgeted.budget.insert(QStringLiteral("monthlyUsd"), QStringLiteral("25000"));
    QTest::newRow("demo fleet with a budget")
        << budgeted << fleet()
        << QStringList{"ptu-utilization", "http-429-share", "spillover-share", "ttft-average",
                       "ttft-p95",        "ttlt-average",   "ttlt-p95",        "spend-today",
                       "spend-forecast",  "source-stale",   "quota-usage",     "retirement",
                       "local-queue",     "local-kv-cache"};
    Deployments standard = fleet();
    standard.erase(std::remove_if(standard.begin(), standard.end(),
                                  [](const Deployment& d) { return d.isProvisioned(); }),
                   standard.end());
    QTest::newRow("azure without provisioned deployments")
        << only(QStringLiteral("azure-openai")) << standard
        << QStringList{"http-429-share", "ttft-average", "ttlt-average",
                       "source-stale",   "quota-usage",  "retirement"};
    QTest::newRow("azure, inventory not read yet")
        << only(QStringLiteral("azure-openai")) << Deployments()
        << QStringList{"http-429-share", "ttft-average", "ttlt-average",
                       "source-stale",   "quota-usage",  "retirement"};
    QTest::newRow("local servers only")
        << only(QStringLiteral("prometheus")) << Deployments()
        << QStringList{"ttft-p95", "ttlt-p95", "source-stale", "local-queue", "local-kv-cache"};
    QTest::newRow("ollama only") << only(QStringLiteral("ollama")) << Deployments()
                                 << QStringList{"source-stale"};
    QTest::newRow("no connections") << Workspace() << Deployments() << QStringList();
}

void tst_AlertTemplates::applicable()
{
    QFETCH(Workspace, workspace);
    QFETCH(Deployments, inventory);
    QFETCH(QStringList, expected);
    QCOMPARE(ids(applicableBuiltinRules(workspace, inventory)), expected);
}

void tst_AlertTemplates::scopedToTheInventory()
{
    const auto rules = applicableBuiltinRules(demo(), fleet());
    QStringList provisioned, spillTargets;
    for (const Deployment& d : fleet()) {
        if (d.isProvisioned())
            provisioned << d.name;
        if (!d.spilloverTo.isEmpty())
            spillTargets << d.spilloverTo;
    }
    QVERIFY(!provisioned.isEmpty());
    QCOMPARE(ruleOf(rules, QStringLiteral("ptu-utilization")).deployments, provisioned);
    QCOMPARE(ruleOf(rules, QStringLiteral("ptu-utilization")).connections,
             QStringList{QStringLiteral("demo-azure")});
    QCOMPARE(ruleOf(rules, QStringLiteral("spillover-share")).deployments, spillTargets);
    QCOMPARE(ruleOf(rules, QStringLiteral("local-kv-cache")).connections,
             (QStringList{QStringLiteral("demo-vllm"), QStringLiteral("demo-llamacpp")}));
    QStringList polled;
    for (const Connection& c : demo().connections)
        polled << c.id;
    QCOMPARE(ruleOf(rules, QStringLiteral("source-stale")).connections, polled);
    QVERIFY(ruleOf(rules, QStringLiteral("http-429-share")).deployments.isEmpty());
}

void tst_AlertTemplates::readSeriesThatAreStored()
{
    // Azure OpenAI: what the source polls, and the quota it reads with the inventory.
    QStringList azure = azure::AzureSource::metricNames();
    azure << QStringLiteral("QuotaCurrent") << QStringLiteral("QuotaLimit");
    const QStringList local = localStoredNames();
    for (const AlertTemplate& t : builtinAlertTemplates()) {
        if (t.rule.input != AlertInput::None)
            continue;
        const QStringList& stored = t.kinds.contains(QStringLiteral("prometheus")) ? local : azure;
        QVERIFY2(stored.contains(t.rule.metric),
                 qPrintable(t.rule.id + QLatin1String(": ") + t.rule.metric));
        if (t.rule.isShare && !t.rule.denominatorMetric.isEmpty())
            QVERIFY2(stored.contains(t.rule.denominatorMetric), qPrintable(t.rule.id));
    }
}

void tst_AlertTemplates::latencyNamesSayWhichStatistic()
{
    for (const AlertTemplate& t : builtinAlertTemplates()) {
        if (t.rule.aggregation == QLatin1String("p95") && t.rule.input == AlertInput::None)
            QVERIFY2(t.rule.name.contains(QLatin1String("(p95)")), qPrintable(t.rule.name));
        if (t.rule.unit == QLatin1String("ms") && t.rule.aggregation == QLatin1String("average"))
            QVERIFY2(t.rule.name.contains(QLatin1String("(average)")), qPrintable(t.rule.name));
        QCOMPARE(t.rule.templateId, t.rule.id);
        QVERIFY(!t.description.isEmpty());
    }
}

QTEST_GUILESS_MAIN(tst_AlertTemplates)
#include "tst_alerttemplates.moc"
