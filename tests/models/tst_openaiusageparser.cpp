#include "core/labels.h"
#include "sources/openai/openaiusageparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {

// The value at `ts` of the series `metric` whose labels are exactly `labels`, or -1.
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

QString gpt4oLabels()
{
    return labels::canonical(
        {{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-2024-11-20")},
         {QStringLiteral("project"), QStringLiteral("proj_abc")},
         {QStringLiteral("batch"), QStringLiteral("false")},
         {QStringLiteral("service_tier"), QStringLiteral("default")}});
}

} // namespace

class tst_OpenAiUsageParser : public QObject
{
    Q_OBJECT
private slots:
    void usageSplitsCachedFromUncached_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<double>("value");
        QTest::newRow("requests") << QStringLiteral("Requests") << 4.0;
        // input_tokens (5000) include the 1200 cached ones.
        QTest::newRow("uncached") << QStringLiteral("InputTokensUncached") << 3800.0;
        QTest::newRow("cached") << QStringLiteral("InputTokensCached") << 1200.0;
        QTest::newRow("output") << QStringLiteral("OutputTokens") << 800.0;
    }
    void usageSplitsCachedFromUncached()
    {
        QFETCH(QString, metric);
        QFETCH(double, value);
        const UsagePage page = openai::parseUsagePage(
            test::readFixture(QStringLiteral("openai/usage_page1.json")), QStringLiteral("oa"));
        QVERIFY2(page.ok, qPrintable(page.error));
        QCOMPARE(valueOf(page, metric, gpt4oLabels(), 1788264000), value);
        for (const auto& s : page.series) {
            QCOMPARE(s.key.source, QStringLiteral("oa"));
            QCOMPARE(s.key.aggregation, QStringLiteral("total"));
            QCOMPARE(s.unit, QStringLiteral("Count"));
        }
    }

    void usagePaging()
    {
        const UsagePage first = openai::parseUsagePage(
            test::readFixture(QStringLiteral("openai/usage_page1.json")), QStringLiteral("oa"));
        QVERIFY(first.ok);
        QVERIFY(first.hasMore);
        QCOMPARE(first.nextPage, QStringLiteral("page_AAAAAGk1"));
        QCOMPARE(first.buckets, 2);       // the empty bucket counts, but gives no samples
        QCOMPARE(first.series.size(), 8); // 2 models x 4 metrics
        const UsagePage last = openai::parseUsagePage(
            test::readFixture(QStringLiteral("openai/usage_page2.json")), QStringLiteral("oa"));
        QVERIFY(last.ok);
        QVERIFY(!last.hasMore);
        QVERIFY(last.nextPage.isEmpty());
    }

    void usageNullFieldsAreLeftOut()
    {
        const UsagePage page = openai::parseUsagePage(
            test::readFixture(QStringLiteral("openai/usage_page2.json")), QStringLiteral("oa"));
        QVERIFY(page.ok);
        const QString labels = labels::canonical(
            {{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-mini-2024-07-18")},
             {QStringLiteral("batch"), QStringLiteral("true")}});
        QCOMPARE(valueOf(page, QStringLiteral("InputTokensUncached"), labels, 1788264120), 3500.0);
        QCOMPARE(valueOf(page, QStringLiteral("Requests"), labels, 1788264120), 6.0);
    }

    void emptyPage()
    {
        const UsagePage page = openai::parseUsagePage(
            test::readFixture(QStringLiteral("openai/usage_empty.json")), QStringLiteral("oa"));
        QVERIFY(page.ok);
        QVERIFY(page.series.isEmpty());
        QCOMPARE(page.buckets, 0);
        QVERIFY(!page.hasMore);
    }

    void costsInMicroUsd_data()
    {
        QTest::addColumn<QString>("labels");
        QTest::addColumn<double>("micros");
        QTest::newRow("input")
            << labels::canonical(
                   {{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-4o-2024-11-20")},
                    {QStringLiteral("line_item"), QStringLiteral("gpt-4o-2024-11-20, input")},
                    {QStringLiteral("project"), QStringLiteral("proj_abc")}})
            << 12345678.0;
        QTest::newRow("tiny, rounded to a whole micro-dollar")
            << labels::canonical({{QStringLiteral("ModelDeploymentName"),
                                   QStringLiteral("gpt-4o-mini-2024-07-18")},
                                  {QStringLiteral("line_item"),
                                   QStringLiteral("gpt-4o-mini-2024-07-18, cached input")}})
            << 2.0;
        QTest::newRow("no line item")
            << labels::canonical({{QStringLiteral("ModelDeploymentName"), QStringLiteral("(all)")}})
            << 895874.0;
    }
    void costsInMicroUsd()
    {
        QFETCH(QString, labels);
        QFETCH(double, micros);
        const UsagePage page = openai::parseCostsPage(
            test::readFixture(QStringLiteral("openai/costs_page.json")), QStringLiteral("oa"));
        QVERIFY2(page.ok, qPrintable(page.error));
        QCOMPARE(valueOf(page, QStringLiteral("ReportedCost"), labels, 1788220800), micros);
        for (const auto& s : page.series)
            QCOMPARE(s.unit, QStringLiteral("MicroUSD"));
    }

    void errors_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("words");
        QTest::newRow("invalid key")
            << test::readFixture(QStringLiteral("openai/error_invalid_key.json"))
            << QStringLiteral("OpenAI: invalid_api_key: Incorrect API key provided");
        QTest::newRow("not json") << QByteArray("<html>502</html>")
                                  << QStringLiteral("OpenAI: the answer is not valid JSON");
        QTest::newRow("no data") << QByteArray("{\"object\":\"list\"}")
                                 << QStringLiteral("OpenAI: the answer has no \"data\" list");
        QTest::newRow("more without cursor")
            << QByteArray("{\"data\":[],\"has_more\":true,\"next_page\":null}")
            << QStringLiteral("OpenAI: the answer says has_more but gives no next_page");
        QTest::newRow("bucket without start")
            << QByteArray("{\"data\":[{\"results\":[]}],\"has_more\":false}")
            << QStringLiteral("OpenAI: a bucket has no numeric start_time");
        // Found by fuzz_openaiusage: a start_time past qint64 was undefined behaviour (UBSan).
        QTest::newRow("start_time out of range")
            << test::readFixture(QStringLiteral("openai/usage_start_time_overflow.json"))
            << QStringLiteral("OpenAI: a bucket's start_time is not a plausible time");
        QTest::newRow("negative start_time")
            << QByteArray("{\"data\":[{\"start_time\":-5,\"results\":[]}],\"has_more\":false}")
            << QStringLiteral("OpenAI: a bucket's start_time is not a plausible time");
    }
    void errors()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, words);
        for (const UsagePage& page : {openai::parseUsagePage(body, QStringLiteral("oa")),
                                      openai::parseCostsPage(body, QStringLiteral("oa"))}) {
            QVERIFY(!page.ok);
            QVERIFY2(page.error.startsWith(words), qPrintable(page.error));
            QVERIFY(page.series.isEmpty());
        }
    }

    void costInOtherCurrencyIsRefused()
    {
        const UsagePage page = openai::parseCostsPage(
            "{\"data\":[{\"start_time\":0,\"results\":[{\"amount\":{\"value\":1,\"currency\":"
            "\"eur\"}}]}],\"has_more\":false}",
            QStringLiteral("oa"));
        QVERIFY(!page.ok);
        QVERIFY2(page.error.contains(QLatin1String("eur")), qPrintable(page.error));
    }
};

QTEST_GUILESS_MAIN(tst_OpenAiUsageParser)
#include "tst_openaiusageparser.moc"
