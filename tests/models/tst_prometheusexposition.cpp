#include "emulator/prometheusexposition.h"
#include "sources/prometheus/prometheusparser.h"

#include <QtTest/QtTest>
#include <limits>

using namespace isc;
using emu::PrometheusExposition;

class tst_PrometheusExposition : public QObject
{
    Q_OBJECT
private slots:
    void formatValue_data();
    void formatValue();
    void roundTrip();
};

void tst_PrometheusExposition::formatValue_data()
{
    QTest::addColumn<double>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("integral") << 3.0 << QByteArray("3.0");
    QTest::newRow("zero") << 0.0 << QByteArray("0.0");
    QTest::newRow("fraction") << 0.25 << QByteArray("0.25");
    QTest::newRow("big integral") << 118230.0 << QByteArray("118230.0");
    QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << QByteArray("NaN");
    QTest::newRow("+inf") << std::numeric_limits<double>::infinity() << QByteArray("+Inf");
    QTest::newRow("-inf") << -std::numeric_limits<double>::infinity() << QByteArray("-Inf");
}

void tst_PrometheusExposition::formatValue()
{
    QFETCH(double, value);
    QFETCH(QByteArray, expected);
    QCOMPARE(PrometheusExposition::formatValue(value), expected);
}

void tst_PrometheusExposition::roundTrip()
{
    PrometheusExposition e;
    e.family(QStringLiteral("x_total"), QStringLiteral("counter"), QStringLiteral("a \\ help"));
    const QString odd = QStringLiteral("C:\\a \"b\"\nc");
    e.sample(QStringLiteral("x_total"), {{QStringLiteral("k"), odd}}, 0.1);
    QVERIFY(e.text().contains("k=\"C:\\\\a \\\"b\\\"\\nc\""));
    const auto r = prometheus::parseExposition(e.text(), prometheus::ExpositionFormat::Text);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.families.size(), 1);
    QCOMPARE(r.families.at(0).help, QStringLiteral("a \\ help"));
    QCOMPARE(r.families.at(0).samples.at(0).label(QStringLiteral("k")), odd);
    QCOMPARE(r.families.at(0).samples.at(0).value, 0.1);
}

QTEST_GUILESS_MAIN(tst_PrometheusExposition)
#include "tst_prometheusexposition.moc"
