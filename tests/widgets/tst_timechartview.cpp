#include "charts/chartzoom.h"
#include "charts/timeserieschart.h"
#include "core/labels.h"
#include "itemmodels/chartmodel.h"
#include "store/samplestore.h"

#include <QGraphicsView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;

// The gestures of a time chart (TimeChartView): wheel, drag, Shift+drag, keys, double-click and
// Esc, on a chart that zooms alone and on one whose window routes the zoom.
class tst_TimeChartView : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;
    SampleStore* m_store = nullptr;
    TimeRange m_range; // two hours of data, ending an hour ago

    struct Shown
    {
        std::unique_ptr<ChartModel> model;
        std::unique_ptr<TimeSeriesChart> chart;
        QWidget* viewport = nullptr;
        double left = 0, right = 0, middleY = 0; // the plot's edges and middle, in px
    };

    Shown show()
    {
        Shown s;
        ChartSpec spec;
        spec.title = QStringLiteral("Zoom");
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.groupBy = QStringLiteral("Dep");
        spec.queries = {{q}};
        s.model = std::make_unique<ChartModel>(m_store, spec);
        s.chart = std::make_unique<TimeSeriesChart>(s.model.get());
        s.chart->resize(800, 360);
        s.chart->show();
        if (!QTest::qWaitForWindowExposed(s.chart.get()))
            qWarning("not exposed");
        QSignalSpy rendered(s.chart.get(), &TimeSeriesChart::rendered);
        s.model->setTimeRange(m_range);
        if (!rendered.wait(5000))
            qWarning("not rendered");
        s.viewport = s.chart->findChild<QGraphicsView*>()->viewport();
        s.left = s.chart->positionOf({double(m_range.from) * 1000, 0}).x();
        s.right = s.chart->positionOf({double(m_range.to) * 1000, 0}).x();
        s.middleY = s.chart->positionOf({0, 10}).y();
        return s;
    }

    // The time (s UTC) under widget x on the range the chart shows now.
    static double timeAt(const Shown& s, double x)
    {
        const TimeRange r = s.model->timeRange();
        return double(r.from) + (x - s.left) / (s.right - s.left) * double(r.duration());
    }

    static void wheel(QWidget* target, QPoint at, int delta)
    {
        QWheelEvent e(at, target->mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton,
                      Qt::NoModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(target, &e);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
        m_store = new SampleStore(this);
        QVERIFY(m_store->open(m_dir.filePath(QStringLiteral("z.sqlite"))).result().usable());
        const qint64 t0 = floorTo(nowUtc(), 3600) - 3 * 3600;
        m_range = {t0, t0 + 7200};
        PollBatch b;
        b.source = QStringLiteral("src");
        b.window = m_range;
        SeriesSamples s;
        s.key = {QStringLiteral("src"), QStringLiteral("M"), QStringLiteral("total"),
                 labels::canonical({{QStringLiteral("Dep"), QStringLiteral("a")}})};
        for (qint64 t = m_range.from; t < m_range.to; t += 60)
            s.samples.push_back({t, 10 + double(t / 60 % 7)});
        b.series = {s};
        QVERIFY(m_store->write(b).result().ok);
    }

    // One notch forward zooms in to 80 % around the cursor; the axes move before the data.
    void wheelZoomsAroundTheCursor()
    {
        Shown s = show();
        const QPoint at(int(s.left + (s.right - s.left) * 0.25), int(s.middleY));
        const double anchor = timeAt(s, at.x());
        QSignalSpy shown(s.chart.get(), &TimeSeriesChart::rangeShown);
        QSignalSpy rendered(s.chart.get(), &TimeSeriesChart::rendered);
        wheel(s.viewport, at, 120);
        const TimeRange z = s.model->timeRange();
        QCOMPARE(z, chartzoom::zoomAround(m_range, anchor, 0.8));
        QVERIFY(std::abs(double(z.duration()) - 0.8 * 7200) <= 60);
        // Drawn at once on the new range, before the re-queried data arrived.
        QCOMPARE(shown.count(), 1);
        QCOMPARE(rendered.count(), 0);
        QCOMPARE(s.chart->axisRange().xFromMs, z.from * 1000);
        QCOMPARE(s.chart->axisRange().xToMs, z.to * 1000);
        // Then the data for it: the model asks the store again for the narrower range.
        QVERIFY(rendered.wait(5000));
        QCOMPARE(s.model->snapshot().range, z);
        // A notch back zooms out again around the same time.
        wheel(s.viewport, at, -120);
        QVERIFY(s.model->timeRange().duration() > z.duration());
    }

    void wheelOutsideThePlotScrollsThePage()
    {
        Shown s = show();
        wheel(s.viewport, QPoint(2, 2), 120);
        QCOMPARE(s.model->timeRange(), m_range);
    }

    // Dragging right shows earlier time by the dragged share of the width.
    void dragPans()
    {
        Shown s = show();
        const int y = int(s.middleY);
        const QPoint from(int((s.left + s.right) / 2), y);
        const QPoint to = from + QPoint(int((s.right - s.left) / 4), 0);
        QTest::mousePress(s.viewport, Qt::LeftButton, Qt::NoModifier, from);
        QTest::mouseMove(s.viewport, to);
        QTest::mouseRelease(s.viewport, Qt::LeftButton, Qt::NoModifier, to);
        const TimeRange r = s.model->timeRange();
        QCOMPARE(r.duration(), m_range.duration());
        const double expected = double(to.x() - from.x()) / (s.right - s.left) * 7200;
        QVERIFY2(std::abs(double(m_range.from - r.from) - expected) <= 60,
                 qPrintable(QString::number(m_range.from - r.from)));
    }

    // Shift+drag draws a band and zooms to it; a mere click does nothing.
    void shiftDragZoomsToTheBand()
    {
        Shown s = show();
        const int y = int(s.middleY);
        const QPoint a(int(s.left + (s.right - s.left) * 0.25), y);
        const QPoint b(int(s.left + (s.right - s.left) * 0.75), y);
        const double ta = timeAt(s, a.x()), tb = timeAt(s, b.x());
        QTest::mousePress(s.viewport, Qt::LeftButton, Qt::ShiftModifier, a);
        QTest::mouseMove(s.viewport, b);
        QTest::mouseRelease(s.viewport, Qt::LeftButton, Qt::ShiftModifier, b);
        const TimeRange r = s.model->timeRange();
        QVERIFY2(std::abs(double(r.from) - ta) <= 60 && std::abs(double(r.to) - tb) <= 60,
                 qPrintable(
                     QStringLiteral("%1..%2").arg(r.from - m_range.from).arg(r.to - m_range.from)));
        QTest::mousePress(s.viewport, Qt::LeftButton, Qt::ShiftModifier, a);
        QTest::mouseRelease(s.viewport, Qt::LeftButton, Qt::ShiftModifier, a);
        QCOMPARE(s.model->timeRange(), r);
    }

    void keysPanZoomAndReset()
    {
        Shown s = show();
        s.chart->findChild<QGraphicsView*>()->setFocus();
        QTest::keyClick(s.viewport, Qt::Key_Left);
        QCOMPARE(s.model->timeRange(), chartzoom::pan(m_range, -720));
        QTest::keyClick(s.viewport, Qt::Key_Up);
        QVERIFY(s.model->timeRange().duration() < m_range.duration());
        QTest::keyClick(s.viewport, Qt::Key_Escape);
        QCOMPARE(s.model->timeRange(), m_range); // back to where it started
        QTest::keyClick(s.viewport, Qt::Key_Minus);
        QVERIFY(s.model->timeRange().duration() > m_range.duration());
    }

    void doubleClickResets()
    {
        Shown s = show();
        const QPoint at(int((s.left + s.right) / 2), int(s.middleY));
        wheel(s.viewport, at, 240);
        QVERIFY(!(s.model->timeRange() == m_range));
        QTest::mouseDClick(s.viewport, Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(s.model->timeRange(), m_range);
    }

    // In a window with a handler (the main window's one range) the chart only asks.
    void windowHandlerGetsTheZoom()
    {
        Shown s = show();
        QVector<TimeRange> asked;
        int resets = 0;
        ChartZoomRouter::setHandler(
            s.chart.get(), [&](TimeRange r) { asked.push_back(r); },
            [&] {
                ++resets;
                return true;
            });
        const QPoint at(int((s.left + s.right) / 2), int(s.middleY));
        wheel(s.viewport, at, 120);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(s.model->timeRange(), m_range); // the handler decides
        QTest::mouseDClick(s.viewport, Qt::LeftButton, Qt::NoModifier, at);
        QCOMPARE(resets, 1);
    }

    void cleanupTestCase()
    {
        delete m_store;
        m_store = nullptr;
    }
};

QTEST_MAIN(tst_TimeChartView)
#include "tst_timechartview.moc"
