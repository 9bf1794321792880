// StoreDatabase on its own: opening files it must not change, waiting for a locked file,
// keeping a write-ahead log it cannot replay, refusing implausible samples and reporting failed
// upkeep writes. (tst_samplestore covers the threaded SampleStore over it.)
#include "core/labels.h"
#include "store/sqlite/storedatabase.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest/QtTest>
#include <atomic>
#include <limits>
#include <memory>

using namespace isc;

namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kDay = 86400;
// 2026-03-01T00:00:00Z: in the past of any machine running this test.
constexpr qint64 kNow = 1772323200;

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

bool writeFile(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray sha256(const QString& path)
{
    return QCryptographicHash::hash(fileBytes(path), QCryptographicHash::Sha256);
}

PollBatch poll(const QString& metric, const QVector<Sample>& samples, TimeRange window = {})
{
    SeriesSamples s;
    s.key = {QStringLiteral("src"), metric, QStringLiteral("total"), QString()};
    s.unit = QStringLiteral("Count");
    s.samples = samples;
    PollBatch b;
    b.source = QStringLiteral("src");
    b.window = window;
    b.series = {s};
    return b;
}

/// A plain SQL connection of the test's own (not the store's), named uniquely.
class Sql
{
public:
    explicit Sql(const QString& path) : m_name(QStringLiteral("sql-%1").arg(++s_counter))
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        m_ok = db.open();
    }
    ~Sql()
    {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    bool ok() const { return m_ok; }
    bool exec(const QString& sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        if (!q.exec(sql)) {
            qWarning("%s: %s", qPrintable(sql), qPrintable(q.lastError().text()));
            return false;
        }
        while (q.next()) {
        }
        return true;
    }
    QVariant scalar(const QString& sql)
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        return q.exec(sql) && q.next() ? q.value(0) : QVariant();
    }
    void close() { QSqlDatabase::database(m_name).close(); }

private:
    QString m_name;
    bool m_ok = false;
    static inline int s_counter = 0;
};

double sumOf(StoreDatabase& db, const QString& metric, TimeRange range)
{
    SeriesQuery q;
    q.metric = metric;
    q.range = range;
    q.step = 60;
    q.reduce = Reduce::Sum;
    q.now = kNow;
    const QueryResult r = db.query(q);
    double sum = 0;
    for (const auto& s : r.series)
        for (const auto& p : s.points)
            sum += p.y();
    return sum;
}

} // namespace

class tst_StoreDatabase : public QObject
{
    Q_OBJECT

    std::unique_ptr<QTemporaryDir> m_dir;
    QString path(const QString& name = QStringLiteral("history.sqlite")) const
    {
        return m_dir->filePath(name);
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }
    void cleanup() { m_dir.reset(); }

    // ---- a file held by another connection (a restart right after a kill -9)

    void openWaitsForALockedDatabase()
    {
        {
            StoreDatabase db;
            QVERIFY(db.open(path(), {}).usable());
        }
        Sql holder(path());
        QVERIFY(holder.ok());
        // Exclusive locking mode: the first read takes the file's exclusive lock and keeps it.
        QVERIFY(holder.exec(QStringLiteral("PRAGMA locking_mode = EXCLUSIVE")));
        QVERIFY(holder.exec(QStringLiteral("BEGIN EXCLUSIVE")));
        QVERIFY(holder.exec(QStringLiteral("SELECT count(*) FROM series")));

        StoreSettings settings;
        settings.busyNoticeMs = 50;
        settings.busyTimeoutMs = 60000;
        std::atomic_bool noticed{false};
        QString notice;
        OpenReport report;
        StoreDatabase db;
        db.setNoticeHandler([&](const QString& message) {
            notice = message;
            noticed = true;
        });
        std::unique_ptr<QThread> opener(
            QThread::create([&] { report = db.open(path(), settings); }));
        opener->start();
        QTRY_VERIFY_WITH_TIMEOUT(noticed.load(), 20000);
        QVERIFY(opener->isRunning()); // still waiting: the lock is held
        QVERIFY(holder.exec(QStringLiteral("COMMIT")));
        holder.close();
        QVERIFY(opener->wait(30000));
        QVERIFY2(report.usable(), qPrintable(report.message));
        QVERIFY2(notice.startsWith(QLatin1String("Waiting for the database")), qPrintable(notice));
        QVERIFY(db.write(poll(QStringLiteral("M"), {{kNow, 1}})).ok);
    }

    void lockHeldPastTheTimeoutIsRefusedInWords()
    {
        {
            StoreDatabase db;
            QVERIFY(db.open(path(), {}).usable());
        }
        Sql holder(path());
        QVERIFY(holder.exec(QStringLiteral("PRAGMA locking_mode = EXCLUSIVE")));
        QVERIFY(holder.exec(QStringLiteral("BEGIN EXCLUSIVE")));
        QVERIFY(holder.exec(QStringLiteral("SELECT count(*) FROM series")));
        const QByteArray before = sha256(path());

        StoreSettings settings;
        settings.busyTimeoutMs = 200;
        StoreDatabase db;
        const OpenReport r = db.open(path(), settings);
        QCOMPARE(r.status, OpenReport::Status::Failed);
        QVERIFY2(r.message.contains(QLatin1String("in use by another program")),
                 qPrintable(r.message));
        QVERIFY2(r.message.contains(QLatin1String("Nothing was changed")), qPrintable(r.message));
        QVERIFY(r.movedAsidePath.isEmpty());
        QCOMPARE(sha256(path()), before);
        QVERIFY(holder.exec(QStringLiteral("COMMIT")));
    }

    // ---- a file of another application

    void foreignFileIsLeftByteIdentical_data()
    {
        QTest::addColumn<QStringList>("statements");
        QTest::newRow("another app's table") << QStringList{QStringLiteral("CREATE TABLE notes(x)"),
                                                            QStringLiteral("INSERT INTO notes "
                                                                           "VALUES('keep me')")};
        QTest::newRow("another app's schema version") << QStringList{
            QStringLiteral("CREATE TABLE notes(x)"), QStringLiteral("PRAGMA user_version = 3")};
        QTest::newRow("a schema version above ours") << QStringList{
            QStringLiteral("CREATE TABLE notes(x)"), QStringLiteral("PRAGMA user_version = 70")};
    }
    void foreignFileIsLeftByteIdentical()
    {
        QFETCH(QStringList, statements);
        {
            Sql other(path());
            QVERIFY(other.ok());
            QVERIFY(other.exec(QStringLiteral("PRAGMA journal_mode = DELETE")));
            for (const QString& sql : std::as_const(statements))
                QVERIFY(other.exec(sql));
        }
        const QByteArray before = sha256(path());
        QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("history.sqlite")});

        StoreDatabase db;
        const OpenReport r = db.open(path(), {});
        QCOMPARE(r.status, OpenReport::Status::Failed);
        QVERIFY2(r.message.contains(QLatin1String("not an Inferscope history database")),
                 qPrintable(r.message));
        QVERIFY2(r.message.contains(QLatin1String("Nothing was changed")), qPrintable(r.message));
        db.close();
        QCOMPARE(sha256(path()), before);
        // No -wal, -shm or -journal appeared beside it.
        QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("history.sqlite")});
    }

    // ---- a database named by URL

    // A URL is not a file name: `--db postgresql://…` used to create a folder "postgresql:"
    // with an SQLite file in it. The build says which URLs it serves and creates nothing.
    void urlIsNotTakenForAFile_data()
    {
        QTest::addColumn<QString>("url");
        QTest::newRow("postgresql") << "postgresql://ops@db.example:5432/inferscope";
        QTest::newRow("postgres") << "postgres://localhost/inferscope";
        QTest::newRow("other scheme") << "mysql://localhost/inferscope";
        QTest::newRow("file url") << "file:///tmp/history.sqlite";
        QTest::newRow("with a password") << "postgresql://ops:s3cret@db.example/inferscope";
    }
    void urlIsNotTakenForAFile()
    {
        QFETCH(QString, url);
        const QString cwd = QDir::currentPath();
        QVERIFY(QDir::setCurrent(m_dir->path()));
        StoreDatabase db;
        const OpenReport r = db.open(url, {});
        QVERIFY(QDir::setCurrent(cwd));
        QCOMPARE(r.status, OpenReport::Status::Failed);
        const QString scheme = url.section(QLatin1Char(':'), 0, 0);
        QVERIFY2(r.message.contains(scheme + QLatin1String("://")), qPrintable(r.message));
        QVERIFY2(r.message.contains(QLatin1String("SQLite file")), qPrintable(r.message));
        QVERIFY2(!r.message.contains(QLatin1String("s3cret")), qPrintable(r.message));
        QCOMPARE(QDir(m_dir->path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot),
                 QStringList{});
    }

    // ---- a write-ahead log SQLite cannot replay

    void damagedWalIsKeptAside_data()
    {
        QTest::addColumn<QString>("damage");
        QTest::newRow("intact") << QString();
        QTest::newRow("bad magic") << QStringLiteral("magic");
        QTest::newRow("wrong salt") << QStringLiteral("salt");
        QTest::newRow("garbage frames") << QStringLiteral("garbage");
    }
    void damagedWalIsKeptAside()
    {
        QFETCH(QString, damage);
        const QString live = path(QStringLiteral("live.sqlite"));
        const QString copy = path();
        const TimeRange first{kNow, kNow + 3 * kMinute};
        const TimeRange second{kNow + kDay, kNow + kDay + 3 * kMinute};
        {
            StoreDatabase db;
            QVERIFY(db.open(live, {}).usable());
            QVERIFY(db.write(poll(QStringLiteral("M"), {{kNow, 1}, {kNow + 60, 2}}, first)).ok);
            QVERIFY(db.checkpoint()); // the first poll is in the file, the second only in the log
            QVERIFY(db.write(poll(QStringLiteral("M"), {{second.from, 10}, {second.from + 60, 20}},
                                  second))
                        .ok);
            // What a kill -9 leaves: the file and its log, not checkpointed.
            QVERIFY(QFile::copy(live, copy));
            QVERIFY(QFile::copy(live + QLatin1String("-wal"), copy + QLatin1String("-wal")));
        }
        QByteArray wal = fileBytes(copy + QLatin1String("-wal"));
        QVERIFY2(wal.size() > 32 + 2 * (24 + 512), "the second poll is in the log");
        if (damage == QLatin1String("magic"))
            wal[0] = char(wal[0] ^ 0x5a);
        else if (damage == QLatin1String("salt"))
            wal[32 + 8] = char(wal[32 + 8] ^ 0x01); // the first frame's salt-1
        else if (damage == QLatin1String("garbage"))
            for (int i = 32 + 24 + 100; i < 32 + 24 + 300; ++i)
                wal[i] = char(0xA5 ^ (i & 0x3F));
        QVERIFY(writeFile(copy + QLatin1String("-wal"), wal));

        StoreDatabase db;
        const OpenReport r = db.open(copy, {});
        QVERIFY2(r.usable(), qPrintable(r.message));
        QCOMPARE(sumOf(db, QStringLiteral("M"), first), 3.0);
        const QStringList kept =
            QDir(m_dir->path()).entryList({QStringLiteral("history.sqlite-wal.damaged-*")});
        if (damage.isEmpty()) {
            QCOMPARE(r.message, QString());
            QVERIFY(kept.isEmpty());
            QCOMPARE(sumOf(db, QStringLiteral("M"), second), 30.0);
            return;
        }
        QCOMPARE(kept.size(), 1);
        QCOMPARE(r.keptWalPath, m_dir->filePath(kept.first()));
        QVERIFY2(QRegularExpression(QStringLiteral("-wal\\.damaged-\\d{8}-\\d{6}$"))
                     .match(r.keptWalPath)
                     .hasMatch(),
                 qPrintable(r.keptWalPath));
        QCOMPARE(fileBytes(r.keptWalPath), wal);
        QVERIFY2(r.message.contains(QLatin1String("write-ahead log")), qPrintable(r.message));
        QVERIFY2(r.message.contains(r.keptWalPath), qPrintable(r.message));
        QVERIFY2(r.message.contains(QLatin1String("Nothing is deleted")), qPrintable(r.message));
        // The database goes on with what it could read.
        QVERIFY(db.write(poll(QStringLiteral("M"), {{kNow + 120, 4}})).ok);
    }

    // ---- implausible samples

    void implausibleSamplesAreRefusedOneByOne()
    {
        StoreDatabase db;
        QVERIFY(db.open(path(), {}).usable());
        const qint64 year9999 = 253402214400; // 9999-12-31T00:00:00Z
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const QVector<Sample> samples{
            {kNow, 1},
            {year9999, 5},
            {kNow + 60, 1.7e308}, // finite, but sums of it overflow
            {kNow + 120, 2},
            {kNow + 180, nan},
            {-120, 7},
            {kNow + 240, -std::numeric_limits<double>::infinity()},
            {kNow + 300, 3},
        };
        const WriteReport r = db.write(poll(QStringLiteral("M"), samples));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.samplesWritten, 3);
        QCOMPARE(r.samplesRefused, 5);
        for (const char* words : {"5 implausible samples", "in the future", "too large",
                                  "not a finite number", "before 1970"})
            QVERIFY2(r.refusal.contains(QLatin1String(words)), qPrintable(r.refusal));
        QVERIFY2(r.refusal.contains(QLatin1String("9999-12-31")), qPrintable(r.refusal));
        // The window written excludes the refused year 9999.
        QCOMPARE(r.window, (TimeRange{kNow, kNow + 360}));

        // Only the plausible samples are stored, and every rollup sum stays finite.
        Sql check(path());
        QCOMPARE(check.scalar(QStringLiteral("SELECT count(*) FROM samples")).toInt(), 3);
        QCOMPARE(check.scalar(QStringLiteral("SELECT sum(value) FROM samples")).toDouble(), 6.0);
        QCOMPARE(check.scalar(QStringLiteral("SELECT sum(sum) FROM rollup_1h")).toDouble(), 6.0);
        QCOMPARE(check.scalar(QStringLiteral("SELECT max(ts) FROM samples")).toLongLong(),
                 kNow + 300);
    }

    void plausibleBatchHasNoRefusal()
    {
        StoreDatabase db;
        QVERIFY(db.open(path(), {}).usable());
        const WriteReport r =
            db.write(poll(QStringLiteral("M"), {{kNow, -1e12}, {kNow + 60, 1e15}}));
        QVERIFY(r.ok);
        QCOMPARE(r.samplesWritten, 2);
        QCOMPARE(r.samplesRefused, 0);
        QCOMPARE(r.refusal, QString());
    }

    // ---- failed upkeep writes say why

    void failedUpkeepWriteSaysWhy_data()
    {
        QTest::addColumn<QString>("trigger");
        QTest::addColumn<QString>("write");
        QTest::newRow("gap marker")
            << QStringLiteral("CREATE TRIGGER no_gaps BEFORE INSERT ON gaps BEGIN SELECT "
                              "RAISE(ABORT, 'injected failure'); END")
            << QStringLiteral("gap");
        QTest::newRow("deployments")
            << QStringLiteral("CREATE TRIGGER no_deployments BEFORE INSERT ON deployments BEGIN "
                              "SELECT RAISE(ABORT, 'injected failure'); END")
            << QStringLiteral("deployments");
        QTest::newRow("retention")
            << QStringLiteral("CREATE TRIGGER no_retention BEFORE DELETE ON samples BEGIN "
                              "SELECT RAISE(ABORT, 'injected failure'); END")
            << QStringLiteral("retention");
    }
    void failedUpkeepWriteSaysWhy()
    {
        QFETCH(QString, trigger);
        QFETCH(QString, write);
        {
            StoreDatabase db;
            QVERIFY(db.open(path(), {}).usable());
            // An old sample for the retention to delete.
            QVERIFY(db.write(poll(QStringLiteral("M"), {{kNow - 100 * kDay, 1}})).ok);
        }
        {
            Sql sql(path());
            QVERIFY(sql.exec(trigger));
        }
        StoreDatabase db;
        QVERIFY(db.open(path(), {}).usable());
        WriteReport r;
        if (write == QLatin1String("gap")) {
            r = db.recordGap({QStringLiteral("src"), {kNow, kNow + 60}, QStringLiteral("x"), 0});
        } else if (write == QLatin1String("deployments")) {
            Deployment d;
            d.name = QStringLiteral("gpt");
            r = db.saveDeployments(QStringLiteral("src"), {d});
        } else {
            r = db.applyRetention(kNow);
        }
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("injected failure")), qPrintable(r.error));
        QVERIFY2(r.error.startsWith(QLatin1String("Could not")), qPrintable(r.error));
        QVERIFY(!db.isDamaged());

        // Without the trigger the same write works and says nothing.
        {
            Sql sql(path());
            QVERIFY(sql.exec(QStringLiteral("DROP TRIGGER IF EXISTS no_gaps")));
            QVERIFY(sql.exec(QStringLiteral("DROP TRIGGER IF EXISTS no_deployments")));
            QVERIFY(sql.exec(QStringLiteral("DROP TRIGGER IF EXISTS no_retention")));
        }
        StoreDatabase again;
        QVERIFY(again.open(path(), {}).usable());
        const WriteReport ok =
            again.recordGap({QStringLiteral("src"), {kNow, kNow + 60}, QStringLiteral("x"), 0});
        QVERIFY2(ok.ok, qPrintable(ok.error));
        QVERIFY(again.applyRetention(kNow).ok);
        QVERIFY(again.saveDeployments(QStringLiteral("src"), {}).ok);
    }
};

QTEST_GUILESS_MAIN(tst_StoreDatabase)
#include "tst_storedatabase.moc"
