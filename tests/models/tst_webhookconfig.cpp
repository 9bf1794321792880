#include "alerts/delivery/webhookconfig.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_WebhookConfig : public QObject
{
    Q_OBJECT
private slots:
    void parse()
    {
        const QByteArray json =
            "{\"webhooks\": ["
            " {\"id\": \"ops-slack\", \"format\": \"slack\", \"url\": {\"env\": "
            "\"OPS_SLACK_WEBHOOK\"}},"
            " {\"id\": \"teams\", \"format\": \"teams\", \"url\": {\"keychain\": \"alerts/teams\"},"
            "  \"minSeverity\": \"critical\"},"
            " {\"id\": \"pager\", \"format\": \"generic\", \"url\": {\"env\": \"PAGER_URL\"}}]}";
        QString error;
        const auto hooks =
            WebhookConfig::fromAlertsJson(QJsonDocument::fromJson(json).object(), &error);
        QVERIFY2(hooks, qPrintable(error));
        QCOMPARE(hooks->size(), 3);
        QCOMPARE(hooks->at(0).id, QStringLiteral("ops-slack"));
        QCOMPARE(hooks->at(0).format, WebhookConfig::Format::Slack);
        QCOMPARE(hooks->at(0).url.kind, SecretRef::Kind::Env);
        QCOMPARE(hooks->at(0).url.name, QStringLiteral("OPS_SLACK_WEBHOOK"));
        QCOMPARE(hooks->at(0).minSeverity, AlertNotice::Severity::Info);
        QCOMPARE(hooks->at(1).format, WebhookConfig::Format::Teams);
        QCOMPARE(hooks->at(1).url.kind, SecretRef::Kind::Keychain);
        QCOMPARE(hooks->at(1).minSeverity, AlertNotice::Severity::Critical);
        QCOMPARE(hooks->at(2).format, WebhookConfig::Format::Generic);

        // toJson() reads back to the same configuration.
        QJsonArray again;
        for (const WebhookConfig& h : *hooks)
            again.append(h.toJson());
        const auto roundTrip = WebhookConfig::listFromJson(again, &error);
        QVERIFY2(roundTrip, qPrintable(error));
        QCOMPARE(*roundTrip, *hooks);
    }

    void absentMeansNone()
    {
        QString error;
        const auto hooks = WebhookConfig::fromAlertsJson(QJsonObject{}, &error);
        QVERIFY(hooks);
        QVERIFY(hooks->isEmpty());
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("webhooks");
        QTest::addColumn<QString>("error");
        QTest::newRow("not an array")
            << QByteArray("{\"a\": 1}") << QStringLiteral("alerts.webhooks: expected an array");
        QTest::newRow("not an object")
            << QByteArray("[3]") << QStringLiteral("alerts.webhooks[0]: expected an object");
        QTest::newRow("missing id")
            << QByteArray("[{\"format\": \"slack\", \"url\": {\"env\": \"X\"}}]")
            << QStringLiteral("alerts.webhooks[0].id: missing");
        QTest::newRow("duplicate id")
            << QByteArray("[{\"id\": \"a\", \"format\": \"slack\", \"url\": {\"env\": \"X\"}},"
                          " {\"id\": \"a\", \"format\": \"slack\", \"url\": {\"env\": \"Y\"}}]")
            << QStringLiteral("alerts.webhooks[1].id: \"a\" is used by another webhook");
        QTest::newRow("unknown format")
            << QByteArray("[{\"id\": \"a\", \"format\": \"discord\", \"url\": {\"env\": \"X\"}}]")
            << QStringLiteral("alerts.webhooks[0].format: unknown format \"discord\" (supported: "
                              "generic, slack, teams)");
        QTest::newRow("missing format")
            << QByteArray("[{\"id\": \"a\", \"url\": {\"env\": \"X\"}}]")
            << QStringLiteral("alerts.webhooks[0].format: missing");
        QTest::newRow("URL in the file")
            << QByteArray("[{\"id\": \"a\", \"format\": \"slack\", "
                          "\"url\": \"https://hooks.slack.com/services/T0/B0/SECRET\"}]")
            << QStringLiteral("alerts.webhooks[0].url: a webhook URL is a secret");
        QTest::newRow("URL as the variable name")
            << QByteArray("[{\"id\": \"a\", \"format\": \"slack\", "
                          "\"url\": {\"env\": \"https://hooks.slack.com/services/T0/B0/SECRET\"}}]")
            << QStringLiteral("alerts.webhooks[0].url: that looks like the URL itself");
        QTest::newRow("missing url") << QByteArray("[{\"id\": \"a\", \"format\": \"slack\"}]")
                                     << QStringLiteral("alerts.webhooks[0].url: missing");
        QTest::newRow("both env and keychain")
            << QByteArray("[{\"id\": \"a\", \"format\": \"slack\", "
                          "\"url\": {\"env\": \"X\", \"keychain\": \"Y\"}}]")
            << QStringLiteral("alerts.webhooks[0].url: expected exactly one of");
        QTest::newRow("empty env")
            << QByteArray("[{\"id\": \"a\", \"format\": \"slack\", \"url\": {\"env\": \"\"}}]")
            << QStringLiteral("alerts.webhooks[0].url: the name is empty");
        QTest::newRow("unknown severity")
            << QByteArray("[{\"id\": \"a\", \"format\": \"slack\", \"url\": {\"env\": \"X\"}, "
                          "\"minSeverity\": \"high\"}]")
            << QStringLiteral("alerts.webhooks[0].minSeverity: unknown severity \"high\"");
        QTest::newRow("typo in a field")
            << QByteArray("[{\"id\": \"a\", \"formt\": \"slack\", \"url\": {\"env\": \"X\"}}]")
            << QStringLiteral("alerts.webhooks[0].formt: unknown field");
    }
    void errors()
    {
        QFETCH(QByteArray, webhooks);
        QFETCH(QString, error);
        const QJsonDocument doc = QJsonDocument::fromJson(webhooks);
        const QJsonValue value = doc.isArray() ? QJsonValue(doc.array()) : QJsonValue(doc.object());
        QString message;
        QVERIFY(!WebhookConfig::listFromJson(value, &message));
        QVERIFY2(message.startsWith(error), qPrintable(message));
        QVERIFY2(!message.contains(QLatin1String("SECRET")), qPrintable(message));
    }
};

QTEST_GUILESS_MAIN(tst_WebhookConfig)
#include "tst_webhookconfig.moc"
