#include "alerts/delivery/deliverylog.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_DeliveryLog : public QObject
{
    Q_OBJECT
private slots:
    void redact_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("shown");
        QTest::newRow("slack") << "https://hooks.slack.com/services/T0/B0/xyz"
                               << QStringLiteral("https://hooks.slack.com/…");
        QTest::newRow("explicit port")
            << "http://127.0.0.1:8123/hook?token=abc" << QStringLiteral("http://127.0.0.1:8123/…");
        QTest::newRow("user info")
            << "https://user:pw@example.com/x" << QStringLiteral("https://example.com/…");
        QTest::newRow("invalid") << "not a url" << QStringLiteral("…");
    }
    void redact()
    {
        QFETCH(QString, url);
        QFETCH(QString, shown);
        QCOMPARE(redactWebhookUrl(QUrl(url)), shown);
    }

    void scrub_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("scrubbed");
        QTest::newRow("whole URL") << "Error transferring https://h.example/s/T0/abc%20d?k=v - bad"
                                   << QStringLiteral("Error transferring … - bad");
        QTest::newRow("path alone")
            << "POST /s/T0/abc%20d failed" << QStringLiteral("POST … failed");
        QTest::newRow("decoded path") << "path /s/T0/abc d" << QStringLiteral("path …");
        QTest::newRow("query alone") << "with k=v" << QStringLiteral("with …");
        QTest::newRow("host stays") << "h.example:443 answered HTTP 500"
                                    << QStringLiteral("h.example:443 answered HTTP 500");
    }
    void scrub()
    {
        QFETCH(QString, text);
        QFETCH(QString, scrubbed);
        QCOMPARE(scrubWebhookUrl(text, QUrl(QStringLiteral("https://h.example/s/T0/abc%20d?k=v"))),
                 scrubbed);
    }

    void boundedAndWorded()
    {
        DeliveryLog log(2);
        DeliveryAttempt a;
        a.webhookId = QStringLiteral("ops");
        a.target = QStringLiteral("https://hooks.slack.com/…");
        a.ruleName = QStringLiteral("PTU saturation");
        a.at = QDateTime(QDate(2024, 5, 1), QTime(14, 5, 3), Qt::UTC);
        a.outcome = DeliveryAttempt::Outcome::Retrying;
        a.retryInMs = 2000;
        a.status = 500;
        a.detail = QStringLiteral("HTTP 500 Internal Server Error");
        for (int i = 1; i <= 3; ++i) {
            a.attempt = i;
            log.append(a);
        }
        QCOMPARE(log.entries().size(), 2);
        QCOMPARE(log.entries().first().attempt, 2);
        QCOMPARE(
            log.entries().first().toText(),
            QStringLiteral("14:05:03 ops (https://hooks.slack.com/…) firing \"PTU saturation\" "
                           "attempt 2: retrying in 2.0 s — HTTP 500 Internal Server Error"));
        QCOMPARE(log.text().count(QLatin1Char('\n')), 1);
    }
};

QTEST_GUILESS_MAIN(tst_DeliveryLog)
#include "tst_deliverylog.moc"
