// End to end: the real `inferscope` binary against its built-in emulator.
#include "testsupport.h"

#include "core/timerange.h"
#include "emulator/emulator.h"
#include "emulator/trafficmodel.h"
#include "store/samplestore.h"

#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QSet>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

struct Run
{
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

} // namespace

class tst_Cli : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_home;

    /// Runs the binary with the event loop spinning (in-process servers keep answering).
    Run run(const QStringList& args, const QProcessEnvironment& extraEnv = {},
            int timeoutMs = 240000, const QStringList& unset = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // Never touch the developer's own settings or data.
        env.insert("XDG_CONFIG_HOME", m_home.filePath("config"));
        env.insert("XDG_DATA_HOME", m_home.filePath("data"));
        env.insert("QT_QPA_PLATFORM", "offscreen");
        for (const QString& k : extraEnv.keys())
            env.insert(k, extraEnv.value(k));
        for (const QString& k : unset)
            env.remove(k);
        p.setProcessEnvironment(env);
        QSignalSpy finished(&p, &QProcess::finished);
        p.start(test::inferscopeBinary(), args);
        if (!p.waitForStarted())
            return {};
        if (!finished.wait(timeoutMs)) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                p.readAllStandardOutput(), p.readAllStandardError()};
    }

    QString dbPath(const QString& name) const { return m_home.filePath(name); }

private slots:
    void initTestCase()
    {
        QVERIFY2(!test::inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QVERIFY(m_home.isValid());
    }

    void helpAndVersion()
    {
        const Run help = run({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("inferscope collect"));
        QVERIFY(help.out.contains("inferscope query"));
        const Run version = run({"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("inferscope "));
    }

    void badArgumentsGiveOneLine_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("unknown command") << QStringList{"frobnicate"};
        QTest::newRow("unknown option")
            << QStringList{"query", "--db", "x", "--metric", "m", "--bogus"};
        QTest::newRow("bad step") << QStringList{"query", "--db",   "x", "--metric",
                                                 "m",     "--step", "7m"};
        QTest::newRow("collect both modes")
            << QStringList{"collect", "--db", "x", "--demo", "--once", "--duration", "5"};
    }
    void badArgumentsGiveOneLine()
    {
        QFETCH(QStringList, args);
        const Run r = run(args);
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.startsWith("inferscope: "), r.err.constData());
        QCOMPARE(r.err.count('\n'), 1);
        QVERIFY(r.out.isEmpty());
    }

    void guiWithoutDisplaySaysSo()
    {
        const Run r = run({"--demo", "--db", dbPath("nodisplay.sqlite")}, {}, 60000,
                          {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no display found"), r.err.constData());
        QVERIFY2(r.err.contains("--screenshot"), "it says what to do instead");
    }

    void queryOfMissingDatabaseFails()
    {
        const Run r =
            run({"query", "--db", dbPath("does-not-exist.sqlite"), "--metric", "GeneratedTokens"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("no database"), r.err.constData());
    }

    // collect + query give the emulator's exact numbers for a seeded window.
    void collectThenQueryIsExact()
    {
        const quint64 seed = 7;
        const QString db = dbPath("e2e.sqlite");
        const Run collect = run({"collect", "--db", db, "--demo", "--seed", QString::number(seed),
                                 "--backfill", "3h", "--once"});
        QVERIFY2(collect.exitCode == 0, collect.err.constData());
        QVERIFY2(collect.err.contains("DEMO"), "collect says the data is demo data");

        // A full hour that ended at least an hour ago: every minute in it is final.
        const qint64 to = floorTo(nowUtc(), 3600) - 3600;
        const qint64 from = to - 3600;
        emu::TrafficModel model(seed);
        double generated = 0, requests = 0;
        QVector<double> perMinute;
        for (qint64 m = from; m < to; m += 60) {
            const emu::MinuteTraffic t = model.at("gpt-4o-ptu", m);
            generated += t.generatedTokens;
            requests += t.totalRequests();
            perMinute.append(t.generatedTokens);
        }
        QVERIFY(generated > 0);

        const QString fromIso = formatIsoUtc(from), toIso = formatIsoUtc(to);
        const Run hourly =
            run({"query", "--db", db, "--metric", "GeneratedTokens", "--deployment", "gpt-4o-ptu",
                 "--from", fromIso, "--to", toIso, "--step", "1h", "--agg", "sum"});
        QVERIFY2(hourly.exitCode == 0, hourly.err.constData());
        const QList<QByteArray> lines = hourly.out.trimmed().split('\n');
        QCOMPARE(lines.size(), 2);
        QCOMPARE(lines.at(0), QByteArray("time,GeneratedTokens"));
        QCOMPARE(lines.at(1), (fromIso + ',' + QString::number(generated, 'f', 0)).toUtf8());

        const Run req =
            run({"query", "--db", db, "--metric", "AzureOpenAIRequests", "--deployment",
                 "gpt-4o-ptu", "--from", fromIso, "--to", toIso, "--step", "1h", "--agg", "sum"});
        QVERIFY2(req.exitCode == 0, req.err.constData());
        QCOMPARE(req.out.trimmed().split('\n').value(1),
                 (fromIso + ',' + QString::number(requests, 'f', 0)).toUtf8());

        const Run minutes =
            run({"query", "--db", db, "--metric", "GeneratedTokens", "--deployment", "gpt-4o-ptu",
                 "--from", fromIso, "--to", toIso, "--step", "1m", "--format", "json"});
        QVERIFY2(minutes.exitCode == 0, minutes.err.constData());
        const QJsonObject doc = QJsonDocument::fromJson(minutes.out).object();
        const QJsonArray rows = doc.value("rows").toArray();
        QCOMPARE(rows.size(), 60);
        for (int i = 0; i < rows.size(); ++i) {
            const QJsonObject row = rows.at(i).toObject();
            QCOMPARE(row.value("time").toString(), formatIsoUtc(from + 60 * i));
            QCOMPARE(row.value("value").toDouble(), perMinute.at(i));
        }
    }

    void corruptDatabaseIsMovedAsideNotLost()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("broken.sqlite");
        const QByteArray garbage =
            QByteArray("this is not a database, but it is someone's file\n").repeated(200);
        {
            QFile f(db);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(garbage);
        }
        const Run r = run({"collect", "--db", db, "--demo", "--backfill", "1h", "--once"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QVERIFY2(r.err.contains("moved to"), r.err.constData());
        const QStringList aside =
            QDir(dir.path()).entryList({"broken.sqlite.corrupt-*"}, QDir::Files);
        QCOMPARE(aside.size(), 1);
        QFile moved(dir.filePath(aside.first()));
        QVERIFY(moved.open(QIODevice::ReadOnly));
        QCOMPARE(moved.readAll(), garbage);
    }

    // Damage only the full check finds (the first page of every table is sound): `collect` runs
    // the same check before it writes, writes nothing and says so with the window's banner text.
    void collectWritesNothingIntoADamagedDatabase()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath("deep.sqlite");
        {
            SampleStore store;
            QVERIFY(store.open(db).result().usable());
            SeriesSamples s;
            s.key = {"demo-azure", "M", "total", {}};
            for (int i = 0; i < 20000; ++i)
                s.samples.append({1772323200 + i * 60, double(i)});
            PollBatch b;
            b.source = "demo-azure";
            b.series = {s};
            QVERIFY(store.write(b).result().ok);
        }
        QVector<qint64> leaves;
        qint64 pageSize = 0;
        {
            auto sql = QSqlDatabase::addDatabase("QSQLITE", "deep");
            sql.setDatabaseName(db);
            QVERIFY(sql.open());
            QSqlQuery q(sql);
            QVERIFY(q.exec("PRAGMA page_size") && q.next());
            pageSize = q.value(0).toLongLong();
            // In key order, so the first leaf (what opening touches) stays sound.
            QVERIFY(q.exec("SELECT pageno FROM dbstat WHERE name = 'samples' AND pagetype = "
                           "'leaf' ORDER BY path"));
            while (q.next())
                leaves.append(q.value(0).toLongLong());
            q.finish();
            sql.close();
        }
        QSqlDatabase::removeDatabase("deep");
        QVERIFY(leaves.size() >= 6 && pageSize > 0);
        QFile f(db);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray bytes = f.readAll();
        f.close();
        for (qsizetype k = leaves.size() / 3; k < 2 * leaves.size() / 3; ++k) {
            const qint64 at = (leaves[k] - 1) * pageSize;
            for (qint64 i = at; i < at + pageSize && i < bytes.size(); ++i)
                bytes[i] = char(0xA5 ^ (i & 0x3F));
        }
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        QCOMPARE(f.write(bytes), bytes.size());
        f.close();

        const Run r = run({"collect", "--db", db, "--demo", "--backfill", "1h", "--once"});
        QVERIFY2(r.exitCode != 0, r.err.constData());
        QVERIFY2(r.err.contains("The history database is damaged (quick_check"), r.err.constData());
        QVERIFY2(r.err.contains("nothing was written"), r.err.constData());
        QVERIFY(QFileInfo::exists(db + ".damaged"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(f.readAll() == bytes, "not a byte was written into the damaged file");
    }

    void failedPollsAreReportedInWords()
    {
        emu::Emulator emulator(3);
        QVERIFY(emulator.listen());
        QTemporaryDir dir;
        const QString ws = dir.filePath("ws.json");
        QFile f(ws);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(
                    QJsonObject{{"name", "Wrong token"},
                                {"connections",
                                 QJsonArray{QJsonObject{
                                     {"id", "east"},
                                     {"kind", "azure-openai"},
                                     {"managementEndpoint", emulator.baseUrl().toString()},
                                     {"resourceId", emu::Emulator::accountResourceId()},
                                     {"credential", QJsonObject{{"env", "TST_CLI_TOKEN"}}}}}}})
                    .toJson());
        f.close();
        QProcessEnvironment env;
        env.insert("TST_CLI_TOKEN", "not-the-token");
        const Run r = run({"collect", "--db", dbPath("wrong-token.sqlite"), "--workspace", ws,
                           "--backfill", "1h", "--once"},
                          env);
        QVERIFY2(r.exitCode != 0, r.err.constData());
        QVERIFY2(r.err.contains("401"), r.err.constData());
    }

    // A missing token fails every backfill chunk and the poll alike: `collect` says so once
    // in a run, not once per chunk and twice per poll.
    void aFailureIsPrintedOncePerRun()
    {
        emu::Emulator emulator(3);
        QVERIFY(emulator.listen());
        QTemporaryDir dir;
        const QString ws = dir.filePath("ws.json");
        QFile f(ws);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(
            QJsonDocument(
                QJsonObject{{"name", "No token"},
                            {"connections",
                             QJsonArray{QJsonObject{
                                 {"id", "east"},
                                 {"kind", "azure-openai"},
                                 {"managementEndpoint", emulator.baseUrl().toString()},
                                 {"resourceId", emu::Emulator::accountResourceId()},
                                 {"credential", QJsonObject{{"env", "TST_CLI_UNSET_TOKEN"}}}}}}})
                .toJson());
        f.close();
        const Run r = run({"collect", "--db", dbPath("no-token.sqlite"), "--workspace", ws,
                           "--backfill", "1d", "--once"},
                          {}, 240000, {"TST_CLI_UNSET_TOKEN"});
        QVERIFY2(r.exitCode == 2, r.err.constData());
        int lines = 0;
        for (const QByteArray& line : r.err.split('\n'))
            lines += line.contains("TST_CLI_UNSET_TOKEN") ? 1 : 0;
        QVERIFY2(lines == 1, r.err.constData());
        QVERIFY2(r.err.contains("1 failure(s) above"), r.err.constData());
    }

    void screenshotWritesANonBlankPng()
    {
        const QString png = m_home.filePath("overview.png");
        const Run r = run({"--demo", "--db", dbPath("shot.sqlite"), "--screenshot", png, "--page",
                           "overview", "--range", "2h"});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1440, 900));
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 7)
            for (int x = 0; x < image.width(); x += 7)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 50, "the screenshot has content, not a blank window");
    }
};

QTEST_MAIN(tst_Cli)
#include "tst_cli.moc"
