#include "core/labels.h"
#include "store/sqlite/packedrollup.h"
#include "store/samplestore.h"
#include "store/sqlite/storedatabase.h"
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

namespace {

constexpr qint64 kMinute = 60;
constexpr qint64 kHour = 3600;
constexpr qint64 kDay = 86400;
// A fixed "now" (2026-03-01T00:00:00Z) so retention-aware choices do not follow the wall clock.
constexpr qint64 kNow = 1772323200;

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

SeriesSamples series(const QString& metric, const QList<Label>& labels, QVector<Sample> samples,
                     const QString& source = QStringLiteral("src"),
                     const QString& aggregation = QStringLiteral("total"))
{
    SeriesSamples s;
    s.key = {source, metric, aggregation, labels::canonical(labels)};
    s.unit = QStringLiteral("Count");
    s.samples = std::move(samples);
    return s;
}

PollBatch batch(QVector<SeriesSamples> s, TimeRange window = {},
                const QString& source = QStringLiteral("src"))
{
    PollBatch b;
    b.source = source;
    b.window = window;
    b.series = std::move(s);
    return b;
}

/// Minute samples from `from`, one per value.
QVector<Sample> minutes(qint64 from, const QVector<double>& values)
{
    QVector<Sample> out;
    for (int i = 0; i < values.size(); ++i)
        out.append({from + i * kMinute, values[i]});
    return out;
}

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

/// The buckets of a packed rollup table: series_id, ts, min, max, sum, count, sorted.
QVector<QVariantList> packedBuckets(const Inspector& db, const QString& table)
{
    const packedrollup::Layout layout = table == QLatin1String("rollup_5m")
                                            ? packedrollup::kFiveMinutes
                                            : packedrollup::kFifteenMinutes;
    QVector<QVariantList> out;
    const auto rows = db.rows(
        QStringLiteral("SELECT series_id, start, buckets FROM %1 ORDER BY 1, 2").arg(table));
    for (const auto& r : rows) {
        const QByteArray blob = r[2].toByteArray();
        packedrollup::Row row;
        if (!packedrollup::decode(layout, blob.constData(), int(blob.size()), r[1].toLongLong(),
                                  &row))
            return {{QStringLiteral("malformed row")}};
        for (int i = 0; i < layout.slotCount(); ++i) {
            const StoredBucket& b = row[std::size_t(i)];
            if (b.count > 0)
                out.append({r[0], b.ts, b.min, b.max, b.sum, b.count});
        }
    }
    return out;
}

/// The sum of every bucket's sum in a packed rollup table.
double packedSum(const Inspector& db, const QString& table)
{
    double sum = 0;
    for (const auto& b : packedBuckets(db, table))
        sum += b.value(4).toDouble();
    return sum;
}

/// True when the rollups (5 min, 15 min, 1 h) hold exactly what a recomputation from raw gives.
void verifyRollupsMatchRaw(const QString& path)
{
    Inspector db(path);
    for (const qint64 width : {qint64(300), qint64(900), qint64(3600)}) {
        const QString table = width == 300   ? QStringLiteral("rollup_5m")
                              : width == 900 ? QStringLiteral("rollup_15m")
                                             : QStringLiteral("rollup_1h");
        const auto expected =
            db.rows(QStringLiteral("SELECT series_id, ts - ts % %1, min(value), max(value), "
                                   "sum(value), count(*) FROM samples GROUP BY 1, 2 ORDER BY 1, 2")
                        .arg(width));
        const auto actual =
            width < 3600 ? packedBuckets(db, table)
                         : db.rows(QStringLiteral("SELECT series_id, ts, min, max, sum, count "
                                                  "FROM %1 ORDER BY 1, 2")
                                       .arg(table));
        QCOMPARE(actual.size(), expected.size());
        QVERIFY(!expected.isEmpty());
        for (int i = 0; i < expected.size(); ++i) {
            const auto& e = expected[i];
            const auto& a = actual[i];
            QCOMPARE(a[0].toLongLong(), e[0].toLongLong());
            QCOMPARE(a[1].toLongLong(), e[1].toLongLong());
            QCOMPARE(a[2].toDouble(), e[2].toDouble());
            QCOMPARE(a[3].toDouble(), e[3].toDouble());
            // Sums may differ in the last bits: the hour adds 5-minute sums.
            QVERIFY2(std::abs(a[4].toDouble() - e[4].toDouble()) <=
                         1e-9 * std::max(1.0, std::abs(e[4].toDouble())),
                     qPrintable(QStringLiteral("%1 bucket %2: %3 vs %4")
                                    .arg(table)
                                    .arg(e[1].toLongLong())
                                    .arg(a[4].toDouble())
                                    .arg(e[4].toDouble())));
            QCOMPARE(a[5].toLongLong(), e[5].toLongLong());
        }
    }
}

QString yValues(const QVector<QPointF>& points)
{
    QStringList out;
    for (const auto& p : points)
        out.append(QString::number(p.y()));
    return out.join(QLatin1Char(' '));
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
        QCOMPARE(packedBuckets(db, QStringLiteral("rollup_5m")).size(), 2 * 36);
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

    void upsertReplaces()
    {
        auto store = openStore();
        const auto key = QList<Label>{{QStringLiteral("ModelDeploymentName"), QStringLiteral("a")}};
        WriteReport r = store->write(batch({series("M", key, minutes(kNow, {1, 2, 3}))})).result();
        QVERIFY(r.ok);
        QCOMPARE(r.samplesWritten, 3);
        // A re-poll overlapping the last two minutes, plus one new minute.
        r = store->write(batch({series("M", key, minutes(kNow + kMinute, {20, 30, 40}))})).result();
        QVERIFY(r.ok);
        QCOMPARE(r.samplesWritten, 3);

        Inspector db(dbPath());
        QCOMPARE(db.count(QStringLiteral("series")), 1);
        QCOMPARE(db.count(QStringLiteral("samples")), 4);
        const auto rows = db.rows(QStringLiteral("SELECT ts, value FROM samples ORDER BY ts"));
        QCOMPARE(rows.size(), 4);
        QCOMPARE(rows[0][1].toDouble(), 1.0);
        QCOMPARE(rows[1][1].toDouble(), 20.0);
        QCOMPARE(rows[2][1].toDouble(), 30.0);
        QCOMPARE(rows[3][1].toDouble(), 40.0);
        QCOMPARE(packedSum(db, QStringLiteral("rollup_5m")), 91.0);
        QCOMPARE(packedSum(db, QStringLiteral("rollup_15m")), 91.0);
        QCOMPARE(db.scalar(QStringLiteral("SELECT count FROM rollup_1h")).toInt(), 4);
    }

    void failedWriteLeavesNothing_data()
    {
        QTest::addColumn<int>("position"); // of the failing value among 200 samples of a new series
        QTest::newRow("early") << 3;
        QTest::newRow("after whole insert chunks") << 150;
        QTest::newRow("last") << 199;
        QTest::newRow("middle") << 100;
        QTest::newRow("chunk boundary") << 64;
    }
    void failedWriteLeavesNothing()
    {
        QFETCH(int, position);
        {
            // A value the database refuses (implausible ones never reach it: they are refused
            // one by one before the transaction).
            auto store = openStore();
        }
        {
            Inspector inject(dbPath());
            QVERIFY(inject.exec(QStringLiteral(
                "CREATE TRIGGER refuse BEFORE INSERT ON samples WHEN NEW.value = 424242 BEGIN "
                "SELECT RAISE(ABORT, 'injected failure'); END")));
        }
        const double bad = 424242;
        auto store = openStore();
        QSignalSpy spy(store.get(), &SampleStore::dataChanged);
        QVERIFY(store->write(batch({series("M", {{"d", "old"}}, minutes(kNow, {1, 2, 3}))}))
                    .result()
                    .ok);
        QTRY_COMPARE(spy.count(), 1);

        // Replacements of stored minutes, a new series, and a bad value late in the batch.
        const TimeRange window{kNow, kNow + 200 * kMinute};
        QVector<double> values(200, 5.0);
        values[position] = bad;
        const PollBatch b = batch({series("M", {{"d", "old"}}, minutes(kNow, {100, 200, 300})),
                                   series("M", {{"d", "new"}}, minutes(kNow, values))},
                                  window);
        const WriteReport r = store->write(b).result();
        QVERIFY(!r.ok);
        QCOMPARE(r.samplesWritten, 0);
        QVERIFY2(r.error.contains(QLatin1String("injected failure")), qPrintable(r.error));

        {
            Inspector db(dbPath());
            QCOMPARE(db.count(QStringLiteral("series")), 1);
            QCOMPARE(db.count(QStringLiteral("samples")), 3);
            QCOMPARE(db.scalar(QStringLiteral("SELECT sum(value) FROM samples")).toDouble(), 6.0);
            QCOMPARE(packedSum(db, QStringLiteral("rollup_5m")), 6.0);
            QCOMPARE(packedSum(db, QStringLiteral("rollup_15m")), 6.0);
            QCOMPARE(db.scalar(QStringLiteral("SELECT sum FROM rollup_1h")).toDouble(), 6.0);
        }
        const auto gaps = store->gaps(QStringLiteral("src"), window).result();
        QCOMPARE(gaps.size(), 1);
        QCOMPARE(gaps[0].window, window);
        QCOMPARE(gaps[0].reason, r.error);
        QVERIFY(gaps[0].recordedAt > 0);

        // The series the failed batch created was rolled back: writing it again must work.
        QVERIFY(store->write(batch({series("M", {{"d", "new"}}, minutes(kNow, {5}))})).result().ok);
        Inspector db(dbPath());
        QCOMPARE(db.count(QStringLiteral("series")), 2);
        QCOMPARE(db.count(QStringLiteral("samples")), 4);
        // Only the good writes announced themselves (notifications arrive in order).
        QTRY_COMPARE(spy.count(), 2);
        QCoreApplication::processEvents();
        QCOMPARE(spy.count(), 2);
        QCOMPARE(spy[1][1].value<TimeRange>(), (TimeRange{kNow, kNow + kMinute}));
    }

    void rollupsEqualRecomputation_data()
    {
        QTest::addColumn<quint32>("seed");
        QTest::newRow("seed 1") << 1u;
        QTest::newRow("seed 7") << 7u;
        QTest::newRow("seed 2024") << 2024u;
    }
    void rollupsEqualRecomputation()
    {
        QFETCH(quint32, seed);
        QRandomGenerator rng(seed);
        auto store = openStore();
        const qint64 base = floorTo(kNow - 3 * kDay, kHour);
        for (int round = 0; round < 12; ++round) {
            QVector<SeriesSamples> all;
            for (int s = 0; s < 3; ++s) {
                QVector<Sample> samples;
                // A random window, possibly overlapping earlier ones (replacements, late data).
                const qint64 start = base + rng.bounded(2 * 24 * 60) * kMinute;
                // Every third round is gap-free, so whole 5-minute buckets and hours occur.
                const bool holes = round % 3 != 0;
                const int n = 1 + rng.bounded(holes ? 400 : 3000);
                for (int i = 0; i < n; ++i) {
                    if (holes && rng.bounded(5) == 0)
                        continue;
                    samples.append(
                        {start + i * kMinute + rng.bounded(60), rng.bounded(2000.0) - 500.0});
                    if (rng.bounded(50) == 0) // the same minute twice: the later value wins
                        samples.append({start + i * kMinute, rng.bounded(2000.0)});
                }
                all.append(series("M", {{"s", QString::number(s)}}, samples));
            }
            QVERIFY(store->write(batch(all)).result().ok);
        }
        verifyRollupsMatchRaw(dbPath());
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
        const auto fives = packedBuckets(db, QStringLiteral("rollup_5m"));
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

    void groupsByStatusClass()
    {
        auto store = openStore();
        const qint64 t = kNow - kDay;
        QVector<SeriesSamples> all;
        const QList<std::pair<QString, double>> codes{{"200", 10}, {"201", 1}, {"429", 5},
                                                      {"404", 2},  {"400", 3}, {"503", 7}};
        for (const auto& [code, v] : codes)
            all.append(series("Requests", {{"ModelDeploymentName", "gpt-4o"}, {"StatusCode", code}},
                              minutes(t, {v, v})));
        all.append(series("Requests", {{"ModelDeploymentName", "other"}, {"StatusCode", "200"}},
                          minutes(t, {100, 100})));
        all.append(series("Requests", {{"ModelDeploymentName", "gpt-4o"}}, minutes(t, {1000})));
        QVERIFY(store->write(batch(all)).result().ok);

        SeriesQuery q;
        q.metric = QStringLiteral("Requests");
        q.labelEquals.insert(QStringLiteral("MODELDEPLOYMENTNAME"), QStringLiteral("gpt-4o"));
        q.groupBy = QStringLiteral("statuscode");
        q.groupTransform = GroupTransform::StatusClass;
        q.combine = Combine::Sum;
        q.range = {t, t + 2 * kMinute};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QStringList names;
        for (const auto& s : r.series)
            names.append(s.name);
        QCOMPARE(names, (QStringList{"(none)", "2xx", "429", "4xx", "5xx"}));
        QCOMPARE(yValues(r.series[1].points), QStringLiteral("11 11"));
        QCOMPARE(yValues(r.series[2].points), QStringLiteral("5 5"));
        QCOMPARE(yValues(r.series[3].points), QStringLiteral("5 5"));
        QCOMPARE(yValues(r.series[4].points), QStringLiteral("7 7"));
        QCOMPARE(r.series[1].points[0].x(), t * 1000.0);

        q.groupTransform = GroupTransform::None;
        names.clear();
        for (const auto& s : store->query(q).result().series)
            names.append(s.name);
        QCOMPARE(names, (QStringList{"(none)", "200", "201", "400", "404", "429", "503"}));
    }

    void labelEqualsMatchesKeysCaseInsensitively_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("exact key") << "ModelDeploymentName"
                                   << "a"
                                   << "1";
        QTest::newRow("lower-case key") << "modeldeploymentname"
                                        << "a"
                                        << "1";
        QTest::newRow("upper-case key") << "MODELDEPLOYMENTNAME"
                                        << "b"
                                        << "20";
        QTest::newRow("value is exact") << "ModelDeploymentName"
                                        << "A"
                                        << "";
        QTest::newRow("absent key") << "Region"
                                    << "a"
                                    << "";
    }
    void labelEqualsMatchesKeysCaseInsensitively()
    {
        QFETCH(QString, key);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        auto store = openStore();
        QVERIFY(
            store
                ->write(batch({series("M", {{"ModelDeploymentName", "a"}}, minutes(kNow, {1})),
                               series("M", {{"ModelDeploymentName", "b"}}, minutes(kNow, {20}))}))
                .result()
                .ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.labelEquals.insert(key, value);
        q.range = {kNow, kNow + kHour};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QCOMPARE(r.series.isEmpty() ? QString() : yValues(r.series[0].points), expected);
    }

    void combineAndReduce_data()
    {
        QTest::addColumn<Combine>("combine");
        QTest::addColumn<Reduce>("reduce");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<QString>("expected");
        // A: 1..10; B: 2 2 2 8 2 2 2 2 2 2 over the same ten minutes (see test body).
        QTest::newRow("sum of avg, 5m") << Combine::Sum << Reduce::Avg << qint64(300) << "6.2 10";
        QTest::newRow("sum of sum, 5m") << Combine::Sum << Reduce::Sum << qint64(300) << "31 50";
        QTest::newRow("mean of max, 5m") << Combine::Mean << Reduce::Max << qint64(300) << "6.5 6";
        QTest::newRow("max of min, 5m") << Combine::Max << Reduce::Min << qint64(300) << "2 6";
        QTest::newRow("sum of min, 5m") << Combine::Sum << Reduce::Min << qint64(300) << "3 8";
        QTest::newRow("mean of avg, 5m") << Combine::Mean << Reduce::Avg << qint64(300) << "3.1 5";
        QTest::newRow("max of sum, 5m") << Combine::Max << Reduce::Sum << qint64(300) << "16 40";
        QTest::newRow("sum of sum, 1h") << Combine::Sum << Reduce::Sum << qint64(3600) << "81";
        QTest::newRow("mean of avg, 1h") << Combine::Mean << Reduce::Avg << qint64(3600) << "4.05";
        QTest::newRow("max, 1m") << Combine::Max << Reduce::Avg << qint64(60)
                                 << "2 2 3 8 5 6 7 8 9 10";
        QTest::newRow("mean, 1m") << Combine::Mean << Reduce::Sum << qint64(60)
                                  << "1.5 2 2.5 6 3.5 4 4.5 5 5.5 6";
    }
    void combineAndReduce()
    {
        QFETCH(Combine, combine);
        QFETCH(Reduce, reduce);
        QFETCH(qint64, step);
        QFETCH(QString, expected);
        auto store = openStore();
        const qint64 t = floorTo(kNow - 2 * kDay, kHour);
        QVERIFY(store
                    ->write(batch(
                        {series("M", {{"d", "A"}}, minutes(t, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})),
                         series("M", {{"d", "B"}}, minutes(t, {2, 2, 2, 8, 2, 2, 2, 2, 2, 2}))}))
                    .result()
                    .ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.combine = combine;
        q.reduce = reduce;
        q.step = step;
        q.range = {t, t + kHour};
        // Recent data: read from raw. Then with "now" 60 days later the raw minutes are beyond
        // retention and the same numbers must come from the rollups.
        for (const qint64 now : {kNow, kNow + 60 * kDay}) {
            q.now = now;
            const QueryResult r = store->query(q).result();
            QVERIFY(r.error.isEmpty());
            QCOMPARE(r.step, step);
            // The range is whole hours: a 5-minute step reads the 5-minute rollup (the same
            // numbers, fewer rows), recent or not; a 1-minute step reads raw.
            const Resolution expectedResolution = step % 3600 == 0  ? Resolution::Hour
                                                  : step % 300 == 0 ? Resolution::FiveMinutes
                                                                    : Resolution::Raw;
            QCOMPARE(r.resolution, expectedResolution);
            if (r.resolution == Resolution::Raw && now != kNow)
                continue; // a 1-minute step cannot come from rollups
            QCOMPARE(r.series.size(), 1);
            QCOMPARE(r.series[0].name, QStringLiteral("M"));
            QCOMPARE(yValues(r.series[0].points), expected);
            for (int i = 0; i < r.series[0].points.size(); ++i)
                QCOMPARE(r.series[0].points[i].x(), (t + i * step) * 1000.0);
        }
    }

    void choosesResolution_data()
    {
        QTest::addColumn<qint64>("ageDays"); // how long before "now" the range starts
        QTest::addColumn<qint64>("duration");
        QTest::addColumn<int>("width");
        QTest::addColumn<qint64>("step");
        QTest::addColumn<Resolution>("expected");
        QTest::newRow("12h, 1000 px")
            << qint64(1) << 12 * kHour << 1000 << qint64(0) << Resolution::Raw;
        QTest::newRow("2d, 1000 px")
            << qint64(2) << 2 * kDay << 1000 << qint64(0) << Resolution::Raw;
        QTest::newRow("7d, 2016 px")
            << qint64(7) << 7 * kDay << 2016 << qint64(0) << Resolution::FiveMinutes;
        QTest::newRow("7d, 2017 px")
            << qint64(7) << 7 * kDay << 2017 << qint64(0) << Resolution::Raw;
        QTest::newRow("30d, 1000 px")
            << qint64(30) << 30 * kDay << 1000 << qint64(0) << Resolution::FifteenMinutes;
        QTest::newRow("30d, 2880 px")
            << qint64(30) << 30 * kDay << 2880 << qint64(0) << Resolution::FifteenMinutes;
        QTest::newRow("30d, 2881 px")
            << qint64(30) << 30 * kDay << 2881 << qint64(0) << Resolution::FiveMinutes;
        QTest::newRow("15m beyond retention")
            << qint64(500) << 30 * kDay << 1000 << qint64(0) << Resolution::Hour;
        QTest::newRow("30d, 720 px")
            << qint64(30) << 30 * kDay << 720 << qint64(0) << Resolution::Hour;
        QTest::newRow("60d, 1000 px")
            << qint64(60) << 60 * kDay << 1000 << qint64(0) << Resolution::Hour;
        QTest::newRow("no width") << qint64(1) << kDay << 0 << qint64(0) << Resolution::Raw;
        QTest::newRow("raw beyond retention")
            << qint64(40) << kDay << 2000 << qint64(0) << Resolution::FiveMinutes;
        QTest::newRow("5m beyond retention")
            << qint64(500) << kDay << 2000 << qint64(0) << Resolution::Hour;
        // Whole-day ranges: the coarsest rollup dividing the step gives the same numbers.
        QTest::newRow("step 5m, recent")
            << qint64(3) << kDay << 0 << qint64(300) << Resolution::FiveMinutes;
        QTest::newRow("step 15m, recent")
            << qint64(3) << kDay << 0 << qint64(900) << Resolution::FifteenMinutes;
        QTest::newRow("step 30m, recent")
            << qint64(3) << kDay << 0 << qint64(1800) << Resolution::FifteenMinutes;
        QTest::newRow("step 1h, 40d ago") << qint64(40) << kDay << 0 << kHour << Resolution::Hour;
        QTest::newRow("step 1h, 500d ago") << qint64(500) << kDay << 0 << kHour << Resolution::Hour;
        QTest::newRow("step 2m, 40d ago")
            << qint64(40) << kDay << 0 << qint64(120) << Resolution::Raw;
        QTest::newRow("step wins over width")
            << qint64(60) << 60 * kDay << 1000 << qint64(300) << Resolution::FiveMinutes;
    }
    void choosesResolution()
    {
        QFETCH(qint64, ageDays);
        QFETCH(qint64, duration);
        QFETCH(int, width);
        QFETCH(qint64, step);
        QFETCH(Resolution, expected);
        auto store = openStore();
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {kNow - ageDays * kDay, kNow - ageDays * kDay + duration};
        q.pixelWidth = width;
        q.step = step;
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
        QCOMPARE(r.resolution, expected);
        QCOMPARE(r.step, step > 0 ? step : qint64(expected));
    }

    // A range whose ends cut a rollup's buckets reads the finest covered resolution instead:
    // those buckets would bring minutes from outside the range into its first and last steps.
    void stepResolutionNeedsWholeBuckets_data()
    {
        QTest::addColumn<qint64>("ageDays");
        QTest::addColumn<qint64>("offset"); // of both ends from whole days, s
        QTest::addColumn<qint64>("step");
        QTest::addColumn<Resolution>("expected");
        QTest::newRow("recent, ends at :01") << qint64(3) << qint64(60) << kHour << Resolution::Raw;
        QTest::newRow("recent, ends at :05")
            << qint64(3) << qint64(300) << kHour << Resolution::FiveMinutes;
        QTest::newRow("recent, ends at :15")
            << qint64(3) << qint64(900) << kHour << Resolution::FifteenMinutes;
        QTest::newRow("40d ago, ends at :01")
            << qint64(40) << qint64(60) << kHour << Resolution::FiveMinutes;
    }
    void stepResolutionNeedsWholeBuckets()
    {
        QFETCH(qint64, ageDays);
        QFETCH(qint64, offset);
        QFETCH(qint64, step);
        QFETCH(Resolution, expected);
        auto store = openStore();
        const qint64 t = floorTo(kNow - ageDays * kDay, kHour);
        QVERIFY(store->write(batch({series("M", {}, minutes(t, QVector<double>(180, 2.0)))}))
                    .result()
                    .ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {kNow - ageDays * kDay + offset, kNow - ageDays * kDay + kDay + offset};
        q.step = step;
        q.reduce = Reduce::Sum;
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QCOMPARE(r.resolution, expected);
        // The steps hold exactly the stored minutes inside the range, except beyond the raw
        // retention: there only whole buckets remain, so the ends' buckets count whole.
        const qint64 width = qint64(r.resolution);
        const TimeRange read{floorTo(q.range.from, width), floorTo(q.range.to + width - 1, width)};
        double total = 0;
        for (const QPointF& p : r.series.value(0).points)
            total += p.y();
        const qint64 minutesRead =
            std::max<qint64>(0, std::min(t + 180 * kMinute, read.to) - std::max(t, read.from)) /
            kMinute;
        QCOMPARE(total, 2.0 * double(minutesRead));
    }

    void decimatesAndKeepsSpikes_data()
    {
        QTest::addColumn<qint64>("days");
        QTest::addColumn<int>("width");
        QTest::addColumn<Resolution>("resolution");
        QTest::newRow("30d at 1000 px (15 min)")
            << qint64(30) << 1000 << Resolution::FifteenMinutes;
        QTest::newRow("30d at 3000 px (5 min)") << qint64(30) << 3000 << Resolution::FiveMinutes;
        QTest::newRow("30d at 500 px (hour)") << qint64(30) << 500 << Resolution::Hour;
        QTest::newRow("2d at 300 px (raw)") << qint64(2) << 300 << Resolution::FiveMinutes;
        QTest::newRow("1d at 1000 px (raw)") << qint64(1) << 1000 << Resolution::Raw;
    }
    void decimatesAndKeepsSpikes()
    {
        QFETCH(qint64, days);
        QFETCH(int, width);
        QFETCH(Resolution, resolution);
        auto store = openStore();
        const qint64 from = floorTo(kNow - days * kDay, kDay);
        const qint64 to = from + days * kDay;
        const qint64 spikeAt = from + (to - from) / 3 + 17 * kMinute;
        const qint64 dipAt = from + 2 * (to - from) / 3 + 41 * kMinute;
        QVector<SeriesSamples> all;
        for (int s = 0; s < 2; ++s) {
            QVector<Sample> samples;
            samples.reserve(int((to - from) / kMinute));
            for (qint64 ts = from; ts < to; ts += kMinute) {
                double v = 10 + 5 * std::sin(double(ts) / 7200.0) + s;
                if (s == 0 && ts == spikeAt)
                    v = 1000;
                if (s == 0 && ts == dipAt)
                    v = -50;
                samples.append({ts, v});
            }
            all.append(series("M", {{"d", QString::number(s)}}, samples));
        }
        QVERIFY(store->write(batch(all)).result().ok);

        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.groupBy = QStringLiteral("d");
        q.range = {from, to};
        q.pixelWidth = width;
        q.now = to;
        const QueryResult r = store->query(q).result();
        QCOMPARE(r.resolution, resolution);
        QCOMPARE(r.series.size(), 2);
        for (const auto& s : r.series) {
            QVERIFY2(s.points.size() <= 4 * width, qPrintable(QString::number(s.points.size())));
            QVERIFY(s.points.size() >= width / 2);
            QVERIFY(
                std::is_sorted(s.points.begin(), s.points.end(),
                               [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); }));
        }
        const auto byY = [](const QPointF& a, const QPointF& b) { return a.y() < b.y(); };
        const auto& spiky = r.series[0].points;
        QCOMPARE(std::max_element(spiky.begin(), spiky.end(), byY)->y(), 1000.0);
        QCOMPARE(std::min_element(spiky.begin(), spiky.end(), byY)->y(), -50.0);

        // Combined into one series the bound still holds.
        q.groupBy.clear();
        const QueryResult combined = store->query(q).result();
        QCOMPARE(combined.series.size(), 1);
        QVERIFY(combined.series[0].points.size() <= 4 * width);
    }

    void explicitStepOnePointPerStepWithData()
    {
        auto store = openStore();
        const qint64 t = floorTo(kNow - kDay, kHour);
        // Minutes 0-9 and 30-34 have data; 10-29 none.
        QVector<Sample> samples = minutes(t, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10});
        samples += minutes(t + 30 * kMinute, {4, 4, 4, 4, 9});
        QVERIFY(store->write(batch({series("M", {}, samples)})).result().ok);
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.range = {t, t + kHour};
        q.step = 300;
        q.now = kNow;
        q.reduce = Reduce::Avg;
        QueryResult r = store->query(q).result();
        QCOMPARE(r.step, 300);
        QCOMPARE(r.series.size(), 1);
        QCOMPARE(r.series[0].points,
                 (Points{{t * 1000.0, 3}, {(t + 300) * 1000.0, 8}, {(t + 1800) * 1000.0, 5}}));
        q.reduce = Reduce::Sum;
        r = store->query(q).result();
        QCOMPARE(yValues(r.series[0].points), QStringLiteral("15 40 25"));
        q.reduce = Reduce::Max;
        q.step = 1800;
        r = store->query(q).result();
        QCOMPARE(r.series[0].points, (Points{{t * 1000.0, 10}, {(t + 1800) * 1000.0, 9}}));
        q.step = 90;
        r = store->query(q).result();
        QVERIFY(!r.error.isEmpty());
    }

    // queryThen(): the follow-up queries are made from the first result on the store's thread.
    void queryThenChainsOnTheStoreThread()
    {
        auto store = openStore();
        const qint64 t = floorTo(kNow - kDay, kHour);
        QVERIFY(store
                    ->write(batch({series("A", {}, minutes(t, {1, 2, 3})),
                                   series("B", {}, minutes(t + 10 * kMinute, {7, 8}))}))
                    .result()
                    .ok);
        SeriesQuery first;
        first.metric = QStringLiteral("A");
        first.range = {t, t + kHour};
        first.step = 60;
        QThread* nextRanOn = nullptr;
        const QVector<QueryResult> chained =
            store
                ->queryThen(first,
                            [&nextRanOn](const QueryResult& r) {
                                nextRanOn = QThread::currentThread();
                                // The newest point of A decides where B is read.
                                const qint64 newest = qint64(r.series[0].points.back().x() / 1000);
                                SeriesQuery b;
                                b.metric = QStringLiteral("B");
                                b.range = {newest, newest + kHour};
                                b.step = 60;
                                return QVector<SeriesQuery>{b, b};
                            })
                .result();
        QVERIFY(nextRanOn && nextRanOn != QThread::currentThread());
        QCOMPARE(chained.size(), 3);
        QCOMPARE(yValues(chained[0].series[0].points), QStringLiteral("1 2 3"));
        QCOMPARE(yValues(chained[1].series[0].points), QStringLiteral("7 8"));
        QCOMPARE(chained[2].series[0].points, chained[1].series[0].points);

        const QVector<QueryResult> alone =
            store->queryThen(first, [](const QueryResult&) { return QVector<SeriesQuery>{}; })
                .result();
        QCOMPARE(alone.size(), 1);
        QCOMPARE(alone[0].series.size(), 1);
    }

    void emptyRangeOrNoDataIsNotAnError()
    {
        auto store = openStore();
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow, {1}))})).result().ok);
        SeriesQuery q;
        q.metric = QStringLiteral("Unknown");
        q.range = {kNow, kNow + kHour};
        q.now = kNow;
        QueryResult r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
        q.metric = QStringLiteral("M");
        q.range = {kNow + kHour, kNow + 2 * kHour};
        r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
        q.range = {kNow, kNow};
        r = store->query(q).result();
        QVERIFY(r.error.isEmpty());
        QVERIFY(r.series.isEmpty());
    }

    void queryIncludesGaps()
    {
        auto store = openStore();
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow, {1}))})).result().ok);
        store
            ->recordGap(
                {QStringLiteral("src"), {kNow + 600, kNow + 1200}, QStringLiteral("timeout"), 0})
            .waitForFinished();
        store
            ->recordGap(
                {QStringLiteral("src"), {kNow - 7200, kNow - 3600}, QStringLiteral("old"), 0})
            .waitForFinished();
        store->recordGap({QStringLiteral("other"), {kNow, kNow + 60}, QStringLiteral("x"), 0})
            .waitForFinished();
        SeriesQuery q;
        q.metric = QStringLiteral("M");
        q.source = QStringLiteral("src");
        q.range = {kNow, kNow + kHour};
        q.now = kNow;
        const QueryResult r = store->query(q).result();
        QCOMPARE(r.gaps, (QVector<TimeRange>{{kNow + 600, kNow + 1200}}));
        QCOMPARE(store->gaps({}, q.range).result().size(), 2);
    }

    void emitsDataChanged()
    {
        auto store = openStore();
        QSignalSpy spy(store.get(), &SampleStore::dataChanged);
        const TimeRange window{kNow, kNow + 5 * kMinute};
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow, {1, 2}))}, window)).result().ok);
        QTRY_COMPARE(spy.count(), 1);
        QCOMPARE(spy[0][0].toString(), QStringLiteral("src"));
        QCOMPARE(spy[0][1].value<TimeRange>(), window);
        // Without a window: the span of the samples.
        QVERIFY(store->write(batch({series("M", {}, minutes(kNow + kHour, {1, 2}))})).result().ok);
        QTRY_COMPARE(spy.count(), 2);
        QCOMPARE(spy[1][1].value<TimeRange>(),
                 (TimeRange{kNow + kHour, kNow + kHour + 2 * kMinute}));
    }

    void deploymentsReplacePerSource()
    {
        auto store = openStore();
        Deployment a{QStringLiteral("s1"),
                     QStringLiteral("gpt-4o"),
                     QStringLiteral("gpt-4o"),
                     QStringLiteral("2024-11-20"),
                     QStringLiteral("GlobalStandard"),
                     450,
                     QString(),
                     QStringLiteral("Succeeded"),
                     QStringLiteral("OnceNewDefaultVersionAvailable")};
        Deployment b = a;
        b.name = QStringLiteral("gpt-4o-ptu");
        b.upgradeOption = QStringLiteral("NoAutoUpgrade");
        b.sku = QStringLiteral("ProvisionedManaged");
        b.capacity = 50;
        b.spilloverTo = QStringLiteral("gpt-4o");
        Deployment c = a;
        c.source = QStringLiteral("s2");
        c.upgradeOption.clear(); // not every deployment says
        store->saveDeployments(QStringLiteral("s1"), {a, b}).waitForFinished();
        store->saveDeployments(QStringLiteral("s2"), {c}).waitForFinished();
        QCOMPARE(store->deployments(QStringLiteral("s1")).result(), (Deployments{a, b}));
        QCOMPARE(store->deployments().result(), (Deployments{a, b, c}));
        store->saveDeployments(QStringLiteral("s1"), {b}).waitForFinished();
        QCOMPARE(store->deployments(QStringLiteral("s1")).result(), (Deployments{b}));
        QCOMPARE(store->deployments(QStringLiteral("s2")).result(), (Deployments{c}));
    }

    void extentPerSource()
    {
        auto store = openStore();
        QCOMPARE(store->extent(QStringLiteral("src")).result().oldest, 0);
        QVERIFY(store
                    ->write(batch({series("M", {{"d", "a"}}, minutes(kNow, {1, 2})),
                                   series("M", {{"d", "b"}}, minutes(kNow - kDay, {1}))}))
                    .result()
                    .ok);
        QVERIFY(
            store->write(batch({series("M", {}, minutes(kNow - 9 * kDay, {1}), "far")}, {}, "far"))
                .result()
                .ok);
        const SourceExtent e = store->extent(QStringLiteral("src")).result();
        QCOMPARE(e.oldest, kNow - kDay);
        QCOMPARE(e.newest, kNow + kMinute);
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
