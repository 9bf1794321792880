#include "demobanner.h"

#include <QSignalSpy>
#include <QToolButton>
#include <QtTest/QtTest>

using namespace isc;

class tst_DemoBanner : public QObject
{
    Q_OBJECT
private slots:
    void demoText()
    {
        DemoBanner banner;
        QCOMPARE(banner.kind(), DemoBanner::Kind::Demo);
        QVERIFY(banner.text().startsWith(QStringLiteral("Demo data:")));
        QVERIFY(banner.text().contains(QStringLiteral("Nothing here is real.")));
        // The demo is a whole fleet, not one Azure account.
        for (const char* provider : {"Azure OpenAI", "OpenAI", "Anthropic", "local servers"})
            QVERIFY2(banner.text().contains(QLatin1String(provider)), provider);
        QCOMPARE(banner.accessibleName(), QStringLiteral("Demo data notice"));
    }

    void warningDismissible()
    {
        DemoBanner banner(DemoBanner::Kind::Warning, QStringLiteral("The database was damaged."));
        banner.setDismissible(true);
        banner.show();
        QSignalSpy dismissed(&banner, &DemoBanner::dismissed);
        auto* close = banner.findChild<QToolButton*>();
        QVERIFY(close && close->isVisible());
        close->click();
        QCOMPARE(dismissed.count(), 1);
        QVERIFY(!banner.isVisible());
        QCOMPARE(banner.accessibleName(), QStringLiteral("Warning"));
    }
};

QTEST_MAIN(tst_DemoBanner)
#include "tst_demobanner.moc"
