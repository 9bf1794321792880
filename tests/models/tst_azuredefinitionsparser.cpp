#include "sources/azure/azuredefinitionsparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_AzureDefinitionsParser : public QObject
{
    Q_OBJECT
private slots:
    void fixtures_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("errorContains");

        QTest::newRow("container group")
            << "azure/metricdefinitions_aci.json" << true << 5 << QString();
        QTest::newRow("empty list") << "azure/deployments_empty.json" << true << 0 << QString();
        QTest::newRow("ARM error")
            << "azure/error_arm.json" << false << 0
            << "Azure Monitor: InvalidAuthenticationToken: The access token is invalid.";
        QTest::newRow("truncated")
            << "azure/metrics_truncated.json" << false << 0 << "not valid JSON";
        QTest::newRow("value not an array")
            << "azure/metrics_value_not_array.json" << false << 0 << "no value[] array";
    }
    void fixtures()
    {
        QFETCH(QString, fixture);
        QFETCH(bool, ok);
        QFETCH(int, count);
        QFETCH(QString, errorContains);
        const auto r = azure::parseMetricDefinitionsResponse(test::readFixture(fixture));
        QCOMPARE(r.ok, ok);
        QCOMPARE(r.definitions.size(), count);
        if (!errorContains.isEmpty())
            QVERIFY2(r.error.contains(errorContains), qPrintable(r.error));
    }

    void fields_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("unit");
        QTest::addColumn<QString>("primary");
        QTest::addColumn<QStringList>("dimensions");

        QTest::newRow("cpu") << 0 << "CpuUsage"
                             << "Count"
                             << "Average" << QStringList{QStringLiteral("containerName")};
        QTest::newRow("memory") << 1 << "MemoryUsage"
                                << "Bytes"
                                << "Average" << QStringList{QStringLiteral("containerName")};
        QTest::newRow("no dimensions") << 2 << "NetworkBytesReceivedPerSecond"
                                       << "Bytes"
                                       << "Average" << QStringList();
        QTest::newRow("primary None") << 4 << "GpuUsage"
                                      << "Percent"
                                      << "None" << QStringList();
    }
    void fields()
    {
        QFETCH(int, index);
        QFETCH(QString, name);
        QFETCH(QString, unit);
        QFETCH(QString, primary);
        QFETCH(QStringList, dimensions);
        const auto r = azure::parseMetricDefinitionsResponse(
            test::readFixture(QStringLiteral("azure/metricdefinitions_aci.json")));
        QVERIFY(r.ok);
        const azure::MetricDefinition& d = r.definitions.at(index);
        QCOMPARE(d.name, name);
        QCOMPARE(d.unit, unit);
        QCOMPARE(d.primaryAggregation, primary);
        QCOMPARE(d.dimensions, dimensions);
        QCOMPARE(d.metricNamespace, QStringLiteral("Microsoft.ContainerInstance/containerGroups"));
    }

    void nameless()
    {
        const auto r = azure::parseMetricDefinitionsResponse(
            "{\"value\":[{\"name\":{\"value\":\"\"},\"unit\":\"Count\"}]}");
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("has no name")), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(tst_AzureDefinitionsParser)
#include "tst_azuredefinitionsparser.moc"
