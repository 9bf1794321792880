#include "emulator/emulator.h"
#include "testpostgres.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

/// Team mode end to end: two `inferscope collect` on one PostgreSQL database, one writes and
/// the other stands by; `kill -9` of the writer lets the standby take over within two poll
/// intervals, with no duplicate and no missing minute.
class tst_TeamCollect : public QObject
{
    Q_OBJECT

    static constexpr int kPollSeconds = 10; // the shortest interval a workspace may ask for

    test::TestPostgres m_pg;
    QString m_db; ///< the database's name
    QString m_uri;

    /// A collector process on the shared database, polling the emulator's Azure account.
    std::unique_ptr<QProcess> startCollector(const QString& workspace)
    {
        auto p = std::make_unique<QProcess>();
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("TST_TEAM_TOKEN"), emu::Emulator::demoToken());
        p->setProcessEnvironment(env);
        p->start(test::inferscopeBinary(),
                 {QStringLiteral("collect"), QStringLiteral("--db"), m_uri,
                  QStringLiteral("--workspace"), workspace, QStringLiteral("--backfill"),
                  QStringLiteral("1h"), QStringLiteral("--duration"), QStringLiteral("600")});
        return p;
    }

    /// A workspace polling the emulator's Azure account every kPollSeconds, in `dir`.
    static QString writeWorkspace(const QTemporaryDir& dir, const QUrl& emulator)
    {
        const QString ws = dir.filePath(QStringLiteral("team.json"));
        QFile f(ws);
        if (!f.open(QIODevice::WriteOnly))
            return {};
        f.write(QJsonDocument(
                    QJsonObject{{"name", "Team"},
                                {"connections",
                                 QJsonArray{QJsonObject{
                                     {"id", "east"},
                                     {"kind", "azure-openai"},
                                     {"managementEndpoint", emulator.toString()},
                                     {"resourceId", emu::Emulator::accountResourceId()},
                                     {"pollIntervalSeconds", kPollSeconds},
                                     {"credential", QJsonObject{{"env", "TST_TEAM_TOKEN"}}}}}}})
                    .toJson());
        return ws;
    }

    /// Waits until the collector `pid` writes "east" and one of its polls landed.
    bool waitForWriter(const QString& pid, int timeoutMs)
    {
        const QString sql = QStringLiteral(
            "SELECT holder || ' ' || last_poll FROM inferscope.writers WHERE source = 'east'");
        return QTest::qWaitFor(
            [&] {
                const QString row = one(sql);
                return row.contains(QStringLiteral("pid %1) ").arg(pid)) &&
                       row.section(QLatin1Char(' '), -1).toLongLong() > 0;
            },
            timeoutMs);
    }

    QString one(const QString& sql) const
    {
        const QStringList rows = m_pg.sql(m_db, sql);
        return rows.isEmpty() ? QString() : rows.first();
    }

private slots:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_pg.start(&error), qPrintable(error));
        m_uri = m_pg.createDatabase(&error);
        QVERIFY2(!m_uri.isEmpty(), qPrintable(error));
        m_db = m_uri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
    }

    void standbyTakesOverAfterKill9()
    {
        emu::Emulator emulator(3);
        QVERIFY(emulator.listen());
        QTemporaryDir dir;
        const QString ws = writeWorkspace(dir, emulator.baseUrl());
        QVERIFY(!ws.isEmpty());

        auto first = startCollector(ws);
        QVERIFY(first->waitForStarted());
        const QString firstPid = QString::number(first->processId());
        // The first one writes: its name in the writers table and a poll landed.
        QVERIFY(waitForWriter(firstPid, 120000));

        auto second = startCollector(ws);
        QVERIFY(second->waitForStarted());
        const QString secondPid = QString::number(second->processId());
        QByteArray secondErr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (secondErr += second->readAllStandardError()).contains("standing by, collected by"),
            60000);
        QVERIFY2(secondErr.contains(QStringLiteral("(pid %1)").arg(firstPid).toUtf8()),
                 secondErr.constData());

        QElapsedTimer sinceKill;
        first->kill(); // SIGKILL: no goodbye, the server sees the connection drop
        sinceKill.start();
        QVERIFY(first->waitForFinished());
        QTRY_VERIFY_WITH_TIMEOUT(one(QStringLiteral("SELECT holder FROM inferscope.writers WHERE "
                                                    "source = 'east'"))
                                     .contains(QStringLiteral("pid %1)").arg(secondPid)),
                                 3 * kPollSeconds * 1000);
        const qint64 takeoverMs = sinceKill.elapsed();
        qInfo("takeover after kill -9: %lld ms (poll interval %d s)", takeoverMs, kPollSeconds);
        QVERIFY2(takeoverMs <= 2 * kPollSeconds * 1000, qPrintable(QString::number(takeoverMs)));
        const qint64 killedAt = QDateTime::currentSecsSinceEpoch();
        QTRY_VERIFY_WITH_TIMEOUT(
            one(QStringLiteral("SELECT last_poll FROM inferscope.writers")).toLongLong() >=
                killedAt,
            3 * kPollSeconds * 1000);
        second->kill();
        QVERIFY(second->waitForFinished());

        // No missing minute: every series the first one backfilled has every minute from its
        // first to the newest the second one stored, minus Azure's last few unfilled ones.
        const QString holes = one(QStringLiteral(
            "SELECT count(*) FROM (SELECT series_id, max(ts) - min(ts) + 60 AS span, count(*) AS "
            "n FROM inferscope.samples s JOIN inferscope.series r ON r.id = s.series_id WHERE "
            "r.metric = 'AzureOpenAIRequests' GROUP BY series_id) x WHERE n * 60 <> span"));
        QCOMPARE(holes, QStringLiteral("0"));
        QVERIFY(one(QStringLiteral("SELECT count(*) FROM inferscope.samples")).toLongLong() > 0);
        QCOMPARE(one(QStringLiteral("SELECT count(*) FROM inferscope.gaps")), QStringLiteral("0"));
    }

    // A writer cut off from the database (its session ended by the server) while a standby
    // takes over does not write beside it when it reconnects: it stands by in turn.
    void cutOffWriterStandsBy()
    {
        emu::Emulator emulator(5);
        QVERIFY(emulator.listen());
        QTemporaryDir dir;
        const QString ws = writeWorkspace(dir, emulator.baseUrl());
        QVERIFY(!ws.isEmpty());
        m_pg.sql(m_db, QStringLiteral("TRUNCATE inferscope.writers"));

        auto first = startCollector(ws);
        QVERIFY(first->waitForStarted());
        const QString firstPid = QString::number(first->processId());
        QVERIFY(waitForWriter(firstPid, 120000));
        auto second = startCollector(ws);
        QVERIFY(second->waitForStarted());
        const QString secondPid = QString::number(second->processId());
        QByteArray secondErr;
        QTRY_VERIFY_WITH_TIMEOUT(
            (secondErr += second->readAllStandardError()).contains("standing by, collected by"),
            60000);

        // The server ends the writer's session (as a network cut would); the lock goes with it.
        // Should the first one reconnect and lock again before the standby's next claim, its
        // session is ended again, until the standby holds the role.
        const QString cut =
            QStringLiteral("SELECT count(pg_terminate_backend(l.pid)) FROM pg_locks l WHERE "
                           "l.locktype = 'advisory' AND l.granted AND l.objid = "
                           "hashtext('east')::oid AND NOT EXISTS (SELECT 1 FROM "
                           "inferscope.writers WHERE source = 'east' AND holder LIKE '%(pid %1)')")
                .arg(secondPid);
        QTRY_VERIFY_WITH_TIMEOUT((one(cut), waitForWriter(secondPid, 0)), 6 * kPollSeconds * 1000);
        // The first one's next poll finds the role taken: it stands by, naming the new writer.
        QByteArray firstErr;
        QTRY_VERIFY_WITH_TIMEOUT((firstErr += first->readAllStandardError())
                                     .contains(QStringLiteral("standing by, collected by %1")
                                                   .arg(QSysInfo::machineHostName())
                                                   .toUtf8()),
                                 3 * kPollSeconds * 1000);
        QVERIFY2(firstErr.contains(QStringLiteral("(pid %1)").arg(secondPid).toUtf8()),
                 firstErr.constData());
        first->kill();
        second->kill();
        QVERIFY(first->waitForFinished());
        QVERIFY(second->waitForFinished());
    }
};

QTEST_GUILESS_MAIN(tst_TeamCollect)
#include "tst_teamcollect.moc"
