#include "alerts/delivery/desktopnotifier.h"
#include "testdbus.h"
#include "testnotificationserver.h"

#include <QtTest/QtTest>
#include <memory>

using namespace isc;
using isc::test::TestDBus;
using isc::test::TestNotificationServer;

namespace {

AlertNotice makeNotice(const QString& deployment, AlertNotice::Severity severity,
                       AlertNotice::Transition transition)
{
    AlertNotice n;
    n.ruleId = QStringLiteral("ptu-saturation");
    n.ruleName = QStringLiteral("PTU saturation");
    n.metric = QStringLiteral("PTU utilization");
    n.severity = severity;
    n.transition = transition;
    n.labels = {{QStringLiteral("connection"), QStringLiteral("east")},
                {QStringLiteral("deployment"), deployment}};
    n.value = 97.3;
    n.threshold = 90;
    n.unit = Unit::Percent;
    n.aggregation = AlertNotice::Aggregation::Average;
    n.windowSeconds = 300;
    n.startsAt = QDateTime(QDate(2024, 5, 1), QTime(14, 5), Qt::UTC);
    n.at = transition == AlertNotice::Transition::Resolved ? n.startsAt.addSecs(1560) : n.startsAt;
    n.dedupKey = AlertNotice::dedupKeyFor(n.ruleId, n.labels);
    return n;
}

AlertNotice resolvedOf(AlertNotice n)
{
    n.transition = AlertNotice::Transition::Resolved;
    n.value = 61.5;
    n.at = n.startsAt.addSecs(1560);
    return n;
}

} // namespace

class tst_DesktopNotifier : public QObject
{
    Q_OBJECT
    TestDBus m_bus;
    int m_connections = 0;
    std::unique_ptr<TestNotificationServer> m_server;
    QDBusConnection m_client{QString()};

    QDBusConnection newConnection(const QString& role)
    {
        return m_bus.connect(QStringLiteral("tst-%1-%2").arg(role).arg(++m_connections));
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_bus.start(&error), qPrintable(error));
    }
    void init()
    {
        m_server = std::make_unique<TestNotificationServer>();
        QString error;
        QVERIFY2(m_server->registerOn(newConnection(QStringLiteral("server")), &error),
                 qPrintable(error));
        m_client = newConnection(QStringLiteral("client"));
        QVERIFY(m_client.isConnected());
    }
    void cleanup() { m_server.reset(); }
    void cleanupTestCase() { m_bus.stop(); }

    void onePerTransition_data()
    {
        QTest::addColumn<int>("severity");
        QTest::addColumn<uchar>("urgency");
        QTest::newRow("info") << int(AlertNotice::Severity::Info) << uchar(0);
        QTest::newRow("warning") << int(AlertNotice::Severity::Warning) << uchar(1);
        QTest::newRow("critical") << int(AlertNotice::Severity::Critical) << uchar(2);
    }
    void onePerTransition()
    {
        QFETCH(int, severity);
        QFETCH(uchar, urgency);
        DesktopNotifier notifier(m_client);
        QSignalSpy shown(&notifier, &DesktopNotifier::shown);
        const AlertNotice firing =
            makeNotice(QStringLiteral("gpt-4o-ptu"), static_cast<AlertNotice::Severity>(severity),
                       AlertNotice::Transition::Firing);
        AlertNotice pending = firing;
        pending.transition = AlertNotice::Transition::Pending;

        notifier.notify(pending); // not delivered by default
        notifier.notify(firing);
        notifier.notify(firing); // the same transition again, while the first is in flight
        QTRY_COMPARE(shown.count(), 1);
        notifier.notify(firing); // and once it is on screen
        const AlertNotice resolved = resolvedOf(firing);
        notifier.notify(resolved);
        notifier.notify(resolved);
        QTRY_COMPARE(shown.count(), 2);
        // A marker after the repeats: D-Bus keeps the order, so a stray repeat would come first.
        notifier.notify(makeNotice(QStringLiteral("marker"), AlertNotice::Severity::Info,
                                   AlertNotice::Transition::Firing));
        QTRY_COMPARE(m_server->calls().size(), 3);
        QVERIFY(m_server->calls().at(2).summary.contains(QLatin1String("marker")));

        const auto& first = m_server->calls().at(0);
        QCOMPARE(first.appName, QStringLiteral("Inferscope"));
        QCOMPARE(first.appIcon, QStringLiteral("inferscope"));
        QCOMPARE(first.replacesId, 0u);
        QCOMPARE(first.actions,
                 (QStringList{QStringLiteral("open"), QStringLiteral("Open"),
                              QStringLiteral("silence-1h"), QStringLiteral("Silence 1 h")}));
        QCOMPARE(first.hints.value(QStringLiteral("urgency")).value<uchar>(), urgency);
        // The deployment, the value and the threshold, in words.
        const QString text = first.summary + QLatin1Char('\n') + first.body;
        QVERIFY2(text.contains(QLatin1String("gpt-4o-ptu")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("97.3 % on average over 5 min")), qPrintable(text));
        QVERIFY2(text.contains(QLatin1String("threshold 90 %")), qPrintable(text));

        // The resolve replaced the firing bubble.
        const auto& second = m_server->calls().at(1);
        QCOMPARE(second.replacesId, first.id);
        QCOMPARE(second.id, first.id);
        QVERIFY2(second.summary.startsWith(QLatin1String("Resolved: ")),
                 qPrintable(second.summary));
        QVERIFY2(second.body.contains(QLatin1String("61.5 %")), qPrintable(second.body));
        QCOMPARE(second.hints.value(QStringLiteral("urgency")).value<uchar>(), uchar(0));
        QVERIFY(notifier.status().isEmpty());
        QVERIFY(notifier.isAvailable());
    }

    void pendingWhenAsked()
    {
        DesktopNotifier notifier(m_client);
        notifier.setDeliverPending(true);
        AlertNotice pending = makeNotice(QStringLiteral("gpt-4o"), AlertNotice::Severity::Warning,
                                         AlertNotice::Transition::Pending);
        notifier.notify(pending);
        QTRY_COMPARE(m_server->calls().size(), 1);
        QVERIFY(m_server->calls().at(0).summary.startsWith(QLatin1String("Pending: ")));
    }

    void actions_data()
    {
        QTest::addColumn<QString>("action");
        QTest::addColumn<int>("opens");
        QTest::addColumn<int>("silences");
        QTest::newRow("open") << QStringLiteral("open") << 1 << 0;
        QTest::newRow("click on the bubble") << QStringLiteral("default") << 1 << 0;
        QTest::newRow("silence 1 h") << QStringLiteral("silence-1h") << 0 << 1;
    }
    void actions()
    {
        QFETCH(QString, action);
        QFETCH(int, opens);
        QFETCH(int, silences);
        DesktopNotifier notifier(m_client);
        QSignalSpy shown(&notifier, &DesktopNotifier::shown);
        QSignalSpy open(&notifier, &DesktopNotifier::openRequested);
        QSignalSpy silence(&notifier, &DesktopNotifier::silenceRequested);
        const AlertNotice firing =
            makeNotice(QStringLiteral("gpt-4o-ptu"), AlertNotice::Severity::Critical,
                       AlertNotice::Transition::Firing);
        notifier.notify(firing);
        QTRY_COMPARE(shown.count(), 1);
        const uint id = shown.at(0).at(1).toUInt();

        m_server->invokeAction(id + 100, action); // another application's bubble: ignored
        m_server->invokeAction(id, action);
        QSignalSpy& awaited = opens ? open : silence;
        QVERIFY(awaited.wait(10000));
        QCOMPARE(open.count(), opens);
        QCOMPARE(silence.count(), silences);
        const QVariantList args = awaited.takeFirst();
        QCOMPARE(args.at(0).value<AlertNotice>(), firing);
        if (silences)
            QCOMPARE(args.at(1).toInt(), 3600);
    }

    void closedBubbleIsNotReplaced()
    {
        DesktopNotifier notifier(m_client);
        QSignalSpy shown(&notifier, &DesktopNotifier::shown);
        const AlertNotice firing =
            makeNotice(QStringLiteral("gpt-4o-ptu"), AlertNotice::Severity::Warning,
                       AlertNotice::Transition::Firing);
        notifier.notify(firing);
        QTRY_COMPARE(shown.count(), 1);
        const uint id = shown.at(0).at(1).toUInt();
        QSignalSpy closed(&notifier, &DesktopNotifier::closed);
        m_server->emitClosed(id, 2); // the user dismissed it
        QVERIFY(closed.wait(10000));
        QCOMPARE(closed.at(0).at(0).value<AlertNotice>(), firing);
        // Closed before the resolve: a new bubble, not a replacement of a gone one.
        notifier.notify(resolvedOf(firing));
        QTRY_COMPARE(m_server->calls().size(), 2);
        QCOMPARE(m_server->calls().at(1).replacesId, 0u);
    }

    void noServiceSaysSoWithoutRetrying()
    {
        m_server->unregister();
        DesktopNotifier notifier(m_client);
        QSignalSpy status(&notifier, &DesktopNotifier::statusChanged);
        notifier.notify(makeNotice(QStringLiteral("gpt-4o-ptu"), AlertNotice::Severity::Critical,
                                   AlertNotice::Transition::Firing));
        QVERIFY(status.wait(10000));
        QVERIFY(!notifier.isAvailable());
        QVERIFY2(notifier.status().contains(QLatin1String("no notification service")),
                 qPrintable(notifier.status()));
        QVERIFY(notifier.status().contains(QLatin1String("Alerts page")));
        QCOMPARE(notifier.callsMade(), 1);

        // Twenty more transitions: no call until the service shows up.
        for (int i = 0; i < 20; ++i)
            notifier.notify(makeNotice(QStringLiteral("d%1").arg(i), AlertNotice::Severity::Warning,
                                       AlertNotice::Transition::Firing));
        QCOMPARE(notifier.callsMade(), 1);
        QCOMPARE(notifier.dropped(), 21);

        // The service appears: the next notice is shown.
        QString error;
        QVERIFY2(m_server->registerOn(newConnection(QStringLiteral("server")), &error),
                 qPrintable(error));
        QTRY_VERIFY(notifier.isAvailable());
        QVERIFY(notifier.status().isEmpty());
        notifier.notify(makeNotice(QStringLiteral("later"), AlertNotice::Severity::Warning,
                                   AlertNotice::Transition::Firing));
        QTRY_COMPARE(m_server->calls().size(), 1);
        QCOMPARE(notifier.callsMade(), 2);
    }

    void noBusSaysSo()
    {
        DesktopNotifier notifier(QDBusConnection(QStringLiteral("tst-no-such-connection")));
        notifier.notify(makeNotice(QStringLiteral("gpt-4o-ptu"), AlertNotice::Severity::Critical,
                                   AlertNotice::Transition::Firing));
        QVERIFY(!notifier.isAvailable());
        QVERIFY2(notifier.status().contains(QLatin1String("no D-Bus session bus")),
                 qPrintable(notifier.status()));
        QCOMPARE(notifier.callsMade(), 0);
        QCOMPARE(notifier.dropped(), 1);
    }
};

QTEST_GUILESS_MAIN(tst_DesktopNotifier)
#include "tst_desktopnotifier.moc"
