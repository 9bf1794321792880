#include "alerts/alertrule.h"
#include "alerts/alerttemplates.h"

#include <QJsonDocument>
#include <QtTest/QtTest>

using namespace isc;

namespace {

QJsonObject object(const QByteArray& json)
{
    QJsonParseError e;
    const QJsonObject o = QJsonDocument::fromJson(json, &e).object();
    if (e.error != QJsonParseError::NoError)
        qWarning("bad test JSON: %s", qPrintable(e.errorString()));
    return o;
}

const QString kWhere = QStringLiteral("alerts.rules[2]");

} // namespace

class tst_AlertRule : public QObject
{
    Q_OBJECT
private slots:
    void errorsNameTheField_data();
    void errorsNameTheField();
    void parses_data();
    void parses();
    void conditionAndHysteresis_data();
    void conditionAndHysteresis();
    void roundTrips_data();
    void roundTrips();
    void templateBaseKeepsWhatIsNotWritten();
};

void tst_AlertRule::errorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QStringList>("errors");
    const QByteArray ok = "\"id\": \"r\", \"metric\": \"M\", \"threshold\": 1";
    auto with = [&](const char* extra) { return "{" + ok + ", " + QByteArray(extra) + "}"; };
    QTest::newRow("for") << with("\"for\": \"5x\"")
                         << QStringList{
                                "alerts.rules[2].for: \"5x\" is not a duration (use 30s, 5m, 1h)"};
    QTest::newRow("negative for")
        << with("\"for\": \"-5m\"")
        << QStringList{"alerts.rules[2].for: \"-5m\" is not a duration (use 30s, 5m, 1h)"};
    QTest::newRow("for as a number")
        << with("\"for\": 300")
        << QStringList{"alerts.rules[2].for: 300 is not a duration (use 30s, 5m, 1h)"};
    QTest::newRow("window of seconds")
        << with("\"window\": \"90s\"")
        << QStringList{
               "alerts.rules[2].window: \"90s\" is not whole minutes (samples are per minute)"};
    QTest::newRow("window zero")
        << with("\"window\": \"0m\"")
        << QStringList{"alerts.rules[2].window: \"0m\" is not a duration (use 30s, 5m, 1h)"};
    QTest::newRow("threshold missing")
        << QByteArray("{\"id\": \"r\", \"metric\": \"M\"}")
        << QStringList{"alerts.rules[2].threshold: is required (the value to compare with)"};
    QTest::newRow("threshold text")
        << QByteArray("{\"id\": \"r\", \"metric\": \"M\", \"threshold\": \"high\"}")
        << QStringList{"alerts.rules[2].threshold: \"high\" is not a number"};
    QTest::newRow("op") << with("\"op\": \"=>\"")
                        << QStringList{"alerts.rules[2].op: \"=>\" is not one of >, >=, <, <="};
    QTest::newRow("typo")
        << QByteArray("{\"id\": \"r\", \"metric\": \"M\", \"treshold\": 1}")
        << QStringList{"alerts.rules[2].treshold: unknown field (did you mean \"threshold\"?)",
                       "alerts.rules[2].threshold: is required (the value to compare with)"};
    QTest::newRow("unknown field")
        << with("\"colour\": \"red\"") << QStringList{"alerts.rules[2].colour: unknown field"};
    QTest::newRow("neither metric nor input")
        << QByteArray("{\"id\": \"r\", \"threshold\": 1}")
        << QStringList{
               "alerts.rules[2]: name a stored \"metric\" or an \"input\" (spendTodayPercent, "
               "spendForecastPercent, pollsMissed, daysToRetirement)"};
    QTest::newRow("input")
        << QByteArray("{\"id\": \"r\", \"input\": \"budget\", \"threshold\": 1}")
        << QStringList{
               "alerts.rules[2].input: \"budget\" is not one of spendTodayPercent, "
               "spendForecastPercent, pollsMissed, daysToRetirement",
               "alerts.rules[2]: name a stored \"metric\" or an \"input\" (spendTodayPercent, "
               "spendForecastPercent, pollsMissed, daysToRetirement)"};
    QTest::newRow("aggregation")
        << with("\"aggregation\": \"median\"")
        << QStringList{"alerts.rules[2].aggregation: \"median\" is not one of total, average, "
                       "minimum, maximum, count, p50, p95, p99"};
    QTest::newRow("label matcher")
        << with("\"labels\": [\"StatusCode=429\"]")
        << QStringList{"alerts.rules[2].labels[0]: \"StatusCode=429\": the value must be in "
                       "double quotes"};
    QTest::newRow("deployments not a list")
        << with("\"deployments\": \"gpt-4o\"")
        << QStringList{"alerts.rules[2].deployments: \"gpt-4o\" is not a list of names, e.g. "
                       "[\"a\", \"b\"]"};
    QTest::newRow("connection not a name")
        << with("\"connections\": [\"a\", 3]")
        << QStringList{"alerts.rules[2].connections[1]: 3 is not a name"};
    QTest::newRow("share of an input")
        << QByteArray(
               "{\"id\": \"r\", \"input\": \"pollsMissed\", \"threshold\": 3, \"share\": {}}")
        << QStringList{"alerts.rules[2].share: an \"input\" rule cannot be a share"};
    QTest::newRow("share minimum")
        << with("\"share\": {\"minDenominator\": -1}")
        << QStringList{"alerts.rules[2].share.minDenominator: must not be negative"};
    QTest::newRow("share field")
        << with("\"share\": {\"labels\": [], \"of\": \"x\"}")
        << QStringList{"alerts.rules[2].share.of: unknown field (share takes metric, labels, "
                       "minDenominator)"};
    QTest::newRow("clear margin") << with("\"clearMargin\": -1")
                                  << QStringList{
                                         "alerts.rules[2].clearMargin: must not be negative"};
    QTest::newRow("rate limit count")
        << with("\"rateLimit\": {\"count\": 0, \"per\": \"1h\"}")
        << QStringList{"alerts.rules[2].rateLimit.count: 0 is not a whole number of "
                       "notifications, 1 or more"};
    QTest::newRow("rate limit per")
        << with("\"rateLimit\": {\"count\": 2, \"per\": \"soon\"}")
        << QStringList{"alerts.rules[2].rateLimit.per: \"soon\" is not a duration (use 30s, "
                       "5m, 1h)"};
    QTest::newRow("id missing") << QByteArray("{\"metric\": \"M\", \"threshold\": 1}")
                                << QStringList{
                                       "alerts.rules[2].id: is required (a short stable name, e.g. "
                                       "\"gateway-errors\")"};
    QTest::newRow("id with a space")
        << QByteArray("{\"id\": \"my rule\", \"metric\": \"M\", \"threshold\": 1}")
        << QStringList{
               "alerts.rules[2].id: \"my rule\" must be 1-64 letters, digits, '-', '_' or '.'"};
    QTest::newRow("enabled") << with("\"enabled\": \"yes\"")
                             << QStringList{
                                    "alerts.rules[2].enabled: \"yes\" is not true or false"};
    QTest::newRow("severity")
        << with("\"severity\": \"high\"")
        << QStringList{"alerts.rules[2].severity: \"high\" is not one of info, warning, critical"};
    QTest::newRow("every bad field, not only the first")
        << with("\"for\": \"5x\", \"op\": \"=>\", \"reduce\": \"median\"")
        << QStringList{"alerts.rules[2].reduce: \"median\" is not one of avg, min, max, sum, last",
                       "alerts.rules[2].for: \"5x\" is not a duration (use 30s, 5m, 1h)",
                       "alerts.rules[2].op: \"=>\" is not one of >, >=, <, <="};
}

void tst_AlertRule::errorsNameTheField()
{
    QFETCH(QByteArray, json);
    QFETCH(QStringList, errors);
    QStringList got;
    QVERIFY(!AlertRule::parse(object(json), kWhere, &got));
    got.sort();
    errors.sort();
    QCOMPARE(got, errors);
}

void tst_AlertRule::parses_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("field");
    QTest::addColumn<QByteArray>("written"); ///< {field: value} as toJson() writes it back
    const QByteArray base = "{\"id\": \"r\", \"metric\": \"M\", \"threshold\": 80";
    auto with = [&](const char* extra) { return base + ", " + QByteArray(extra) + "}"; };
    QTest::newRow("default clear margin is 5 % of the threshold")
        << base + "}"
        << "clearMargin" << QByteArray("{\"clearMargin\":4}");
    QTest::newRow("clear margin") << with("\"clearMargin\": 0") << "clearMargin"
                                  << QByteArray("{\"clearMargin\":0}");
    QTest::newRow("for none") << with("\"for\": \"0\"") << "for" << QByteArray("{\"for\":\"0m\"}");
    QTest::newRow("for 1h") << with("\"for\": \"60m\"") << "for" << QByteArray("{\"for\":\"1h\"}");
    QTest::newRow("window") << with("\"window\": \"15m\"") << "window"
                            << QByteArray("{\"window\":\"15m\"}");
    QTest::newRow("default window") << base + "}"
                                    << "window" << QByteArray("{\"window\":\"1m\"}");
    QTest::newRow("default op") << base + "}"
                                << "op" << QByteArray("{\"op\":\">=\"}");
    QTest::newRow("default name is the id") << base + "}"
                                            << "name" << QByteArray("{\"name\":\"r\"}");
    QTest::newRow("default by deployment")
        << base + "}"
        << "by" << QByteArray("{\"by\":[\"ModelDeploymentName\"]}");
    QTest::newRow("by nothing") << with("\"by\": []") << "by" << QByteArray("{\"by\":[]}");
    QTest::newRow("rate limit") << with("\"rateLimit\": {\"count\": 3, \"per\": \"3600s\"}")
                                << "rateLimit"
                                << QByteArray("{\"rateLimit\":{\"count\":3,\"per\":\"1h\"}}");
    QTest::newRow("share") << with("\"share\": {\"metric\": \"QuotaLimit\"}") << "share"
                           << QByteArray("{\"share\":{\"metric\":\"QuotaLimit\"}}");
    QTest::newRow("labels") << with("\"labels\": [\"StatusCode =~ \\\"5..\\\"\"]") << "labels"
                            << QByteArray("{\"labels\":[\"StatusCode=~\\\"5..\\\"\"]}");
    QTest::newRow("input") << QByteArray(
                                  "{\"id\": \"s\", \"input\": \"pollsMissed\", \"threshold\": 3}")
                           << "input" << QByteArray("{\"input\":\"pollsMissed\"}");
}

void tst_AlertRule::parses()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, field);
    QFETCH(QByteArray, written);
    QStringList errors;
    const auto rule = AlertRule::parse(object(json), kWhere, &errors);
    QVERIFY2(rule, qPrintable(errors.join(QLatin1Char('\n'))));
    QVERIFY(errors.isEmpty());
    const QJsonObject one{{field, rule->toJson().value(field)}};
    QCOMPARE(QJsonDocument(one).toJson(QJsonDocument::Compact), written);
}

void tst_AlertRule::conditionAndHysteresis_data()
{
    QTest::addColumn<QString>("op");
    QTest::addColumn<double>("value");
    QTest::addColumn<bool>("met");
    QTest::addColumn<bool>("stillFiring");
    // threshold 90, clear margin 5
    QTest::newRow(">= at threshold") << ">=" << 90.0 << true << true;
    QTest::newRow(">= in the margin") << ">=" << 86.0 << false << true;
    QTest::newRow(">= at the clear line") << ">=" << 85.0 << false << true;
    QTest::newRow(">= below the clear line") << ">=" << 84.9 << false << false;
    QTest::newRow("> at threshold") << ">" << 90.0 << false << true;
    QTest::newRow("> at the clear line") << ">" << 85.0 << false << false;
    QTest::newRow("<= at threshold") << "<=" << 90.0 << true << true;
    QTest::newRow("<= in the margin") << "<=" << 94.0 << false << true;
    QTest::newRow("<= beyond") << "<=" << 95.5 << false << false;
    QTest::newRow("< at the clear line") << "<" << 95.0 << false << false;
}

void tst_AlertRule::conditionAndHysteresis()
{
    QFETCH(QString, op);
    QFETCH(double, value);
    QFETCH(bool, met);
    QFETCH(bool, stillFiring);
    QStringList errors;
    const auto rule = AlertRule::parse(
        QJsonObject{
            {"id", "r"}, {"metric", "M"}, {"op", op}, {"threshold", 90}, {"clearMargin", 5}},
        kWhere, &errors);
    QVERIFY(rule);
    QCOMPARE(rule->conditionMet(value), met);
    QCOMPARE(rule->stillFiring(value), stillFiring);
}

void tst_AlertRule::roundTrips_data()
{
    QTest::addColumn<QJsonObject>("json");
    for (const AlertTemplate& t : builtinAlertTemplates())
        QTest::addRow("template %s", qPrintable(t.rule.id)) << t.rule.toJson();
    QTest::newRow("custom, every field") << object(
        "{\"id\": \"gw\", \"name\": \"Gateway 5xx\", \"enabled\": false, \"severity\": "
        "\"critical\", "
        "\"metric\": \"GatewayRequests\", \"aggregation\": \"total\", \"labels\": "
        "[\"code=~\\\"5..\\\"\"], "
        "\"connections\": [\"litellm\"], \"deployments\": [\"a\", \"b\"], \"by\": [\"model\"], "
        "\"share\": {\"labels\": [\"code!=\\\"\\\"\"], \"minDenominator\": 50}, \"reduce\": "
        "\"sum\", "
        "\"window\": \"10m\", \"op\": \">\", \"threshold\": 1.5, \"clearMargin\": 0.25, \"for\": "
        "\"2m\", "
        "\"rateLimit\": {\"count\": 2, \"per\": \"30m\"}, \"unit\": \"%\"}");
}

void tst_AlertRule::roundTrips()
{
    QFETCH(QJsonObject, json);
    QStringList errors;
    const auto first = AlertRule::parse(json, kWhere, &errors);
    QVERIFY2(first, qPrintable(errors.join(QLatin1Char('\n'))));
    const auto second = AlertRule::parse(first->toJson(), kWhere, &errors);
    QVERIFY2(second, qPrintable(errors.join(QLatin1Char('\n'))));
    QVERIFY(*first == *second);
    QCOMPARE(second->toJson(), first->toJson());
}

void tst_AlertRule::templateBaseKeepsWhatIsNotWritten()
{
    const auto tmpl = builtinAlertTemplate(QStringLiteral("ptu-utilization"));
    QVERIFY(tmpl);
    QStringList errors;
    const auto rule = AlertRule::parse(
        QJsonObject{{"template", "ptu-utilization"}, {"threshold", 80}, {"for", "10m"}}, kWhere,
        &errors, &tmpl->rule);
    QVERIFY2(rule, qPrintable(errors.join(QLatin1Char('\n'))));
    QCOMPARE(rule->id, tmpl->rule.id);
    QCOMPARE(rule->metric, tmpl->rule.metric);
    QCOMPARE(rule->threshold, 80.0);
    QCOMPARE(rule->forSeconds, qint64(600));
    QCOMPARE(rule->clearMargin, tmpl->rule.clearMargin); // kept, not re-derived
    QCOMPARE(rule->templateId, QStringLiteral("ptu-utilization"));
}

QTEST_GUILESS_MAIN(tst_AlertRule)
#include "tst_alertrule.moc"
