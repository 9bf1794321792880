// `inferscope secret set CONNECTION` (and `--database ADDRESS`): the key (or a database's
// password) comes on standard input, lands in the keychain under the connection's (database's)
// entry with a label naming it, and never appears in any output.
#include "commands/secretcommand.h"
#include "fakekeychain.h"
#include "testsupport.h"

#include "net/secretstore.h"
#include "store/storebackend.h"

#include <QBuffer>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::app;
using test::FakeKeychain;

namespace {

Workspace workspace()
{
    Workspace ws;
    Connection keychain;
    keychain.id = QStringLiteral("aoai");
    keychain.displayName = QStringLiteral("Azure OpenAI (prod)");
    keychain.kind = QStringLiteral("azure-openai");
    keychain.credential = {SecretRef::Kind::Keychain, QStringLiteral("aoai/admin")};
    keychain.inferenceCredential = {SecretRef::Kind::Keychain, QStringLiteral("aoai/api")};
    Connection env;
    env.id = QStringLiteral("openai");
    env.kind = QStringLiteral("openai");
    env.credential = {SecretRef::Kind::Env, QStringLiteral("OPENAI_ADMIN_KEY")};
    ws.connections = {keychain, env};
    return ws;
}

struct Result
{
    int exitCode = -1;
    QString words;
};

} // namespace

class tst_SecretCommand : public QObject
{
    Q_OBJECT

    Result set(const QStringList& args, const QByteArray& stdinText, SecretStore* store)
    {
        QString error;
        const auto inv = parseCommandLine(args, &error);
        if (!inv)
            return {-2, error};
        QBuffer in;
        in.setData(stdinText);
        in.open(QIODevice::ReadOnly);
        Result r;
        setSecret(*inv, workspace(), &in, store, [&r](int code, const QString& words) {
            r.exitCode = code;
            r.words = words;
        });
        if (!QTest::qWaitFor([&r] { return r.exitCode >= 0; }, 5000))
            r.words = QStringLiteral("no answer within 5 s");
        return r;
    }

    Result setDatabase(const QString& address, const QByteArray& stdinText, SecretStore* store)
    {
        QString error;
        const auto inv = parseCommandLine({"secret", "set", "--database", address}, &error);
        if (!inv)
            return {-2, error};
        QBuffer in;
        in.setData(stdinText);
        in.open(QIODevice::ReadOnly);
        Result r;
        setDatabaseSecret(*inv, &in, store, [&r](int code, const QString& words) {
            r.exitCode = code;
            r.words = words;
        });
        if (!QTest::qWaitFor([&r] { return r.exitCode >= 0; }, 5000))
            r.words = QStringLiteral("no answer within 5 s");
        return r;
    }

private slots:
    void storesUnderTheEntryWithALabel_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("entry");
        QTest::newRow("by id") << QStringList{"secret", "set", "aoai"} << "aoai/admin";
        QTest::newRow("by name, inference")
            << QStringList{"secret", "set", "Azure OpenAI (prod)", "--inference"} << "aoai/api";
    }
    void storesUnderTheEntryWithALabel()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, entry);
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        SecretStore store(std::move(owned));
        const Result r = set(args, "sk-secret-value-1\n", &store);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.words.contains(entry), qPrintable(r.words));
        QVERIFY(!r.words.contains(QLatin1String("sk-secret")));
        QCOMPARE(fake->entries.value(entry).value, QStringLiteral("sk-secret-value-1"));
        QCOMPARE(fake->labels.size(), 1);
        QVERIFY2(fake->labels.first().contains(QLatin1String("Azure OpenAI (prod)")),
                 qPrintable(fake->labels.first()));
        QVERIFY(!fake->labels.first().contains(QLatin1String("sk-secret")));
    }

    void refusals_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("says");
        QTest::newRow("unknown connection")
            << QStringList{"secret", "set", "nope"} << QByteArray("k\n") << "no connection";
        QTest::newRow("env connection")
            << QStringList{"secret", "set", "openai"} << QByteArray("k\n") << "OPENAI_ADMIN_KEY";
        QTest::newRow("empty input") << QStringList{"secret", "set", "aoai"} << QByteArray("\n")
                                     << "no key on standard input";
    }
    void refusals()
    {
        QFETCH(QStringList, args);
        QFETCH(QByteArray, input);
        QFETCH(QString, says);
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        SecretStore store(std::move(owned));
        const Result r = set(args, input, &store);
        QVERIFY(r.exitCode > 0);
        QVERIFY2(r.words.contains(says), qPrintable(r.words));
        QVERIFY(fake->labels.isEmpty()); // nothing written
    }

    void noKeychainIsAFailureWithAdvice()
    {
        auto owned = std::make_unique<FakeKeychain>();
        owned->writeStatus = KeychainBackend::Status::NoKeychain;
        SecretStore store(std::move(owned));
        const Result r = set({"secret", "set", "aoai"}, "sk-secret-value-2\n", &store);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.words.contains(QLatin1String("{\"env\": \"VARIABLE\"}")), qPrintable(r.words));
        QVERIFY(!r.words.contains(QLatin1String("sk-secret")));
    }

    // A database's password goes under its entry, as typed (spaces kept, the line break not).
    void storesADatabasePassword()
    {
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        SecretStore store(std::move(owned));
        const QString address =
            QStringLiteral("postgresql://ops@db.example:5432/inferscope?sslmode=verify-full");
        const QString entry = QStringLiteral("postgresql://ops@db.example:5432/inferscope");
        QCOMPARE(databaseSecretName(address), entry);
        const Result r = setDatabase(address, " pg canary 5521 \r\n", &store);
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.words.contains(entry), qPrintable(r.words));
        QVERIFY(!r.words.contains(QLatin1String("canary")));
        QCOMPARE(fake->entries.value(entry).value, QStringLiteral(" pg canary 5521 "));
        QCOMPARE(fake->labels, QStringList{QStringLiteral("Inferscope: database ") + entry});
    }

    void databaseRefusals_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("says");
        QTest::newRow("a file") << "history.sqlite" << QByteArray("pw\n")
                                << "not a PostgreSQL address";
        QTest::newRow("password in the address")
            << "postgresql://ops:pg-canary-77@db.example/inferscope" << QByteArray("pw\n")
            << "holds a password";
        QTest::newRow("empty input") << "postgresql://ops@db.example/inferscope" << QByteArray("\n")
                                     << "no password on standard input";
    }
    void databaseRefusals()
    {
        QFETCH(QString, address);
        QFETCH(QByteArray, input);
        QFETCH(QString, says);
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        SecretStore store(std::move(owned));
        const Result r = setDatabase(address, input, &store);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.words.contains(says), qPrintable(r.words));
        QVERIFY(!r.words.contains(QLatin1String("pg-canary-77")));
        QVERIFY(fake->labels.isEmpty()); // nothing written
    }

    void databaseWithoutAKeychain()
    {
        auto owned = std::make_unique<FakeKeychain>();
        owned->writeStatus = KeychainBackend::Status::NoKeychain;
        SecretStore store(std::move(owned));
        const Result r =
            setDatabase(QStringLiteral("postgresql://ops@db/x"), "pg-canary-3\n", &store);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.words.contains(QLatin1String("PGPASSWORD or ~/.pgpass")), qPrintable(r.words));
        QVERIFY(!r.words.contains(QLatin1String("pg-canary")));
    }

    // The real binary without a keychain (no D-Bus): fails with words, never echoes the key.
    void binaryWithoutAKeychain()
    {
        QVERIFY2(!test::inferscopeBinary().isEmpty(), "INFERSCOPE_BINARY is not set");
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        QFile file(dir.filePath(QStringLiteral("ws.json")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("{\"connections\":[{\"id\":\"aoai\",\"kind\":\"openai\",\"endpoint\":"
                   "\"https://api.openai.com/v1\",\"credential\":{\"keychain\":\"aoai/admin\"}}]}");
        file.close();
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert("HOME", dir.path());
        env.insert("XDG_CONFIG_HOME", dir.filePath("config"));
        env.insert("XDG_DATA_HOME", dir.filePath("data"));
        env.remove("DBUS_SESSION_BUS_ADDRESS");
        p.setProcessEnvironment(env);
        p.start(test::inferscopeBinary(),
                {"secret", "set", "aoai", "--workspace", file.fileName()});
        QVERIFY(p.waitForStarted());
        p.write("sk-canary-4711\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60000));
        const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(!out.contains("sk-canary-4711"), out.constData());
        QVERIFY2(out.contains("aoai"), out.constData());
        if (p.exitCode() != 0) // a keychain reachable without D-Bus would store it
            QVERIFY2(out.contains("environment variable"), out.constData());

        // The same for a database's password, piped in (no terminal: no prompt).
        p.start(test::inferscopeBinary(),
                {"secret", "set", "--database", "postgresql://ops@db.example/inferscope"});
        QVERIFY(p.waitForStarted());
        p.write("pg-canary-4712\n");
        p.closeWriteChannel();
        QVERIFY(p.waitForFinished(60000));
        const QByteArray dbOut = p.readAllStandardOutput() + p.readAllStandardError();
        QVERIFY2(!dbOut.contains("pg-canary-4712"), dbOut.constData());
        QVERIFY2(!dbOut.contains("Password for"), dbOut.constData());
        QVERIFY2(dbOut.contains("postgresql://ops@db.example"), dbOut.constData());
        if (p.exitCode() != 0)
            QVERIFY2(dbOut.contains("PGPASSWORD or ~/.pgpass"), dbOut.constData());
    }
};

QTEST_GUILESS_MAIN(tst_SecretCommand)
#include "tst_secretcommand.moc"
