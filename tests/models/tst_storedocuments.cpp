#include "store/samplestore.h"
#include "store/storejobs.h"
#include "storebackends.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

const QString kKind = QStringLiteral("test-kind");

StoredDocument doc(DocumentScope scope, const QString& key, const QString& json,
                   const QString& kind = kKind, qint64 atMs = 1700000000000)
{
    StoredDocument d;
    d.scope = scope;
    d.kind = kind;
    d.key = key;
    d.json = json;
    d.updatedAtMs = atMs;
    return d;
}

DocumentRead readBack(SampleStore& store, DocumentScope scope, const QString& key)
{
    return store
        .read<DocumentRead>(
            [scope, key](StoreBackend& db) { return db.document(scope, kKind, key); })
        .result();
}

} // namespace

/// Documents (store/storedocument.h) on every backend (SQLite and PostgreSQL, one global row
/// each): put with optimistic concurrency, get, list by kind, remove, both scopes.
class tst_StoreDocuments : public QObject
{
    Q_OBJECT

    BackendFixture m_fx;

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // A sequence of puts, each expecting a revision: which land, and what is stored after.
    void putsFollowRevisions_data()
    {
        QTest::addColumn<int>("scope");
        QTest::addColumn<QList<qint64>>("expected");
        QTest::addColumn<QList<bool>>("lands");
        QTest::addColumn<qint64>("finalRevision");
        for (const DocumentScope scope : {DocumentScope::User, DocumentScope::Shared}) {
            const QByteArray s = documentScopeName(scope).toLatin1() + ": ";
            const int sc = int(scope);
            QTest::newRow(s + "overwrite whatever is stored")
                << sc << QList<qint64>{kAnyRevision, kAnyRevision} << QList<bool>{true, true}
                << qint64(2);
            QTest::newRow(s + "create only when absent")
                << sc << QList<qint64>{0, 0} << QList<bool>{true, false} << qint64(1);
            QTest::newRow(s + "each save on the last read")
                << sc << QList<qint64>{0, 1, 2} << QList<bool>{true, true, true} << qint64(3);
            QTest::newRow(s + "a stale revision is refused")
                << sc << QList<qint64>{0, 1, 1} << QList<bool>{true, true, false} << qint64(2);
            QTest::newRow(s + "a revision ahead is refused")
                << sc << QList<qint64>{0, 5} << QList<bool>{true, false} << qint64(1);
            QTest::newRow(s + "updating a missing one is refused")
                << sc << QList<qint64>{3} << QList<bool>{false} << qint64(0);
        }
    }
    void putsFollowRevisions()
    {
        QFETCH(int, scope);
        QFETCH(QList<qint64>, expected);
        QFETCH(QList<bool>, lands);
        QFETCH(qint64, finalRevision);
        auto store = m_fx.openStore();
        const auto sc = DocumentScope(scope);
        QString lastLanded;
        for (int i = 0; i < expected.size(); ++i) {
            const QString json = QStringLiteral("{\"step\":%1}").arg(i);
            const DocumentWriteReport r =
                store->putDocument(doc(sc, QStringLiteral("k"), json, kKind, 1000 + i), expected[i])
                    .result();
            QCOMPARE(r.ok, lands[i]);
            QCOMPARE(r.stale, !lands[i]);
            if (r.ok) {
                lastLanded = json;
                QVERIFY(r.error.isEmpty());
            } else {
                QVERIFY2(r.error.contains(QLatin1String("elsewhere")) &&
                             r.error.contains(QLatin1String("nothing was saved")),
                         qPrintable(r.error));
            }
        }
        const DocumentRead read = readBack(*store, sc, QStringLiteral("k"));
        QVERIFY2(read.error.isEmpty(), qPrintable(read.error));
        QCOMPARE(read.found, finalRevision > 0);
        if (read.found) {
            QCOMPARE(read.document.revision, finalRevision);
            QCOMPARE(read.document.json, lastLanded);
            QCOMPARE(read.document.scope, sc);
            QCOMPARE(read.document.kind, kKind);
        }
    }

    void scopesAndKindsAreSeparate()
    {
        auto store = m_fx.openStore();
        const DocumentScope user = DocumentScope::User, shared = DocumentScope::Shared;
        for (const StoredDocument& d :
             {doc(user, QStringLiteral("b"), QStringLiteral("{\"mine\":\"b\"}")),
              doc(shared, QStringLiteral("a"), QStringLiteral("{\"ours\":\"a\"}")),
              doc(user, QStringLiteral("a"), QStringLiteral("{\"mine\":\"a\"}"), kKind, 42),
              doc(user, QStringLiteral("a"), QStringLiteral("{}"), QStringLiteral("other"))})
            QVERIFY(store->putDocument(d, 0).result().ok);
        const auto [list, owner] =
            store
                ->read<std::pair<DocumentList, QString>>([](StoreBackend& db) {
                    return std::make_pair(db.listDocuments(kKind), db.documentOwner());
                })
                .result();
        QVERIFY2(list.error.isEmpty(), qPrintable(list.error));
        QVERIFY(!owner.isEmpty());
        QCOMPARE(list.documents.size(), 3); // the user's first, by key, then the shared one
        QCOMPARE(list.documents[0].key, QStringLiteral("a"));
        QCOMPARE(list.documents[0].json, QStringLiteral("{\"mine\":\"a\"}"));
        QCOMPARE(list.documents[0].updatedAtMs, qint64(42));
        QCOMPARE(list.documents[0].owner, owner);
        QCOMPARE(list.documents[1].key, QStringLiteral("b"));
        QCOMPARE(list.documents[2].scope, shared);
        QCOMPARE(list.documents[2].json, QStringLiteral("{\"ours\":\"a\"}"));
        QVERIFY(list.documents[2].owner.isEmpty());
    }

    void removeDeletesOne()
    {
        auto store = m_fx.openStore();
        QVERIFY(
            store->putDocument(doc(DocumentScope::User, QStringLiteral("k"), QStringLiteral("1")))
                .result()
                .ok);
        QVERIFY(
            store->putDocument(doc(DocumentScope::Shared, QStringLiteral("k"), QStringLiteral("2")))
                .result()
                .ok);
        QVERIFY(store->removeDocument(DocumentScope::User, kKind, QStringLiteral("k")).result().ok);
        QVERIFY(!readBack(*store, DocumentScope::User, QStringLiteral("k")).found);
        QVERIFY(readBack(*store, DocumentScope::Shared, QStringLiteral("k")).found);
        const DocumentWriteReport again =
            store->removeDocument(DocumentScope::User, kKind, QStringLiteral("k")).result();
        QVERIFY(!again.ok);
        QVERIFY2(again.error.contains(QLatin1String("no test-kind \"k\"")),
                 qPrintable(again.error));
        // Saved again after a delete, it starts over at revision 1.
        const DocumentWriteReport put =
            store
                ->putDocument(doc(DocumentScope::User, QStringLiteral("k"), QStringLiteral("3")), 0)
                .result();
        QVERIFY(put.ok);
        QCOMPARE(put.revision, qint64(1));
    }

    // Writes through the store announce themselves; views read through their jobs.
    void storeAnnouncesChanges()
    {
        auto store = m_fx.openStore();
        QSignalSpy changed(store.get(), &SampleStore::documentChanged);
        const DocumentWriteReport r =
            store->putDocument(doc(DocumentScope::User, QStringLiteral("k"), QStringLiteral("{}")))
                .result();
        QVERIFY(r.ok);
        QTRY_COMPARE(changed.size(), 1);
        QCOMPARE(changed[0][0].toString(), kKind);
        QCOMPARE(changed[0][1].toString(), QStringLiteral("k"));
        QVERIFY(
            !store->putDocument(doc(DocumentScope::User, QStringLiteral("k"), {}), 7).result().ok);
        StoreJobs jobs;
        std::optional<DocumentRead> seen;
        QVERIFY(jobs.run(
            store.get(), QStringLiteral("read"),
            [](StoreBackend& db, const JobToken&) {
                return db.document(DocumentScope::User, kKind, QStringLiteral("k"));
            },
            [&](const DocumentRead& read) { seen = read; }));
        QTRY_VERIFY(seen.has_value());
        QCOMPARE(seen->document.revision, qint64(1));
        QCOMPARE(changed.size(), 1); // the refused write said nothing
    }

    // A database of the previous schema gets the documents table on open.
    void upgradesAnOlderSchema()
    {
        {
            auto store = m_fx.openStore();
        }
        const bool pg = BackendFixture::isPostgres();
        QVERIFY(m_fx.exec(QStringLiteral("DROP TABLE documents")));
        QVERIFY(m_fx.exec(pg ? QStringLiteral("UPDATE meta SET value = '1' WHERE key = "
                                              "'schema_version'")
                             : QStringLiteral("PRAGMA user_version = 5")));
        auto store = m_fx.reopenStore();
        QVERIFY(store
                    ->putDocument(
                        doc(DocumentScope::Shared, QStringLiteral("k"), QStringLiteral("{}")), 0)
                    .result()
                    .ok);
        QCOMPARE(m_fx.count(QStringLiteral("documents")), 1);
        QCOMPARE(m_fx.scalar(pg ? QStringLiteral("SELECT value FROM meta WHERE key = "
                                                 "'schema_version'")
                                : QStringLiteral("PRAGMA user_version"))
                     .toInt(),
                 pg ? 2 : 6);
    }
};

QTEST_GUILESS_MAIN(tst_StoreDocuments)
#include "tst_storedocuments.moc"
