#include "charts/barchart.h"

#include <QFontMetricsF>
#include <QStandardPaths>
#include <QtTest/QtTest>

using namespace isc;

namespace {

/// `days` UTC days, as the Cost page labels them at 30 d (31 buckets: today's day number is
/// also the first one's).
BarChartData thirtyDays(int days = 30)
{
    BarChartData d;
    d.title = QStringLiteral("Spend over time");
    d.valueAxisTitle = QStringLiteral("USD");
    d.categoryAxisTitle = QStringLiteral("UTC day");
    QVector<double> values;
    for (int i = 0; i < days; ++i) {
        d.categories << QString::number((i + 5) % 30 + 1);
        values << 100 + i;
    }
    d.sets = {{QStringLiteral("gpt-4o"), values, {}}};
    return d;
}

} // namespace

class tst_BarChart : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Narrow: every n-th day is labelled, the newest always, with room for its whole text;
    // wide: every day. Never an elided "…".
    void categoryLabelsFit_data()
    {
        QTest::addColumn<int>("width");
        QTest::addColumn<int>("days");
        QTest::addColumn<bool>("thinned");
        QTest::newRow("a page's half (30 days)") << 560 << 30 << true;
        QTest::newRow("31 buckets, a day number twice") << 560 << 31 << true;
        QTest::newRow("full width") << 1800 << 30 << false;
    }
    void categoryLabelsFit()
    {
        QFETCH(int, width);
        QFETCH(int, days);
        QFETCH(bool, thinned);
        BarChart chart;
        const BarChartData data = thirtyDays(days);
        chart.resize(width, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setData(data);
        QTRY_VERIFY(chart.categoryLabelStep() > 0);
        if (thinned)
            QTRY_VERIFY(chart.categoryLabelStep() > 1);
        else
            QTRY_COMPARE(chart.categoryLabelStep(), 1);
        const int step = chart.categoryLabelStep();
        const QStringList shown = chart.shownCategoryLabels();
        QCOMPARE(shown.size(), (days + step - 1) / step);
        QCOMPARE(shown.last(), data.categories.last());
        for (int i = 0; i < shown.size(); ++i)
            QCOMPARE(shown.at(i), data.categories.at(days - 1 - (shown.size() - 1 - i) * step));
        // Each label has `step` bars' width: more than its text needs.
        const double slot = (width - 100.0) / days; // the plot is narrower than the widget
        const QFontMetricsF fm(chart.font());
        QVERIFY(slot * step > fm.horizontalAdvance(QStringLiteral("30")));
    }

    // Widening brings every label back.
    void resizingRefits()
    {
        BarChart chart;
        chart.resize(560, 300);
        chart.show();
        QVERIFY(QTest::qWaitForWindowExposed(&chart));
        chart.setData(thirtyDays());
        QTRY_VERIFY(chart.categoryLabelStep() > 1);
        chart.resize(1800, 300);
        QTRY_COMPARE(chart.categoryLabelStep(), 1);
        QCOMPARE(chart.shownCategoryLabels().size(), 30);
    }
};

QTEST_MAIN(tst_BarChart)
#include "tst_barchart.moc"
