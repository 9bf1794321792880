#include "commands/stopsignals.h"

#include <QSignalSpy>
#include <QtTest/QtTest>
#include <csignal>

using isc::app::StopSignals;

class tst_StopSignals : public QObject
{
    Q_OBJECT
private slots:
    void signalsArriveOnTheEventLoop_data()
    {
        QTest::addColumn<int>("signo");
        QTest::addColumn<QString>("name");
        QTest::newRow("SIGTERM") << int(SIGTERM) << QStringLiteral("SIGTERM");
        QTest::newRow("SIGINT") << int(SIGINT) << QStringLiteral("SIGINT");
    }
    void signalsArriveOnTheEventLoop()
    {
        QFETCH(int, signo);
        QFETCH(QString, name);
        StopSignals stop;
        QVERIFY(stop.isInstalled());
        QSignalSpy requested(&stop, &StopSignals::stopRequested);
        // Raised on this thread: the handler only writes a byte, the slot runs later.
        QVERIFY(std::raise(signo) == 0);
        QCOMPARE(requested.size(), 0);
        QVERIFY(requested.wait(5000));
        QCOMPARE(requested.size(), 1);
        QCOMPARE(requested.first().at(0).toString(), name);
    }
};

QTEST_GUILESS_MAIN(tst_StopSignals)
#include "tst_stopsignals.moc"
