#include "playground/runresult.h"

#include <QJsonDocument>
#include <QtTest/QtTest>

using namespace isc;

class tst_RunResult : public QObject
{
    Q_OBJECT
private slots:
    void providerHeadersAreAnAllowlist_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<bool>("kept");
        QTest::newRow("remaining requests") << QByteArray("x-ratelimit-remaining-requests") << true;
        QTest::newRow("remaining tokens") << QByteArray("X-RateLimit-Remaining-Tokens") << true;
        QTest::newRow("remaining, any suffix")
            << QByteArray("x-ratelimit-remaining-tokens-usage-based") << true;
        QTest::newRow("anthropic remaining")
            << QByteArray("anthropic-ratelimit-output-tokens-remaining") << true;
        QTest::newRow("retry-after-ms") << QByteArray("retry-after-ms") << true;
        QTest::newRow("retry-after") << QByteArray("retry-after") << true;
        QTest::newRow("utilization") << QByteArray("azure-openai-deployment-utilization") << true;
        QTest::newRow("region") << QByteArray("x-ms-region") << true;
        QTest::newRow("request id") << QByteArray("x-request-id") << true;
        QTest::newRow("apim request id") << QByteArray("apim-request-id") << true;
        QTest::newRow("limit") << QByteArray("x-ratelimit-limit-requests") << false;
        QTest::newRow("anthropic limit") << QByteArray("anthropic-ratelimit-tokens-limit") << false;
        QTest::newRow("cookie") << QByteArray("set-cookie") << false;
        QTest::newRow("authorization") << QByteArray("authorization") << false;
        QTest::newRow("api-key") << QByteArray("api-key") << false;
        QTest::newRow("x-api-key") << QByteArray("x-api-key") << false;
        QTest::newRow("content-type") << QByteArray("content-type") << false;
    }
    void providerHeadersAreAnAllowlist()
    {
        QFETCH(QByteArray, name);
        QFETCH(bool, kept);
        const QList<HttpHeader> out = providerResponseHeaders({{name, "v-1"}});
        QCOMPARE(out.size(), kept ? 1 : 0);
        if (kept) {
            QCOMPARE(out[0].first, name.toLower());
            QCOMPARE(out[0].second, QByteArray("v-1"));
        }
    }

    void providerHeaderValuesAreCapped()
    {
        const QList<HttpHeader> out =
            providerResponseHeaders({{"x-ms-region", QByteArray(5000, 'a')},
                                     {"x-ms-region", "second"},
                                     {"x-ratelimit-remaining-requests", "  12 "}});
        QCOMPARE(out.size(), 2); // the first of a repeated header
        QCOMPARE(out[0].second.size(), 200);
        QCOMPARE(out[1].second, QByteArray("12"));
    }

    void headersAsJsonAndText()
    {
        const QList<HttpHeader> h = {{"x-ms-region", "Sweden Central"},
                                     {"azure-openai-deployment-utilization", "87.5%"}};
        const QJsonObject o = headersToJson(h);
        QCOMPARE(o.value("x-ms-region").toString(), QStringLiteral("Sweden Central"));
        QCOMPARE(o.size(), 2);
        QCOMPARE(headersToText(h), QStringLiteral("x-ms-region: Sweden Central\n"
                                                  "azure-openai-deployment-utilization: 87.5%"));
        QVERIFY(headersToText({}).isEmpty());
    }

    void jsonCarriesReasoningAttemptsAndFaults()
    {
        RunResult r;
        r.metrics.usage.input = 31;
        r.metrics.usage.output = 198;
        r.metrics.usage.reasoning = 192;
        r.metrics.attempts = 2;
        r.metrics.malformedEvents = 3;
        const QJsonObject o = r.toJson();
        QCOMPARE(o.value("tokens_reasoning").toInt(), 192);
        QCOMPARE(o.value("attempts").toInt(), 2);
        QCOMPARE(o.value("malformed_events").toInt(), 3);

        // Unknown output: reasoning is unknown too, never a made-up 0.
        RunResult unknown;
        QVERIFY(unknown.toJson().value("tokens_reasoning").isNull());
    }
};

QTEST_GUILESS_MAIN(tst_RunResult)
#include "tst_runresult.moc"
