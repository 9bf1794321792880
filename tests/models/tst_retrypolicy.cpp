#include "net/httptypes.h"
#include "net/retrypolicy.h"

#include <QtTest/QtTest>

using namespace isc;

// The pure retry rules (timing is tested end to end in tst_httpclient and tst_httpclient_faults).
class tst_RetryPolicy : public QObject
{
    Q_OBJECT
private slots:
    void statuses_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<bool>("retryable");
        QTest::addColumn<bool>("never");
        QTest::newRow("400") << 400 << false << true;
        QTest::newRow("401") << 401 << false << true;
        QTest::newRow("403") << 403 << false << true;
        QTest::newRow("404") << 404 << false << true;
        QTest::newRow("408") << 408 << true << false;
        QTest::newRow("409") << 409 << true << false;
        QTest::newRow("422") << 422 << false << true;
        QTest::newRow("429") << 429 << true << false;
        QTest::newRow("500") << 500 << true << false;
        QTest::newRow("529") << 529 << true << false;
        QTest::newRow("418") << 418 << false << false;
    }
    void statuses()
    {
        QFETCH(int, status);
        QFETCH(bool, retryable);
        QFETCH(bool, never);
        QCOMPARE(retry::isRetryableStatus(status), retryable);
        QCOMPARE(retry::isNeverRetriedStatus(status), never);
    }

    void spendLimit_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("reached");
        QTest::newRow("anthropic")
            << 429
            << QByteArray(
                   "{\"type\":\"error\",\"error\":{\"type\":\"enforced_spend_limit_reached\","
                   "\"message\":\"x\"}}")
            << true;
        QTest::newRow("words") << 429
                               << QByteArray(
                                      "{\"error\":{\"type\":\"rate_limit_error\",\"message\":"
                                      "\"This request would exceed your account's monthly "
                                      "spend limit.\"}}")
                               << true;
        QTest::newRow("plain rate limit")
            << 429 << QByteArray("{\"error\":{\"type\":\"rate_limit_error\"}}") << false;
        QTest::newRow("not a 429") << 400 << QByteArray("enforced_spend_limit_reached") << false;
    }
    void spendLimit()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, reached);
        QCOMPARE(retry::isSpendLimitReached(status, body), reached);
    }

    void shouldRetry_data()
    {
        QTest::addColumn<QByteArray>("value");
        QTest::addColumn<int>("expected"); // -1 absent, 0 false, 1 true
        QTest::newRow("absent") << QByteArray() << -1;
        QTest::newRow("true") << QByteArray("true") << 1;
        QTest::newRow("TRUE") << QByteArray(" TRUE ") << 1;
        QTest::newRow("false") << QByteArray("false") << 0;
        QTest::newRow("junk") << QByteArray("maybe") << -1;
    }
    void shouldRetry()
    {
        QFETCH(QByteArray, value);
        QFETCH(int, expected);
        QList<HttpHeader> headers;
        if (!value.isNull())
            headers.append(HttpHeader("X-Should-Retry", value));
        const auto got = retry::shouldRetryHeader(headers);
        QCOMPARE(got ? int(*got) : -1, expected);
    }

    void backoffNeverAboveTheCap()
    {
        for (int n = 0; n < 40; ++n) {
            QVERIFY(retry::backoffMs(n, 0.0) <= 8000);
            QVERIFY(retry::backoffMs(n, 1.0) >= 375);
        }
    }

    void describeGivesWords_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("label");
        QTest::newRow("network") << int(HttpError::Kind::Network) << "network";
        QTest::newRow("timeout") << int(HttpError::Kind::Timeout) << "timeout";
        QTest::newRow("status") << int(HttpError::Kind::HttpStatus) << "HTTP status";
        QTest::newRow("auth") << int(HttpError::Kind::Auth) << "sign-in";
        QTest::newRow("throttled") << int(HttpError::Kind::Throttled) << "rate-limited";
        QTest::newRow("parse") << int(HttpError::Kind::Parse) << "unreadable answer";
        QTest::newRow("size") << int(HttpError::Kind::TooLarge) << "too large";
    }
    void describeGivesWords()
    {
        QFETCH(int, kind);
        QFETCH(QString, label);
        HttpError e;
        e.kind = static_cast<HttpError::Kind>(kind);
        QCOMPARE(kindLabel(e.kind), label);
        QVERIFY(!describe(e).isEmpty()); // words even without a message
        e.message = QStringLiteral("specific words");
        QCOMPARE(describe(e), QStringLiteral("specific words"));
    }

    void credentialHeaders()
    {
        QVERIFY(isCredentialHeader("Authorization"));
        QVERIFY(isCredentialHeader("api-key"));
        QVERIFY(isCredentialHeader("X-API-Key"));
        QVERIFY(!isCredentialHeader("anthropic-version"));
    }
};

QTEST_GUILESS_MAIN(tst_RetryPolicy)
#include "tst_retrypolicy.moc"
