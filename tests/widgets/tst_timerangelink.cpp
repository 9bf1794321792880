#include "timerangelink.h"

#include <QShortcut>
#include <QSignalSpy>
#include <QToolButton>
#include <QtTest/QtTest>

#include <memory>

using namespace isc;
using Preset = TimeRangePicker::Preset;

namespace {

constexpr qint64 kNow = 1772323200 + 17 * 60 + 5; // 2026-03-01T00:17:05Z

std::unique_ptr<TimeRangePicker> picker()
{
    auto p = std::make_unique<TimeRangePicker>();
    p->setClock([] { return kNow; });
    p->setPreset(Preset::Day);
    return p;
}

} // namespace

class tst_TimeRangeLink : public QObject
{
    Q_OBJECT
private slots:
    // The first picker gives the window its range (the Overview's, restored); later ones take it.
    void firstPickerGivesTheRange()
    {
        TimeRangeLink link;
        auto overview = picker(), cost = picker();
        overview->setPreset(Preset::Week);
        link.add(overview.get());
        QCOMPARE(link.preset(), Preset::Week);
        link.add(cost.get());
        QCOMPARE(cost->preset(), Preset::Week);
        QCOMPARE(cost->range(), overview->range());
        QCOMPARE(link.pickerCount(), 2);
    }

    // A change in any page's picker moves every other one, once.
    void aChangeAnywhereMovesEveryPicker()
    {
        TimeRangeLink link;
        auto a = picker(), b = picker(), c = picker();
        link.add(a.get());
        link.add(b.get());
        link.add(c.get());
        QSignalSpy changed(&link, &TimeRangeLink::changed);
        QSignalSpy aMoved(a.get(), &TimeRangePicker::rangeChanged);
        b->setPreset(Preset::Month);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(aMoved.count(), 1);
        QCOMPARE(a->preset(), Preset::Month);
        QCOMPARE(c->preset(), Preset::Month);

        const TimeRange custom{kNow - 3 * 3600, kNow - 3600};
        c->setCustomRange(custom);
        QCOMPARE(link.preset(), Preset::Custom);
        QCOMPARE(link.customRange(), custom);
        QCOMPARE(a->range(), custom);
        QCOMPARE(b->range(), custom);
        QCOMPARE(changed.count(), 2);
    }

    // A chart's zoom shows on every page; reset brings back the chosen preset, which slides on.
    void zoomAndReset()
    {
        TimeRangeLink link;
        auto a = picker(), b = picker();
        link.add(a.get());
        link.add(b.get());
        a->setPreset(Preset::Week);
        QSignalSpy zoomed(&link, &TimeRangeLink::zoomedChanged);
        const TimeRange z{kNow - 5 * 3600, kNow - 4 * 3600};
        link.zoomTo(z);
        QVERIFY(link.isZoomed());
        QCOMPARE(zoomed.count(), 1);
        QCOMPARE(a->range(), z);
        QCOMPARE(b->range(), z);
        QVERIFY(a->isZoomed() && b->isZoomed());
        // Zooming on keeps the range to go back to.
        link.zoomTo({z.from + 600, z.to - 600});
        QCOMPARE(zoomed.count(), 1);
        QCOMPARE(b->range(), TimeRange({z.from + 600, z.to - 600}));
        QVERIFY(link.resetZoom());
        QVERIFY(!link.isZoomed());
        QCOMPARE(zoomed.count(), 2);
        QCOMPARE(link.preset(), Preset::Week);
        QCOMPARE(b->preset(), Preset::Week);
        QCOMPARE(b->range(), TimeRangePicker::presetRange(Preset::Week, kNow));
        QVERIFY(!a->isZoomed() && !b->isZoomed());
        QVERIFY(!link.resetZoom()); // nothing left to undo
    }

    // A custom range zoomed comes back; a range chosen while zoomed ends the zoom.
    void choosingARangeEndsTheZoom()
    {
        TimeRangeLink link;
        auto a = picker(), b = picker();
        link.add(a.get());
        link.add(b.get());
        const TimeRange custom{kNow - 10 * 3600, kNow - 2 * 3600};
        link.setCustomRange(custom);
        link.zoomTo({kNow - 6 * 3600, kNow - 5 * 3600});
        QVERIFY(link.resetZoom());
        QCOMPARE(a->range(), custom);

        link.zoomTo({kNow - 6 * 3600, kNow - 5 * 3600});
        b->setPreset(Preset::Hour); // a click on a picker
        QVERIFY(!link.isZoomed());
        QVERIFY(!a->isZoomed());
        QCOMPARE(a->preset(), Preset::Hour);
        QVERIFY(!link.resetZoom());

        link.zoomTo({kNow - 6 * 3600, kNow - 5 * 3600});
        link.setPreset(Preset::Day); // Ctrl+3
        QVERIFY(!link.isZoomed());
    }

    // The pickers' "Reset zoom" button resets the window's zoom.
    void pickersResetButton()
    {
        TimeRangeLink link;
        auto a = picker();
        link.add(a.get());
        link.zoomTo({kNow - 6 * 3600, kNow - 5 * 3600});
        auto* button = a->findChild<QToolButton*>(QString(), Qt::FindDirectChildrenOnly);
        QList<QToolButton*> buttons = a->findChildren<QToolButton*>();
        QToolButton* reset = nullptr;
        for (QToolButton* b : buttons) {
            if (b->text() == QStringLiteral("Reset zoom"))
                reset = b;
        }
        QVERIFY(button && reset);
        QVERIFY(!reset->isHidden());
        reset->click();
        QVERIFY(!link.isZoomed());
        QVERIFY(reset->isHidden());
        QCOMPARE(a->preset(), Preset::Day);
    }

    // The window's setters (Ctrl+1..5, --range): a preset when one has that length.
    void setLength_data()
    {
        QTest::addColumn<qint64>("seconds");
        QTest::addColumn<Preset>("preset");
        QTest::newRow("1 h") << qint64(3600) << Preset::Hour;
        QTest::newRow("7 d") << qint64(7 * 86400) << Preset::Week;
        QTest::newRow("30 d") << qint64(30 * 86400) << Preset::Month;
        QTest::newRow("2 h: custom") << qint64(7200) << Preset::Custom;
    }
    void setLength()
    {
        QFETCH(qint64, seconds);
        QFETCH(Preset, preset);
        TimeRangeLink link;
        auto a = picker(), b = picker();
        link.add(a.get());
        link.add(b.get());
        link.setLength(seconds, kNow);
        QCOMPARE(link.preset(), preset);
        for (TimeRangePicker* p : {a.get(), b.get()}) {
            QCOMPARE(p->preset(), preset);
            QCOMPARE(p->range().duration(), seconds);
        }
        if (preset == Preset::Custom)
            QCOMPARE(b->range().to, kNow / 60 * 60 + 60);
    }

    // A page that goes takes its picker out of the link; its shortcuts are the window's.
    void deletedPickersAreForgottenAndShortcutsOff()
    {
        TimeRangeLink link;
        auto a = picker();
        auto b = picker();
        link.add(a.get());
        link.add(b.get());
        for (QShortcut* s : b->findChildren<QShortcut*>())
            QVERIFY(!s->isEnabled());
        b.reset();
        link.setPreset(Preset::Hour);
        QCOMPARE(link.pickerCount(), 1);
        QCOMPARE(a->preset(), Preset::Hour);
        link.add(nullptr);
        QCOMPARE(link.pickerCount(), 1);
    }
};

QTEST_MAIN(tst_TimeRangeLink)
#include "tst_timerangelink.moc"
