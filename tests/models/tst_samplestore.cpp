#include "core/labels.h"
#include "store/samplestore.h"
#include "store/sqlite/packedrollup.h"
#include "store/sqlite/storedatabase.h"
#include "storebackends.h"
#include "storetestdata.h"
#include "testsupport.h"

#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>
#include <limits>

using namespace isc;
using namespace isc::test;

namespace {

/// A second, independent connection to a database file, to check what really landed on disk.
class Inspector
{
public:
    explicit Inspector(const QString& path) : m_name(QStringLiteral("inspect-%1").arg(++s_counter))
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), m_name);
        db.setDatabaseName(path);
        if (!db.open())
            qWarning("cannot inspect %s", qPrintable(path));
    }
    ~Inspector()
    {
        QSqlDatabase::database(m_name).close();
        QSqlDatabase::removeDatabase(m_name);
    }
    QVariant scalar(const QString& sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        if (!q.exec(sql) || !q.next())
            return {};
        return q.value(0);
    }
    QVector<QVariantList> rows(const QString& sql) const
    {
        QVector<QVariantList> out;
        QSqlQuery q(QSqlDatabase::database(m_name));
        q.setForwardOnly(true);
        if (!q.exec(sql))
            return out;
        const int n = q.record().count();
        while (q.next()) {
            QVariantList row;
            for (int i = 0; i < n; ++i)
                row.append(q.value(i));
            out.append(row);
        }
        return out;
    }
    qint64 count(const QString& table) const
    {
        return scalar(QStringLiteral("SELECT count(*) FROM ") + table).toLongLong();
    }
    bool exec(const QString& sql) const
    {
        QSqlQuery q(QSqlDatabase::database(m_name));
        return q.exec(sql);
    }
    /// True when `table` has a column called `column`.
    bool hasColumn(const QString& table, const QString& column) const
    {
        return scalar(QStringLiteral("SELECT count(*) FROM pragma_table_info('%1') WHERE name = "
                                     "'%2'")
                          .arg(table, column))
                   .toInt() == 1;
    }

private:
    static inline int s_counter = 0;
    QString m_name;
};

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

/// The buckets of a rollup table of the file at `path`, unpacked.
QVector<QVariantList> rollupBuckets(const QString& path, const QString& table)
{
    BackendFixture fx;
    fx.inspect(path);
    return fx.rollupBuckets(table);
}

/// The rollups of the file at `path` equal a recomputation from its raw samples.
void verifyRollupsMatchRaw(const QString& path)
{
    BackendFixture fx;
    fx.inspect(path);
    test::verifyRollupsMatchRaw(fx);
}

} // namespace

using Points = QVector<QPointF>;
Q_DECLARE_METATYPE(isc::Reduce)
Q_DECLARE_METATYPE(isc::Combine)
Q_DECLARE_METATYPE(isc::Resolution)

class tst_SampleStore : public QObject
{
    Q_OBJECT

    QTemporaryDir* m_dir = nullptr;
    QString dbPath(const QString& name = QStringLiteral("history.sqlite")) const
    {
        return m_dir->filePath(name);
    }

    /// An open store on a fresh database in the test's folder.
    std::unique_ptr<SampleStore> openStore(StoreSettings settings = {})
    {
        auto store = std::make_unique<SampleStore>();
        const OpenReport r = store->open(dbPath(), settings).result();
        if (!r.usable())
            qWarning("open failed: %s", qPrintable(r.message));
        return store;
    }

    /// A database of 20000 samples whose header, schema and first page of every table are
    /// sound but whose middle samples leaves are scribbled over: only a full check notices.
    /// Returns the damaged bytes now in the file, empty on failure.
    QByteArray writeDeeplyDamagedDatabase(const QString& path)
    {
        {
            auto store = std::make_unique<SampleStore>();
            if (!store->open(path).result().usable())
                return {};
            QVector<Sample> many;
            for (int i = 0; i < 20000; ++i)
                many.append({kNow + i * kMinute, double(i)});
            if (!store->write(batch({series("M", {}, many)})).result().ok)
                return {};
        }
        QVector<qint64> leaves;
        qint64 pageSize = 0;
        {
            Inspector db(path);
            pageSize = db.scalar(QStringLiteral("PRAGMA page_size")).toLongLong();
            // In key order, so the first leaf (what open() touches) stays sound.
            for (const auto& row : db.rows(QStringLiteral("SELECT pageno FROM dbstat WHERE name = "
                                                          "'samples' AND pagetype = 'leaf' "
                                                          "ORDER BY path")))
                leaves.append(row[0].toLongLong());
        }
        if (leaves.size() < 6 || pageSize <= 0)
            return {};
        QByteArray bytes = fileBytes(path);
        for (qsizetype k = leaves.size() / 3; k < 2 * leaves.size() / 3; ++k) {
            const qint64 at = (leaves[k] - 1) * pageSize;
            for (qint64 i = at; i < at + pageSize && i < bytes.size(); ++i)
                bytes[i] = char(0xA5 ^ (i & 0x3F));
        }
        return writeFile(path, bytes) ? bytes : QByteArray();
    }

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { m_dir = new QTemporaryDir; }
    void cleanup()
    {
        delete m_dir;
        m_dir = nullptr;
    }

    void createsAndReopens()
    {
        const QString path = m_dir->filePath(QStringLiteral("nested/deeper/history.sqlite"));
        {
            SampleStore store;
            const OpenReport r = store.open(path).result();
            QCOMPARE(r.status, OpenReport::Status::Created);
            QVERIFY(r.usable());
            QVERIFY(r.message.isEmpty());
            QCOMPARE(r.schemaVersion, StoreDatabase::SchemaVersion);
            QCOMPARE(store.path(), path);
            QVERIFY(QFileInfo::exists(path));
        }
        SampleStore store;
        const OpenReport r = store.open(path).result();
        QCOMPARE(r.status, OpenReport::Status::Opened);
        QCOMPARE(r.schemaVersion, StoreDatabase::SchemaVersion);
    }

    void usesWalAndSchema()
    {
        auto store = openStore();
        Inspector db(dbPath());
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA journal_mode")).toString(),
                 QStringLiteral("wal"));
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(),
                 StoreDatabase::SchemaVersion);
        for (const char* table : {"series", "samples", "rollup_5m", "rollup_15m", "rollup_1h",
                                  "gaps", "deployments", "meta"}) {
            QVERIFY2(
                db.scalar(QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = '%1'")
                              .arg(QLatin1String(table)))
                        .toInt() == 1,
                table);
        }
        // WITHOUT ROWID tables have no rowid column to select.
        QVERIFY(!db.scalar(QStringLiteral("SELECT rowid FROM samples")).isValid());
        QVERIFY(db.hasColumn(QStringLiteral("deployments"), QStringLiteral("upgrade_option")));
    }

    void writeBeforeOpenFails()
    {
        SampleStore store;
        const WriteReport r = store.write(batch({series("M", {}, minutes(kNow, {1}))})).result();
        QVERIFY(!r.ok);
        QVERIFY(!r.error.isEmpty());
        QVERIFY(!store.query({}).result().error.isEmpty());
    }

    void migratesVersion1()
    {
        const QString path = dbPath(QStringLiteral("v1.sqlite"));
        QVERIFY(QFile::copy(test::fixturePath(QStringLiteral("store/v1.sqlite")), path));
        QFile::setPermissions(path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        const qint64 t0 = 1767225600; // 2026-01-01T00:00:00Z
        {
            SampleStore store;
            const OpenReport r = store.open(path).result();
            QCOMPARE(r.status, OpenReport::Status::Opened);
            QCOMPARE(r.schemaVersion, StoreDatabase::SchemaVersion);

            SeriesQuery q;
            q.metric = QStringLiteral("AzureOpenAIRequests");
            q.labelEquals.insert(QStringLiteral("statuscode"), QStringLiteral("200"));
            q.range = {t0, t0 + 3 * kHour};
            q.step = kHour;
            q.reduce = Reduce::Sum;
            q.now = t0 + kDay;
            const QueryResult res = store.query(q).result();
            QVERIFY(res.error.isEmpty());
            QCOMPARE(res.series.size(), 1);
            // Sum of 0..59, 60..119, 120..179.
            QCOMPARE(res.series[0].points, (Points{{t0 * 1000.0, 1770},
                                                   {(t0 + kHour) * 1000.0, 5370},
                                                   {(t0 + 2 * kHour) * 1000.0, 8970}}));

            const SourceExtent e = store.extent(QStringLiteral("demo-azure")).result();
            QCOMPARE(e.oldest, t0);
            QCOMPARE(e.newest, t0 + 179 * kMinute);

            const auto gaps = store.gaps(QStringLiteral("demo-azure"), {t0, t0 + kDay}).result();
            QCOMPARE(gaps.size(), 1);
            QCOMPARE(gaps[0].window, (TimeRange{t0 + 3 * kHour, t0 + 4 * kHour}));
            QVERIFY(gaps[0].reason.contains(QLatin1String("401")));
        }
        Inspector db(path);
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(),
                 StoreDatabase::SchemaVersion);
        QCOMPARE(db.count(QStringLiteral("samples")), 360); // the NULL row is gone
        QCOMPARE(rollupBuckets(path, QStringLiteral("rollup_5m")).size(), 2 * 36);
        QCOMPARE(db.count(QStringLiteral("rollup_5m")), 2 * 3); // a row per hour
        QCOMPARE(db.count(QStringLiteral("rollup_1h")), 2 * 3);
        QCOMPARE(db.count(QStringLiteral("rollup_15m")), 2); // 3 hours: one 6-hour row each
        QCOMPARE(
            db.scalar(QStringLiteral("SELECT sum FROM rollup_1h WHERE series_id = 1 AND ts = %1")
                          .arg(t0))
                .toDouble(),
            1770.0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT unit FROM series WHERE id = 1")).toString(),
                 QString());
        QVERIFY(db.hasColumn(QStringLiteral("deployments"), QStringLiteral("upgrade_option")));
        verifyRollupsMatchRaw(path);
    }

    // Schema 3 (no upgrade option): the column is added on open, stored rows and samples kept.
    void migratesVersion3()
    {
        const QString path = dbPath(QStringLiteral("v3.sqlite"));
        {
            SampleStore store;
            QVERIFY(store.open(path).result().usable());
            QVERIFY(store.write(batch({series("M", {}, minutes(kNow, {1, 2}))})).result().ok);
        }
        {
            Inspector db(path);
            QVERIFY(db.exec(QStringLiteral("DROP TABLE deployments")));
            QVERIFY(db.exec(QStringLiteral(
                "CREATE TABLE deployments(source TEXT NOT NULL, name TEXT NOT NULL, model TEXT "
                "NOT NULL DEFAULT '', version TEXT NOT NULL DEFAULT '', sku TEXT NOT NULL DEFAULT "
                "'', capacity INTEGER NOT NULL DEFAULT 0, spillover_to TEXT NOT NULL DEFAULT '', "
                "state TEXT NOT NULL DEFAULT '', PRIMARY KEY(source, name)) WITHOUT ROWID")));
            QVERIFY(db.exec(QStringLiteral(
                "INSERT INTO deployments VALUES('az', 'gpt-4o-ptu', 'gpt-4o', '2024-11-20', "
                "'ProvisionedManaged', 100, 'gpt-4o-std', 'Succeeded')")));
            QVERIFY(db.exec(QStringLiteral("PRAGMA user_version = 3")));
            QVERIFY(!db.hasColumn(QStringLiteral("deployments"), QStringLiteral("upgrade_option")));
        }
        {
            SampleStore store;
            const OpenReport r = store.open(path).result();
            QCOMPARE(r.status, OpenReport::Status::Opened);
            QCOMPARE(r.schemaVersion, StoreDatabase::SchemaVersion);
            const Deployments kept = store.deployments(QStringLiteral("az")).result();
            QCOMPARE(kept.size(), 1);
            QCOMPARE(kept[0].name, QStringLiteral("gpt-4o-ptu"));
            QCOMPARE(kept[0].capacity, 100);
            QCOMPARE(kept[0].spilloverTo, QStringLiteral("gpt-4o-std"));
            QCOMPARE(kept[0].upgradeOption, QString()); // unknown until the next inventory read
            Deployment next = kept[0];
            next.upgradeOption = QStringLiteral("NoAutoUpgrade");
            store.saveDeployments(QStringLiteral("az"), {next}).waitForFinished();
            QCOMPARE(store.deployments(QStringLiteral("az")).result(), (Deployments{next}));
        }
        Inspector db(path);
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(),
                 StoreDatabase::SchemaVersion);
        QCOMPARE(db.count(QStringLiteral("samples")), 2);
        QCOMPARE(db.scalar(QStringLiteral("SELECT upgrade_option FROM deployments")).toString(),
                 QStringLiteral("NoAutoUpgrade"));
    }

    // Schema 4 (no 15-minute rollup): the rows are made from the 5-minute rollup on open.
    void migratesVersion4()
    {
        const QString path = dbPath(QStringLiteral("v4.sqlite"));
        const qint64 t = floorTo(kNow - 3 * kDay, kDay) + 5 * kHour + 7 * kMinute;
        QVector<double> values;
        for (int i = 0; i < 600; ++i)
            values.append(std::sin(i / 30.0) * 100);
        {
            SampleStore store;
            QVERIFY(store.open(path).result().usable());
            QVERIFY(store
                        .write(batch({series("M", {{"d", "a"}}, minutes(t, values)),
                                      series("M", {{"d", "b"}}, minutes(t + kHour, values))}))
                        .result()
                        .ok);
        }
        {
            // The rollups as schema 4 kept them: a 5-minute row per bucket, no 15-minute table.
            Inspector db(path);
            QVERIFY(db.exec(QStringLiteral("DROP TABLE rollup_15m")));
            QVERIFY(db.exec(QStringLiteral("DROP TABLE rollup_5m")));
            QVERIFY(db.exec(QStringLiteral(
                "CREATE TABLE rollup_5m(series_id INTEGER NOT NULL, ts INTEGER NOT NULL, min REAL "
                "NOT NULL, max REAL NOT NULL, sum REAL NOT NULL, count INTEGER NOT NULL, PRIMARY "
                "KEY(series_id, ts)) WITHOUT ROWID")));
            QVERIFY(db.exec(QStringLiteral(
                "INSERT INTO rollup_5m SELECT series_id, ts - ts % 300, min(value), max(value), "
                "sum(value), count(*) FROM samples GROUP BY 1, 2")));
            QVERIFY(db.exec(QStringLiteral("PRAGMA user_version = 4")));
            QCOMPARE(db.count(QStringLiteral("rollup_5m")), 2 * 121); // 05:05 .. 15:05
        }
        {
            SampleStore store;
            const OpenReport r = store.open(path).result();
            QCOMPARE(r.status, OpenReport::Status::Opened);
            QCOMPARE(r.schemaVersion, StoreDatabase::SchemaVersion);
        }
        Inspector db(path);
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(),
                 StoreDatabase::SchemaVersion);
        QVERIFY(!db.hasColumn(QStringLiteral("rollup_5m"), QStringLiteral("ts"))); // packed
        QCOMPARE(db.count(QStringLiteral("rollup_5m")), 2 * 11); // 10 h from 05:07 and 06:07
        QCOMPARE(db.count(QStringLiteral("rollup_15m")), 3 + 2); // 00-06-12-18 h, 06-12-18 h
        QCOMPARE(db.count(QStringLiteral("sqlite_master WHERE name = 'rollup_5m_v4'")), 0);
        verifyRollupsMatchRaw(path);
    }

    // A packed row of the wrong size: the chart says so in words; the next write that touches
    // the row makes it again from raw.
    void malformedPackedRow_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<int>("width");
        QTest::addColumn<Resolution>("resolution");
        QTest::newRow("5 min") << QStringLiteral("rollup_5m") << 5000 << Resolution::FiveMinutes;
        QTest::newRow("15 min") << QStringLiteral("rollup_15m") << 1000
                                << Resolution::FifteenMinutes;
    }
    void malformedPackedRow()
    {
        QFETCH(QString, table);
        QFETCH(int, width);
        QFETCH(Resolution, resolution);
        auto store = openStore();
        const qint64 t = floorTo(kNow - 20 * kDay, kDay);
        QVERIFY(store->write(batch({series("M", {}, minutes(t, {1, 2, 3, 4, 5, 6, 7, 8}))}))
                    .result()
                    .ok);
        {
            Inspector db(dbPath());
            QVERIFY(db.exec(QStringLiteral("UPDATE %1 SET buckets = x'0102'").arg(table)));
        }
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {t - 10 * kDay, t + 10 * kDay};
        q.pixelWidth = width;
        q.now = kNow;
        const QueryResult bad = store->query(q).result();
        QCOMPARE(bad.resolution, resolution);
        QVERIFY2(bad.error.contains(QLatin1String("malformed")), qPrintable(bad.error));
        QVERIFY(store->write(batch({series("M", {}, minutes(t + 8 * kMinute, {9}))})).result().ok);
        const QueryResult good = store->query(q).result();
        QVERIFY2(good.error.isEmpty(), qPrintable(good.error));
        QCOMPARE(good.series.size(), 1);
        verifyRollupsMatchRaw(dbPath());
    }

    void refusesNewerSchema()
    {
        const QString path = dbPath();
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("newer"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE future(x)")));
            QVERIFY(q.exec(QStringLiteral("INSERT INTO future VALUES(42)")));
            // What tells a newer Inferscope's file from another program's (see
            // tst_storedatabase): it says who wrote it.
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT)")));
            QVERIFY(q.exec(
                QStringLiteral("INSERT INTO meta VALUES('written_by', 'Inferscope 9.0.0')")));
            QVERIFY(q.exec(QStringLiteral("PRAGMA user_version = 7")));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("newer"));
        const QByteArray before = fileBytes(path);
        QVERIFY(!before.isEmpty());
        {
            SampleStore store;
            const OpenReport r = store.open(path).result();
            QCOMPARE(r.status, OpenReport::Status::NewerSchema);
            QVERIFY(!r.usable());
            QCOMPARE(r.schemaVersion, 7);
            QCOMPARE(r.message, QStringLiteral("This database was written by a newer Inferscope "
                                               "(schema 7; this build reads up to %1). Nothing "
                                               "was changed.")
                                    .arg(StoreDatabase::SchemaVersion));
            QVERIFY(!store.write(batch({series("M", {}, minutes(kNow, {1}))})).result().ok);
        }
        QCOMPARE(fileBytes(path), before);
        QCOMPARE(QDir(m_dir->path()).entryList(QDir::Files),
                 QStringList{QStringLiteral("history.sqlite")});
    }

    void refusesForeignDatabase()
    {
        const QString path = dbPath();
        {
            QSqlDatabase db =
                QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("foreign"));
            db.setDatabaseName(path);
            QVERIFY(db.open());
            QSqlQuery q(db);
            QVERIFY(q.exec(QStringLiteral("CREATE TABLE notes(x)")));
            q.finish();
            db.close();
        }
        QSqlDatabase::removeDatabase(QStringLiteral("foreign"));
        SampleStore store;
        const OpenReport r = store.open(path).result();
        QCOMPARE(r.status, OpenReport::Status::Failed);
        QVERIFY(r.message.contains(QLatin1String("not an Inferscope")));
    }

    void movesCorruptFileAside_data()
    {
        QTest::addColumn<bool>("validHeader");
        QTest::newRow("not a database") << false;
        // The first page of each table is damaged: open()'s cheap checks notice.
        QTest::newRow("damaged pages") << true;
    }
    void movesCorruptFileAside()
    {
        QFETCH(bool, validHeader);
        const QString path = dbPath();
        QByteArray damaged;
        if (validHeader) {
            {
                auto store = openStore();
                QVector<Sample> many;
                for (int i = 0; i < 20000; ++i)
                    many.append({kNow + i * kMinute, double(i)});
                QVERIFY(store->write(batch({series("M", {}, many)})).result().ok);
            }
            damaged = fileBytes(path);
            QVERIFY(damaged.size() > 8 * 4096);
            // Keep the header, scribble over the b-tree pages behind it.
            for (qsizetype i = 4096; i < damaged.size(); ++i)
                damaged[i] = char(0xA5 ^ (i & 0x3F));
        } else {
            damaged = QByteArray("this is not an SQLite database, just some text\n").repeated(100);
        }
        QVERIFY(writeFile(path, damaged));
        QVERIFY(writeFile(path + QLatin1String("-wal"), "wal bytes"));
        QVERIFY(writeFile(path + QLatin1String("-shm"), "shm bytes"));

        SampleStore store;
        const OpenReport r = store.open(path).result();
        QCOMPARE(r.status, OpenReport::Status::RecoveredFromCorruption);
        QVERIFY(r.usable());
        QCOMPARE(r.schemaVersion, StoreDatabase::SchemaVersion);
        QVERIFY2(QRegularExpression(QStringLiteral("history\\.sqlite\\.corrupt-\\d{8}-\\d{6}$"))
                     .match(r.movedAsidePath)
                     .hasMatch(),
                 qPrintable(r.movedAsidePath));
        QVERIFY(r.message.contains(r.movedAsidePath));
        QCOMPARE(fileBytes(r.movedAsidePath), damaged);
        QCOMPARE(fileBytes(r.movedAsidePath + QLatin1String("-wal")), QByteArray("wal bytes"));
        // SQLite rebuilds the -shm index when it reads a database with a valid header.
        if (validHeader)
            QVERIFY(QFileInfo::exists(r.movedAsidePath + QLatin1String("-shm")));
        else
            QCOMPARE(fileBytes(r.movedAsidePath + QLatin1String("-shm")), QByteArray("shm bytes"));

        // The fresh database works.
        QVERIFY(store.write(batch({series("M", {}, minutes(kNow, {1, 2}))})).result().ok);
        Inspector db(path);
        QCOMPARE(db.scalar(QStringLiteral("PRAGMA user_version")).toInt(),
                 StoreDatabase::SchemaVersion);
        QCOMPARE(db.count(QStringLiteral("samples")), 2);
    }

    void damageFoundInBackgroundIsMovedAsideAtNextOpen()
    {
        const QString path = dbPath();
        const QString marker = path + QLatin1String(".damaged");
        const QByteArray damaged = writeDeeplyDamagedDatabase(path);
        QVERIFY(!damaged.isEmpty());
        QVERIFY(writeFile(path + QLatin1String("-wal"), "wal bytes"));
        QVERIFY(writeFile(path + QLatin1String("-shm"), "shm bytes"));

        QString message;
        {
            SampleStore store;
            QSignalSpy problems(&store, &SampleStore::integrityProblem);
            QSignalSpy changes(&store, &SampleStore::dataChanged);
            const OpenReport r = store.open(path).result();
            QCOMPARE(r.status, OpenReport::Status::Opened);
            QVERIFY(r.message.isEmpty());
            QVERIFY(r.movedAsidePath.isEmpty());

            const IntegrityReport check = store.integrityCheck().result();
            QVERIFY(!check.ok);
            message = check.message;
            QVERIFY2(message.startsWith(QLatin1String("The history database is damaged "
                                                      "(quick_check: ")),
                     qPrintable(message));
            QVERIFY2(message.endsWith(QLatin1String("at the next start the file is moved aside "
                                                    "with its -wal/-shm and a new one is "
                                                    "created. Nothing is deleted.")),
                     qPrintable(message));
            QVERIFY(QFileInfo::exists(marker));
            QVERIFY(QString::fromUtf8(fileBytes(marker)).contains(message));
            QVERIFY(problems.count() == 1 || problems.wait());
            QCOMPARE(problems.count(), 1);
            QCOMPARE(problems[0][0].toString(), message);

            // Writes are refused and record nothing, not even a gap marker.
            const WriteReport w =
                store.write(batch({series("M", {}, minutes(kNow - kDay, {1, 2}))})).result();
            QVERIFY(!w.ok);
            QCOMPARE(w.samplesWritten, 0);
            QVERIFY2(w.error.contains(QLatin1String("damaged")), qPrintable(w.error));
            store.recordGap({QStringLiteral("src"), {kNow - kDay, kNow}, QStringLiteral("x"), 0});
            QVERIFY(store.gaps({}, {0, kNow + 100 * kDay}).result().isEmpty());
            // What is readable still reads.
            QCOMPARE(store.extent(QStringLiteral("src")).result().oldest, kNow);
            QCoreApplication::processEvents();
            QCOMPARE(changes.count(), 0);
            QCOMPARE(problems.count(), 1);
        }
        QCOMPARE(fileBytes(path), damaged);

        SampleStore store;
        const OpenReport r = store.open(path).result();
        QCOMPARE(r.status, OpenReport::Status::RecoveredFromCorruption);
        QVERIFY(r.usable());
        QVERIFY2(QRegularExpression(QStringLiteral("history\\.sqlite\\.corrupt-\\d{8}-\\d{6}$"))
                     .match(r.movedAsidePath)
                     .hasMatch(),
                 qPrintable(r.movedAsidePath));
        QVERIFY(r.message.contains(r.movedAsidePath));
        QCOMPARE(fileBytes(r.movedAsidePath), damaged);
        QCOMPARE(fileBytes(r.movedAsidePath + QLatin1String("-wal")), QByteArray("wal bytes"));
        QVERIFY(QFileInfo::exists(r.movedAsidePath + QLatin1String("-shm")));
        QVERIFY(QString::fromUtf8(fileBytes(r.movedAsidePath + QLatin1String(".damaged")))
                    .contains(message));
        QVERIFY(!QFileInfo::exists(marker));

        // The fresh database is sound and takes writes.
        const IntegrityReport check = store.integrityCheck().result();
        QVERIFY2(check.ok, qPrintable(check.message));
        QVERIFY(store.write(batch({series("M", {}, minutes(kNow, {1, 2}))})).result().ok);
        QVERIFY(!QFileInfo::exists(marker));
        Inspector db(path);
        QCOMPARE(db.count(QStringLiteral("samples")), 2);
    }

    void readHittingDamageMarksDatabase()
    {
        const QString path = dbPath();
        QVERIFY(!writeDeeplyDamagedDatabase(path).isEmpty());
        SampleStore store;
        QSignalSpy problems(&store, &SampleStore::integrityProblem);
        QCOMPARE(store.open(path).result().status, OpenReport::Status::Opened);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {kNow, kNow + 20000 * kMinute};
        q.step = kMinute;
        q.now = kNow;
        // Either this read or the background check finds the damage first; both mark it once.
        const QueryResult result = store.query(q).result();
        QVERIFY2(result.error.contains(QLatin1String("could not be read")),
                 qPrintable(result.error));
        QVERIFY(problems.count() == 1 || problems.wait());
        QVERIFY2(problems[0][0].toString().startsWith(
                     QLatin1String("The history database is damaged (")),
                 qPrintable(problems[0][0].toString()));
        QVERIFY(QFileInfo::exists(path + QLatin1String(".damaged")));
        QVERIFY(!store.write(batch({series("M", {}, minutes(kNow - kDay, {1}))})).result().ok);
        QVERIFY(!store.integrityCheck().result().ok);
        QCoreApplication::processEvents();
        QCOMPARE(problems.count(), 1);
    }

    void healthyDatabasePassesIntegrityCheck()
    {
        const QString path = dbPath();
        {
            SampleStore store;
            // Before any open() there is nothing to check, and nothing wrong.
            QVERIFY(store.integrityCheck().isFinished());
            QVERIFY(store.integrityCheck().result().ok);
            QCOMPARE(store.open(path).result().status, OpenReport::Status::Created);
            QVERIFY(store.write(batch({series("M", {}, minutes(kNow, {1, 2, 3}))})).result().ok);
            QVERIFY(store.integrityCheck().result().ok);
        }
        SampleStore store;
        QSignalSpy problems(&store, &SampleStore::integrityProblem);
        QCOMPARE(store.open(path).result().status, OpenReport::Status::Opened);
        const IntegrityReport check = store.integrityCheck().result();
        QVERIFY2(check.ok, qPrintable(check.message));
        QVERIFY(check.message.isEmpty());
        QVERIFY(!QFileInfo::exists(path + QLatin1String(".damaged")));
        QVERIFY(store.write(batch({series("M", {}, minutes(kNow + kHour, {4}))})).result().ok);
        QCoreApplication::processEvents();
        QCOMPARE(problems.count(), 0);
        Inspector db(path);
        QCOMPARE(db.count(QStringLiteral("samples")), 4);
    }

    void staleMarkerWithoutDatabaseIsDropped()
    {
        const QString path = dbPath();
        QVERIFY(writeFile(path + QLatin1String(".damaged"), "old"));
        SampleStore store;
        QCOMPARE(store.open(path).result().status, OpenReport::Status::Created);
        QVERIFY(!QFileInfo::exists(path + QLatin1String(".damaged")));
        QVERIFY(store.integrityCheck().result().ok);
    }

    void retention()
    {
        StoreSettings settings;
        settings.rawRetentionDays = 35;
        settings.fiveMinuteRetentionDays = 38;
        auto store = openStore(settings);
        const qint64 now = kNow;
        QVector<Sample> samples;
        for (const qint64 daysAgo : {40, 37, 34, 1})
            for (int m = 0; m < 3; ++m)
                samples.append({now - daysAgo * kDay + m * kMinute, 1.0});
        QVERIFY(store->write(batch({series("M", {}, samples)})).result().ok);
        store->applyRetention(now).waitForFinished();

        Inspector db(dbPath());
        QCOMPARE(db.count(QStringLiteral("samples")), 6);
        QCOMPARE(db.scalar(QStringLiteral("SELECT min(ts) FROM samples")).toLongLong(),
                 now - 34 * kDay);
        const auto fives = rollupBuckets(dbPath(), QStringLiteral("rollup_5m"));
        QCOMPARE(fives.size(), 3);
        QCOMPARE(fives[0][1].toLongLong(), floorTo(now - 37 * kDay, 300));
        QCOMPARE(db.count(QStringLiteral("rollup_1h")), 4); // hourly is kept forever
        // 15-minute rows go with the 5-minute rollup, a row once it is wholly before the cut.
        const qint64 fiveCut = floorTo(now - 38 * kDay, kHour);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count(*) FROM rollup_15m WHERE start + %1 <= %2")
                               .arg(packedrollup::kFifteenMinutes.span)
                               .arg(fiveCut))
                     .toInt(),
                 0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT min(start) FROM rollup_15m")).toLongLong(),
                 packedrollup::kFifteenMinutes.rowStart(now - 37 * kDay));
        const SourceExtent e = store->extent(QStringLiteral("src")).result();
        QCOMPARE(e.oldest, now - 34 * kDay);
        QCOMPARE(e.newest, now - kDay + 2 * kMinute);
    }

    void destructionRunsPendingJobs()
    {
        QVector<QFuture<WriteReport>> pending;
        {
            SampleStore store;
            store.open(dbPath());
            for (int i = 0; i < 20; ++i)
                pending.append(
                    store.write(batch({series("M", {}, minutes(kNow + i * kHour, {1, 2, 3}))})));
        }
        for (auto& f : pending) {
            QVERIFY(f.isFinished());
            QVERIFY(f.result().ok);
        }
        Inspector db(dbPath());
        QCOMPARE(db.count(QStringLiteral("samples")), 60);
    }
};

QTEST_GUILESS_MAIN(tst_SampleStore)
#include "tst_samplestore.moc"
