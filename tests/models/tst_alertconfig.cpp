#include "replaytestdata.h"
#include "testsupport.h"

#include "alerts/alertconfig.h"
#include "alerts/alerttemplates.h"
#include "emulator/trafficmodel.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

Workspace fixtureWorkspace()
{
    QString error;
    const auto ws = Workspace::fromJson(
        test::readFixture(QStringLiteral("alerts/workspace-alerts.json")), &error);
    if (!ws)
        qWarning("%s", qPrintable(error));
    return ws.value_or(Workspace());
}

Deployments inventory()
{
    return test::fleetInventory(emu::TrafficModel(42), QStringLiteral("prod-aoai"));
}

QStringList ids(const QVector<AlertRule>& rules)
{
    QStringList out;
    for (const auto& r : rules)
        out << r.id;
    return out;
}

} // namespace

class tst_AlertConfig : public QObject
{
    Q_OBJECT
private slots:
    void everyErrorIsListedWithItsField();
    void validRulesAreKept();
    void effectiveRules_data();
    void effectiveRules();
    void roundTripsThroughTheWorkspace();
    void sectionMustBeAnObject_data();
    void sectionMustBeAnObject();
};

void tst_AlertConfig::everyErrorIsListedWithItsField()
{
    const AlertConfig config = AlertConfig::fromJson(fixtureWorkspace().alerts);
    QStringList templates;
    for (const AlertTemplate& t : builtinAlertTemplates())
        templates << t.rule.id;
    const QStringList expected{
        "alerts.colour: unknown field (alerts takes builtins, rules)",
        "alerts.rules[2].for: \"5x\" is not a duration (use 30s, 5m, 1h)",
        "alerts.rules[3].template: \"nope\" is not a built-in template (" +
            templates.join(QStringLiteral(", ")) + ")",
        "alerts.rules[5].id: \"kv-strict\" is already used by alerts.rules[4]",
        "alerts.rules[6]: is not a rule object",
        "alerts.rules[8].share: \"yes\" is not an object, e.g. {\"labels\": []} or {\"metric\": "
        "\"QuotaLimit\"}",
    };
    QCOMPARE(config.errors, expected);
}

void tst_AlertConfig::validRulesAreKept()
{
    const AlertConfig config = AlertConfig::fromJson(fixtureWorkspace().alerts);
    QCOMPARE(ids(config.rules),
             (QStringList{"ptu-utilization", "retirement", "kv-strict", "queue-any"}));
    const AlertRule& ptu = config.rules[0];
    QCOMPARE(ptu.threshold, 85.0);
    QCOMPARE(ptu.templateId, QStringLiteral("ptu-utilization"));
    QCOMPARE(ptu.forSeconds,
             builtinAlertTemplate(QStringLiteral("ptu-utilization"))->rule.forSeconds);
    QVERIFY(!config.rules[1].enabled);
    QCOMPARE(config.rules[2].metric, QStringLiteral("KvCacheUsagePercent"));
    QCOMPARE(config.rules[2].severity, AlertSeverity::Critical);
    QCOMPARE(config.rules[3].rateLimitCount, 2);
    QVERIFY(config.rules[3].by.isEmpty());
}

void tst_AlertConfig::effectiveRules_data()
{
    QTest::addColumn<bool>("builtins");
    QTest::addColumn<QStringList>("expected");
    QTest::newRow("built-ins, overridden in place")
        << true
        << QStringList{"ptu-utilization", "http-429-share", "spillover-share", "ttft-average",
                       "ttft-p95",        "ttlt-average",   "ttlt-p95",        "source-stale",
                       "quota-usage",     "retirement",     "local-queue",     "local-kv-cache",
                       "kv-strict",       "queue-any"};
    QTest::newRow("no built-ins: the rules written")
        << false << QStringList{"ptu-utilization", "retirement", "kv-strict", "queue-any"};
}

void tst_AlertConfig::effectiveRules()
{
    QFETCH(bool, builtins);
    QFETCH(QStringList, expected);
    AlertConfig config = AlertConfig::fromJson(fixtureWorkspace().alerts);
    config.builtins = builtins;
    const auto rules = config.effectiveRules(fixtureWorkspace(), inventory());
    QCOMPARE(ids(rules), expected);
    for (const AlertRule& r : rules) {
        if (r.id == QLatin1String("ptu-utilization")) {
            QCOMPARE(r.threshold, 85.0); // the user's
            QCOMPARE(r.deployments,
                     QStringList{QStringLiteral("gpt-4o-ptu")}); // the built-in's scope
            QCOMPARE(r.connections, QStringList{QStringLiteral("prod-aoai")});
        }
        if (r.id == QLatin1String("retirement"))
            QVERIFY(!r.enabled);
        if (r.id == QLatin1String("kv-strict"))
            QCOMPARE(r.connections, QStringList{QStringLiteral("gpu-box")});
        if (r.id == QLatin1String("queue-any"))
            QVERIFY(r.connections.isEmpty());
    }
}

void tst_AlertConfig::roundTripsThroughTheWorkspace()
{
    Workspace ws = fixtureWorkspace();
    AlertConfig config = AlertConfig::fromJson(ws.alerts);
    ws.alerts = config.toJson(); // what an editor saves: the valid rules
    QString error;
    const auto again = Workspace::fromJson(ws.toJson(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->alerts, ws.alerts);
    const AlertConfig reread = AlertConfig::fromJson(again->alerts);
    QVERIFY(reread.errors.isEmpty());
    QCOMPARE(reread.rules.size(), config.rules.size());
    for (qsizetype i = 0; i < config.rules.size(); ++i)
        QVERIFY2(reread.rules[i] == config.rules[i], qPrintable(config.rules[i].id));
    // No section at all: the defaults, nothing written back.
    Workspace none = ws;
    none.alerts = {};
    QVERIFY(!Workspace::fromJson(none.toJson(), &error)->toJson().contains("\"alerts\""));
    QVERIFY(AlertConfig::fromJson({}).builtins);
}

void tst_AlertConfig::sectionMustBeAnObject_data()
{
    QTest::addColumn<QByteArray>("section");
    QTest::addColumn<QString>("error");
    QTest::newRow("a list")
        << QByteArray("[]")
        << "alerts: expected an object such as {\"rules\": []} (docs/alerts-format.md)";
    QTest::newRow("rules not a list")
        << QByteArray("{\"rules\": {}}") << "alerts.rules: is not a list of rules";
    QTest::newRow("builtins not a bool")
        << QByteArray("{\"builtins\": \"no\"}") << "alerts.builtins: is not true or false";
}

void tst_AlertConfig::sectionMustBeAnObject()
{
    QFETCH(QByteArray, section);
    QFETCH(QString, error);
    const QByteArray json = "{\"name\": \"w\", \"connections\": [], \"alerts\": " + section + "}";
    QString got;
    const auto ws = Workspace::fromJson(json, &got);
    if (ws)
        got = AlertConfig::fromJson(ws->alerts).errors.join(QLatin1Char('\n'));
    QCOMPARE(got, error);
}

QTEST_GUILESS_MAIN(tst_AlertConfig)
#include "tst_alertconfig.moc"
