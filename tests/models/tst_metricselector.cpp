#include "core/metricselector.h"
#include "core/workspace.h"

#include <QJsonDocument>
#include <QtTest/QtTest>

using namespace isc;

namespace {

QByteArray workspaceWith(const QByteArray& kind, const QByteArray& selectors)
{
    return "{\"connections\": [{\"id\": \"gw\", \"kind\": \"" + kind +
           "\", \"endpoint\": \"http://127.0.0.1:4000/metrics\", \"selectors\": " + selectors +
           "}]}";
}

} // namespace

class tst_MetricSelector : public QObject
{
    Q_OBJECT
private slots:
    void parsesAndRoundTrips();
    void errorsNameTheField_data();
    void errorsNameTheField();
    void matchers_data();
    void matchers();
};

void tst_MetricSelector::parsesAndRoundTrips()
{
    const QByteArray json = workspaceWith(
        "prometheus",
        "[{\"name\": \"litellm_requests_total\", \"type\": \"counter\", \"matchers\": "
        "[\"status_code!=\\\"429\\\"\", \"model=~\\\"gpt-.*\\\"\"], \"by\": [\"model\"], "
        "\"alias\": \"GatewayRequests\"},"
        " {\"name\": \"litellm_request_total_latency_metric\", \"type\": \"histogram\", "
        "\"unit\": \"Seconds\"},"
        " {\"name\": \"litellm_remaining_team_budget_metric\", \"type\": \"gauge\", \"by\": []}]");
    QString error;
    const auto ws = Workspace::fromJson(json, &error);
    QVERIFY2(ws, qPrintable(error));
    const QVector<MetricSelector>& s = ws->connections.first().selectors;
    QCOMPARE(s.size(), 3);
    QCOMPARE(s[0].storedName(), QStringLiteral("GatewayRequests"));
    QCOMPARE(s[0].type, MetricSelector::Type::Counter);
    QCOMPARE(s[0].matchers.size(), 2);
    QCOMPARE(s[0].matchers[0].op, LabelMatcher::Op::NotEqual);
    QCOMPARE(s[0].matchers[1].op, LabelMatcher::Op::Regex);
    QCOMPARE(s[0].by, QStringList{QStringLiteral("model")});
    QCOMPARE(s[1].type, MetricSelector::Type::Histogram);
    QCOMPARE(s[1].unit, QStringLiteral("Seconds"));
    QVERIFY(s[2].byGiven && s[2].by.isEmpty());
    // Saved and read back: the same connection.
    const auto again = Workspace::fromJson(ws->toJson(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(again->connections.first(), ws->connections.first());
}

void tst_MetricSelector::errorsNameTheField_data()
{
    QTest::addColumn<QByteArray>("kind");
    QTest::addColumn<QByteArray>("selectors");
    QTest::addColumn<QString>("error");
    QTest::newRow("not a list") << QByteArray("prometheus") << QByteArray("{}")
                                << "connections[0].selectors: expected a list";
    QTest::newRow("not an object") << QByteArray("prometheus") << QByteArray("[\"x\"]")
                                   << "connections[0].selectors[0]: expected an object";
    QTest::newRow("no name") << QByteArray("prometheus") << QByteArray("[{\"type\": \"counter\"}]")
                             << "connections[0].selectors[0].name: \"\" is not a metric name";
    QTest::newRow("bad name") << QByteArray("prometheus")
                              << QByteArray("[{\"name\": \"9lives\", \"type\": \"gauge\"}]")
                              << "selectors[0].name: \"9lives\" is not a metric name";
    QTest::newRow("bad type")
        << QByteArray("prometheus")
        << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\"}, {\"name\": \"b\", \"type\": "
                      "\"summary\"}]")
        << "selectors[1].type: \"summary\" is not one of counter, gauge, histogram";
    QTest::newRow("unknown field")
        << QByteArray("prometheus")
        << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\", \"label\": {}}]")
        << "selectors[0].label: unknown field";
    QTest::newRow("matcher without quotes")
        << QByteArray("prometheus")
        << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\", \"matchers\": [\"code=200\"]}]")
        << "selectors[0].matchers[0]: \"code=200\": the value must be in double quotes";
    QTest::newRow("matcher without operator")
        << QByteArray("prometheus")
        << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\", \"matchers\": [\"code\"]}]")
        << "selectors[0].matchers[0]: \"code\": expected =, !=, =~ or !~";
    QTest::newRow("bad regex")
        << QByteArray("prometheus")
        << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\", \"matchers\": "
                      "[\"code=~\\\"(\\\"\"]}]")
        << "selectors[0].matchers[0]: \"code=~\"(\"\": not a valid regular expression";
    QTest::newRow("bad by") << QByteArray("prometheus")
                            << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\", \"by\": [1]}]")
                            << "selectors[0].by[0]: \"\" is not a label name";
    QTest::newRow("empty alias") << QByteArray("prometheus")
                                 << QByteArray(
                                        "[{\"name\": \"a\", \"type\": \"gauge\", \"alias\": \"\"}]")
                                 << "selectors[0].alias: expected a non-empty string";
    QTest::newRow("same stored name")
        << QByteArray("prometheus")
        << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\"}, {\"name\": \"b\", \"type\": "
                      "\"counter\", \"alias\": \"a\"}]")
        << "selectors[1]: stores under \"a\" like selectors[0]";
    QTest::newRow("other kind") << QByteArray("ollama")
                                << QByteArray("[{\"name\": \"a\", \"type\": \"gauge\"}]")
                                << "connections[0].selectors: only a \"prometheus\" connection";
}

void tst_MetricSelector::errorsNameTheField()
{
    QFETCH(QByteArray, kind);
    QFETCH(QByteArray, selectors);
    QFETCH(QString, error);
    QString got;
    QVERIFY(!Workspace::fromJson(workspaceWith(kind, selectors), &got));
    QVERIFY2(got.contains(error), qPrintable(got));
}

void tst_MetricSelector::matchers_data()
{
    QTest::addColumn<QString>("matcher");
    QTest::addColumn<QString>("value"); // the sample's label value; "<absent>" = no such label
    QTest::addColumn<bool>("matches");
    QTest::newRow("= hit") << "code=\"200\""
                           << "200" << true;
    QTest::newRow("= miss") << "code=\"200\""
                            << "500" << false;
    QTest::newRow("= empty matches absent") << "code=\"\""
                                            << "<absent>" << true;
    QTest::newRow("!= hit") << "code!=\"200\""
                            << "500" << true;
    QTest::newRow("!= miss") << "code!=\"200\""
                             << "200" << false;
    QTest::newRow("=~ anchored hit") << "code=~\"5..\""
                                     << "503" << true;
    QTest::newRow("=~ anchored miss") << "code=~\"5..\""
                                      << "1503" << false;
    QTest::newRow("!~ hit") << "code!~\"5..\""
                            << "200" << true;
    QTest::newRow("!~ miss") << "code!~\"5..\""
                             << "500" << false;
    QTest::newRow("escaped quote") << "path=\"a\\\"b\""
                                   << "a\"b" << true;
}

void tst_MetricSelector::matchers()
{
    QFETCH(QString, matcher);
    QFETCH(QString, value);
    QFETCH(bool, matches);
    QString error;
    const auto m = parseLabelMatcher(matcher, &error);
    QVERIFY2(m, qPrintable(error));
    MetricSelector s;
    s.name = QStringLiteral("x");
    s.matchers = {*m};
    QList<std::pair<QString, QString>> labels{{QStringLiteral("other"), QStringLiteral("1")}};
    if (value != QLatin1String("<absent>"))
        labels.append({QStringLiteral("code"), value});
    if (value != QLatin1String("<absent>"))
        labels.last().first = m->name;
    QCOMPARE(s.matches(labels), matches);
    // The PromQL text reads back to the same matcher.
    const auto again = parseLabelMatcher(m->toString(), &error);
    QVERIFY2(again, qPrintable(error));
    QCOMPARE(*again, *m);
}

QTEST_GUILESS_MAIN(tst_MetricSelector)
#include "tst_metricselector.moc"
