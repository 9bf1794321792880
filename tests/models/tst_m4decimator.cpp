#include "store/m4decimator.h"

#include <QRandomGenerator>
#include <QtTest/QtTest>
#include <algorithm>

using namespace isc;

using Points = QVector<QPointF>;

class tst_M4Decimator : public QObject
{
    Q_OBJECT
private slots:
    void decimate_data()
    {
        QTest::addColumn<Points>("input");
        QTest::addColumn<double>("from");
        QTest::addColumn<double>("to");
        QTest::addColumn<int>("columns");
        QTest::addColumn<Points>("expected");

        QTest::newRow("empty") << Points{} << 0.0 << 10.0 << 5 << Points{};
        QTest::newRow("no columns keeps everything")
            << Points{{0, 1}, {1, 2}, {2, 3}} << 0.0 << 10.0 << 0 << Points{{0, 1}, {1, 2}, {2, 3}};
        QTest::newRow("empty span keeps everything")
            << Points{{0, 1}, {1, 2}} << 5.0 << 5.0 << 3 << Points{{0, 1}, {1, 2}};
        QTest::newRow("single point") << Points{{3, 7}} << 0.0 << 10.0 << 2 << Points{{3, 7}};
        QTest::newRow("monotonic column keeps first and last")
            << Points{{0, 1}, {1, 2}, {2, 3}, {3, 4}, {4, 5}} << 0.0 << 5.0 << 1
            << Points{{0, 1}, {4, 5}};
        QTest::newRow("spike and dip survive")
            << Points{{0, 1}, {1, 9}, {2, 1}, {3, -4}, {4, 1}, {5, 2}} << 0.0 << 6.0 << 1
            << Points{{0, 1}, {1, 9}, {3, -4}, {5, 2}};
        QTest::newRow("dip before spike keeps x order")
            << Points{{0, 1}, {1, -3}, {2, 8}, {3, 2}} << 0.0 << 4.0 << 1
            << Points{{0, 1}, {1, -3}, {2, 8}, {3, 2}};
        QTest::newRow("constant column collapses")
            << Points{{0, 1}, {1, 1}, {2, 1}, {3, 1}} << 0.0 << 4.0 << 1 << Points{{0, 1}, {3, 1}};
        QTest::newRow("first is the minimum")
            << Points{{0, 0}, {1, 5}, {2, 3}} << 0.0 << 3.0 << 1 << Points{{0, 0}, {1, 5}, {2, 3}};
        QTest::newRow("two columns")
            << Points{{0, 1}, {1, 5}, {2, 2}, {3, 0}, {5, 3}, {6, 9}, {7, 4}, {9, 4}} << 0.0 << 10.0
            << 2 << Points{{0, 1}, {1, 5}, {3, 0}, {5, 3}, {6, 9}, {9, 4}};
        QTest::newRow("first max wins on ties") << Points{{0, 0}, {1, 5}, {2, 5}, {3, 1}} << 0.0
                                                << 4.0 << 1 << Points{{0, 0}, {1, 5}, {3, 1}};
        QTest::newRow("points outside the span fall into edge columns")
            << Points{{-5, 2}, {1, 3}, {12, 4}} << 0.0 << 10.0 << 2
            << Points{{-5, 2}, {1, 3}, {12, 4}};
        QTest::newRow("empty columns are skipped")
            << Points{{0, 1}, {9, 2}} << 0.0 << 10.0 << 10 << Points{{0, 1}, {9, 2}};
    }
    void decimate()
    {
        QFETCH(Points, input);
        QFETCH(double, from);
        QFETCH(double, to);
        QFETCH(int, columns);
        QFETCH(Points, expected);
        QCOMPARE(M4Decimator::decimate(input, from, to, columns), expected);
    }

    void envelopeCarriesSpikes()
    {
        // One rollup bucket per column: its min and max are drawn at its x.
        const QVector<EnvelopePoint> input{{0, 2, 1, 50}, {10, 3, 3, 3}};
        const Points out = M4Decimator::decimate(input, 0, 20, 2);
        QCOMPARE(out, (Points{{0, 2}, {0, 1}, {0, 50}, {0, 2}, {10, 3}}));
    }

    void envelopeMinMaxPickTheExtremes()
    {
        const QVector<EnvelopePoint> input{{0, 5, 4, 6}, {1, 5, 0, 7}, {2, 5, 3, 99}, {3, 5, 5, 5}};
        const Points out = M4Decimator::decimate(input, 0, 4, 1);
        QCOMPARE(out, (Points{{0, 5}, {1, 0}, {2, 99}, {3, 5}}));
    }

    void boundAndExtremesOnRandomData_data()
    {
        QTest::addColumn<int>("count");
        QTest::addColumn<int>("columns");
        QTest::newRow("dense") << 100000 << 800;
        QTest::newRow("sparse") << 500 << 1000;
        QTest::newRow("one column") << 1000 << 1;
    }
    void boundAndExtremesOnRandomData()
    {
        QFETCH(int, count);
        QFETCH(int, columns);
        QRandomGenerator rng(42);
        Points input;
        for (int i = 0; i < count; ++i)
            input.append({double(i), rng.bounded(1000.0)});
        const Points out = M4Decimator::decimate(input, 0, count, columns);
        QVERIFY(out.size() <= qsizetype(columns) * 4);
        QVERIFY(std::is_sorted(out.begin(), out.end(),
                               [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        auto byY = [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); };
        QCOMPARE(std::max_element(out.begin(), out.end(), byY)->y(),
                 std::max_element(input.begin(), input.end(), byY)->y());
        QCOMPARE(std::min_element(out.begin(), out.end(), byY)->y(),
                 std::min_element(input.begin(), input.end(), byY)->y());
        QCOMPARE(out.constFirst(), input.constFirst());
        QCOMPARE(out.constLast(), input.constLast());
    }
};

QTEST_GUILESS_MAIN(tst_M4Decimator)
#include "tst_m4decimator.moc"
