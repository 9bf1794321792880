#include "alerttrayicon.h"

#include <QMenu>
#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;

class tst_AlertTrayIcon : public QObject
{
    Q_OBJECT
private slots:
    // The icon says whether anything fires, and how much; the tooltip says it in words.
    void iconAndTooltipFollowTheCount()
    {
        const QImage calm = AlertTrayIcon::iconFor(0).pixmap(64).toImage();
        const QImage three = AlertTrayIcon::iconFor(3).pixmap(64).toImage();
        const QImage four = AlertTrayIcon::iconFor(4).pixmap(64).toImage();
        QVERIFY(!calm.isNull());
        QVERIFY(calm != three);
        QVERIFY(three != four); // the number is drawn
        // Firing is drawn in the threshold colour, not the calm one.
        QVERIFY(calm.pixelColor(32, 6) != three.pixelColor(32, 6));

        AlertTrayIcon tray;
        QCOMPARE(tray.firing(), 0);
        QVERIFY(tray.toolTip().contains(QLatin1String("Nothing is firing")));
        tray.setFiring(2, QStringLiteral("2 firing, 1 pending"));
        QCOMPARE(tray.firing(), 2);
        QCOMPARE(tray.toolTip(), QStringLiteral("Inferscope\n2 firing, 1 pending"));
        QVERIFY(!tray.icon().isNull());
    }

    void menuActions()
    {
        AlertTrayIcon tray;
        QVERIFY(tray.contextMenu());
        const auto actions = tray.contextMenu()->actions();
        QSignalSpy show(&tray, &AlertTrayIcon::showWindowRequested);
        QSignalSpy alerts(&tray, &AlertTrayIcon::showAlertsRequested);
        QSignalSpy quit(&tray, &AlertTrayIcon::quitRequested);
        for (QAction* a : actions)
            a->trigger();
        QCOMPARE(show.size(), 1);
        QCOMPARE(alerts.size(), 1);
        QCOMPARE(quit.size(), 1);
    }
};

QTEST_MAIN(tst_AlertTrayIcon)
#include "tst_alerttrayicon.moc"
