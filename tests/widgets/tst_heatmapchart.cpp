#include "charts/heatmapchart.h"
#include "theme/theme.h"

#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;

namespace {

constexpr qint64 kFrom = 1767225600; // 2026-01-01T00:00:00Z
constexpr double kInf = std::numeric_limits<double>::infinity();

HeatmapReport report()
{
    HeatmapReport h;
    h.title = QStringLiteral("Time to first token distribution");
    h.note = QStringLiteral("llama · count per bucket and 15 min");
    h.valueAxisTitle = QStringLiteral("TTFT (ms)");
    h.countName = QStringLiteral("requests");
    h.range = {kFrom, kFrom + 4 * 900};
    h.step = 900;
    h.lowerBounds = {0, 100, 250, 1000};
    h.upperBounds = {100, 250, 1000, kInf};
    h.columns = {
        {kFrom, {4, 10, 2, 0}}, {kFrom + 900, {1, 40, 8, 1}}, {kFrom + 2700, {0, 0, 3, 0}}};
    return h;
}

} // namespace

class tst_HeatmapChart : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // Every cell: where it is drawn, what its tooltip says, and a colour that grows with its
    // count on the theme's ramp.
    void cellsTooltipsAndColours_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<int>("row");
        const HeatmapReport h = report();
        for (int c = 0; c < h.columns.size(); ++c) {
            for (int r = 0; r < h.rowCount(); ++r)
                QTest::addRow("c%d r%d", c, r) << c << r;
        }
    }
    void cellsTooltipsAndColours()
    {
        QFETCH(int, column);
        QFETCH(int, row);
        HeatmapChart chart;
        chart.resize(800, 300);
        const HeatmapReport h = report();
        chart.setData(h);
        const QPoint centre = chart.cellCenter(column, row);
        QCOMPARE(chart.cellAt(centre), std::make_pair(column, row));
        const double count = h.columns[column].counts[row];
        const QString tip = chart.toolTipAt(centre);
        QVERIFY2(tip.contains(QStringLiteral("%1 requests").arg(count)), qPrintable(tip));
        QVERIFY(tip.contains(QStringLiteral("TTFT (ms)")));
        QVERIFY(tip.contains(row == 3 ? QStringLiteral("+Inf") : QStringLiteral(" ms")));
        const QColor fill = chart.colorFor(count);
        QCOMPARE(fill.isValid(), count > 0);
        if (count > 0)
            QCOMPARE(fill, themeRamp(std::sqrt(count / h.maxCount()), chart.palette()));
    }

    void axesAndLegend()
    {
        HeatmapChart chart;
        chart.resize(800, 300);
        chart.setData(report());
        QCOMPARE(chart.rowLabels(), (QStringList{"0 ms", "100 ms", "250 ms", "1 s", "+Inf"}));
        QVERIFY(!chart.timeLabels().isEmpty());
        for (const QString& t : chart.timeLabels())
            QVERIFY2(t.contains(':'), qPrintable(t)); // HH:mm within a day
        QCOMPARE(chart.legendLabels(), (QStringList{"0", "10", "40"}));
        QVERIFY(chart.stateMessage().isEmpty());
        QCOMPARE(chart.cellAt(QPoint(1, 1)), std::make_pair(-1, -1));
        QVERIFY(chart.toolTipAt(QPoint(1, 1)).isEmpty());
        // The step at kFrom + 1800 has no observations: no column, no cell, no tooltip.
        const QPoint a = chart.cellCenter(1, 1), b = chart.cellCenter(2, 1);
        const QPoint gap((a.x() + b.x()) / 2, a.y());
        QCOMPARE(chart.cellAt(gap).first, -1);
        QVERIFY(chart.toolTipAt(gap).isEmpty());
    }

    void exportsNonEmptyCells()
    {
        HeatmapChart chart;
        chart.setData(report());
        const ExportTable t = chart.exportTable();
        int nonEmpty = 0;
        double sum = 0, exported = 0;
        for (const auto& c : report().columns) {
            for (double v : c.counts) {
                nonEmpty += v > 0 ? 1 : 0;
                sum += v;
            }
        }
        for (const QVariantList& row : t.rows)
            exported += row[3].toDouble();
        QCOMPARE(t.rows.size(), nonEmpty);
        QCOMPARE(exported, sum);
        QCOMPARE(t.columns.last(), QStringLiteral("requests"));
        QCOMPARE(t.rows.first()[2].toDouble(), 100.0);
    }

    void emptyShowsMessage()
    {
        HeatmapChart chart;
        HeatmapReport h;
        h.emptyMessage = QStringLiteral("Azure Monitor gives only the average and maximum TTFT");
        chart.setData(h);
        QCOMPARE(chart.stateMessage(), h.emptyMessage);
        QVERIFY(chart.legendLabels().isEmpty());
        chart.resize(600, 300);
        QCOMPARE(chart.cellAt(QPoint(300, 150)).first, -1);
        chart.grab(); // paints without data
    }

    // Light and dark: the ramp starts and ends apart from each other, and the painted image
    // differs between the two palettes.
    void paintsInBothThemes()
    {
        HeatmapChart chart;
        chart.resize(800, 300);
        chart.setData(report());
        QImage images[2];
        int i = 0;
        for (ThemeMode mode : {ThemeMode::Light, ThemeMode::Dark}) {
            Theme::instance()->apply(mode);
            chart.setPalette(themePalette(mode));
            images[i++] = chart.grab().toImage();
            const QPalette p = chart.palette();
            QVERIFY(themeRamp(0, p) != themeRamp(1, p));
            const QColor bg = themeColor(ThemeColor::ChartBackground, p);
            // "Many" stands further from the background than "few".
            auto distance = [&](const QColor& c) {
                return std::abs(c.lightnessF() - bg.lightnessF());
            };
            QVERIFY(distance(themeRamp(1, p)) > distance(themeRamp(0, p)));
            const QPoint centre = chart.cellCenter(1, 1);
            QCOMPARE(images[i - 1].pixelColor(centre), chart.colorFor(40));
        }
        QVERIFY(images[0] != images[1]);
        Theme::instance()->apply(ThemeMode::System);
    }
};

QTEST_MAIN(tst_HeatmapChart)
#include "tst_heatmapchart.moc"
