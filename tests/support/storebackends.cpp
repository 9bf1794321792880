#include "storebackends.h"

#include "store/sqlite/packedrollup.h"
#include "storetestdata.h"

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QtTest/QtTest>
#include <libpq-fe.h>

namespace isc::test {

namespace {

/// Runs `sql` on an SQLite file through Qt's driver: every row, every column.
QVector<QVariantList> sqliteRows(const QString& path, const QString& sql, bool* ok)
{
    static int counter = 0;
    const QString name = QStringLiteral("backend-inspect-%1").arg(++counter);
    QVector<QVariantList> out;
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        *ok = db.open();
        if (*ok) {
            QSqlQuery q(db);
            q.setForwardOnly(true);
            *ok = q.exec(sql);
            const int n = q.record().count();
            while (*ok && q.next()) {
                QVariantList row;
                for (int i = 0; i < n; ++i)
                    row.append(q.value(i));
                out.append(row);
            }
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return out;
}

/// Runs `sql` on a PostgreSQL database over libpq: every row, every column as text.
QVector<QVariantList> postgresRows(const QString& uri, const QString& sql, bool* ok)
{
    QVector<QVariantList> out;
    PGconn* c = PQconnectdb(
        (uri + QLatin1String("&options=-csearch_path%3Dinferscope")).toUtf8().constData());
    *ok = PQstatus(c) == CONNECTION_OK;
    if (*ok) {
        PGresult* r = PQexec(c, sql.toUtf8().constData());
        const ExecStatusType s = PQresultStatus(r);
        *ok = s == PGRES_TUPLES_OK || s == PGRES_COMMAND_OK;
        if (!*ok)
            qWarning("%s: %s", qPrintable(sql), PQresultErrorMessage(r));
        for (int i = 0; s == PGRES_TUPLES_OK && i < PQntuples(r); ++i) {
            QVariantList row;
            for (int k = 0; k < PQnfields(r); ++k)
                row.append(PQgetisnull(r, i, k) ? QVariant()
                                                : QVariant(QString::fromUtf8(PQgetvalue(r, i, k))));
            out.append(row);
        }
        PQclear(r);
    } else {
        qWarning("cannot inspect %s: %s", qPrintable(uri), PQerrorMessage(c));
    }
    PQfinish(c);
    return out;
}

} // namespace

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

BackendFixture::BackendFixture() = default;
BackendFixture::~BackendFixture() = default;

bool BackendFixture::isPostgres()
{
    QFETCH_GLOBAL(QString, backend);
    return backend == QLatin1String("postgresql");
}

TestPostgres& BackendFixture::postgres()
{
    if (!m_pg) {
        m_pg = std::make_unique<TestPostgres>();
        QString error;
        if (!m_pg->start(&error))
            qWarning("the test PostgreSQL did not start: %s", qPrintable(error));
    }
    return *m_pg;
}

QString BackendFixture::freshAddress()
{
    if (isPostgres()) {
        QString error;
        m_address = postgres().createDatabase(&error);
        if (m_address.isEmpty())
            qWarning("no test database: %s", qPrintable(error));
        return m_address;
    }
    if (!m_dir)
        m_dir = std::make_unique<QTemporaryDir>();
    m_address = m_dir->filePath(QStringLiteral("history-%1.sqlite").arg(++m_files));
    return m_address;
}

std::unique_ptr<SampleStore> BackendFixture::openStore(StoreSettings settings)
{
    auto store = std::make_unique<SampleStore>();
    const OpenReport r = store->open(freshAddress(), settings).result();
    if (!r.usable())
        qWarning("open failed: %s", qPrintable(r.message));
    return store;
}

std::unique_ptr<SampleStore> BackendFixture::reopenStore(StoreSettings settings)
{
    auto store = std::make_unique<SampleStore>();
    const OpenReport r = store->open(m_address, settings).result();
    if (!r.usable())
        qWarning("open failed: %s", qPrintable(r.message));
    return store;
}

QVector<QVariantList> BackendFixture::rows(const QString& sql) const
{
    bool ok = false;
    return m_address.startsWith(QLatin1String("postgresql://")) ? postgresRows(m_address, sql, &ok)
                                                                : sqliteRows(m_address, sql, &ok);
}

QVariant BackendFixture::scalar(const QString& sql) const
{
    const auto r = rows(sql);
    return r.isEmpty() || r[0].isEmpty() ? QVariant() : r[0][0];
}

qint64 BackendFixture::count(const QString& table) const
{
    return scalar(QStringLiteral("SELECT count(*) FROM ") + table).toLongLong();
}

bool BackendFixture::exec(const QString& sql) const
{
    bool ok = false;
    if (m_address.startsWith(QLatin1String("postgresql://")))
        postgresRows(m_address, sql, &ok);
    else
        sqliteRows(m_address, sql, &ok);
    return ok;
}

QVector<QVariantList> BackendFixture::rollupBuckets(const QString& table) const
{
    const bool packed = !m_address.startsWith(QLatin1String("postgresql://")) &&
                        table != QLatin1String("rollup_1h");
    if (!packed)
        return rows(QStringLiteral("SELECT series_id, ts, min, max, sum, count FROM %1 ORDER BY "
                                   "1, 2")
                        .arg(table));
    // SQLite packs a row of buckets per series and span (see packedrollup.h).
    const packedrollup::Layout layout = table == QLatin1String("rollup_5m")
                                            ? packedrollup::kFiveMinutes
                                            : packedrollup::kFifteenMinutes;
    QVector<QVariantList> out;
    for (const auto& r : rows(
             QStringLiteral("SELECT series_id, start, buckets FROM %1 ORDER BY 1, 2").arg(table))) {
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

double BackendFixture::rollupSum(const QString& table) const
{
    double sum = 0;
    for (const auto& b : rollupBuckets(table))
        sum += b.value(4).toDouble();
    return sum;
}

bool fillHistory(StoreBackend& backend, const HistoryShape& shape)
{
    const auto fail = [](const QString& what) {
        qWarning("fillHistory: %s", qPrintable(what));
        return false;
    };
    // The old block first: the retention then drops its raw minutes, not the recent ones.
    for (const qint64 from : {kNow - 40 * kDay, kNow - qint64(shape.hours) * kHour}) {
        const int count = from < kNow - kDay * 30 ? 180 : shape.hours * 60;
        for (const QString& source : {QStringLiteral("east"), QStringLiteral("west")}) {
            QVector<SeriesSamples> all;
            for (int k = 0; k < 3; ++k) {
                QVector<double> values;
                for (int i = 0; i < count; ++i)
                    values.append((i % 97) * (k + 1) + 1.0 / 3.0 +
                                  (source == QLatin1String("west") ? 0.25 : 0));
                QVector<Sample> samples = minutes(from, values);
                if (k == 1)
                    samples.remove(count / 2, 7); // a few minutes the source never reported
                all.append(series(
                    k == 2 ? QStringLiteral("Latency") : QStringLiteral("Requests"),
                    {{QStringLiteral("ModelDeploymentName"), QStringLiteral("gpt-%1").arg(k)}},
                    samples, source, k == 2 ? QStringLiteral("average") : QStringLiteral("total")));
            }
            const WriteReport r = backend.write(batch(all, {from, from + count * kMinute}, source));
            if (!r.ok)
                return fail(r.error);
        }
    }
    const WriteReport retention = backend.applyRetention(kNow);
    if (!retention.ok)
        return fail(retention.error);
    for (int i = 0; i < shape.gaps; ++i) {
        GapMarker gap{i % 2 ? QStringLiteral("west") : QStringLiteral("east"),
                      {kNow - (i + 1) * kHour, kNow - (i + 1) * kHour + 5 * kMinute},
                      QStringLiteral("Azure Monitor answered 503 (%1)").arg(i),
                      kNow - i * kMinute,
                      i % 3 ? QString() : QStringLiteral("Requests")};
        if (!backend.recordGap(gap).ok)
            return fail(QStringLiteral("a gap was not recorded"));
    }
    for (const QString& source : {QStringLiteral("east"), QStringLiteral("west")}) {
        Deployments deps;
        for (int k = 0; k < 3; ++k) {
            Deployment d;
            d.source = source;
            d.name = QStringLiteral("gpt-%1").arg(k);
            d.model = QStringLiteral("gpt-4o");
            d.sku = QStringLiteral("Standard");
            d.capacity = 10 * (k + 1);
            d.state = QStringLiteral("Succeeded");
            deps.append(d);
        }
        if (!backend.saveDeployments(source, deps).ok)
            return fail(QStringLiteral("deployments were not saved"));
    }
    for (int i = 0; i < shape.runs; ++i) {
        StoredRun run;
        run.createdAtMs = (kNow - i * kHour) * 1000;
        run.target = QStringLiteral("target-%1").arg(i % 3);
        run.dialect = QStringLiteral("openai");
        run.model = QStringLiteral("gpt-4o");
        run.messagesJson = QStringLiteral("[{\"role\":\"user\",\"content\":\"hi %1\"}]").arg(i);
        run.output = QStringLiteral("hello %1").arg(i);
        run.starred = i == 1;
        run.redacted = i == 2;
        if (!backend.saveRun(run).ok)
            return fail(QStringLiteral("a run was not saved"));
    }
    for (int i = 0; i < shape.documents; ++i) {
        StoredDocument doc;
        doc.scope = i % 3 == 2 ? DocumentScope::Shared : DocumentScope::User;
        doc.kind = i % 2 ? QStringLiteral("alert-state") : QStringLiteral("routing-policy");
        doc.key = QStringLiteral("doc-%1").arg(i);
        doc.json = QStringLiteral("{\"n\":%1,\"name\":\"r\u00e9gle %1\"}").arg(i);
        doc.updatedAtMs = kNow * 1000 - i;
        const DocumentWriteReport r = backend.putDocument(doc, 0);
        if (!r.ok)
            return fail(r.error);
    }
    return true;
}

/// The rollup rows (5 min, 15 min, 1 h) hold exactly what a recomputation from raw gives.
void verifyRollupsMatchRaw(const BackendFixture& db)
{
    for (const qint64 width : {qint64(300), qint64(900), qint64(3600)}) {
        const QString table = width == 300   ? QStringLiteral("rollup_5m")
                              : width == 900 ? QStringLiteral("rollup_15m")
                                             : QStringLiteral("rollup_1h");
        const auto expected =
            db.rows(QStringLiteral("SELECT series_id, ts - ts % %1, min(value), max(value), "
                                   "sum(value), count(*) FROM samples GROUP BY 1, 2 ORDER BY 1, 2")
                        .arg(width));
        const auto actual = db.rollupBuckets(table);
        QCOMPARE(actual.size(), expected.size());
        QVERIFY(!expected.isEmpty());
        for (int i = 0; i < expected.size(); ++i) {
            const auto& e = expected[i];
            const auto& a = actual[i];
            QCOMPARE(a[0].toLongLong(), e[0].toLongLong());
            QCOMPARE(a[1].toLongLong(), e[1].toLongLong());
            QCOMPARE(a[2].toDouble(), e[2].toDouble());
            QCOMPARE(a[3].toDouble(), e[3].toDouble());
            // Sums may differ in the last bits: the order of the additions differs.
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

} // namespace isc::test
