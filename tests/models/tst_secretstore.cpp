#include "fakekeychain.h"
#include "net/secretstore.h"

#include <QDirIterator>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QUuid>
#include <QtTest/QtTest>

using namespace isc;
using test::FakeKeychain;
using Status = KeychainBackend::Status;

class tst_SecretStore : public QObject
{
    Q_OBJECT

    QTemporaryDir m_home;

    // True when any file under the test's home holds `secret` (a plaintext fallback).
    bool secretOnDisk(const QByteArray& secret) const
    {
        QDirIterator it(m_home.path(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            QFile f(it.next());
            if (f.open(QIODevice::ReadOnly) && f.readAll().contains(secret))
                return true;
        }
        return false;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_home.isValid());
        // Everything QSettings or a fallback could write lands here, where we can look.
        qputenv("HOME", m_home.path().toLocal8Bit());
        qputenv("XDG_CONFIG_HOME", m_home.filePath(QStringLiteral("config")).toLocal8Bit());
        qputenv("XDG_DATA_HOME", m_home.filePath(QStringLiteral("data")).toLocal8Bit());
        QStandardPaths::setTestModeEnabled(true);
    }

    void sessionOnlyKeepsKeysInMemory()
    {
        SecretStore store(SecretStore::Backend::SessionOnly);
        QVERIFY(store.isSessionOnly());
        QCOMPARE(store.status(), SecretStore::sessionOnlyMessage());
        bool ok = false;
        QString words;
        const QByteArray secret = "sk-" + QUuid::createUuid().toByteArray(QUuid::Id128);
        store.write(QStringLiteral("openai-admin"), QString::fromLatin1(secret),
                    [&](bool written, const QString& w) {
                        ok = written;
                        words = w;
                    });
        QVERIFY(ok);
        QCOMPARE(words,
                 QStringLiteral("no keychain available: the key is kept for this session only"));
        QCOMPARE(store.value(QStringLiteral("openai-admin")).value_or(QString()),
                 QString::fromLatin1(secret));
        QVERIFY(!secretOnDisk(secret));
    }

    void absentKeyInWords()
    {
        SecretStore store(SecretStore::Backend::SessionOnly);
        store.preload({QStringLiteral("missing")});
        QString error;
        QVERIFY(!store.value(QStringLiteral("missing"), &error));
        QVERIFY2(error.contains(QLatin1String("there is no key \"missing\"")), qPrintable(error));
    }

    void removeForgets()
    {
        SecretStore store(SecretStore::Backend::SessionOnly);
        store.write(QStringLiteral("k"), QStringLiteral("v"));
        store.remove(QStringLiteral("k"));
        QVERIFY(!store.value(QStringLiteral("k")));
    }

    // The real keychain path: stored there, or (headless, no Secret Service) kept in memory
    // with the words. Never a file.
    void keychainOrSessionNeverPlaintext()
    {
        SecretStore store(SecretStore::Backend::Keychain);
        const QByteArray secret = "sk-ant-" + QUuid::createUuid().toByteArray(QUuid::Id128);
        const QString name = QStringLiteral("tst-secretstore-") + QUuid::createUuid().toString();
        bool done = false;
        bool ok = false;
        QString words;
        store.write(name, QString::fromLatin1(secret), [&](bool written, const QString& w) {
            done = true;
            ok = written;
            words = w;
        });
        QTRY_VERIFY_WITH_TIMEOUT(done, 30000);
        QVERIFY2(ok, qPrintable(words));
        if (store.isSessionOnly())
            QCOMPARE(words, SecretStore::sessionOnlyMessage());
        else
            QVERIFY2(words.isEmpty(), qPrintable(words));
        QCOMPARE(store.value(name).value_or(QString()), QString::fromLatin1(secret));
        QVERIFY(!secretOnDisk(secret));
        qInfo("keychain backend: %s", store.isSessionOnly() ? "none (session only)" : "present");
        bool removed = false;
        store.remove(name, [&](bool, const QString&) { removed = true; });
        QTRY_VERIFY_WITH_TIMEOUT(removed, 30000);
    }

    void preloadAnswersLater()
    {
        SecretStore store(SecretStore::Backend::Keychain);
        const QString name = QStringLiteral("tst-never-written-") + QUuid::createUuid().toString();
        QSignalSpy loaded(&store, &SecretStore::loaded);
        store.preload({name});
        QString error;
        if (store.isLoading(name)) {
            QVERIFY(!store.value(name, &error));
            QVERIFY2(error.contains(QLatin1String("still being read")), qPrintable(error));
            QVERIFY(loaded.wait(30000));
        }
        QVERIFY(!store.value(name, &error));
        QVERIFY2(!error.isEmpty() && !error.contains(QLatin1String("still being read")),
                 qPrintable(error));
    }
    // What a failed read tells the user, by what the keychain said.
    void readFailuresInWords_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("says");
        QTest::addColumn<QString>("neverSays");
        QTest::newRow("locked keyring")
            << int(Status::Locked) << QStringLiteral("locked") << QStringLiteral("there is no key");
        QTest::newRow("no keychain (headless)")
            << int(Status::NoKeychain) << QStringLiteral("{\"env\": \"VARIABLE\"}")
            << QStringLiteral("again on the Connections page");
        QTest::newRow("absent") << int(Status::NotFound) << QStringLiteral("inferscope secret set")
                                << QStringLiteral("locked");
    }
    void readFailuresInWords()
    {
        QFETCH(int, status);
        QFETCH(QString, says);
        QFETCH(QString, neverSays);
        auto fake = std::make_unique<FakeKeychain>();
        fake->entries.insert(QStringLiteral("aoai/api"),
                             {Status(status), {}, QStringLiteral("backend words")});
        SecretStore store(std::move(fake));
        QSignalSpy loaded(&store, &SecretStore::loaded);
        store.preload({QStringLiteral("aoai/api")});
        QVERIFY(loaded.wait(5000));
        QString error;
        QVERIFY(!store.value(QStringLiteral("aoai/api"), &error));
        QVERIFY2(error.contains(says), qPrintable(error));
        QVERIFY2(!error.contains(neverSays), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("\"aoai/api\"")), qPrintable(error));
    }

    void whenLoadedWaitsForTheRead()
    {
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        fake->holdReads = true;
        fake->entries.insert(QStringLiteral("k"), {Status::Ok, QStringLiteral("sk-1"), {}});
        SecretStore store(std::move(owned));
        store.preload({QStringLiteral("k")});
        int calls = 0;
        store.whenLoaded(QStringLiteral("k"), this, 30000, [&] { ++calls; });
        QCoreApplication::processEvents();
        QCOMPARE(calls, 0); // still reading
        fake->answerReads();
        QTRY_COMPARE(calls, 1);
        QCOMPARE(store.value(QStringLiteral("k")).value_or(QString()), QStringLiteral("sk-1"));
        // Not loading: answers on the next turn, never inside the call.
        store.whenLoaded(QStringLiteral("k"), this, 30000, [&] { ++calls; });
        QCOMPARE(calls, 1);
        QTRY_COMPARE(calls, 2);
    }

    void whenLoadedIsBounded()
    {
        auto owned = std::make_unique<FakeKeychain>();
        owned->holdReads = true; // a keyring that never answers
        SecretStore store(std::move(owned));
        store.preload({QStringLiteral("k")});
        QElapsedTimer clock;
        clock.start();
        bool called = false;
        store.whenLoaded(QStringLiteral("k"), this, 200, [&] { called = true; });
        QTRY_VERIFY_WITH_TIMEOUT(called, 5000);
        QVERIFY(clock.elapsed() >= 150);
        QString error;
        QVERIFY(!store.value(QStringLiteral("k"), &error));
        QVERIFY2(error.contains(QLatin1String("still being read")), qPrintable(error));
    }

    void labelsNameTheConnection()
    {
        auto owned = std::make_unique<FakeKeychain>();
        FakeKeychain* fake = owned.get();
        SecretStore store(std::move(owned));
        bool done = false;
        store.write(QStringLiteral("aoai/api"), QStringLiteral("sk-2"),
                    [&](bool, const QString&) { done = true; });
        QTRY_VERIFY(done);
        QCOMPARE(fake->labels, QStringList{QStringLiteral("Inferscope: aoai/api")});
        done = false;
        store.write(
            QStringLiteral("x"), QStringLiteral("sk-3"), [&](bool, const QString&) { done = true; },
            QStringLiteral("Inferscope: Production (x)"));
        QTRY_VERIFY(done);
        QCOMPARE(fake->labels.last(), QStringLiteral("Inferscope: Production (x)"));
        QVERIFY(!fake->labels.join(QLatin1Char(' ')).contains(QLatin1String("sk-")));
    }
};

QTEST_GUILESS_MAIN(tst_SecretStore)
#include "tst_secretstore.moc"
