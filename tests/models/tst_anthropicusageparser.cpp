#include "core/labels.h"
#include "sources/anthropic/anthropicusageparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

double valueOf(const UsagePage& page, const QString& metric, const QString& labels, qint64 ts)
{
    for (const auto& s : page.series) {
        if (s.key.metric != metric || s.key.labels != labels)
            continue;
        for (const auto& p : s.samples) {
            if (p.ts == ts)
                return p.value;
        }
    }
    return -1;
}

constexpr qint64 kNoon = 1788264000; // 2026-09-01T12:00:00Z

} // namespace

class tst_AnthropicUsageParser : public QObject
{
    Q_OBJECT
private slots:
    void centsToMicroUsd_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("valid");
        QTest::addColumn<qint64>("micros");
        QTest::newRow("brief example") << QStringLiteral("123.45") << true << qint64(1234500);
        QTest::newRow("fraction of a cent") << QStringLiteral("0.0123") << true << qint64(123);
        QTest::newRow("trailing zeros")
            << QStringLiteral("123456.7800") << true << qint64(1234567800);
        QTest::newRow("whole") << QStringLiteral("7") << true << qint64(70000);
        QTest::newRow("negative credit") << QStringLiteral("-2.5") << true << qint64(-25000);
        QTest::newRow("half rounds away") << QStringLiteral("0.00005") << true << qint64(1);
        QTest::newRow("below half") << QStringLiteral("0.000049999") << true << qint64(0);
        QTest::newRow("negative half") << QStringLiteral("-0.00005") << true << qint64(-1);
        // 0.1 + 0.2 style: a double would not keep these digits.
        QTest::newRow("beyond double precision")
            << QStringLiteral("922337203685.4775") << true << qint64(9223372036854775);
        QTest::newRow("leading dot") << QStringLiteral(".5") << true << qint64(5000);
        QTest::newRow("empty") << QString() << false << qint64(0);
        QTest::newRow("letters") << QStringLiteral("12a") << false << qint64(0);
        QTest::newRow("exponent") << QStringLiteral("1e3") << false << qint64(0);
        QTest::newRow("dot only") << QStringLiteral(".") << false << qint64(0);
        QTest::newRow("trailing dot") << QStringLiteral("5.") << false << qint64(0);
        QTest::newRow("overflow") << QStringLiteral("99999999999999999999") << false << qint64(0);
        QTest::newRow("arabic digits") << QStringLiteral("\u0661\u0662") << false << qint64(0);
    }
    void centsToMicroUsd()
    {
        QFETCH(QString, text);
        QFETCH(bool, valid);
        QFETCH(qint64, micros);
        const auto got = anthropic::centsToMicroUsd(text);
        QCOMPARE(got.has_value(), valid);
        if (valid)
            QCOMPARE(*got, micros);
    }

    void usageSplitsInput_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<double>("value");
        QTest::newRow("uncached") << QStringLiteral("InputTokensUncached") << 1500.0;
        QTest::newRow("write 5m") << QStringLiteral("CacheWrite5mTokens") << 2500.0;
        QTest::newRow("write 1h") << QStringLiteral("CacheWrite1hTokens") << 1000.0;
        QTest::newRow("read") << QStringLiteral("InputTokensCached") << 20000.0;
        QTest::newRow("output") << QStringLiteral("OutputTokens") << 3000.0;
        QTest::newRow("no requests in the report") << QStringLiteral("Requests") << -1.0;
    }
    void usageSplitsInput()
    {
        QFETCH(QString, metric);
        QFETCH(double, value);
        const UsagePage page = anthropic::parseUsageReport(
            test::readFixture(QStringLiteral("anthropic/usage_page1.json")), QStringLiteral("an"));
        QVERIFY2(page.ok, qPrintable(page.error));
        const QString labels = labels::canonical(
            {{QStringLiteral("ModelDeploymentName"), QStringLiteral("claude-sonnet-4-20250514")},
             {QStringLiteral("workspace"), QStringLiteral("wrkspc_01")},
             {QStringLiteral("service_tier"), QStringLiteral("standard")}});
        QCOMPARE(valueOf(page, metric, labels, kNoon), value);
        QVERIFY(page.hasMore);
        QCOMPARE(page.nextPage, QStringLiteral("page_MjAyNi0wOS0wMVQxMjowMTowMFo="));
    }

    void usageLastPage()
    {
        const UsagePage page = anthropic::parseUsageReport(
            test::readFixture(QStringLiteral("anthropic/usage_page2.json")), QStringLiteral("an"));
        QVERIFY(page.ok);
        QVERIFY(!page.hasMore);
        QCOMPARE(page.buckets, 2);
        const QString labels = labels::canonical(
            {{QStringLiteral("ModelDeploymentName"), QStringLiteral("claude-3-5-haiku-20241022")},
             {QStringLiteral("service_tier"), QStringLiteral("standard")}});
        QCOMPARE(valueOf(page, QStringLiteral("InputTokensCached"), labels, kNoon + 60), 585.0);
        QCOMPARE(page.series.size(), 5);
    }

    void olderFlatCacheCreation()
    {
        const UsagePage page = anthropic::parseUsageReport(
            "{\"data\":[{\"starting_at\":\"2026-09-01T12:00:00Z\",\"results\":[{\"model\":\"m\","
            "\"uncached_input_tokens\":1,\"cache_creation_input_tokens\":40,"
            "\"cache_read_input_tokens\":2,\"output_tokens\":3}]}],\"has_more\":false}",
            QStringLiteral("an"));
        QVERIFY(page.ok);
        const QString labels =
            labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("m")}});
        QCOMPARE(valueOf(page, QStringLiteral("CacheWrite5mTokens"), labels, kNoon), 40.0);
    }

    void costReportExact_data()
    {
        QTest::addColumn<QString>("labels");
        QTest::addColumn<double>("micros");
        const QString sonnet = QStringLiteral("claude-sonnet-4-20250514");
        QTest::newRow("0.0123 cents")
            << labels::canonical(
                   {{QStringLiteral("ModelDeploymentName"), sonnet},
                    {QStringLiteral("cost_type"), QStringLiteral("tokens")},
                    {QStringLiteral("token_type"), QStringLiteral("uncached_input_tokens")},
                    {QStringLiteral("service_tier"), QStringLiteral("standard")},
                    {QStringLiteral("context_window"), QStringLiteral("0-200k")}})
            << 123.0;
        QTest::newRow("123456.7800 cents")
            << labels::canonical({{QStringLiteral("ModelDeploymentName"), sonnet},
                                  {QStringLiteral("cost_type"), QStringLiteral("tokens")},
                                  {QStringLiteral("token_type"), QStringLiteral("output_tokens")},
                                  {QStringLiteral("service_tier"), QStringLiteral("standard")},
                                  {QStringLiteral("context_window"), QStringLiteral("0-200k")},
                                  {QStringLiteral("workspace"), QStringLiteral("wrkspc_01")}})
            << 1234567800.0;
        QTest::newRow("web search, no model")
            << labels::canonical(
                   {{QStringLiteral("ModelDeploymentName"), QStringLiteral("(none)")},
                    {QStringLiteral("cost_type"), QStringLiteral("web_search")},
                    {QStringLiteral("description"), QStringLiteral("Web Search Usage")}})
            << 2500000.0;
    }
    void costReportExact()
    {
        QFETCH(QString, labels);
        QFETCH(double, micros);
        const UsagePage page = anthropic::parseCostReport(
            test::readFixture(QStringLiteral("anthropic/cost_report.json")), QStringLiteral("an"));
        QVERIFY2(page.ok, qPrintable(page.error));
        QCOMPARE(valueOf(page, QStringLiteral("ReportedCost"), labels, 1788220800), micros);
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("type");
        QTest::addColumn<QString>("words");
        QTest::newRow("spend limit")
            << test::readFixture(QStringLiteral("anthropic/error_spend_limit.json"))
            << QStringLiteral("enforced_spend_limit_reached")
            << QStringLiteral("Anthropic: enforced_spend_limit_reached: Your organization");
        QTest::newRow("overloaded")
            << test::readFixture(QStringLiteral("anthropic/error_overloaded.json"))
            << QStringLiteral("overloaded_error")
            << QStringLiteral("Anthropic: overloaded_error: Overloaded");
        QTest::newRow("bad amount")
            << test::readFixture(QStringLiteral("anthropic/error_bad_amount.json")) << QString()
            << QStringLiteral(
                   "Anthropic: a cost amount is not a decimal string of cents (got 1.5)");
        QTest::newRow("bad time")
            << QByteArray("{\"data\":[{\"starting_at\":\"yesterday\",\"results\":[]}]}")
            << QString() << QStringLiteral("Anthropic: a bucket has no RFC 3339 starting_at");
    }
    void errors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, type);
        QFETCH(QString, words);
        const UsagePage page = anthropic::parseCostReport(body, QStringLiteral("an"));
        QVERIFY(!page.ok);
        QVERIFY2(page.error.startsWith(words), qPrintable(page.error));
        QCOMPARE(page.errorType, type);
        if (!type.isEmpty()) {
            const UsagePage usage = anthropic::parseUsageReport(body, QStringLiteral("an"));
            QVERIFY(!usage.ok);
            QCOMPARE(usage.errorType, type);
        }
    }
};

QTEST_GUILESS_MAIN(tst_AnthropicUsageParser)
#include "tst_anthropicusageparser.moc"
