#include "store/samplestore.h"
#include "store/sqlite/storedatabase.h"

#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest/QtTest>

using namespace isc;

namespace {

StoredRun run(const QString& target, qint64 at, const QString& output = QStringLiteral("answer"))
{
    StoredRun r;
    r.createdAtMs = at;
    r.target = target;
    r.dialect = QStringLiteral("openai");
    r.url = QStringLiteral("http://127.0.0.1:1/v1/chat/completions");
    r.model = QStringLiteral("gpt-4o-mini");
    r.parametersJson = QStringLiteral("{\"temperature\":0.5}");
    r.messagesJson = QStringLiteral("[{\"role\":\"user\",\"content\":\"hello 50% off_now\"}]");
    r.output = output;
    r.metricsJson = QStringLiteral("{\"ttft_ms\":120}");
    return r;
}

QByteArray fileBytes(const QString& path)
{
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

/// Runs SQL on the file through a second connection (Qt's SQLite driver).
bool execOn(const QString& path, const QStringList& statements)
{
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("x"));
        db.setDatabaseName(path);
        ok = db.open();
        QSqlQuery q(db);
        for (const QString& sql : statements)
            ok = ok && q.exec(sql);
        q.finish();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("x"));
    return ok;
}

QVariant scalarOn(const QString& path, const QString& sql)
{
    QVariant v;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("y"));
        db.setDatabaseName(path);
        if (db.open()) {
            QSqlQuery q(db);
            if (q.exec(sql) && q.next())
                v = q.value(0);
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("y"));
    return v;
}

} // namespace

class TestStoreRuns : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }
    void init() { m_dir = std::make_unique<QTemporaryDir>(); }

    void migratesVersion2()
    {
        const QString path = m_dir->filePath(QStringLiteral("v2.sqlite"));
        {
            SampleStore store;
            QVERIFY(store.open(path).result().usable());
            PollBatch batch;
            batch.source = QStringLiteral("src");
            SeriesSamples s;
            s.key = {
                QStringLiteral("src"), QStringLiteral("Requests"), QStringLiteral("total"), {}};
            s.samples = {{1772323200, 7}};
            batch.series.append(s);
            batch.window = {1772323200, 1772323260};
            QVERIFY(store.write(batch).result().ok);
        }
        // Make it what Inferscope 0.1 (schema 2) wrote: no runs table.
        QVERIFY(execOn(
            path, {QStringLiteral("DROP TABLE runs"), QStringLiteral("PRAGMA user_version = 2")}));
        QCOMPARE(scalarOn(path, QStringLiteral("PRAGMA user_version")).toInt(), 2);

        {
            SampleStore store;
            const OpenReport r = store.open(path).result();
            QCOMPARE(r.status, OpenReport::Status::Opened);
            QCOMPARE(r.schemaVersion, StoreDatabase::SchemaVersion);
            QVERIFY(store.saveRun(run(QStringLiteral("t"), 1000)).result().ok);
            QCOMPARE(store.listRuns().result().size(), 1);
        }
        QCOMPARE(scalarOn(path, QStringLiteral("PRAGMA user_version")).toInt(),
                 StoreDatabase::SchemaVersion);
        // The later migrations ran too (4: the deployments' upgrade option).
        QCOMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM pragma_table_info("
                                               "'deployments') WHERE name = 'upgrade_option'"))
                     .toInt(),
                 1);
        QCOMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM samples")).toInt(), 1);
        QCOMPARE(scalarOn(path, QStringLiteral("SELECT count(*) FROM runs")).toInt(), 1);
    }

    void savesListsFiltersStarsDeletes()
    {
        SampleStore store;
        QVERIFY(store.open(m_dir->filePath(QStringLiteral("h.sqlite"))).result().usable());
        const RunSaveReport a = store.saveRun(run(QStringLiteral("alpha"), 1000)).result();
        const RunSaveReport b =
            store.saveRun(run(QStringLiteral("beta"), 2000, QStringLiteral("zebra"))).result();
        const RunSaveReport c = store.saveRun(run(QStringLiteral("alpha"), 3000)).result();
        QVERIFY(a.ok && b.ok && c.ok);
        QVERIFY(a.id != b.id && b.id != c.id);

        QVector<StoredRun> all = store.listRuns().result();
        QCOMPARE(all.size(), 3);
        QCOMPARE(all[0].id, c.id); // newest first
        QCOMPARE(all[2].id, a.id);
        QCOMPARE(all[1].output, QStringLiteral("zebra"));
        QCOMPARE(all[1].parametersJson, QStringLiteral("{\"temperature\":0.5}"));
        QCOMPARE(all[1].metricsJson, QStringLiteral("{\"ttft_ms\":120}"));

        RunFilter byTarget;
        byTarget.target = QStringLiteral("alpha");
        QCOMPARE(store.listRuns(byTarget).result().size(), 2);

        RunFilter search;
        search.search = QStringLiteral("ZEBRA"); // case-insensitive for ASCII
        QCOMPARE(store.listRuns(search).result().size(), 1);
        search.search = QStringLiteral("50%"); // LIKE wildcards are literal
        QCOMPARE(store.listRuns(search).result().size(), 3);
        search.search = QStringLiteral("0% off");
        QCOMPARE(store.listRuns(search).result().size(), 3);
        search.search = QStringLiteral("5_%");
        QCOMPARE(store.listRuns(search).result().size(), 0);

        QVERIFY(store.setRunStarred(b.id, true).result());
        RunFilter starred;
        starred.starredOnly = true;
        const QVector<StoredRun> s = store.listRuns(starred).result();
        QCOMPARE(s.size(), 1);
        QCOMPARE(s[0].id, b.id);
        QVERIFY(s[0].starred);

        QVERIFY(store.deleteRun(a.id).result());
        QVERIFY(!store.deleteRun(a.id).result()); // gone
        QVERIFY(!store.setRunStarred(a.id, true).result());
        QCOMPARE(store.listRuns().result().size(), 2);
    }

    void redactedRunsKeepNoPromptText()
    {
        const QString path = m_dir->filePath(QStringLiteral("r.sqlite"));
        const QString secretPrompt = QStringLiteral("PROMPT-MARKER-7f3a9c");
        const QString secretAnswer = QStringLiteral("ANSWER-MARKER-51bd02");
        const QString visible = QStringLiteral("VISIBLE-MARKER-e40c11");
        SampleStore store;
        QVERIFY(store.open(path).result().usable());
        StoredRun redacted = run(QStringLiteral("t"), 1000, secretAnswer);
        redacted.messagesJson =
            QStringLiteral("[{\"role\":\"user\",\"content\":\"%1\"}]").arg(secretPrompt);
        redacted.redacted = true; // the store drops text even when a caller forgot to
        QVERIFY(store.saveRun(redacted).result().ok);
        // The control: an unredacted run's text does reach the files, so the check can fail.
        QVERIFY(store.saveRun(run(QStringLiteral("t"), 2000, visible)).result().ok);

        const QVector<StoredRun> runs = store.listRuns().result();
        QCOMPARE(runs.size(), 2);
        QVERIFY(runs[1].redacted);
        QVERIFY(runs[1].messagesJson.isEmpty());
        QVERIFY(runs[1].output.isEmpty());
        QCOMPARE(runs[1].metricsJson, QStringLiteral("{\"ttft_ms\":120}"));

        const QByteArray files = fileBytes(path) + fileBytes(path + QStringLiteral("-wal"));
        QVERIFY(files.contains(visible.toUtf8()));
        QVERIFY(!files.contains(secretPrompt.toUtf8()));
        QVERIFY(!files.contains(secretAnswer.toUtf8()));
    }

private:
    std::unique_ptr<QTemporaryDir> m_dir;
};

QTEST_GUILESS_MAIN(TestStoreRuns)
#include "tst_storeruns.moc"
