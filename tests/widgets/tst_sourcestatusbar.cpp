#include "sourcestatusbar.h"

#include <QLabel>
#include <QProgressBar>
#include <QtTest/QtTest>

using namespace isc;

class tst_SourceStatusBar : public QObject
{
    Q_OBJECT
private slots:
    void describesEachState_data()
    {
        QTest::addColumn<int>("state");
        QTest::addColumn<QString>("error");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("connecting")
            << int(SourceHealth::State::Connecting) << QString() << "connecting";
        QTest::newRow("backfilling")
            << int(SourceHealth::State::Backfilling) << QString() << "backfilling";
        QTest::newRow("polling") << int(SourceHealth::State::Polling) << QString() << "polled";
        QTest::newRow("failing in words")
            << int(SourceHealth::State::Failing)
            << QStringLiteral("Azure Monitor refused the token (401): The access token is invalid.")
            << "refused the token (401)";
    }
    void describesEachState()
    {
        QFETCH(int, state);
        QFETCH(QString, error);
        QFETCH(QString, mentions);
        SourceStatusBar bar;
        SourceHealth h;
        h.source = QStringLiteral("east");
        h.displayName = QStringLiteral("Contoso East");
        h.state = SourceHealth::State(state);
        h.lastSuccess = 1788220800;
        h.nextPoll = 1788220860;
        h.lastError = error;
        bar.setHealth(h);
        const QString text = bar.entryText(QStringLiteral("east"));
        QVERIFY2(text.startsWith(QStringLiteral("Contoso East: ")), qPrintable(text));
        QVERIFY2(text.contains(mentions), qPrintable(text));
    }

    void oneEntryPerSource()
    {
        SourceStatusBar bar;
        SourceHealth a;
        a.source = QStringLiteral("a");
        SourceHealth b = a;
        b.source = QStringLiteral("b");
        bar.setHealth(a);
        bar.setHealth(b);
        a.state = SourceHealth::State::Polling;
        bar.setHealth(a);
        QCOMPARE(bar.findChildren<QLabel*>().size(), 2);
        QVERIFY(bar.entryText(QStringLiteral("missing")).isEmpty());
    }

    void progressShowsOnlyWhileBackfilling()
    {
        SourceStatusBar bar;
        bar.show();
        auto* progress = bar.findChild<QProgressBar*>();
        QVERIFY(progress);
        QVERIFY(!progress->isVisible());
        bar.setBackfillProgress(3, 120);
        QVERIFY(progress->isVisible());
        QCOMPARE(progress->value(), 3);
        QCOMPARE(progress->maximum(), 120);
        bar.setBackfillProgress(120, 120);
        QVERIFY(!progress->isVisible());
    }
};

QTEST_MAIN(tst_SourceStatusBar)
#include "tst_sourcestatusbar.moc"
