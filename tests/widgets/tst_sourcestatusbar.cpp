#include "sourcestatusbar.h"

#include <QLabel>
#include <QMenu>
#include <QProgressBar>
#include <QToolButton>
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

    // A server that asked for quiet (Retry-After) is named with until when, whatever the state.
    void saysUntilWhenThrottled_data()
    {
        QTest::addColumn<int>("state");
        QTest::newRow("polling") << int(SourceHealth::State::Polling);
        QTest::newRow("failing") << int(SourceHealth::State::Failing);
    }
    void saysUntilWhenThrottled()
    {
        QFETCH(int, state);
        SourceStatusBar bar;
        SourceHealth h;
        h.source = QStringLiteral("east");
        h.state = SourceHealth::State(state);
        h.lastError = QStringLiteral("Azure Monitor: TooManyRequests: slow down");
        const qint64 until = QDateTime::currentSecsSinceEpoch() + 3600;
        h.throttledUntil = until;
        bar.setHealth(h);
        const QString expected =
            QStringLiteral("rate-limited until ") +
            QDateTime::fromSecsSinceEpoch(until).toString(QStringLiteral("HH:mm:ss"));
        QVERIFY2(bar.entryText(QStringLiteral("east")).contains(expected),
                 qPrintable(bar.entryText(QStringLiteral("east"))));
        // A hold that is over is not mentioned.
        h.throttledUntil = QDateTime::currentSecsSinceEpoch() - 10;
        bar.setHealth(h);
        QVERIFY(!bar.entryText(QStringLiteral("east")).contains(QLatin1String("rate-limited")));
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
        QCOMPARE(bar.summaryText(), QStringLiteral("2 sources: 1 OK, 1 idle"));
        QVERIFY(bar.entryText(QStringLiteral("missing")).isEmpty());
        bar.clear();
        QVERIFY(bar.summaryText().isEmpty());
    }

    void summarisesStates_data()
    {
        QTest::addColumn<QList<int>>("states");
        QTest::addColumn<QString>("summary");
        const int polling = int(SourceHealth::State::Polling);
        const int failing = int(SourceHealth::State::Failing);
        const int backfilling = int(SourceHealth::State::Backfilling);
        QTest::newRow("one") << QList<int>{polling} << "1 source: 1 OK";
        QTest::newRow("seven ok") << QList<int>(7, polling) << "7 sources: 7 OK";
        QTest::newRow("mixed") << QList<int>{polling, backfilling, failing, polling}
                               << "4 sources: 2 OK, 1 backfilling, 1 failing";
    }
    void summarisesStates()
    {
        QFETCH(QList<int>, states);
        QFETCH(QString, summary);
        SourceStatusBar bar;
        for (int i = 0; i < states.size(); ++i) {
            SourceHealth h;
            h.source = QStringLiteral("s%1").arg(i);
            h.displayName = QStringLiteral("Source %1 (demo)").arg(i);
            h.state = SourceHealth::State(states[i]);
            bar.setHealth(h);
        }
        QCOMPARE(bar.summaryText(), summary);
        // The tooltip lists every source with its state in words.
        auto* button = bar.findChild<QToolButton*>();
        QVERIFY(button);
        for (int i = 0; i < states.size(); ++i)
            QVERIFY(button->toolTip().contains(QStringLiteral("Source %1 (demo): ").arg(i)));
        QCOMPARE(button->menu()->actions().size(), states.size());
    }

    // A window on a team database whose sources another collector writes says who, and when
    // that collector's last poll landed (the newest of its sources).
    void viewerSaysWhoCollects_data()
    {
        QTest::addColumn<QStringList>("collectors"); // per source: "" = polled here
        QTest::addColumn<QList<qint64>>("lastPolls");
        QTest::addColumn<QString>("summary");
        const qint64 t0 = 1788220800;
        const QString at =
            QDateTime::fromSecsSinceEpoch(t0 + 60).toString(QStringLiteral("HH:mm:ss"));
        const QString a = QStringLiteral("ops-box (pid 41)");
        QTest::newRow("all by one collector")
            << QStringList{a, a, a} << QList<qint64>{t0, t0 + 60, t0 + 30}
            << QStringLiteral("3 sources: collected by ops-box (pid 41), last poll %1").arg(at);
        QTest::newRow("some polled here")
            << QStringList{a, QString(), a} << QList<qint64>{t0 + 60, 0, t0}
            << QStringLiteral("3 sources: 1 OK; 2 collected by ops-box (pid 41), last poll %1")
                   .arg(at);
        QTest::newRow("writer not named, no poll yet")
            << QStringList{QStringLiteral("?"), QStringLiteral("?")} << QList<qint64>{0, 0}
            << QStringLiteral("2 sources: collected by another collector, no poll yet");
    }
    void viewerSaysWhoCollects()
    {
        QFETCH(QStringList, collectors);
        QFETCH(QList<qint64>, lastPolls);
        QFETCH(QString, summary);
        SourceStatusBar bar;
        for (int i = 0; i < collectors.size(); ++i) {
            SourceHealth h;
            h.source = QStringLiteral("s%1").arg(i);
            h.state = collectors[i].isEmpty() ? SourceHealth::State::Polling
                                              : SourceHealth::State::Standby;
            h.collectedBy = collectors[i] == QLatin1String("?") ? QString() : collectors[i];
            h.collectorLastPoll = lastPolls[i];
            bar.setHealth(h);
        }
        QCOMPARE(bar.summaryText(), summary);
    }

    void failingSourcesStaySpelledOut()
    {
        SourceStatusBar bar;
        bar.resize(1440, 30);
        bar.show();
        SourceHealth ok;
        ok.state = SourceHealth::State::Polling;
        for (int i = 0; i < 6; ++i) {
            ok.source = QStringLiteral("ok%1").arg(i);
            ok.displayName = QStringLiteral("A source with a long name %1 (demo)").arg(i);
            bar.setHealth(ok);
        }
        // Healthy sources fold into the summary: no label of their own.
        QCOMPARE(bar.findChildren<QLabel*>().size(), 0);

        SourceHealth bad;
        bad.source = QStringLiteral("vllm");
        bad.displayName = QStringLiteral("Local vLLM (demo)");
        bad.state = SourceHealth::State::Failing;
        bad.lastError = QStringLiteral("Connection refused by 127.0.0.1:8000: is the server "
                                       "running? Start it or fix the endpoint on the "
                                       "Connections page, then wait for the next poll.");
        bar.setHealth(bad);
        QCOMPARE(bar.summaryText(), QStringLiteral("7 sources: 6 OK, 1 failing"));
        QCOMPARE(bar.failingTexts(),
                 QStringList{QStringLiteral("Local vLLM (demo): ") + bad.lastError});
        const auto labels = bar.findChildren<QLabel*>();
        QCOMPARE(labels.size(), 1);
        QVERIFY(labels.first()->isVisible());
        QVERIFY(labels.first()->text().contains(QStringLiteral("Local vLLM (demo): Connection")));
        QVERIFY(labels.first()->toolTip().contains(bad.lastError));
        // Everything fits: nothing pushed past the bar's right edge.
        QVERIFY(labels.first()->geometry().right() <= bar.width());

        bad.state = SourceHealth::State::Polling;
        bad.lastError.clear();
        bar.setHealth(bad);
        QVERIFY(bar.failingTexts().isEmpty());
        QCOMPARE(bar.findChildren<QLabel*>().size(), 0);
        QCOMPARE(bar.summaryText(), QStringLiteral("7 sources: 7 OK"));
    }

    void warningsCounted()
    {
        SourceStatusBar bar;
        SourceHealth h;
        h.source = QStringLiteral("east");
        h.displayName = QStringLiteral("Contoso East");
        h.state = SourceHealth::State::Polling;
        h.warning = QStringLiteral("The token expires in 3 days.");
        bar.setHealth(h);
        QCOMPARE(bar.summaryText(), QStringLiteral("1 source: 1 OK, 1 with a warning"));
        QVERIFY(bar.findChild<QToolButton*>()->toolTip().contains(h.warning));
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
