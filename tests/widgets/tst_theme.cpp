#include "theme/theme.h"

#include <QApplication>
#include <QSignalSpy>
#include <QWidget>
#include <QtTest/QtTest>
#include <memory>

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

    void modeNames_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<int>("mode");
        QTest::newRow("system") << "system" << true << int(ThemeMode::System);
        QTest::newRow("light") << "light" << true << int(ThemeMode::Light);
        QTest::newRow("dark, any case and spaces") << " Dark " << true << int(ThemeMode::Dark);
        QTest::newRow("empty") << "" << false << -1;
        QTest::newRow("unknown") << "sepia" << false << -1;
    }
    void modeNames()
    {
        QFETCH(QString, name);
        QFETCH(bool, ok);
        QFETCH(int, mode);
        ThemeMode parsed = ThemeMode::System;
        QCOMPARE(parseThemeMode(name, &parsed), ok);
        if (ok) {
            QCOMPARE(int(parsed), mode);
            QCOMPARE(themeModeName(parsed), name.trimmed().toLower());
        }
    }

    // A switch sets the application's palette and restyles every watcher (and only living
    // ones); back to System restores the desktop's palette.
    void switchRestylesWatchers()
    {
        const QPalette desktop = QApplication::palette();
        QVERIFY(!isDarkPalette(desktop)); // offscreen: Fusion's light palette
        int calls = 0;
        auto gone = std::make_unique<QObject>();
        int goneCalls = 0;
        QWidget page;
        setPageBackground(&page);
        {
            QObject owner;
            watchTheme(&owner, [&calls] { ++calls; });
            watchTheme(gone.get(), [&goneCalls] { ++goneCalls; });
            QCOMPARE(calls, 1);
            gone.reset();
            Theme::instance()->apply(ThemeMode::Dark);
            QCOMPARE(Theme::instance()->mode(), ThemeMode::Dark);
            QVERIFY(isDarkPalette(QApplication::palette()));
            QCOMPARE(calls, 2);
            QCOMPARE(goneCalls, 1);
            QCOMPARE(page.palette().color(QPalette::Window),
                     themeColor(ThemeColor::PageBackground, themePalette(ThemeMode::Dark)));
            QVERIFY(isDarkPalette(page.palette()));
            QCOMPARE(themeColor(ThemeColor::HeadingText),
                     themeColor(ThemeColor::HeadingText, themePalette(ThemeMode::Dark)));

            Theme::instance()->apply(ThemeMode::Light);
            QVERIFY(!isDarkPalette(QApplication::palette()));
            QCOMPARE(calls, 3);
            QCOMPARE(page.palette().color(QPalette::Window), QColor(0xF3F4F6));
        }
        Theme::instance()->apply(ThemeMode::System);
        QCOMPARE(QApplication::palette().color(QPalette::Window), desktop.color(QPalette::Window));
        QCOMPARE(calls, 3); // the owner is gone
    }

    // In System mode a palette change from the desktop (here: set behind the theme's back) is
    // followed: watchers restyle; a forced mode ignores it.
    void systemModeFollowsTheDesktop()
    {
        Theme::instance()->apply(ThemeMode::System);
        QSignalSpy changed(Theme::instance(), &Theme::changed);
        QApplication::setPalette(themePalette(ThemeMode::Dark));
        QVERIFY(changed.wait(5000));
        QVERIFY(isDarkPalette(Theme::instance()->systemPalette()));
        QApplication::setPalette(QPalette());
        QVERIFY(changed.wait(5000));
        QVERIFY(!isDarkPalette(Theme::instance()->systemPalette()));

        Theme::instance()->apply(ThemeMode::Light);
        changed.clear();
        QApplication::setPalette(themePalette(ThemeMode::Dark)); // not the theme's to follow
        // What the System mode would have queued runs with the next event loop pass.
        QCoreApplication::processEvents();
        QCoreApplication::processEvents();
        QCOMPARE(changed.count(), 0);
        Theme::instance()->apply(ThemeMode::System);
    }

    // Every role reads on its background in both themes (the dark palette is the one --theme
    // dark and View > Theme > Dark use).
    void darkTextReadsOnCards()
    {
        const QPalette dark = themePalette(ThemeMode::Dark), light = themePalette(ThemeMode::Light);
        QVERIFY(isDarkPalette(dark));
        QVERIFY(!isDarkPalette(light));
        const int card = themeColor(ThemeColor::CardBackground, dark).lightness();
        for (const ThemeColor text :
             {ThemeColor::ChartText, ThemeColor::ChartStrongText, ThemeColor::SidebarSelectedText,
              ThemeColor::Good, ThemeColor::Caution, ThemeColor::DemoText, ThemeColor::WarningText,
              ThemeColor::StatusText})
            QVERIFY2(themeColor(text, dark).lightness() - card > 80,
                     qPrintable(themeCss(text, dark)));
        QVERIFY(themeColor(ThemeColor::ChartBackground, dark) !=
                themeColor(ThemeColor::ChartBackground, light));
        QCOMPARE(themeColor(ThemeColor::ChartLabelBackground, light).alpha(), 215);
        QVERIFY(themeCss(ThemeColor::ChartLabelBackground, light).startsWith("rgba("));
    }
};

QTEST_MAIN(tst_Theme)
#include "tst_theme.moc"
