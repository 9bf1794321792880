// End to end: the real `inferscope migrate` between an SQLite file and a throwaway PostgreSQL.
#include "commands/migratecommand.h"
#include "core/timerange.h"
#include "store/storebackend.h"
#include "storebackends.h"
#include "storetestdata.h"
#include "testpostgres.h"
#include "testsupport.h"

#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

/// `kill -9` in the middle of the copy, then the same command again: it continues where the
/// process died and verifies; `inferscope query` then prints the same rows from both databases.
/// Exit codes and one-line messages for a difference, a refusal and bad arguments.
class tst_MigrateCommand : public QObject
{
    Q_OBJECT

    TestPostgres m_pg;
    QTemporaryDir m_dir;
    int m_files = 0;

    struct Run
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };

    static QProcessEnvironment environment(const QTemporaryDir& home)
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("XDG_CONFIG_HOME"), home.filePath(QStringLiteral("config")));
        env.insert(QStringLiteral("XDG_DATA_HOME"), home.filePath(QStringLiteral("data")));
        return env;
    }

    Run run(const QStringList& args)
    {
        QProcess p;
        p.setProcessEnvironment(environment(m_dir));
        QSignalSpy finished(&p, &QProcess::finished);
        p.start(inferscopeBinary(), args);
        if (!p.waitForStarted() || !finished.wait(300000))
            return {};
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QString fresh(bool postgres)
    {
        if (!postgres)
            return m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(++m_files));
        QString error;
        const QString uri = m_pg.createDatabase(&error);
        if (uri.isEmpty())
            qWarning("no test database: %s", qPrintable(error));
        return uri;
    }

    static qint64 count(const QString& address, const QString& table)
    {
        BackendFixture db;
        db.inspect(address);
        return db.count(table);
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY2(!inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QVERIFY(m_dir.isValid());
        QString error;
        QVERIFY2(m_pg.start(&error), qPrintable(error));
    }

    void killedAndResumed_data()
    {
        QTest::addColumn<bool>("fromPostgres");
        QTest::newRow("sqlite to postgresql") << false;
        QTest::newRow("postgresql to sqlite") << true;
    }
    void killedAndResumed()
    {
        QFETCH(bool, fromPostgres);
        const QString from = fresh(fromPostgres), to = fresh(!fromPostgres);
        {
            auto source = makeStoreBackend(from);
            QVERIFY(source->open(from, {}).usable());
            QVERIFY(fillHistory(*source, {48, 30, 5}));
        }
        const QStringList args{
            QStringLiteral("migrate"), QStringLiteral("--from"), from, QStringLiteral("--to"), to,
            QStringLiteral("--chunk"), QStringLiteral("20")};

        QProcess first;
        first.setProcessEnvironment(environment(m_dir));
        QByteArray err;
        connect(&first, &QProcess::readyReadStandardError, this,
                [&] { err += first.readAllStandardError(); });
        QSignalSpy finished(&first, &QProcess::finished);
        first.start(inferscopeBinary(), args);
        QVERIFY(first.waitForStarted());
        QTRY_VERIFY_WITH_TIMEOUT(err.contains("inferscope: samples ") || !finished.isEmpty(),
                                 120000);
        first.kill(); // SIGKILL: no cleanup, a transaction may be open
        QVERIFY(!finished.isEmpty() || finished.wait(30000));
        QVERIFY2(first.exitStatus() == QProcess::CrashExit, err.constData());
        const qint64 partial = count(to, QStringLiteral("samples"));
        const qint64 whole = count(from, QStringLiteral("samples"));
        QVERIFY2(partial > 0 && partial < whole,
                 qPrintable(QStringLiteral("%1 of %2 samples").arg(partial).arg(whole)));
        QVERIFY2(err.contains("inferscope: series 6/6 (100%)"), err.constData());

        const Run second = run(args);
        QVERIFY2(second.exitCode == 0, second.err.constData());
        QVERIFY2(second.out.contains("(resumed); every table verified"), second.out.constData());
        QVERIFY2(second.out.contains("samples"), second.out.constData());
        QVERIFY2(second.err.contains("inferscope: samples ") && second.err.contains("(100%)"),
                 second.err.constData());
        for (const char* table : {"samples", "gaps", "runs", "deployments", "rollup_1h"})
            QCOMPARE(count(to, QLatin1String(table)), count(from, QLatin1String(table)));

        // `inferscope query` prints the same rows from either database.
        for (const QString& step : {QStringLiteral("1m"), QStringLiteral("1h")}) {
            const QStringList query{QStringLiteral("--metric"), QStringLiteral("Requests"),
                                    QStringLiteral("--from"),   formatIsoUtc(kNow - kDay),
                                    QStringLiteral("--to"),     formatIsoUtc(kNow),
                                    QStringLiteral("--step"),   step};
            const Run a =
                run(QStringList{QStringLiteral("query"), QStringLiteral("--db"), from} + query);
            const Run b =
                run(QStringList{QStringLiteral("query"), QStringLiteral("--db"), to} + query);
            QVERIFY2(a.exitCode == 0, a.err.constData());
            QVERIFY(a.out.count('\n') > 20);
            QCOMPARE(b.exitCode, 0);
            QCOMPARE(b.out, a.out);
        }
    }

    void mismatchExitsThree()
    {
        const QString from = fresh(false), to = fresh(true);
        {
            auto source = makeStoreBackend(from);
            QVERIFY(source->open(from, {}).usable());
            QVERIFY(fillHistory(*source, {2, 4, 2}));
        }
        const QStringList args{
            QStringLiteral("migrate"), QStringLiteral("--from"), from, QStringLiteral("--to"), to,
            QStringLiteral("--quiet")};
        const Run ok = run(args);
        QVERIFY2(ok.exitCode == 0, ok.err.constData());
        QCOMPARE(ok.out, QByteArray()); // --quiet
        QCOMPARE(ok.err, QByteArray());
        BackendFixture dst;
        dst.inspect(to);
        QVERIFY(dst.exec(QStringLiteral("DELETE FROM gaps WHERE id = (SELECT min(id) FROM gaps)")));
        const Run bad = run(args);
        QCOMPARE(bad.exitCode, 3);
        QVERIFY2(bad.err.startsWith("inferscope: Verification failed: gaps: 4 rows in the "
                                    "source, 3 in the destination"),
                 bad.err.constData());
        QCOMPARE(bad.err.count('\n'), 1);
    }

    void refusalsExitOne_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing source") << "missing"
                                        << "inferscope: There is no history database at ";
        QTest::newRow("password in the address") << "password"
                                                 << "holds a password";
    }
    void refusalsExitOne()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QString from = fresh(false);
        QString to = fresh(true);
        if (kind == QLatin1String("password")) {
            auto source = makeStoreBackend(from);
            QVERIFY(source->open(from, {}).usable());
            QVERIFY(fillHistory(*source, {1, 1, 1}));
            const QString db = to.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
            to = QStringLiteral("postgresql://%1:%2@127.0.0.1:%3/%4")
                     .arg(TestPostgres::user(), TestPostgres::password())
                     .arg(m_pg.port())
                     .arg(db);
        }
        const Run r = run({QStringLiteral("migrate"), QStringLiteral("--from"), from,
                           QStringLiteral("--to"), to});
        QCOMPARE(r.exitCode, 1);
        const QByteArray lastLine = r.err.trimmed().split('\n').last();
        QVERIFY2(lastLine.contains(expected.toUtf8()), r.err.constData());
        QVERIFY2(!r.err.contains(TestPostgres::password().toUtf8()), r.err.constData());
        QVERIFY2(!r.out.contains(TestPostgres::password().toUtf8()), r.out.constData());
        QVERIFY(!QFileInfo::exists(from) || kind != QLatin1String("missing"));
    }

    void badArgumentsExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no destination") << QStringList{"migrate", "--from", "a.sqlite"}
                                        << "migrate needs --from DB and --to DB";
        QTest::newRow("--db") << QStringList{"migrate", "--from", "a", "--to", "b", "--db", "c"}
                              << "not --db";
        QTest::newRow("bad chunk")
            << QStringList{"migrate", "--from", "a", "--to", "b", "--chunk", "0"}
            << "--chunk: \"0\" is not a positive number of rows";
    }
    void badArgumentsExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, expected);
        const Run r = run(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(expected.toUtf8()), r.err.constData());
    }

    void helpNamesMigrate()
    {
        const Run r = run({QStringLiteral("--help")});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("inferscope migrate --from DB --to DB"));
    }

    // The exit code of each outcome, and the summary naming what differs.
    void exitCodesAndSummary()
    {
        MigrationReport r;
        r.status = MigrationReport::Status::Done;
        QCOMPARE(app::migrationExitCode(r), 0);
        r.status = MigrationReport::Status::Mismatch;
        QCOMPARE(app::migrationExitCode(r), 3);
        r.status = MigrationReport::Status::Refused;
        QCOMPARE(app::migrationExitCode(r), 1);
        MigrationCheck c;
        c.table = QStringLiteral("gaps");
        c.source.rows = 4;
        c.destination.rows = 3;
        c.problem = QStringLiteral("4 rows in the source, 3 in the destination");
        r.checks = {c};
        QVERIFY(app::migrationSummary(r).contains(
            QLatin1String("gaps                    4            3  4 rows in the source")));
        QCOMPARE(app::migrationProgressLine({StoreTable::Samples, 450, 1200, 1500}),
                 QStringLiteral("samples 450/1200 (37%), 1.5 s"));
    }
};

QTEST_GUILESS_MAIN(tst_MigrateCommand)
#include "tst_migratecommand.moc"
