#include "exposition/prometheusexposition.h"
#include "sources/prometheus/prometheusparser.h"

#include <QtTest/QtTest>
#include <limits>

using namespace isc;

class tst_PrometheusExposition : public QObject
{
    Q_OBJECT
private slots:
    void formatValue_data();
    void formatValue();
    void roundTrip();
    void negotiate_data();
    void negotiate();
    void render_data();
    void render();
    void renderedFamiliesParseBack_data();
    void renderedFamiliesParseBack();
};

namespace {

QVector<MetricFamily> sampleFamilies()
{
    return {{QStringLiteral("x_requests_total"),
             QStringLiteral("counter"),
             QStringLiteral("Requests \"served\"\nsecond line"),
             {},
             {{{{QStringLiteral("deployment"), QStringLiteral("a\"b")}}, 3},
              {{{QStringLiteral("deployment"), QStringLiteral("c\\d")}}, 0.5}}},
            {QStringLiteral("x_ttft_seconds"),
             QStringLiteral("gauge"),
             QStringLiteral("Time to first token."),
             QStringLiteral("seconds"),
             {{{}, 0.125}}},
            {QStringLiteral("x_empty"),
             QStringLiteral("gauge"),
             QStringLiteral("No samples."),
             {},
             {}}};
}

} // namespace

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

void tst_PrometheusExposition::negotiate_data()
{
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<bool>("openMetrics");
    QTest::newRow("none") << QByteArray() << false;
    QTest::newRow("prometheus 2.42")
        << QByteArray("application/openmetrics-text;version=1.0.0,application/"
                      "openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/"
                      "*;q=0.1")
        << true;
    QTest::newRow("text only") << QByteArray("text/plain;version=0.0.4") << false;
    QTest::newRow("openmetrics, no version") << QByteArray("application/openmetrics-text") << true;
    QTest::newRow("openmetrics, spaces and case")
        << QByteArray(" Application/OpenMetrics-Text ; Version=1.0.0 ; q=0.9") << true;
    QTest::newRow("openmetrics 0.0.1 only")
        << QByteArray("application/openmetrics-text;version=0.0.1") << false;
    QTest::newRow("text preferred")
        << QByteArray("application/openmetrics-text;q=0.2,text/plain;q=0.5") << false;
    QTest::newRow("openmetrics refused") << QByteArray("application/openmetrics-text;q=0") << false;
    QTest::newRow("anything") << QByteArray("*/*") << false;
    QTest::newRow("bad q") << QByteArray("application/openmetrics-text;q=x") << false;
}

void tst_PrometheusExposition::negotiate()
{
    QFETCH(QByteArray, accept);
    QFETCH(bool, openMetrics);
    const ScrapeFormat f = negotiateScrapeFormat(accept);
    QCOMPARE(f == ScrapeFormat::OpenMetrics100, openMetrics);
    QVERIFY(scrapeContentType(f).startsWith(openMetrics ? "application/openmetrics-text; "
                                                          "version=1.0.0"
                                                        : "text/plain; version=0.0.4"));
}

void tst_PrometheusExposition::render_data()
{
    QTest::addColumn<bool>("openMetrics");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("text 0.0.4") << false
                                << QByteArray(
                                       "# HELP x_requests_total Requests \"served\"\\nsecond "
                                       "line\n"
                                       "# TYPE x_requests_total counter\n"
                                       "x_requests_total{deployment=\"a\\\"b\"} 3.0\n"
                                       "x_requests_total{deployment=\"c\\\\d\"} 0.5\n"
                                       "# HELP x_ttft_seconds Time to first token.\n"
                                       "# TYPE x_ttft_seconds gauge\n"
                                       "x_ttft_seconds 0.125\n"
                                       "# HELP x_empty No samples.\n"
                                       "# TYPE x_empty gauge\n");
    QTest::newRow("openmetrics 1.0")
        << true
        << QByteArray("# HELP x_requests Requests \\\"served\\\"\\nsecond line\n"
                      "# TYPE x_requests counter\n"
                      "x_requests_total{deployment=\"a\\\"b\"} 3.0\n"
                      "x_requests_total{deployment=\"c\\\\d\"} 0.5\n"
                      "# HELP x_ttft_seconds Time to first token.\n"
                      "# TYPE x_ttft_seconds gauge\n"
                      "# UNIT x_ttft_seconds seconds\n"
                      "x_ttft_seconds 0.125\n"
                      "# HELP x_empty No samples.\n"
                      "# TYPE x_empty gauge\n"
                      "# EOF\n");
}

void tst_PrometheusExposition::render()
{
    QFETCH(bool, openMetrics);
    QFETCH(QByteArray, expected);
    const QByteArray body = PrometheusExposition::render(
        sampleFamilies(), openMetrics ? ScrapeFormat::OpenMetrics100 : ScrapeFormat::Text004);
    QCOMPARE(body, expected);
}

void tst_PrometheusExposition::renderedFamiliesParseBack_data()
{
    QTest::addColumn<bool>("openMetrics");
    QTest::newRow("text 0.0.4") << false;
    QTest::newRow("openmetrics 1.0") << true;
}

void tst_PrometheusExposition::renderedFamiliesParseBack()
{
    QFETCH(bool, openMetrics);
    const QByteArray body = PrometheusExposition::render(
        sampleFamilies(), openMetrics ? ScrapeFormat::OpenMetrics100 : ScrapeFormat::Text004);
    const auto r =
        prometheus::parseExposition(body, openMetrics ? prometheus::ExpositionFormat::OpenMetrics
                                                      : prometheus::ExpositionFormat::Text);
    QVERIFY2(r.ok, qPrintable(r.error));
    QCOMPARE(r.openMetrics, openMetrics);
    const prometheus::PromFamily* requests =
        r.family(openMetrics ? QStringLiteral("x_requests") : QStringLiteral("x_requests_total"));
    QVERIFY(requests);
    QCOMPARE(requests->type, QStringLiteral("counter"));
    QCOMPARE(requests->samples.size(), 2);
    QCOMPARE(requests->samples.at(0).label(QStringLiteral("deployment")), QStringLiteral("a\"b"));
    QCOMPARE(requests->samples.at(1).label(QStringLiteral("deployment")), QStringLiteral("c\\d"));
    const prometheus::PromFamily* ttft = r.family(QStringLiteral("x_ttft_seconds"));
    QVERIFY(ttft);
    QCOMPARE(ttft->unit, openMetrics ? QStringLiteral("seconds") : QString());
    QCOMPARE(ttft->samples.at(0).value, 0.125);
}

QTEST_GUILESS_MAIN(tst_PrometheusExposition)
#include "tst_prometheusexposition.moc"
