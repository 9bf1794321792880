#include "cost/money.h"

#include <QtTest/QtTest>

using namespace isc;

class tst_Money : public QObject
{
    Q_OBJECT
private slots:
    void parse_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<qint64>("micros");
        QTest::newRow("integer") << "12" << true << qint64(12000000);
        QTest::newRow("decimals") << "12.345678" << true << qint64(12345678);
        QTest::newRow("short fraction") << "0.5" << true << qint64(500000);
        QTest::newRow("leading dot") << ".25" << true << qint64(250000);
        QTest::newRow("trailing dot") << "3." << true << qint64(3000000);
        QTest::newRow("negative") << "-0.5" << true << qint64(-500000);
        QTest::newRow("plus") << "+1" << true << qint64(1000000);
        QTest::newRow("spaces") << "  2.50 " << true << qint64(2500000);
        QTest::newRow("round half up") << "0.0000005" << true << qint64(1);
        QTest::newRow("round down") << "0.0000004999" << true << qint64(0);
        QTest::newRow("negative rounds away") << "-0.0000005" << true << qint64(-1);
        QTest::newRow("empty") << "" << false << qint64(0);
        QTest::newRow("sign only") << "-" << false << qint64(0);
        QTest::newRow("dot only") << "." << false << qint64(0);
        QTest::newRow("letters") << "1.2x" << false << qint64(0);
        QTest::newRow("two dots") << "1.2.3" << false << qint64(0);
        QTest::newRow("thousands sep") << "1,000" << false << qint64(0);
        QTest::newRow("overflow") << "99999999999999999999" << false << qint64(0);
    }
    void parse()
    {
        QFETCH(QString, text);
        QFETCH(bool, ok);
        QFETCH(qint64, micros);
        Money m{-42};
        QCOMPARE(Money::parse(text, &m), ok);
        if (ok)
            QCOMPARE(m.micros, micros);
        else
            QCOMPARE(m.micros, qint64(-42)); // untouched on failure
    }

    void parseCents_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<qint64>("micros");
        // Anthropic's cost report: amounts are decimal strings in cents.
        QTest::newRow("123.45 cents") << "123.45" << qint64(1234500);
        QTest::newRow("one cent") << "1" << qint64(10000);
        QTest::newRow("four decimals") << "0.0001" << qint64(1);
        QTest::newRow("five decimals round") << "0.00005" << qint64(1);
        QTest::newRow("long") << "250000.123456" << qint64(2500001235);
    }
    void parseCents()
    {
        QFETCH(QString, text);
        QFETCH(qint64, micros);
        Money m;
        QVERIFY(Money::parseCents(text, &m));
        QCOMPARE(m.micros, micros);
    }

    void format_data()
    {
        QTest::addColumn<qint64>("micros");
        QTest::addColumn<int>("decimals");
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << qint64(1234567890) << 2 << "$1,234.57";
        QTest::newRow("half away up") << qint64(5000) << 2 << "$0.01";
        QTest::newRow("below half") << qint64(4999) << 2 << "$0.00";
        QTest::newRow("negative") << qint64(-1500000) << 2 << "-$1.50";
        QTest::newRow("negative rounds to zero") << qint64(-4000) << 2 << "$0.00";
        QTest::newRow("six decimals") << qint64(1) << 6 << "$0.000001";
        QTest::newRow("no decimals") << qint64(2500000) << 0 << "$3";
        QTest::newRow("clamped") << qint64(1) << 9 << "$0.000001";
    }
    void format()
    {
        QFETCH(qint64, micros);
        QFETCH(int, decimals);
        QFETCH(QString, text);
        QCOMPARE(Money::fromMicros(micros).format(decimals), text);
    }

    void mulDiv_data()
    {
        QTest::addColumn<qint64>("a");
        QTest::addColumn<qint64>("b");
        QTest::addColumn<qint64>("d");
        QTest::addColumn<qint64>("micros");
        // 1 token at $2.50/1M = 2.5 micro-dollars -> 3 (half away from zero).
        QTest::newRow("half up") << qint64(1) << qint64(2500000) << qint64(1000000) << qint64(3);
        QTest::newRow("exact") << qint64(1000) << qint64(2500000) << qint64(1000000)
                               << qint64(2500);
        QTest::newRow("negative half")
            << qint64(-1) << qint64(2500000) << qint64(1000000) << qint64(-3);
        QTest::newRow("negative divisor")
            << qint64(1) << qint64(2500000) << qint64(-1000000) << qint64(-3);
        // 10^13 tokens x $1000/1M: the product (10^22) overflows 64 bits, the result does not.
        QTest::newRow("wide") << qint64(10000000000000) << qint64(1000000000) << qint64(1000000)
                              << qint64(10000000000000000);
        QTest::newRow("thirds") << qint64(2) << qint64(1) << qint64(3) << qint64(1);
    }
    void mulDiv()
    {
        QFETCH(qint64, a);
        QFETCH(qint64, b);
        QFETCH(qint64, d);
        QFETCH(qint64, micros);
        QCOMPARE(Money::mulDiv(a, b, d).micros, micros);
    }

    void sumsDoNotDrift()
    {
        // 0.1 added a million times: a double drifts, Money does not.
        Money m;
        double f = 0;
        for (int i = 0; i < 1000000; ++i) {
            m += Money::fromMicros(100000);
            f += 0.1;
        }
        QCOMPARE(m.micros, qint64(100000) * 1000000);
        QVERIFY(f != 100000.0);
        QCOMPARE(m.format(2), QStringLiteral("$100,000.00"));
    }
};

QTEST_GUILESS_MAIN(tst_Money)
#include "tst_money.moc"
