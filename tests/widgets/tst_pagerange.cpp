#include "kit/pagerange.h"
#include "store/samplestore.h"
#include "timerangepicker.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

PollBatch poll(TimeRange window)
{
    PollBatch b;
    b.source = QStringLiteral("src");
    b.window = window;
    SeriesSamples s;
    s.key = {QStringLiteral("src"), QStringLiteral("M"), QStringLiteral("total"), QString()};
    s.samples = {{window.from, 1}};
    b.series = {s};
    return b;
}

} // namespace

class tst_PageRange : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A poll written inside what the page reads refreshes it; one outside does not.
    void storeWritesRefresh_data()
    {
        QTest::addColumn<int>("reach");
        QTest::addColumn<qint64>("offset"); // the poll's start, from the range's start
        QTest::addColumn<int>("refreshes");
        const int range = int(RangeReach::Range), previous = int(RangeReach::RangeAndPrevious);
        QTest::newRow("inside") << range << qint64(600) << 1;
        QTest::newRow("before the range") << range << qint64(-7200) << 0;
        QTest::newRow("in the previous period, read by the page") << previous << qint64(-7200) << 1;
        QTest::newRow("before the previous period") << previous << qint64(-3 * 86400) << 0;
    }
    void storeWritesRefresh()
    {
        QFETCH(int, reach);
        QFETCH(qint64, offset);
        QFETCH(int, refreshes);
        QTemporaryDir dir;
        SampleStore store;
        QVERIFY(store.open(dir.filePath(QStringLiteral("r.sqlite"))).result().usable());
        TimeRangePicker picker;
        const qint64 now = floorTo(nowUtc(), 3600);
        picker.setCustomRange({now - 86400, now});
        QObject page;
        int refreshed = 0;
        followRange(&page, &picker, &store, RangeReach(reach), [&] { ++refreshed; });
        QSignalSpy changed(&store, &SampleStore::dataChanged);
        const qint64 from = now - 86400 + offset;
        QVERIFY(store.write(poll({from, from + 60})).result().ok);
        QVERIFY(changed.count() > 0 || changed.wait(5000));
        QCOMPARE(refreshed, refreshes);
    }
};

QTEST_MAIN(tst_PageRange)
#include "tst_pagerange.moc"
