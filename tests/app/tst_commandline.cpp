#include "commandline.h"

#include <QtTest/QtTest>

using namespace isc::app;
using Command = Invocation::Command;

class tst_CommandLine : public QObject
{
    Q_OBJECT
private slots:
    void accepts_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("command");
        QTest::newRow("nothing opens the gui") << QStringList{} << int(Command::Gui);
        QTest::newRow("demo") << QStringList{"--demo"} << int(Command::Gui);
        QTest::newRow("screenshot")
            << QStringList{"--screenshot", "a.png", "--page", "overview", "--range", "30d"}
            << int(Command::Gui);
        QTest::newRow("screenshot of the local servers")
            << QStringList{"--screenshot", "a.png", "--page", "local"} << int(Command::Gui);
        QTest::newRow("screenshot in the dark theme")
            << QStringList{"--screenshot", "a.png", "--page", "cost", "--theme", "Dark"}
            << int(Command::Gui);
        QTest::newRow("help") << QStringList{"--help"} << int(Command::Help);
        QTest::newRow("version") << QStringList{"--version"} << int(Command::Version);
        QTest::newRow("collect once")
            << QStringList{"collect", "--db", "x.db", "--demo", "--once"} << int(Command::Collect);
        QTest::newRow("collect until stopped (the systemd unit)")
            << QStringList{"collect", "--db", "x.db", "--demo"} << int(Command::Collect);
        QTest::newRow("collect duration")
            << QStringList{"collect",    "--db", "x.db",       "--workspace", "w.json",
                           "--duration", "60",   "--backfill", "2h"}
            << int(Command::Collect);
        QTest::newRow("collect listening on a port")
            << QStringList{"collect",    "--db", "x.db",     "--demo",
                           "--duration", "60",   "--listen", "9464"}
            << int(Command::Collect);
        QTest::newRow("collect listening on all interfaces")
            << QStringList{"collect", "--db",     "x.db",        "--demo",
                           "--once",  "--listen", "0.0.0.0:9464"}
            << int(Command::Collect);
        QTest::newRow("query")
            << QStringList{"query",  "--db", "x.db",  "--metric", "GeneratedTokens", "--last", "2h",
                           "--step", "5m",   "--agg", "sum",      "--format",        "json"}
            << int(Command::Query);
        QTest::newRow("query from/to") << QStringList{"query",
                                                      "--db",
                                                      "x.db",
                                                      "--metric",
                                                      "m",
                                                      "--from",
                                                      "2026-09-01T00:00:00Z",
                                                      "--to",
                                                      "2026-09-01T01:00:00Z"}
                                       << int(Command::Query);
        QTest::newRow("emulator") << QStringList{"emulator", "--port", "8080", "--seed", "7"}
                                  << int(Command::Emulator);
        QTest::newRow("secret set") << QStringList{"secret", "set", "aoai"} << int(Command::Secret);
        QTest::newRow("secret set inference")
            << QStringList{"secret", "set", "aoai", "--workspace", "w.json", "--inference"}
            << int(Command::Secret);
        QTest::newRow("secret set database")
            << QStringList{"secret", "set", "--database", "postgresql://ops@db/inferscope"}
            << int(Command::Secret);
    }
    void accepts()
    {
        QFETCH(QStringList, args);
        QFETCH(int, command);
        QString error;
        const auto inv = parseCommandLine(args, &error);
        QVERIFY2(inv, qPrintable(error));
        QCOMPARE(int(inv->command), command);
    }

    // --theme is read case-blind; without it the window uses the remembered choice.
    void theme()
    {
        QString error;
        const auto dark = parseCommandLine({"--theme", " Dark"}, &error);
        QVERIFY2(dark, qPrintable(error));
        QCOMPARE(dark->theme, QStringLiteral("dark"));
        const auto none = parseCommandLine({"--demo"}, &error);
        QVERIFY2(none, qPrintable(error));
        QVERIFY(none->theme.isEmpty());
    }

    void rejects_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("mentions");
        QTest::newRow("unknown command") << QStringList{"frobnicate"} << "unknown command";
        QTest::newRow("unknown option") << QStringList{"--frob"} << "frob";
        QTest::newRow("demo and workspace")
            << QStringList{"--demo", "--workspace", "w.json"} << "exclude";
        QTest::newRow("bad page") << QStringList{"--screenshot", "a.png", "--page", "nope"}
                                  << "unknown page";
        QTest::newRow("bad range") << QStringList{"--range", "forever"} << "not a duration";
        QTest::newRow("bad theme") << QStringList{"--theme", "sepia"} << "system, light, dark";
        QTest::newRow("theme is for the window")
            << QStringList{"collect", "--db", "x", "--demo", "--once", "--theme", "dark"}
            << "theme";
        QTest::newRow("collect without db") << QStringList{"collect", "--demo", "--once"} << "--db";
        QTest::newRow("collect without source")
            << QStringList{"collect", "--db", "x", "--once"} << "--demo or --workspace";
        QTest::newRow("collect once and duration")
            << QStringList{"collect", "--db", "x", "--demo", "--once", "--duration", "5"}
            << "not both";
        QTest::newRow("bad duration")
            << QStringList{"collect", "--db", "x", "--demo", "--duration", "-3"} << "positive";
        QTest::newRow("collect listen on a name")
            << QStringList{"collect", "--db", "x", "--demo", "--once", "--listen", "example.org:1"}
            << "not an IP address";
        QTest::newRow("collect listen on a bad port")
            << QStringList{"collect", "--db", "x", "--demo", "--once", "--listen", "99999"}
            << "--listen";
        QTest::newRow("listen is for collect") << QStringList{"--listen", "9464"} << "listen";
        QTest::newRow("query without metric") << QStringList{"query", "--db", "x"} << "--metric";
        QTest::newRow("bad step") << QStringList{"query", "--db",   "x", "--metric",
                                                 "m",     "--step", "2m"}
                                  << "1m, 5m, 1h";
        QTest::newRow("bad agg") << QStringList{"query", "--db",  "x",     "--metric",
                                                "m",     "--agg", "median"}
                                 << "avg, min";
        QTest::newRow("bad format")
            << QStringList{"query", "--db", "x", "--metric", "m", "--format", "xml"}
            << "csv or json";
        QTest::newRow("from without to")
            << QStringList{"query", "--db", "x", "--metric", "m", "--from", "2026-01-01"}
            << "go together";
        QTest::newRow("to before from")
            << QStringList{"query",  "--db",       "x",    "--metric",  "m",
                           "--from", "2026-01-02", "--to", "2026-01-01"}
            << "after";
        QTest::newRow("last and from")
            << QStringList{"query", "--db",   "x",          "--metric", "m",         "--last",
                           "1h",    "--from", "2026-01-01", "--to",     "2026-01-02"}
            << "excludes";
        QTest::newRow("bad port") << QStringList{"emulator", "--port", "70000"} << "port";
        QTest::newRow("bad seed") << QStringList{"emulator", "--seed", "x"} << "--seed";
        QTest::newRow("secret without connection") << QStringList{"secret", "set"} << "secret set";
        QTest::newRow("secret get") << QStringList{"secret", "get", "aoai"} << "secret set";
        QTest::newRow("secret with key on the line")
            << QStringList{"secret", "set", "aoai", "sk-123"} << "standard input";
        QTest::newRow("secret for a connection and a database")
            << QStringList{"secret", "set", "aoai", "--database", "postgresql://ops@db/x"}
            << "takes no connection";
        QTest::newRow("secret for a database, inference")
            << QStringList{"secret", "set", "--db", "postgresql://ops@db/x", "--inference"}
            << "--inference";
        QTest::newRow("stray argument")
            << QStringList{"query", "--db", "x", "--metric", "m", "extra"} << "unexpected";
    }
    void rejects()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, mentions);
        QString error;
        QVERIFY(!parseCommandLine(args, &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
        QVERIFY2(!error.contains('\n'), "errors are one line");
    }

    void secretValues()
    {
        QString error;
        const auto inv = parseCommandLine(
            {"secret", "set", "Azure prod", "--workspace", "w.json", "--inference"}, &error);
        QVERIFY2(inv, qPrintable(error));
        QCOMPARE(inv->secretAction, QStringLiteral("set"));
        QCOMPARE(inv->connectionName, QStringLiteral("Azure prod"));
        QCOMPARE(inv->workspacePath, QStringLiteral("w.json"));
        QVERIFY(inv->inferenceKey);
        QVERIFY(inv->headless());
        QVERIFY(helpText().contains(QLatin1String("inferscope secret set CONNECTION")));
        const auto db = parseCommandLine(
            {"secret", "set", "--database", "postgresql://ops@db.example/inferscope"}, &error);
        QVERIFY2(db, qPrintable(error));
        QCOMPARE(db->dbPath, QStringLiteral("postgresql://ops@db.example/inferscope"));
        QVERIFY(db->connectionName.isEmpty());
        QVERIFY(helpText().contains(QLatin1String("inferscope secret set --database ADDRESS")));
    }

    void collectListenValue()
    {
        QString error;
        auto inv = parseCommandLine({"collect", "--db", "x", "--demo", "--once"}, &error);
        QVERIFY2(inv, qPrintable(error));
        QVERIFY(inv->listen.isEmpty());
        inv = parseCommandLine({"collect", "--db", "x", "--demo", "--once", "--listen", "[::1]:0"},
                               &error);
        QVERIFY2(inv, qPrintable(error));
        QCOMPARE(inv->listen, QStringLiteral("[::1]:0"));
        QVERIFY(helpText().contains(QLatin1String("--listen")));
    }

    void queryValues()
    {
        QString error;
        const auto inv =
            parseCommandLine({"query", "--db", "x.db", "--metric", "GeneratedTokens",
                              "--deployment", "gpt-4o-ptu", "--from", "2026-09-01T00:00:00Z",
                              "--to", "2026-09-01T02:00:00Z", "--step", "1h", "--agg", "sum"},
                             &error);
        QVERIFY2(inv, qPrintable(error));
        QCOMPARE(inv->dbPath, QStringLiteral("x.db"));
        QCOMPARE(inv->deployment, QStringLiteral("gpt-4o-ptu"));
        QCOMPARE(inv->from, qint64(1788220800));
        QCOMPARE(inv->to, qint64(1788220800 + 7200));
        QCOMPARE(inv->step, qint64(3600));
        QCOMPARE(inv->reduce, QStringLiteral("sum"));
    }
};

QTEST_GUILESS_MAIN(tst_CommandLine)
#include "tst_commandline.moc"
