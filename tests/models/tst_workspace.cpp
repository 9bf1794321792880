#include "core/workspace.h"

#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {
QByteArray connectionJson(const QByteArray& extra)
{
    return "{\"name\":\"Prod\",\"connections\":[{\"id\":\"east\",\"kind\":\"azure-openai\",\n"
           "        \"managementEndpoint\":\"https://management.azure.com\",\n"
           "        "
           "\"resourceId\":\"/subscriptions/s/resourceGroups/rg/providers/"
           "Microsoft.CognitiveServices/accounts/a\"" +
           extra + "}]}";
}
} // namespace

class tst_Workspace : public QObject
{
    Q_OBJECT
private slots:
    void parsesAConnection()
    {
        QString error;
        const auto ws = Workspace::fromJson(
            connectionJson(",\"credential\":{\"env\":\"AZURE_TOKEN\"},\"pollIntervalSeconds\":120"),
            &error);
        QVERIFY2(ws, qPrintable(error));
        QCOMPARE(ws->name, QStringLiteral("Prod"));
        QCOMPARE(ws->connections.size(), 1);
        const Connection& c = ws->connections.first();
        QCOMPARE(c.id, QStringLiteral("east"));
        QCOMPARE(c.credential.kind, SecretRef::Kind::Env);
        QCOMPARE(c.credential.name, QStringLiteral("AZURE_TOKEN"));
        QCOMPARE(c.pollIntervalSeconds, 120);
        QCOMPARE(c.backfillDays, 30);
        QCOMPARE(ws->rawRetentionDays, 35);
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("not json") << QByteArray("{") << "not valid JSON";
        QTest::newRow("array") << QByteArray("[]") << "JSON object";
        QTest::newRow("secret in connection")
            << connectionJson(",\"apiKey\":\"abc\"") << "secrets never";
        QTest::newRow("secret in credential")
            << connectionJson(",\"credential\":{\"token\":\"abc\"}") << "secrets never";
        QTest::newRow("unknown kind")
            << QByteArray("{\"connections\":[{\"id\":\"x\",\"kind\":\"gcp\",\"resourceId\":\"/"
                          "subscriptions/s\"}]}")
            << "unknown kind";
        QTest::newRow("no id") << QByteArray("{\"connections\":[{\"kind\":\"azure-openai\","
                                             "\"resourceId\":\"/subscriptions/s\"}]}")
                               << "\"id\" is required";
        QTest::newRow("bad resource id")
            << QByteArray("{\"connections\":[{\"id\":\"x\",\"kind\":\"azure-openai\","
                          "\"resourceId\":\"acct\"}]}")
            << "resourceId";
        QTest::newRow("fast poll")
            << connectionJson(",\"pollIntervalSeconds\":1") << "pollIntervalSeconds";
        QTest::newRow("bad retention")
            << QByteArray("{\"retention\":{\"rawDays\":0}}") << "retention";
        QTest::newRow("route classes not a map")
            << connectionJson(",\"deploymentRouteClasses\":[\"local\"]")
            << "deploymentRouteClasses";
        QTest::newRow("route class not a name")
            << connectionJson(",\"deploymentRouteClasses\":{\"phi\":3}") << "\"phi\"";
    }
    void rejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!Workspace::fromJson(json, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
    }

    void roundTripsThroughAFile()
    {
        QTemporaryDir dir;
        Workspace ws = Workspace::demoWorkspace(QUrl("http://127.0.0.1:1234"),
                                                "/subscriptions/x/resourceGroups/y/providers/"
                                                "Microsoft.CognitiveServices/accounts/z");
        ws.connections[0].credential = {SecretRef::Kind::Env, "MY_TOKEN"};
        ws.connections[0].deploymentRouteClasses.insert("gpt-4o-mini", "local");
        QString error;
        const QString path = dir.filePath("ws.json");
        QVERIFY2(ws.save(path, &error), qPrintable(error));
        const auto back = Workspace::load(path, &error);
        QVERIFY2(back, qPrintable(error));
        QCOMPARE(back->connections, ws.connections);
        QVERIFY(back->demo);
    }

    void missingFileSaysWhich()
    {
        QString error;
        QVERIFY(!Workspace::load("/nonexistent/ws.json", &error));
        QVERIFY(error.contains("/nonexistent/ws.json"));
    }
};

QTEST_GUILESS_MAIN(tst_Workspace)
#include "tst_workspace.moc"
