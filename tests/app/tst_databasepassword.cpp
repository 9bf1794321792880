// A PostgreSQL history's password from the keychain: its entry's name, the order of the
// sources (keychain, PGPASSWORD, ~/.pgpass), the prompt after a refusal, and that the password
// reaches a real throwaway server while never reaching a message, a log or a config file.
#include "databasepassword.h"
#include "fakekeychain.h"
#include "testpostgres.h"

#include "net/secretstore.h"
#include "store/postgres/postgresstore.h"
#include "store/storebackend.h"

#include <QDirIterator>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::app;
using test::FakeKeychain;
using test::TestPostgres;

namespace {

const QString kRight = QStringLiteral("right-canary-pw-4f1c");
const QString kWrong = QStringLiteral("wrong-canary-pw-9b2e");
const QString kRole = QStringLiteral("alice");

QStringList g_log; // every message this process logged
QtMessageHandler g_previous = nullptr;

void capture(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    g_log.append(message);
    if (g_previous)
        g_previous(type, context, message);
}

} // namespace

class tst_DatabasePassword : public QObject
{
    Q_OBJECT

    TestPostgres m_pg;
    QTemporaryDir m_home;

    /// A fresh database owned by `role`; its URI over TCP as `role` (a password needed).
    QString freshFor(const QString& role)
    {
        QString error;
        const QString socketUri = m_pg.createDatabase(&error, role);
        const QString db = socketUri.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
        return QStringLiteral("postgresql://%1@127.0.0.1:%2/%3").arg(role).arg(m_pg.port()).arg(db);
    }
    static QString dbOf(const QString& uri) { return uri.section(QLatin1Char('/'), 3); }

    QStringList schemaOwner(const QString& uri) const
    {
        return m_pg.sql(dbOf(uri), QStringLiteral("SELECT nspowner::regrole::text FROM "
                                                  "pg_namespace WHERE nspname = 'inferscope'"));
    }

    static void verifyNoSecretIn(const QString& text)
    {
        QVERIFY2(!text.contains(kRight), qPrintable(text));
        QVERIFY2(!text.contains(kWrong), qPrintable(text));
    }

private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        for (const char* name : {"PGPASSWORD", "PGUSER", "PGHOST", "PGPORT", "PGDATABASE"})
            qunsetenv(name);
        qputenv("PGPASSFILE", QFile::encodeName(m_home.filePath(QStringLiteral("pgpass"))));
        g_previous = qInstallMessageHandler(capture);
        QString error;
        QVERIFY2(m_pg.start(&error), qPrintable(error));
        QVERIFY2(m_pg.createRole(kRole, kRight, QStringLiteral("scram-sha-256"), &error),
                 qPrintable(error));
    }
    void cleanup()
    {
        qunsetenv("PGPASSWORD");
        QFile::remove(m_home.filePath(QStringLiteral("pgpass")));
    }
    // Nothing this process logged or wrote as configuration holds a password.
    void cleanupTestCase()
    {
        qInstallMessageHandler(g_previous);
        for (const QString& line : qAsConst(g_log))
            verifyNoSecretIn(line);
        for (const auto where :
             {QStandardPaths::GenericConfigLocation, QStandardPaths::AppConfigLocation,
              QStandardPaths::AppDataLocation}) {
            QDirIterator files(QStandardPaths::writableLocation(where), QDir::Files,
                               QDirIterator::Subdirectories);
            while (files.hasNext()) {
                QFile f(files.next());
                QVERIFY(f.open(QIODevice::ReadOnly));
                verifyNoSecretIn(QString::fromUtf8(f.readAll()));
            }
        }
    }

    // The entry is the address without its password and parameters, libpq's defaults filled in.
    void entryNames_data()
    {
        QTest::addColumn<QString>("address");
        QTest::addColumn<QStringList>("environment");
        QTest::addColumn<QString>("entry");
        QTest::newRow("full, parameters left out")
            << "postgresql://ops@db.example:5432/inferscope?sslmode=verify-full" << QStringList()
            << "postgresql://ops@db.example:5432/inferscope";
        QTest::newRow("postgres://, default port")
            << "postgres://ops@db.example/inferscope" << QStringList()
            << "postgresql://ops@db.example:5432/inferscope";
        QTest::newRow("no database: the user's")
            << "postgresql://ops@db.example:6543" << QStringList()
            << "postgresql://ops@db.example:6543/ops";
        QTest::newRow("socket folder as a parameter")
            << "postgresql://ops@/inferscope?host=/run/pg&port=5433" << QStringList()
            << "postgresql://ops@/run/pg:5433/inferscope";
        QTest::newRow("IPv6") << "postgresql://ops@[::1]:5432/x" << QStringList()
                              << "postgresql://ops@[::1]:5432/x";
        QTest::newRow("environment defaults")
            << "postgresql:///inferscope"
            << QStringList{"PGUSER=bob", "PGHOST=db.internal", "PGPORT=6000"}
            << "postgresql://bob@db.internal:6000/inferscope";
        QTest::newRow("the address wins over the environment")
            << "postgresql://ops@db.example/inferscope" << QStringList{"PGUSER=bob", "PGPORT=6000"}
            << "postgresql://ops@db.example:6000/inferscope";
        QTest::newRow("an SQLite file has none") << "history.sqlite" << QStringList() << "";
    }
    void entryNames()
    {
        QFETCH(QString, address);
        QFETCH(QStringList, environment);
        QFETCH(QString, entry);
        for (const QString& pair : environment)
            qputenv(qPrintable(pair.section(QLatin1Char('='), 0, 0)),
                    pair.section(QLatin1Char('='), 1).toUtf8());
        const QString name = databaseSecretName(address);
        for (const QString& pair : environment)
            qunsetenv(qPrintable(pair.section(QLatin1Char('='), 0, 0)));
        QCOMPARE(name, entry);
    }

    // The keychain's password reaches the server, over scram-sha-256 and md5 alike.
    void keychainPasswordReachesTheServer_data()
    {
        QTest::addColumn<QString>("method");
        QTest::newRow("scram-sha-256") << "scram-sha-256";
        QTest::newRow("md5") << "md5";
    }
    void keychainPasswordReachesTheServer()
    {
        QFETCH(QString, method);
        const QString role = QStringLiteral("kc_") + QString(method).remove(QLatin1Char('-'));
        QString error;
        QVERIFY2(m_pg.createRole(role, kRight, method, &error), qPrintable(error));
        const QString uri = freshFor(role);
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        fake->entries.insert(databaseSecretName(uri), {KeychainBackend::Status::Ok, kRight, {}});
        SecretStore secrets(std::move(owned));
        const StoreSettings settings = DatabasePassword::settingsFor(uri, &secrets);
        QCOMPARE(fake->reads, 1);
        QCOMPARE(settings.password, kRight);
        QVERIFY2(settings.passwordOrigin.contains(databaseSecretName(uri)),
                 qPrintable(settings.passwordOrigin));
        PostgresStore store;
        const OpenReport r = store.open(uri, settings);
        QVERIFY2(r.usable(), qPrintable(r.message));
        QCOMPARE(schemaOwner(uri), QStringList{role}); // created as that role, signed in by it
    }

    // The keychain first, then PGPASSWORD, then ~/.pgpass; a refusal says which were tried,
    // writes nothing and never shows a password.
    void precedence_data()
    {
        QTest::addColumn<QString>("keychain"); // "right", "wrong" or "" (no entry)
        QTest::addColumn<QString>("env");      // PGPASSWORD
        QTest::addColumn<QString>("pgpass");   // the PGPASSFILE's line for the database
        QTest::addColumn<bool>("opens");
        QTest::addColumn<QStringList>("says");
        QTest::newRow("keychain") << "right"
                                  << ""
                                  << "" << true << QStringList();
        QTest::newRow("keychain before PGPASSWORD") << "right"
                                                    << "wrong"
                                                    << "wrong" << true << QStringList();
        QTest::newRow("a wrong keychain password is not passed over")
            << "wrong"
            << "right"
            << "right" << false
            << QStringList{"The password from the keychain entry \"postgresql://alice@127.0.0.1:",
                           "was refused", "inferscope secret set --database",
                           "Nothing was written"};
        QTest::newRow("PGPASSWORD before ~/.pgpass") << ""
                                                     << "right"
                                                     << "wrong" << true << QStringList();
        QTest::newRow("~/.pgpass last") << ""
                                        << ""
                                        << "right" << true << QStringList();
        QTest::newRow("nowhere") << ""
                                 << ""
                                 << "" << false
                                 << QStringList{
                                        "the keychain (no entry \"postgresql://alice@127.0.0.1:",
                                        "PGPASSWORD (not set)", "(no such file)",
                                        "Nothing was written"};
        QTest::newRow("a wrong PGPASSWORD")
            << ""
            << "wrong"
            << "" << false
            << QStringList{"password authentication failed", "PGPASSWORD (set)",
                           "Nothing was written"};
    }
    void precedence()
    {
        QFETCH(QString, keychain);
        QFETCH(QString, env);
        QFETCH(QString, pgpass);
        QFETCH(bool, opens);
        QFETCH(QStringList, says);
        const auto pick = [](const QString& which) {
            return which == QLatin1String("right") ? kRight : kWrong;
        };
        const QString uri = freshFor(kRole);
        auto owned = std::make_unique<FakeKeychain>();
        if (!keychain.isEmpty())
            owned->entries.insert(databaseSecretName(uri),
                                  {KeychainBackend::Status::Ok, pick(keychain), {}});
        SecretStore secrets(std::move(owned));
        if (!env.isEmpty())
            qputenv("PGPASSWORD", pick(env).toUtf8());
        if (!pgpass.isEmpty()) {
            QFile f(m_home.filePath(QStringLiteral("pgpass")));
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QStringLiteral("127.0.0.1:%1:*:%2:%3\n")
                        .arg(m_pg.port())
                        .arg(kRole, pick(pgpass))
                        .toUtf8());
            f.close();
            f.setPermissions(QFile::ReadOwner | QFile::WriteOwner); // libpq ignores others
        }
        PostgresStore store;
        const OpenReport r = store.open(uri, DatabasePassword::settingsFor(uri, &secrets));
        QCOMPARE(r.usable(), opens);
        QCOMPARE(r.passwordRefused, !opens);
        for (const QString& words : says)
            QVERIFY2(r.message.contains(words), qPrintable(r.message));
        verifyNoSecretIn(r.message);
        QCOMPARE(schemaOwner(uri), opens ? QStringList{kRole} : QStringList());
    }

    // Where the password was looked for, in words, when the keychain had none to give.
    void keychainWithoutAPassword_data()
    {
        QTest::addColumn<int>("kind"); // 0 no entry, 1 no keychain, 2 locked, 3 no answer
        QTest::addColumn<QString>("says");
        QTest::newRow("no entry") << 0 << "the keychain (no entry \"postgresql://";
        QTest::newRow("no keychain") << 1 << "the keychain (none is available here)";
        QTest::newRow("locked") << 2 << "could not be read: is the keyring locked?";
        QTest::newRow("no answer") << 3 << "no answer for \"postgresql://";
    }
    void keychainWithoutAPassword()
    {
        QFETCH(int, kind);
        QFETCH(QString, says);
        const QString uri = QStringLiteral("postgresql://ops@db.example/inferscope");
        std::unique_ptr<SecretStore> secrets;
        if (kind == 1) {
            secrets = std::make_unique<SecretStore>(SecretStore::Backend::SessionOnly);
        } else {
            auto owned = std::make_unique<FakeKeychain>();
            if (kind == 2)
                owned->entries.insert(databaseSecretName(uri),
                                      {KeychainBackend::Status::Locked, {}, {}});
            owned->holdReads = kind == 3; // a keyring waiting to be unlocked
            secrets = std::make_unique<SecretStore>(std::move(owned));
        }
        const StoreSettings s = DatabasePassword::settingsFor(uri, secrets.get(), {}, 50);
        QVERIFY(s.password.isEmpty());
        QVERIFY2(s.passwordOrigin.contains(says), qPrintable(s.passwordOrigin));
    }

    // A refused password is asked for; the one the server took is remembered when asked to,
    // a refused one never is.
    void promptAsksUntilTheServerTakesIt_data()
    {
        QTest::addColumn<bool>("remember");
        QTest::newRow("remembered") << true;
        QTest::newRow("this session only") << false;
    }
    void promptAsksUntilTheServerTakesIt()
    {
        QFETCH(bool, remember);
        const QString uri = freshFor(kRole);
        const QString entry = databaseSecretName(uri);
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        fake->entries.insert(entry, {KeychainBackend::Status::Ok, kWrong, {}});
        SecretStore secrets(std::move(owned));
        const StoreSettings base = DatabasePassword::settingsFor(uri, &secrets);
        PostgresStore store;
        const OpenReport failed = store.open(uri, base);
        QVERIFY(failed.passwordRefused);

        QStringList asked;
        const QStringList answers{kWrong, kRight};
        const OpenReport r = DatabasePassword::prompt(
            uri, base, failed,
            [&](const QString& why) -> std::optional<DatabasePassword::Answer> {
                asked.append(why);
                return DatabasePassword::Answer{answers.value(asked.size() - 1), remember};
            },
            [&store, &uri](const StoreSettings& s) { return store.open(uri, s); }, &secrets);
        QVERIFY2(r.usable(), qPrintable(r.message));
        QCOMPARE(asked.size(), 2);
        QVERIFY2(asked.at(0).contains(QLatin1String("the keychain entry")), qPrintable(asked[0]));
        QVERIFY2(asked.at(1).contains(QLatin1String("The password from the prompt was refused")),
                 qPrintable(asked[1]));
        for (const QString& why : asked)
            verifyNoSecretIn(why);
        QCOMPARE(schemaOwner(uri), QStringList{kRole});
        if (remember) {
            QTRY_COMPARE(fake->entries.value(entry).value, kRight);
            QCOMPARE(fake->labels.size(), 1);
            QCOMPARE(fake->labels.first(), QStringLiteral("Inferscope: database ") + entry);
        } else {
            QTest::qWait(0);
            QCOMPARE(fake->entries.value(entry).value, kWrong);
            QVERIFY(fake->labels.isEmpty());
        }
    }

    void promptCancelledWritesNothing()
    {
        const QString uri = freshFor(kRole);
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        SecretStore secrets(std::move(owned));
        const StoreSettings base = DatabasePassword::settingsFor(uri, &secrets);
        PostgresStore store;
        const OpenReport failed = store.open(uri, base);
        QVERIFY(failed.passwordRefused);
        int opens = 0;
        const OpenReport r = DatabasePassword::prompt(
            uri, base, failed, [](const QString&) { return std::nullopt; },
            [&](const StoreSettings& s) {
                ++opens;
                return store.open(uri, s);
            },
            &secrets);
        QVERIFY(!r.usable());
        QCOMPARE(r.message, failed.message);
        QCOMPARE(opens, 0);
        QVERIFY(fake->labels.isEmpty());
        QCOMPARE(schemaOwner(uri), QStringList());
    }
};

QTEST_GUILESS_MAIN(tst_DatabasePassword)
#include "tst_databasepassword.moc"
