#include "core/units.h"

#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

class tst_Units : public QObject
{
    Q_OBJECT
private slots:
    void formatQuantity_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<Unit>("unit");
        QTest::addColumn<QString>("text");
        QTest::newRow("tokens k") << 1250.0 << Unit::TokensPerMin << "1.25k tokens/min";
        QTest::newRow("tokens M") << 12500000.0 << Unit::Tokens << "12.5M tokens";
        QTest::newRow("ms") << 312.4 << Unit::Milliseconds << "312 ms";
        QTest::newRow("small ms") << 42.24 << Unit::Milliseconds << "42.2 ms";
        QTest::newRow("seconds") << 2100.0 << Unit::Milliseconds << "2.10 s";
        QTest::newRow("percent") << 87.54 << Unit::Percent << "87.5 %";
        QTest::newRow("over 100 %") << 112.4 << Unit::Percent << "112 %";
        QTest::newRow("count") << 7.0 << Unit::Count << "7";
        QTest::newRow("requests") << 0.5 << Unit::RequestsPerMin << "0.500 requests/min";
        QTest::newRow("nan") << std::nan("") << Unit::Percent << "–";
    }
    void formatQuantity()
    {
        QFETCH(double, value);
        QFETCH(Unit, unit);
        QFETCH(QString, text);
        QCOMPARE(isc::formatQuantity(value, unit), text);
    }

    void fromAzure()
    {
        QCOMPARE(unitFromAzure("Milliseconds"), Unit::Milliseconds);
        QCOMPARE(unitFromAzure("percent"), Unit::Percent);
        QCOMPARE(unitFromAzure("Count"), Unit::Count);
    }
};

QTEST_GUILESS_MAIN(tst_Units)
#include "tst_units.moc"
