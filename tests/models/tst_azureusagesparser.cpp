#include "core/labels.h"
#include "sources/azure/azureusagesparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

namespace {
constexpr qint64 kTs = 1788220800 + 12 * 3600;
}

class tst_AzureUsagesParser : public QObject
{
    Q_OBJECT
private slots:
    void fixtures_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("series");
        QTest::addColumn<QString>("errorContains");

        QTest::newRow("usages") << "azure/usages.json" << true << 6 << QString();
        QTest::newRow("empty list") << "azure/deployments_empty.json" << true << 0 << QString();
        QTest::newRow("missing limit")
            << "azure/usages_missing_limit.json" << false << 0 << "lacks a name, currentValue";
        QTest::newRow("ARM error")
            << "azure/error_arm.json" << false << 0
            << "Azure Resource Manager: InvalidAuthenticationToken: The access token is invalid.";
        QTest::newRow("truncated")
            << "azure/metrics_truncated.json" << false << 0 << "not valid JSON";
    }
    void fixtures()
    {
        QFETCH(QString, fixture);
        QFETCH(bool, ok);
        QFETCH(int, series);
        QFETCH(QString, errorContains);
        const auto r =
            azure::parseUsagesResponse(test::readFixture(fixture), QStringLiteral("acc"), kTs);
        QCOMPARE(r.ok, ok);
        QCOMPARE(r.series.size(), series);
        if (!errorContains.isEmpty())
            QVERIFY2(r.error.contains(errorContains), qPrintable(r.error));
    }

    void nextLink()
    {
        const auto first =
            azure::parseUsagesResponse(test::readFixture(QStringLiteral("azure/usages_page1.json")),
                                       QStringLiteral("acc"), kTs);
        QVERIFY2(first.ok, qPrintable(first.error));
        QCOMPARE(first.series.size(), 4); // two quotas, current and limit
        QVERIFY2(first.nextLink.endsWith(QLatin1String("/usages?api-version=2024-10-01&$skipToken="
                                                       "Mg%3D%3D")),
                 qPrintable(first.nextLink));
        const auto last = azure::parseUsagesResponse(
            test::readFixture(QStringLiteral("azure/usages.json")), QStringLiteral("acc"), kTs);
        QCOMPARE(last.nextLink, QString());
    }

    void locationLabel()
    {
        const QByteArray body = test::readFixture(QStringLiteral("azure/usages.json"));
        const auto with = azure::parseUsagesResponse(body, QStringLiteral("acc"), kTs,
                                                     QStringLiteral("swedencentral"));
        QVERIFY(with.ok);
        QVERIFY(!with.series.isEmpty());
        for (const SeriesSamples& s : with.series)
            QCOMPARE(labels::value(s.key.labels, QStringLiteral("location")),
                     QStringLiteral("swedencentral"));
        const auto without = azure::parseUsagesResponse(body, QStringLiteral("acc"), kTs);
        for (const SeriesSamples& s : without.series)
            QVERIFY(labels::value(s.key.labels, QStringLiteral("location")).isNull());
    }

    void values_data()
    {
        QTest::addColumn<QString>("quota");
        QTest::addColumn<double>("current");
        QTest::addColumn<double>("limit");

        QTest::newRow("standard") << "OpenAI.Standard.gpt-4o" << 150.0 << 1000.0;
        QTest::newRow("global") << "OpenAI.GlobalStandard.gpt-4o-mini" << 2500.0 << 50000.0;
        QTest::newRow("ptu") << "OpenAI.ProvisionedManaged.gpt-4o" << 100.0 << 300.0;
    }
    void values()
    {
        QFETCH(QString, quota);
        QFETCH(double, current);
        QFETCH(double, limit);
        const auto r = azure::parseUsagesResponse(
            test::readFixture(QStringLiteral("azure/usages.json")), QStringLiteral("acc"), kTs);
        QVERIFY(r.ok);
        QHash<QString, double> got;
        for (const SeriesSamples& s : r.series) {
            QCOMPARE(s.key.source, QStringLiteral("acc"));
            QCOMPARE(s.key.aggregation, QStringLiteral("average"));
            QCOMPARE(s.unit, QStringLiteral("Count"));
            QCOMPARE(s.samples.size(), 1);
            QCOMPARE(s.samples.first().ts, kTs);
            if (labels::value(s.key.labels, QStringLiteral("quota")) == quota)
                got.insert(s.key.metric, s.samples.first().value);
        }
        QCOMPARE(got.size(), 2);
        QCOMPARE(got.value(QStringLiteral("QuotaCurrent")), current);
        QCOMPARE(got.value(QStringLiteral("QuotaLimit")), limit);
    }

    void location_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<QString>("location");
        QTest::addColumn<QString>("errorContains");
        QTest::newRow("account") << "azure/account.json"
                                 << "swedencentral" << QString();
        QTest::newRow("error") << "azure/error_arm.json" << QString()
                               << "InvalidAuthenticationToken";
        QTest::newRow("no location")
            << "azure/deployments_empty.json" << QString() << "has no location";
    }
    void location()
    {
        QFETCH(QString, fixture);
        QFETCH(QString, location);
        QFETCH(QString, errorContains);
        QString error;
        QCOMPARE(azure::parseResourceLocation(test::readFixture(fixture), &error), location);
        if (!errorContains.isEmpty())
            QVERIFY2(error.contains(errorContains), qPrintable(error));
    }

    void subscription_data()
    {
        QTest::addColumn<QString>("resourceId");
        QTest::addColumn<QString>("path");
        QTest::newRow("account")
            << "/subscriptions/abc/resourceGroups/rg/providers/Microsoft.CognitiveServices/"
               "accounts/x"
            << "/subscriptions/abc";
        QTest::newRow("case") << "/SUBSCRIPTIONS/abc/resourceGroups/rg"
                              << "/subscriptions/abc";
        QTest::newRow("none") << "/resourceGroups/rg" << QString();
        QTest::newRow("empty") << QString() << QString();
    }
    void subscription()
    {
        QFETCH(QString, resourceId);
        QFETCH(QString, path);
        QCOMPARE(azure::subscriptionPath(resourceId), path);
    }
};

QTEST_GUILESS_MAIN(tst_AzureUsagesParser)
#include "tst_azureusagesparser.moc"
