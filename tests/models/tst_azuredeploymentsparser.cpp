#include "sources/azure/azuredeploymentsparser.h"
#include "testsupport.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_AzureDeploymentsParser : public QObject
{
    Q_OBJECT
private slots:
    void fixtures_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("errorContains");

        QTest::newRow("list") << "azure/deployments.json" << true << 3 << QString();
        QTest::newRow("empty list") << "azure/deployments_empty.json" << true << 0 << QString();
        QTest::newRow("ARM error")
            << "azure/error_arm.json" << false << 0
            << "Azure Resource Manager: InvalidAuthenticationToken: The access token is invalid.";
        QTest::newRow("Azure Monitor error")
            << "azure/error_monitor.json" << false << 0 << "BadRequest";
        QTest::newRow("truncated")
            << "azure/metrics_truncated.json" << false << 0 << "not valid JSON";
        QTest::newRow("not an object")
            << "azure/metrics_not_object.json" << false << 0 << "not a JSON object";
    }
    void fixtures()
    {
        QFETCH(QString, fixture);
        QFETCH(bool, ok);
        QFETCH(int, count);
        QFETCH(QString, errorContains);
        const auto r =
            azure::parseDeploymentsResponse(test::readFixture(fixture), QStringLiteral("acc"));
        QCOMPARE(r.ok, ok);
        QCOMPARE(r.deployments.size(), count);
        if (!errorContains.isEmpty())
            QVERIFY2(r.error.contains(errorContains), qPrintable(r.error));
    }

    void fields_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("model");
        QTest::addColumn<QString>("version");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<int>("capacity");
        QTest::addColumn<QString>("spillover");
        QTest::addColumn<QString>("state");
        QTest::addColumn<QString>("upgradeOption");
        QTest::addColumn<bool>("provisioned");
        QTest::addColumn<bool>("batch");

        QTest::newRow("ptu with spillover") << 0 << "gpt-4o-ptu"
                                            << "gpt-4o"
                                            << "2024-11-20"
                                            << "ProvisionedManaged" << 100 << "gpt-4o-dz"
                                            << "Succeeded"
                                            << "NoAutoUpgrade" << true << false;
        QTest::newRow("global standard") << 1 << "gpt-4o-mini"
                                         << "gpt-4o-mini"
                                         << "2024-07-18"
                                         << "GlobalStandard" << 450 << ""
                                         << "Succeeded"
                                         << "OnceNewDefaultVersionAvailable" << false << false;
        QTest::newRow("batch, creating") << 2 << "gpt-4o-batch"
                                         << "gpt-4o-mini"
                                         << "2024-07-18"
                                         << "GlobalBatch" << 1000 << ""
                                         << "Creating"
                                         << "" << false << true; // no versionUpgradeOption
    }
    void fields()
    {
        QFETCH(int, index);
        QFETCH(QString, name);
        QFETCH(QString, model);
        QFETCH(QString, version);
        QFETCH(QString, sku);
        QFETCH(int, capacity);
        QFETCH(QString, spillover);
        QFETCH(QString, state);
        QFETCH(QString, upgradeOption);
        QFETCH(bool, provisioned);
        QFETCH(bool, batch);

        const auto r = azure::parseDeploymentsResponse(
            test::readFixture(QStringLiteral("azure/deployments.json")), QStringLiteral("acc"));
        QVERIFY2(r.ok, qPrintable(r.error));
        const Deployment& d = r.deployments.at(index);
        QCOMPARE(d.source, QStringLiteral("acc"));
        QCOMPARE(d.name, name);
        QCOMPARE(d.model, model);
        QCOMPARE(d.version, version);
        QCOMPARE(d.sku, sku);
        QCOMPARE(d.capacity, capacity);
        QCOMPARE(d.spilloverTo, spillover);
        QCOMPARE(d.state, state);
        QCOMPARE(d.upgradeOption, upgradeOption);
        QCOMPARE(d.isProvisioned(), provisioned);
        QCOMPARE(d.isBatch(), batch);
    }

    // ARM pages long lists: each page carries the link to the next, the last one none.
    void nextLink_data()
    {
        QTest::addColumn<QString>("fixture");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("nextLink");
        QTest::newRow("one page") << "azure/deployments.json" << 3 << QString();
        QTest::newRow("first of two")
            << "azure/deployments_page1.json" << 2
            << "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/"
               "resourceGroups/rg-ai/providers/Microsoft.CognitiveServices/accounts/contoso-aoai/"
               "deployments?api-version=2024-10-01&$skipToken=Mg%3D%3D";
        QTest::newRow("last, null link") << "azure/deployments_page2.json" << 1 << QString();
    }
    void nextLink()
    {
        QFETCH(QString, fixture);
        QFETCH(int, count);
        QFETCH(QString, nextLink);
        const auto r =
            azure::parseDeploymentsResponse(test::readFixture(fixture), QStringLiteral("acc"));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.deployments.size(), count);
        QCOMPARE(r.nextLink, nextLink);
    }

    void oddShapesNeverCrash_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("value object") << QByteArray("{\"value\":{}}") << false;
        QTest::newRow("value of numbers") << QByteArray("{\"value\":[1]}") << false;
        QTest::newRow("no name") << QByteArray("{\"value\":[{\"sku\":{}}]}") << false;
        QTest::newRow("bare minimum") << QByteArray("{\"value\":[{\"name\":\"d\"}]}") << true;
    }
    void oddShapesNeverCrash()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        const auto r = azure::parseDeploymentsResponse(body, QStringLiteral("acc"));
        QCOMPARE(r.ok, ok);
        if (!ok)
            QVERIFY(!r.error.isEmpty());
    }
};

QTEST_GUILESS_MAIN(tst_AzureDeploymentsParser)
#include "tst_azuredeploymentsparser.moc"
