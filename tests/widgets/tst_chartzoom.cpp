#include "charts/chartzoom.h"

#include <QWidget>
#include <QtTest/QtTest>

using namespace isc;

class tst_ChartZoom : public QObject
{
    Q_OBJECT
private slots:
    // Zooming keeps the time under the cursor where it is on screen.
    void zoomKeepsTheAnchor_data()
    {
        QTest::addColumn<double>("anchorShare"); // where the cursor is, 0 = left edge
        QTest::addColumn<double>("factor");
        QTest::newRow("in at the middle") << 0.5 << 0.5;
        QTest::newRow("in near the left") << 0.1 << 0.8;
        QTest::newRow("in near the right") << 0.9 << 0.8;
        QTest::newRow("out at a third") << 1.0 / 3 << 1.25;
    }
    void zoomKeepsTheAnchor()
    {
        QFETCH(double, anchorShare);
        QFETCH(double, factor);
        const TimeRange day{1'700'000'000 / 60 * 60, 1'700'000'000 / 60 * 60 + 86400};
        const double anchor = double(day.from) + anchorShare * double(day.duration());
        const TimeRange z = chartzoom::zoomAround(day, anchor, factor);
        QVERIFY(z.isValid());
        QCOMPARE(z.from % 60, 0);
        QCOMPARE(z.to % 60, 0);
        // The span scales by the factor (to a minute) ...
        QVERIFY(std::abs(double(z.duration()) - factor * 86400) <= 60);
        // ... and the anchor stays at the same share of the width (to a minute of it).
        const double share = (anchor - double(z.from)) / double(z.duration());
        QVERIFY2(std::abs(share - anchorShare) * double(z.duration()) <= 60,
                 qPrintable(QString::number(share)));
    }

    void zoomStopsAtTheNarrowestSpan()
    {
        const TimeRange r{6000, 6000 + 1200};
        const TimeRange z = chartzoom::zoomAround(r, 6600, 0.01);
        QCOMPARE(z.duration(), chartzoom::kMinSpanSeconds);
        QVERIFY(z.from <= 6600 && z.to >= 6600);
        const TimeRange wide = chartzoom::zoomAround({0, 300 * 86400}, 150 * 86400, 100);
        QCOMPARE(wide.duration(), chartzoom::kMaxSpanSeconds);
    }

    void neverPastTheLatest()
    {
        const TimeRange r{60000, 60000 + 3600};
        const qint64 latest = r.to;
        const TimeRange out = chartzoom::zoomAround(r, double(r.to), 2.0, latest);
        QCOMPARE(out.to, latest);
        QCOMPARE(out.duration(), 7200);
        const TimeRange panned = chartzoom::pan(r, 1800, latest);
        QCOMPARE(panned, r); // already at the end
        const TimeRange back = chartzoom::pan(r, -1830, latest);
        QCOMPARE(back.from, r.from - 1860); // whole minutes
        QCOMPARE(back.duration(), r.duration());
    }

    void bandEitherWay()
    {
        // Dragged right to left or left to right: the same range, on whole minutes.
        const TimeRange a = chartzoom::between(12000, 4000);
        QCOMPARE(a, chartzoom::between(4000, 12000));
        QCOMPARE(a, TimeRange({4020, 12000}));
        // A band narrower than the narrowest span widens around its middle.
        const TimeRange narrow = chartzoom::between(36000, 36060);
        QCOMPARE(narrow.duration(), chartzoom::kMinSpanSeconds);
        QVERIFY(narrow.from <= 36000 && narrow.to >= 36060);
    }

    void routerReachesTheWindowsHandler()
    {
        QWidget window;
        auto* child = new QWidget(&window);
        QVERIFY(!ChartZoomRouter::hasHandler(child));
        QVERIFY(!ChartZoomRouter::reset(child));
        TimeRange got;
        int resets = 0;
        ChartZoomRouter::setHandler(
            &window, [&](TimeRange r) { got = r; },
            [&] {
                ++resets;
                return true;
            });
        QVERIFY(ChartZoomRouter::hasHandler(child));
        ChartZoomRouter::zoom(child, {60, 720});
        QCOMPARE(got, TimeRange({60, 720}));
        QVERIFY(ChartZoomRouter::reset(child));
        QCOMPARE(resets, 1);
        QWidget other;
        QVERIFY(!ChartZoomRouter::hasHandler(&other));
    }

    void routerForgetsADestroyedWindow()
    {
        const QWidget* address = nullptr;
        {
            QWidget window;
            address = &window;
            ChartZoomRouter::setHandler(
                &window, [](TimeRange) {}, [] { return true; });
            QVERIFY(ChartZoomRouter::hasHandler(&window));
        }
        // A new widget may reuse the address: it must not inherit the handler.
        QWidget next;
        if (&next == address)
            QVERIFY(!ChartZoomRouter::hasHandler(&next));
        QVERIFY(!ChartZoomRouter::reset(&next));
    }
};

QTEST_MAIN(tst_ChartZoom)
#include "tst_chartzoom.moc"
