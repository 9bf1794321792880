#include "kit/card.h"

#include <QLabel>
#include <QVBoxLayout>
#include <QtTest/QtTest>

using namespace isc;

class tst_Card : public QObject
{
    Q_OBJECT
private slots:
    void parts_data()
    {
        QTest::addColumn<int>("pixelSize");
        QTest::addColumn<QString>("headingStyle");
        QTest::newRow("font's size") << 0 << "font-weight: 600; color: #303030;";
        QTest::newRow("13 px") << 13 << "font-weight: 600; font-size: 13px; color: #303030;";
    }
    void parts()
    {
        QFETCH(int, pixelSize);
        QFETCH(QString, headingStyle);
        Card card(nullptr, {8, 6, 8, 8}, 4);
        QCOMPARE(card.objectName(), QStringLiteral("Card"));
        QCOMPARE(card.body()->contentsMargins(), QMargins(8, 6, 8, 8));
        QCOMPARE(card.body()->spacing(), 4);
        QLabel* heading = card.addHeading(QStringLiteral("Quota"), pixelSize);
        QCOMPARE(heading->styleSheet(), headingStyle);
        QLabel* note = card.addNote();
        QVERIFY(note->wordWrap());
        QCOMPARE(note->textFormat(), Qt::RichText);
        QLabel* banner = card.addBanner();
        // The parts stack in the order they were added.
        QCOMPARE(card.body()->indexOf(heading), 0);
        QCOMPARE(card.body()->indexOf(note), 1);
        QCOMPARE(card.body()->indexOf(banner), 2);
        QVERIFY(banner->isHidden());
    }

    void banner_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("show");
        QTest::addColumn<QString>("shown");
        QTest::newRow("warning") << "2 quotas at <80 %>" << true << "2 quotas at &lt;80 %&gt;";
        QTest::newRow("nothing to say") << "" << false << "";
    }
    void banner()
    {
        QFETCH(QString, text);
        QFETCH(bool, show);
        QFETCH(QString, shown);
        Card card;
        QLabel* banner = card.addBanner();
        card.show();
        Card::showBanner(banner, text, show);
        QCOMPARE(banner->text(), shown);
        QCOMPARE(banner->isVisible(), show);
    }
};

QTEST_MAIN(tst_Card)
#include "tst_card.moc"
