#include "itemmodels/capacityquery.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_CapacityQuery : public QObject
{
    Q_OBJECT
private slots:
    void splitQuotaName_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("sku");
        QTest::addColumn<QString>("model");
        QTest::newRow("standard") << "OpenAI.Standard.gpt-4o"
                                  << "Standard"
                                  << "gpt-4o";
        QTest::newRow("dotted model") << "OpenAI.GlobalStandard.gpt-4.1"
                                      << "GlobalStandard"
                                      << "gpt-4.1";
        QTest::newRow("provisioned") << "OpenAI.ProvisionedManaged"
                                     << ""
                                     << "OpenAI.ProvisionedManaged";
    }

    void splitQuotaName()
    {
        QFETCH(QString, name);
        QFETCH(QString, sku);
        QFETCH(QString, model);
        QString s, m;
        CapacityQuery::splitQuotaName(name, &s, &m);
        QCOMPARE(s, sku);
        QCOMPARE(m, model);
    }

    void quotaWarnsAt80Percent_data()
    {
        QTest::addColumn<double>("current");
        QTest::addColumn<double>("limit");
        QTest::addColumn<bool>("warning");
        QTest::newRow("79 %") << 79.0 << 100.0 << false;
        QTest::newRow("80 %") << 80.0 << 100.0 << true;
        QTest::newRow("over") << 120.0 << 100.0 << true;
        QTest::newRow("no limit") << 5.0 << 0.0 << false;
    }

    void quotaWarnsAt80Percent()
    {
        QFETCH(double, current);
        QFETCH(double, limit);
        QFETCH(bool, warning);
        QuotaUsage u;
        u.current = current;
        u.limit = limit;
        QCOMPARE(u.isWarning(), warning);
    }
};

QTEST_GUILESS_MAIN(tst_CapacityQuery)
#include "tst_capacityquery.moc"
