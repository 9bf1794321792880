#include "emulator/emulator.h"
#include "testpostgres.h"
#include "testsupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
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
        const QString ws = dir.filePath(QStringLiteral("team.json"));
        QFile f(ws);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(
                    QJsonObject{{"name", "Team"},
                                {"connections",
                                 QJsonArray{QJsonObject{
                                     {"id", "east"},
                                     {"kind", "azure-openai"},
                                     {"managementEndpoint", emulator.baseUrl().toString()},
                                     {"resourceId", emu::Emulator::accountResourceId()},
                                     {"pollIntervalSeconds", kPollSeconds},
                                     {"credential", QJsonObject{{"env", "TST_TEAM_TOKEN"}}}}}}})
                    .toJson());
        f.close();

        auto first = startCollector(ws);
        QVERIFY(first->waitForStarted());
        const QString firstPid = QString::number(first->processId());
        // The first one writes: its name in the writers table and a poll landed.
        QTRY_VERIFY_WITH_TIMEOUT(one(QStringLiteral("SELECT holder || ' ' || last_poll FROM "
                                                    "inferscope.writers WHERE source = 'east'"))
                                         .contains(QStringLiteral("pid %1) ").arg(firstPid)) &&
                                     one(QStringLiteral("SELECT last_poll FROM "
                                                        "inferscope.writers"))
                                             .toLongLong() > 0,
                                 120000);

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
};

QTEST_GUILESS_MAIN(tst_TeamCollect)
#include "tst_teamcollect.moc"
