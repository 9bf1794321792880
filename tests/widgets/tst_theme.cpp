#include "kit/theme.h"

#include <QApplication>
#include <QWidget>
#include <QtTest/QtTest>

using namespace isc;

namespace {

QPalette darkPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0x202124));
    p.setColor(QPalette::WindowText, QColor(0xE8EAED));
    p.setColor(QPalette::Base, QColor(0x2A2B2E));
    p.setColor(QPalette::Text, QColor(0xE8EAED));
    p.setColor(QPalette::Mid, QColor(0x5F6368));
    p.setColor(QPalette::PlaceholderText, QColor(0x9AA0A6));
    return p;
}

QPalette lightPalette()
{
    QPalette p;
    p.setColor(QPalette::Window, QColor(0xEFEFEF));
    p.setColor(QPalette::WindowText, Qt::black);
    return p;
}

} // namespace

class tst_Theme : public QObject
{
    Q_OBJECT
private slots:
    // On a light palette the pages keep the design's colours exactly.
    void lightIsTheDesign_data()
    {
        QTest::addColumn<int>("role");
        QTest::addColumn<QString>("css");
        QTest::newRow("page") << int(ThemeColor::PageBackground) << "#f3f4f6";
        QTest::newRow("card") << int(ThemeColor::CardBackground) << "#ffffff";
        QTest::newRow("border") << int(ThemeColor::CardBorder) << "#dcdfe3";
        QTest::newRow("heading") << int(ThemeColor::HeadingText) << "#303030";
        QTest::newRow("note") << int(ThemeColor::NoteText) << "#404040";
        QTest::newRow("muted") << int(ThemeColor::MutedText) << "#606060";
        QTest::newRow("bad") << int(ThemeColor::Bad) << "#b03a2e";
        QTest::newRow("banner") << int(ThemeColor::BannerBackground) << "#fdecea";
        QTest::newRow("error") << int(ThemeColor::ErrorText) << "#b91c1c";
        QTest::newRow("accent") << int(ThemeColor::Accent) << "#1d4ed8";
    }
    void lightIsTheDesign()
    {
        QFETCH(int, role);
        QFETCH(QString, css);
        QVERIFY(!isDarkPalette(lightPalette()));
        QCOMPARE(themeCss(ThemeColor(role), lightPalette()), css);
    }

    // On a dark palette text stays readable on the cards and the cards stand off the page.
    void darkIsReadable_data()
    {
        QTest::addColumn<int>("text");
        QTest::newRow("heading") << int(ThemeColor::HeadingText);
        QTest::newRow("note") << int(ThemeColor::NoteText);
        QTest::newRow("muted") << int(ThemeColor::MutedText);
        QTest::newRow("bad") << int(ThemeColor::Bad);
        QTest::newRow("error") << int(ThemeColor::ErrorText);
    }
    void darkIsReadable()
    {
        QFETCH(int, text);
        const QPalette dark = darkPalette();
        QVERIFY(isDarkPalette(dark));
        const int card = themeColor(ThemeColor::CardBackground, dark).lightness();
        QVERIFY2(themeColor(ThemeColor(text), dark).lightness() - card > 80,
                 qPrintable(themeCss(ThemeColor(text), dark)));
        QVERIFY(themeColor(ThemeColor::PageBackground, dark) !=
                themeColor(ThemeColor::CardBackground, dark));
        QVERIFY(themeColor(ThemeColor::BannerText, dark).lightness() -
                    themeColor(ThemeColor::BannerBackground, dark).lightness() >
                80);
    }

    void pageBackground()
    {
        QWidget page;
        page.setPalette(lightPalette());
        setPageBackground(&page);
        QVERIFY(page.autoFillBackground());
        QCOMPARE(page.palette().color(QPalette::Window), QColor(0xF3F4F6));
    }
};

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
