#include "net/azclitokenprovider.h"

#include <QDateTime>
#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

// A fake `az` first on PATH: behaves as FAKE_AZ_MODE says and records its arguments.
class tst_AzCliTokenProvider : public QObject
{
    Q_OBJECT

    QTemporaryDir m_dir;
    QByteArray m_oldPath;

    QString argsFile() const { return m_dir.filePath(QStringLiteral("args.txt")); }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile script(m_dir.filePath(QStringLiteral("az")));
        QVERIFY(script.open(QIODevice::WriteOnly));
        script.write("#!/bin/sh\n"
                     "for a in \"$@\"; do printf '%s\\n' \"$a\"; done > \"$FAKE_AZ_ARGS\"\n"
                     "case \"$FAKE_AZ_MODE\" in\n"
                     "epoch) echo '{\"accessToken\":\"az-epoch\",\"expiresOn\":\"2026-09-01 "
                     "01:00:00.000000\",\"expires_on\":1788224400,\"tokenType\":\"Bearer\"}' ;;\n"
                     "local) echo '{\"accessToken\":\"az-local\",\"expiresOn\":\"2026-09-01 "
                     "02:30:00.123456\",\"tokenType\":\"Bearer\"}' ;;\n"
                     "login) echo \"ERROR: Please run 'az login' to setup account.\" >&2; exit 1 "
                     ";;\n"
                     "other) echo 'ERROR: AADSTS50173: The grant has expired.' >&2; exit 1 ;;\n"
                     "slow) exec sleep 30 ;;\n"
                     "esac\n");
        script.close();
        QVERIFY(script.setPermissions(QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner));
        m_oldPath = qgetenv("PATH");
        qputenv("PATH", m_dir.path().toLocal8Bit() + ':' + m_oldPath);
        qputenv("FAKE_AZ_ARGS", argsFile().toLocal8Bit());
    }
    void cleanupTestCase() { qputenv("PATH", m_oldPath); }

    void parse_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("token");
        QTest::addColumn<qint64>("expires"); // 0 = check local time below
        QTest::newRow("expires_on epoch wins")
            << QByteArray("{\"accessToken\":\"a\",\"expiresOn\":\"2030-01-01 00:00:00.000000\","
                          "\"expires_on\":1788224400}")
            << "a" << qint64(1788224400);
        QTest::newRow("expires_on as string")
            << QByteArray("{\"accessToken\":\"a\",\"expires_on\":\"1788224400\"}") << "a"
            << qint64(1788224400);
        QTest::newRow("expiresOn local time")
            << QByteArray("{\"accessToken\":\"b\",\"expiresOn\":\"2026-09-01 02:30:00.123456\"}")
            << "b" << QDateTime(QDate(2026, 9, 1), QTime(2, 30), Qt::LocalTime).toSecsSinceEpoch();
        QTest::newRow("no expiry") << QByteArray("{\"accessToken\":\"b\"}") << "" << qint64(0);
        QTest::newRow("no token") << QByteArray("{\"expires_on\":1}") << "" << qint64(0);
        QTest::newRow("not json") << QByteArray("Please run az login") << "" << qint64(0);
    }
    void parse()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, token);
        QFETCH(qint64, expires);
        QString error;
        const auto t = AzCliTokenProvider::parseOutput(json, &error);
        QCOMPARE(t.has_value(), !token.isEmpty());
        if (t) {
            QCOMPARE(t->token, token);
            QCOMPARE(t->expiresAtUtc, expires);
        } else {
            QVERIFY(!error.isEmpty());
        }
    }

    void runsFixedArgumentsWithoutAShell()
    {
        qputenv("FAKE_AZ_MODE", "epoch");
        AzCliTokenProvider provider(QStringLiteral("tenant; touch pwned"));
        provider.setClock([] { return qint64(1788220800); });
        QSignalSpy changed(&provider, &TokenProvider::tokenChanged);
        provider.refresh();
        QVERIFY(changed.wait(15000));
        QCOMPARE(provider.token(nullptr), QStringLiteral("az-epoch"));
        QCOMPARE(provider.cached().expiresAtUtc, qint64(1788224400));
        QFile args(argsFile());
        QVERIFY(args.open(QIODevice::ReadOnly));
        QCOMPARE(args.readAll(), QByteArray("account\nget-access-token\n--output\njson\n--tenant\n"
                                            "tenant; touch pwned\n"));
        QVERIFY(!QFile::exists(QStringLiteral("pwned")));
    }

    void localTimeExpiry()
    {
        qputenv("FAKE_AZ_MODE", "local");
        AzCliTokenProvider provider;
        provider.setClock([] { return qint64(1788220800); });
        QSignalSpy changed(&provider, &TokenProvider::tokenChanged);
        provider.refresh();
        QVERIFY(changed.wait(15000));
        QCOMPARE(provider.cached().token, QStringLiteral("az-local"));
        QCOMPARE(provider.cached().expiresAtUtc,
                 QDateTime(QDate(2026, 9, 1), QTime(2, 30), Qt::LocalTime).toSecsSinceEpoch());
    }

    void refreshesWithUnderTwoMinutesLeft()
    {
        qputenv("FAKE_AZ_MODE", "epoch");
        AzCliTokenProvider provider;
        qint64 now = 1788224400 - 3600;
        provider.setClock([&now] { return now; });
        QSignalSpy changed(&provider, &TokenProvider::tokenChanged);
        provider.refresh();
        QVERIFY(changed.wait(15000));
        QFile::remove(argsFile());
        now = 1788224400 - 121;
        QCOMPARE(provider.token(nullptr), QStringLiteral("az-epoch"));
        QVERIFY(!QFile::exists(argsFile())); // not run again
        now = 1788224400 - 119;
        QCOMPARE(provider.token(nullptr), QStringLiteral("az-epoch")); // still valid meanwhile
        QVERIFY(changed.wait(15000));
        QVERIFY(QFile::exists(argsFile())); // run again
    }

    void failures_data()
    {
        QTest::addColumn<QByteArray>("mode");
        QTest::addColumn<QString>("words");
        QTest::newRow("login needed") << QByteArray("login") << "az login needed";
        QTest::newRow("other error")
            << QByteArray("other") << "az account get-access-token failed: AADSTS50173";
    }
    void failures()
    {
        QFETCH(QByteArray, mode);
        QFETCH(QString, words);
        qputenv("FAKE_AZ_MODE", mode);
        AzCliTokenProvider provider;
        QSignalSpy failed(&provider, &TokenProvider::failed);
        provider.refresh();
        QVERIFY(failed.wait(15000));
        const QString error = failed.first().first().toString();
        QVERIFY2(error.startsWith(words), qPrintable(error));
        QString why;
        QCOMPARE(provider.token(&why), QString());
        QCOMPARE(why, error);
    }

    void timeout()
    {
        qputenv("FAKE_AZ_MODE", "slow");
        AzCliTokenProvider provider;
        provider.setTimeoutMs(300);
        QSignalSpy failed(&provider, &TokenProvider::failed);
        QElapsedTimer clock;
        clock.start();
        provider.refresh();
        QVERIFY(failed.wait(10000));
        QVERIFY(clock.elapsed() < 10000);
        QVERIFY2(failed.first().first().toString().startsWith(
                     QLatin1String("az did not answer within 0.3 s")),
                 qPrintable(failed.first().first().toString()));
    }

    void notInstalled()
    {
        const QByteArray path = qgetenv("PATH");
        QTemporaryDir empty;
        qputenv("PATH", empty.path().toLocal8Bit());
        AzCliTokenProvider provider;
        QSignalSpy failed(&provider, &TokenProvider::failed);
        provider.refresh();
        if (failed.isEmpty())
            QVERIFY(failed.wait(10000));
        qputenv("PATH", path);
        QVERIFY2(failed.first().first().toString().startsWith(QLatin1String("az is not installed")),
                 qPrintable(failed.first().first().toString()));
    }

    void resourceFollowsTheCloud()
    {
        qputenv("FAKE_AZ_MODE", "epoch");
        AzCliTokenProvider provider(QString(),
                                    QStringLiteral("https://management.usgovcloudapi.net/"));
        QSignalSpy changed(&provider, &TokenProvider::tokenChanged);
        provider.refresh();
        QVERIFY(changed.wait(15000));
        QFile args(argsFile());
        QVERIFY(args.open(QIODevice::ReadOnly));
        QCOMPARE(args.readAll(),
                 QByteArray("account\nget-access-token\n--output\njson\n--resource\n"
                            "https://management.usgovcloudapi.net/\n"));
    }

    void defaultTimeoutIsAbout13s() { QCOMPARE(AzCliTokenProvider::kTimeoutMs, 13000); }
};

QTEST_GUILESS_MAIN(tst_AzCliTokenProvider)
#include "tst_azclitokenprovider.moc"
