#include "timerangepicker.h"

#include <QDateTimeEdit>
#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

namespace {
constexpr qint64 kNow = 1772323200 + 17 * 60 + 5; // 2026-03-01T00:17:05Z
}

class tst_TimeRangePicker : public QObject
{
    Q_OBJECT
private slots:
    void presets_data()
    {
        QTest::addColumn<TimeRangePicker::Preset>("preset");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<qint64>("length");
        const qint64 midnight = 1772323200;
        QTest::newRow("1 h") << TimeRangePicker::Preset::Hour << midnight + 20 * 60 << qint64(3600);
        QTest::newRow("6 h") << TimeRangePicker::Preset::SixHours << midnight + 30 * 60
                             << qint64(6 * 3600);
        QTest::newRow("24 h") << TimeRangePicker::Preset::Day << midnight + 3600 << qint64(86400);
        QTest::newRow("7 d") << TimeRangePicker::Preset::Week << midnight + 3600
                             << qint64(7 * 86400);
        QTest::newRow("30 d") << TimeRangePicker::Preset::Month << midnight + 3600
                              << qint64(30 * 86400);
    }
    void presets()
    {
        QFETCH(TimeRangePicker::Preset, preset);
        QFETCH(qint64, to);
        QFETCH(qint64, length);
        const TimeRange r = TimeRangePicker::presetRange(preset, kNow);
        QCOMPARE(r.to, to);
        QCOMPARE(r.duration(), length);
    }

    void selectAndAdvance()
    {
        TimeRangePicker picker;
        qint64 now = kNow;
        picker.setClock([&now] { return now; });
        QSignalSpy changed(&picker, &TimeRangePicker::rangeChanged);
        picker.setPreset(TimeRangePicker::Preset::Hour);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(picker.range().duration(), qint64(3600));
        picker.advance(); // same clock: nothing moves
        QCOMPARE(changed.count(), 1);
        now += 5 * 60;
        picker.advance();
        QCOMPARE(changed.count(), 2);
        QCOMPARE(picker.range().to,
                 TimeRangePicker::presetRange(TimeRangePicker::Preset::Hour, now).to);

        picker.setCustomRange({1000 * 60, 2000 * 60});
        QCOMPARE(picker.preset(), TimeRangePicker::Preset::Custom);
        now += 3600;
        picker.advance(); // custom ranges stay put
        QCOMPARE(picker.range(), TimeRange({1000 * 60, 2000 * 60}));
        picker.setCustomRange({5, 5}); // invalid: ignored
        QCOMPARE(picker.range(), TimeRange({1000 * 60, 2000 * 60}));
    }

    void shortcuts()
    {
        QWidget window;
        auto* picker = new TimeRangePicker(&window);
        picker->setClock([] { return kNow; });
        window.show();
        QVERIFY(QTest::qWaitForWindowActive(&window) || QTest::qWaitForWindowExposed(&window));
        QTest::keyClick(&window, Qt::Key_5, Qt::ControlModifier);
        QCOMPARE(picker->preset(), TimeRangePicker::Preset::Month);
        QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
        QCOMPARE(picker->preset(), TimeRangePicker::Preset::Hour);
    }

    void customDialog()
    {
        CustomRangeDialog dialog({1772323200, 1772323200 + 7200});
        QCOMPARE(dialog.range(), TimeRange({1772323200, 1772323200 + 7200}));
        QVERIFY(dialog.isValidRange());
        dialog.toEdit()->setDateTime(QDateTime::fromSecsSinceEpoch(1772323200 - 60));
        QVERIFY(!dialog.isValidRange());
        QVERIFY(!dialog.fromEdit()->accessibleName().isEmpty());
    }
};

QTEST_MAIN(tst_TimeRangePicker)
#include "tst_timerangepicker.moc"
