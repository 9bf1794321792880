#include "store/storemigration.h"

#include "store/storebackend.h"
#include "storebackends.h"
#include "storetestdata.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest/QtTest>
#include <cmath>

using namespace isc;
using namespace isc::test;

/// A whole history copied between SQLite and PostgreSQL: each global row names the source's
/// backend, the destination is the other one (sqlite: SQLite -> PostgreSQL; postgresql: the
/// reverse). Counts, sums and query results equal; an interrupted copy continues without
/// duplicates; a tampered destination fails verification naming the table; refusals say why.
class tst_StoreMigration : public QObject
{
    Q_OBJECT

    BackendFixture m_fixture; ///< owns the throwaway PostgreSQL cluster
    QTemporaryDir m_dir;
    int m_files = 0;

    QString fresh(bool postgres)
    {
        if (!postgres)
            return m_dir.filePath(QStringLiteral("history-%1.sqlite").arg(++m_files));
        QString error;
        const QString uri = m_fixture.postgres().createDatabase(&error);
        if (uri.isEmpty())
            qWarning("no test database: %s", qPrintable(error));
        return uri;
    }
    QString freshSource() { return fresh(BackendFixture::isPostgres()); }
    QString freshDestination() { return fresh(!BackendFixture::isPostgres()); }

    static std::unique_ptr<StoreBackend> open(const QString& address)
    {
        auto backend = makeStoreBackend(address);
        const OpenReport r = backend->open(address, {});
        if (!r.usable())
            qWarning("open %s: %s", qPrintable(address), qPrintable(r.message));
        return backend;
    }

    QString filledSource(const HistoryShape& shape = {})
    {
        const QString address = freshSource();
        auto backend = open(address);
        if (!fillHistory(*backend, shape))
            return {};
        return address;
    }

    static qint64 rowCount(const QString& address, const QString& table)
    {
        BackendFixture db;
        db.inspect(address);
        if (table.startsWith(QLatin1String("rollup_")))
            return db.rollupBuckets(table).size();
        return db.count(table);
    }

    static MigrationReport migrate(const QString& from, const QString& to, int chunkRows,
                                   std::function<bool(const MigrationProgress&)> stop = {})
    {
        StoreMigration m(from, to);
        m.setChunkRows(chunkRows);
        m.setStopWhen(std::move(stop));
        return m.run();
    }

    static bool close(double a, double b)
    {
        return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(a));
    }

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_dir.isValid());
    }

    void copiesEverythingAndVerifies()
    {
        const QString from = filledSource();
        QVERIFY(!from.isEmpty());
        const QString to = freshDestination();
        StoreMigration m(from, to);
        m.setChunkRows(1000);
        QVector<MigrationProgress> progress;
        m.setProgressHandler([&](const MigrationProgress& p) { progress.append(p); });
        const MigrationReport report = m.run();
        QVERIFY2(report.ok(), qPrintable(report.message));
        QVERIFY(!report.resumed);
        QVERIFY2(report.message.contains(QLatin1String("verified")), qPrintable(report.message));
        QCOMPARE(report.checks.size(), int(std::size(kStoreTables)));
        for (const MigrationCheck& c : report.checks) {
            QVERIFY2(c.ok, qPrintable(c.table + QLatin1String(": ") + c.problem));
            QVERIFY2(c.source.rows > 0, qPrintable(c.table));
        }

        // Progress: per chunk, ending at each table's total, the clock never going back.
        QVERIFY(progress.size() > int(std::size(kStoreTables)));
        for (int i = 1; i < progress.size(); ++i)
            QVERIFY(progress[i].elapsedMs >= progress[i - 1].elapsedMs);
        for (const StoreTable t : kStoreTables) {
            qint64 last = -1, total = -1;
            for (const MigrationProgress& p : progress) {
                if (p.table == t) {
                    QVERIFY(p.copied > last);
                    last = p.copied;
                    total = p.total;
                }
            }
            QCOMPARE(last, total);
        }

        // What landed, counted independently of the backends' own code.
        for (const char* table : {"series", "samples", "rollup_5m", "rollup_15m", "rollup_1h",
                                  "gaps", "deployments", "runs", "documents"})
            QCOMPARE(rowCount(to, QLatin1String(table)), rowCount(from, QLatin1String(table)));
        BackendFixture a, b;
        a.inspect(from);
        b.inspect(to);
        for (const char* table : {"rollup_5m", "rollup_15m", "rollup_1h"})
            QVERIFY(close(b.rollupSum(QLatin1String(table)), a.rollupSum(QLatin1String(table))));

        // The same queries give the same answers, over raw minutes, over rollups, and over the
        // old hours whose raw minutes retention dropped (copied rollups, never recomputed).
        auto src = open(from), dst = open(to);
        struct Case
        {
            const char* metric;
            const char* aggregation;
            TimeRange range;
            qint64 step;
            int pixelWidth;
            Reduce reduce;
        };
        const Case cases[] = {
            {"Requests", "total", {kNow - 2 * kDay, kNow}, 60, 0, Reduce::Avg},
            {"Requests", "total", {kNow - 2 * kDay, kNow}, 3600, 0, Reduce::Max},
            {"Latency", "average", {kNow - 60 * kDay, kNow}, 0, 400, Reduce::Avg},
            {"Requests",
             "total",
             {kNow - 40 * kDay, kNow - 40 * kDay + 4 * kHour},
             300,
             0,
             Reduce::Sum},
        };
        for (const Case& c : cases) {
            SeriesQuery q;
            q.metric = QLatin1String(c.metric);
            q.aggregation = QLatin1String(c.aggregation);
            q.groupBy = QStringLiteral("ModelDeploymentName");
            q.range = c.range;
            q.step = c.step;
            q.pixelWidth = c.pixelWidth;
            q.reduce = c.reduce;
            q.now = kNow;
            const QueryResult x = src->query(q), y = dst->query(q);
            QVERIFY2(x.error.isEmpty() && y.error.isEmpty(), qPrintable(x.error + y.error));
            QCOMPARE(y.resolution, x.resolution);
            QCOMPARE(y.series.size(), x.series.size());
            QVERIFY(!x.series.isEmpty());
            for (int s = 0; s < x.series.size(); ++s) {
                QCOMPARE(y.series[s].name, x.series[s].name);
                QCOMPARE(y.series[s].points.size(), x.series[s].points.size());
                QVERIFY(!x.series[s].points.isEmpty());
                for (int i = 0; i < x.series[s].points.size(); ++i) {
                    QCOMPARE(y.series[s].points[i].x(), x.series[s].points[i].x());
                    QVERIFY2(close(y.series[s].points[i].y(), x.series[s].points[i].y()),
                             qPrintable(QStringLiteral("%1 point %2: %3 vs %4")
                                            .arg(x.series[s].name)
                                            .arg(i)
                                            .arg(y.series[s].points[i].y())
                                            .arg(x.series[s].points[i].y())));
                }
            }
        }
        const TimeRange all{0, kNow + kDay};
        for (const QString& source : {QStringLiteral("east"), QStringLiteral("west")}) {
            const auto gx = src->gaps(source, all), gy = dst->gaps(source, all);
            QCOMPARE(gy.size(), gx.size());
            for (int i = 0; i < gx.size(); ++i) {
                QCOMPARE(gy[i].window.from, gx[i].window.from);
                QCOMPARE(gy[i].reason, gx[i].reason);
                QCOMPARE(gy[i].recordedAt, gx[i].recordedAt);
                QCOMPARE(gy[i].metric, gx[i].metric);
            }
        }
        const Deployments dx = src->deployments({}), dy = dst->deployments({});
        QCOMPARE(dy.size(), dx.size());
        for (int i = 0; i < dx.size(); ++i) {
            QCOMPARE(dy[i].source + dy[i].name, dx[i].source + dx[i].name);
            QCOMPARE(dy[i].capacity, dx[i].capacity);
        }
        const auto rx = src->listRuns({}), ry = dst->listRuns({});
        QCOMPARE(ry.size(), rx.size());
        for (int i = 0; i < rx.size(); ++i) {
            QCOMPARE(ry[i].createdAtMs, rx[i].createdAtMs);
            QCOMPARE(ry[i].messagesJson, rx[i].messagesJson);
            QCOMPARE(ry[i].output, rx[i].output);
            QCOMPARE(ry[i].starred, rx[i].starred);
            QCOMPARE(ry[i].redacted, rx[i].redacted);
        }
        // Documents keep their scope, body, revision and time; User ones become the user's there.
        for (const QString& kind :
             {QStringLiteral("routing-policy"), QStringLiteral("alert-state")}) {
            const DocumentList lx = src->listDocuments(kind), ly = dst->listDocuments(kind);
            QVERIFY2(lx.error.isEmpty() && ly.error.isEmpty(), qPrintable(lx.error + ly.error));
            QCOMPARE(ly.documents.size(), lx.documents.size());
            QVERIFY(!lx.documents.isEmpty());
            for (int i = 0; i < lx.documents.size(); ++i) {
                StoredDocument x = lx.documents[i];
                QCOMPARE(ly.documents[i].owner,
                         x.scope == DocumentScope::User ? dst->documentOwner() : QString());
                x.owner = ly.documents[i].owner;
                QCOMPARE(ly.documents[i], x);
            }
        }
    }

    // Stopped half-way through a table (as a kill between two commits leaves it), the next run
    // continues there: no row twice, none missing, whatever the chunk size.
    void resumesAfterInterruption_data()
    {
        QTest::addColumn<QString>("table");
        for (const char* t :
             {"series", "samples", "rollup_5m", "rollup_1h", "gaps", "runs", "documents"})
            QTest::newRow(t) << QString::fromLatin1(t);
    }
    void resumesAfterInterruption()
    {
        QFETCH(QString, table);
        const QString from = filledSource({6, 40, 25, 30});
        QVERIFY(!from.isEmpty());
        const QString to = freshDestination();
        // Six series: small chunks so that even they stop half-way.
        const int chunkRows = table == QLatin1String("series") ? 2 : 10;
        const MigrationReport first = migrate(from, to, chunkRows, [&](const MigrationProgress& p) {
            return storeTableName(p.table) == table && p.copied >= p.total / 2;
        });
        QCOMPARE(first.status, MigrationReport::Status::Interrupted);
        QVERIFY2(first.message.contains(table), qPrintable(first.message));
        const qint64 partial = rowCount(to, table), whole = rowCount(from, table);
        QVERIFY2(partial > 0 && partial < whole,
                 qPrintable(QStringLiteral("%1 of %2").arg(partial).arg(whole)));

        StoreMigration again(from, to);
        again.setChunkRows(7);
        qint64 firstCopied = -1;
        again.setProgressHandler([&](const MigrationProgress& p) {
            if (storeTableName(p.table) == table && firstCopied < 0)
                firstCopied = p.copied;
        });
        const MigrationReport second = again.run();
        QVERIFY2(second.ok(), qPrintable(second.message));
        QVERIFY(second.resumed);
        QVERIFY2(second.message.contains(QLatin1String("resumed")), qPrintable(second.message));
        // Series are always walked again (their ids map the rest); any other table continues.
        if (table != QLatin1String("series"))
            QVERIFY2(firstCopied > partial, qPrintable(QString::number(firstCopied)));
        for (const char* t : {"series", "samples", "rollup_5m", "rollup_1h", "gaps", "deployments",
                              "runs", "documents"})
            QCOMPARE(rowCount(to, QLatin1String(t)), rowCount(from, QLatin1String(t)));

        // Once complete, running it again copies nothing more and verifies again.
        const MigrationReport third = migrate(from, to, 1000);
        QVERIFY2(third.ok(), qPrintable(third.message));
        QCOMPARE(rowCount(to, QStringLiteral("gaps")), rowCount(from, QStringLiteral("gaps")));
    }

    // A destination changed after the copy fails verification, naming the table.
    void detectsMismatch_data()
    {
        QTest::addColumn<QString>("table");
        QTest::addColumn<QString>("tamper");
        QTest::newRow("a sample's value")
            << "samples"
            << "UPDATE samples SET value = value + 1 WHERE ts = (SELECT max(ts) FROM samples)";
        QTest::newRow("a lost sample")
            << "samples"
            << "DELETE FROM samples WHERE ts = (SELECT min(ts) FROM samples)";
        QTest::newRow("a lost hourly bucket")
            << "rollup_1h"
            << "DELETE FROM rollup_1h WHERE ts = (SELECT min(ts) FROM rollup_1h)";
        QTest::newRow("a lost gap") << "gaps"
                                    << "DELETE FROM gaps WHERE id = (SELECT min(id) FROM gaps)";
        QTest::newRow("a changed capacity")
            << "deployments"
            << "UPDATE deployments SET capacity = capacity + 5 WHERE name = 'gpt-1'";
        QTest::newRow("a lost run") << "runs"
                                    << "DELETE FROM runs WHERE id = (SELECT max(id) FROM runs)";
        QTest::newRow("a changed document")
            << "documents"
            << "UPDATE documents SET body = body || ' ' WHERE key = 'doc-1'";
        QTest::newRow("a lost shared document") << "documents"
                                                << "DELETE FROM documents WHERE key = 'doc-2'";
    }
    void detectsMismatch()
    {
        QFETCH(QString, table);
        QFETCH(QString, tamper);
        const QString from = filledSource({6, 12, 5});
        QVERIFY(!from.isEmpty());
        const QString to = freshDestination();
        const MigrationReport copied = migrate(from, to, 1000);
        QVERIFY2(copied.ok(), qPrintable(copied.message));

        BackendFixture dst;
        dst.inspect(to);
        QVERIFY(dst.exec(tamper));
        const MigrationReport checked = migrate(from, to, 1000);
        QCOMPARE(checked.status, MigrationReport::Status::Mismatch);
        QVERIFY2(checked.message.startsWith(QLatin1String("Verification failed: ") + table +
                                            QLatin1Char(':')),
                 qPrintable(checked.message));
        for (const MigrationCheck& c : checked.checks)
            QCOMPARE(c.ok, c.table != table);
    }

    void refusals_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("expected");
        QTest::newRow("same database") << "same"
                                       << "are the same database";
        QTest::newRow("missing source") << "missing"
                                        << "nothing was copied";
        QTest::newRow("newer destination") << "newer"
                                           << "newer Inferscope";
        QTest::newRow("destination holds history") << "held"
                                                   << "already holds history (6 series";
        QTest::newRow("destination holds another copy") << "other"
                                                        << "already holds a copy of";
        QTest::newRow("password in an address") << "password"
                                                << "holds a password";
    }
    void refusals()
    {
        QFETCH(QString, kind);
        QFETCH(QString, expected);
        QString from = filledSource({2, 2, 1});
        QVERIFY(!from.isEmpty());
        QString to = freshDestination();
        const bool sourceIsPostgres = BackendFixture::isPostgres();
        if (kind == QLatin1String("same")) {
            // The same database under another spelling.
            to = sourceIsPostgres
                     ? QString(from).replace(QLatin1String("postgresql://"),
                                             QLatin1String("postgres://"))
                     : QFileInfo(from).path() + QStringLiteral("/./") + QFileInfo(from).fileName();
        } else if (kind == QLatin1String("missing")) {
            // No file; a server database without Inferscope's schema.
            from = sourceIsPostgres ? fresh(true) : m_dir.filePath(QStringLiteral("none.sqlite"));
            expected = sourceIsPostgres ? QStringLiteral("holds no Inferscope history")
                                        : QStringLiteral("There is no history database at");
        } else if (kind == QLatin1String("newer")) {
            open(to)->close();
            BackendFixture dst;
            dst.inspect(to);
            QVERIFY(dst.exec(sourceIsPostgres ? QStringLiteral("PRAGMA user_version = 99")
                                              : QStringLiteral("UPDATE meta SET value = '99' "
                                                               "WHERE key = 'schema_version'")));
        } else if (kind == QLatin1String("held")) {
            auto dst = open(to);
            QVERIFY(fillHistory(*dst, {1, 0, 0}));
        } else if (kind == QLatin1String("other")) {
            const QString another = filledSource({1, 1, 1});
            const MigrationReport r = migrate(another, to, 1000);
            QVERIFY2(r.ok(), qPrintable(r.message));
        } else if (kind == QLatin1String("password")) {
            QString& server = sourceIsPostgres ? from : to;
            const QString db = server.section(QLatin1Char('/'), 3).section(QLatin1Char('?'), 0, 0);
            server = QStringLiteral("postgresql://%1:%2@127.0.0.1:%3/%4")
                         .arg(TestPostgres::user(), TestPostgres::password())
                         .arg(m_fixture.postgres().port())
                         .arg(db);
        }
        const bool inspectable = kind == QLatin1String("same") || kind == QLatin1String("held") ||
                                 kind == QLatin1String("other");
        // (The test's inspector knows the postgresql:// spelling only.)
        const QString inspected = kind == QLatin1String("same") ? from : to;
        const qint64 seriesBefore = inspectable ? rowCount(inspected, QStringLiteral("series")) : 0;
        const MigrationReport r = migrate(from, to, 1000);
        QCOMPARE(r.status, MigrationReport::Status::Refused);
        QVERIFY2(r.message.contains(expected), qPrintable(r.message));
        QVERIFY2(!r.message.contains(TestPostgres::password()), qPrintable(r.message));
        QVERIFY(r.checks.isEmpty());
        QCOMPARE(r.rowsCopied, 0);
        if (inspectable) {
            QVERIFY(seriesBefore > 0);
            QCOMPARE(rowCount(inspected, QStringLiteral("series")), seriesBefore);
        }
        if (kind == QLatin1String("missing") && !sourceIsPostgres)
            QVERIFY(!QFileInfo::exists(from)); // not created by the attempt
    }
};

QTEST_GUILESS_MAIN(tst_StoreMigration)
#include "tst_storemigration.moc"
