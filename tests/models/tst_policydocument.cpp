#include "routing/policydocument.h"
#include "store/samplestore.h"
#include "store/storebackend.h"
#include "storebackends.h"

#include <QSignalSpy>
#include <QtTest/QtTest>

using namespace isc;
using namespace isc::test;

namespace {

QJsonObject policy(const QString& name)
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("fallback"), QStringLiteral("gpt-4o-std")}};
}

/// load() and wait for loaded().
bool loaded(PolicyDocument& doc)
{
    QSignalSpy spy(&doc, &PolicyDocument::loaded);
    doc.load();
    return spy.size() > 0 || spy.wait(10000);
}

DocumentWriteReport saved(PolicyDocument& doc, const QJsonObject& p)
{
    QSignalSpy spy(&doc, &PolicyDocument::saved);
    doc.save(p);
    if (spy.isEmpty() && !spy.wait(10000))
        return {};
    return spy[0][0].value<DocumentWriteReport>();
}

} // namespace

/// The user's routing policy: the database's User document first, else the workspace file's,
/// saved with the revision read (both backends, one global row each).
class tst_PolicyDocument : public QObject
{
    Q_OBJECT

    BackendFixture m_fx;

private slots:
    void initTestCase_data() { addBackendRows(); }
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        qRegisterMetaType<DocumentWriteReport>();
    }

    void withoutADatabaseTheWorkspaceIsAll()
    {
        PolicyDocument doc(nullptr);
        doc.setWorkspacePolicy(policy(QStringLiteral("seed")));
        QVERIFY(loaded(doc));
        QCOMPARE(doc.origin(), PolicyDocument::Origin::Workspace);
        QCOMPARE(doc.policy(), policy(QStringLiteral("seed")));
        QVERIFY(!doc.canSave());
        QVERIFY2(doc.locationText().contains(QLatin1String("no history database")),
                 qPrintable(doc.locationText()));
        const DocumentWriteReport r = saved(doc, policy(QStringLiteral("x")));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("export the policy")), qPrintable(r.error));
    }

    void savesForTheUserAndReadsItBack()
    {
        auto store = m_fx.openStore();
        PolicyDocument doc(store.get());
        doc.setWorkspacePolicy(policy(QStringLiteral("seed")));
        QVERIFY(loaded(doc));
        QCOMPARE(doc.origin(), PolicyDocument::Origin::Workspace);
        QCOMPARE(doc.policy(), policy(QStringLiteral("seed")));
        QCOMPARE(doc.revision(), qint64(0));
        const QString owner =
            store->read<QString>([](StoreBackend& db) { return db.documentOwner(); }).result();
        QCOMPARE(doc.owner(), owner);
        QCOMPARE(doc.address(), displayAddress(m_fx.address()));
        QVERIFY2(doc.locationText().startsWith(QLatin1String("From the workspace file; saving "
                                                             "keeps it for ") +
                                               owner),
                 qPrintable(doc.locationText()));

        // Another page on the same store hears of the save and reads it.
        PolicyDocument other(store.get());
        other.setWorkspacePolicy(policy(QStringLiteral("seed")));
        QVERIFY(loaded(other));
        QSignalSpy otherLoaded(&other, &PolicyDocument::loaded);

        const DocumentWriteReport r = saved(doc, policy(QStringLiteral("mine")));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.revision, qint64(1));
        QCOMPARE(doc.origin(), PolicyDocument::Origin::Database);
        QCOMPARE(doc.policy(), policy(QStringLiteral("mine")));
        QCOMPARE(doc.locationText(),
                 QStringLiteral("Saved for %1 in %2.").arg(owner, displayAddress(m_fx.address())));
        QVERIFY(otherLoaded.wait(10000));
        QCOMPARE(other.policy(), policy(QStringLiteral("mine")));
        QCOMPARE(other.revision(), qint64(1));

        // Stored as a User document of its kind, as compact JSON.
        const DocumentRead stored =
            store
                ->read<DocumentRead>([](StoreBackend& db) {
                    return db.document(DocumentScope::User, PolicyDocument::kKind,
                                       PolicyDocument::kKey);
                })
                .result();
        QVERIFY(stored.found);
        QCOMPARE(stored.document.json,
                 QString::fromUtf8(
                     QJsonDocument(policy(QStringLiteral("mine"))).toJson(QJsonDocument::Compact)));

        // The database's wins over the workspace's from now on, in a new page too.
        PolicyDocument later(store.get());
        later.setWorkspacePolicy(policy(QStringLiteral("edited seed")));
        QVERIFY(loaded(later));
        QCOMPARE(later.policy(), policy(QStringLiteral("mine")));
    }

    // Two windows of one user (two stores on one database): the later save on an old revision is
    // refused, and succeeds once the policy was read again.
    void aStaleSaveIsRefused()
    {
        auto first = m_fx.openStore();
        auto second = m_fx.reopenStore();
        PolicyDocument a(first.get()), b(second.get());
        QVERIFY(loaded(a));
        QVERIFY(loaded(b));
        QVERIFY(saved(a, policy(QStringLiteral("a"))).ok);
        const DocumentWriteReport refused = saved(b, policy(QStringLiteral("b")));
        QVERIFY(!refused.ok);
        QVERIFY(refused.stale);
        QVERIFY2(refused.error.contains(QLatin1String("saved elsewhere")) &&
                     refused.error.contains(QLatin1String("Reload it")),
                 qPrintable(refused.error));
        QCOMPARE(b.error(), refused.error);
        QVERIFY(loaded(b));
        QCOMPARE(b.policy(), policy(QStringLiteral("a")));
        const DocumentWriteReport again = saved(b, policy(QStringLiteral("b")));
        QVERIFY2(again.ok, qPrintable(again.error));
        QCOMPARE(again.revision, qint64(2));
    }

    void aDamagedDocumentFallsBackToTheWorkspace_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << "{\"name\": "
                                  << "not a JSON object";
        QTest::newRow("a list") << "[1, 2]"
                                << "it is a list";
    }
    void aDamagedDocumentFallsBackToTheWorkspace()
    {
        QFETCH(QString, body);
        QFETCH(QString, expected);
        auto store = m_fx.openStore();
        StoredDocument d;
        d.kind = PolicyDocument::kKind;
        d.key = PolicyDocument::kKey;
        d.json = body;
        QVERIFY(store->putDocument(d).result().ok);
        PolicyDocument doc(store.get());
        doc.setWorkspacePolicy(policy(QStringLiteral("seed")));
        QVERIFY(loaded(doc));
        QCOMPARE(doc.origin(), PolicyDocument::Origin::Workspace);
        QCOMPARE(doc.policy(), policy(QStringLiteral("seed")));
        QVERIFY2(doc.error().contains(expected), qPrintable(doc.error()));
        QCOMPARE(doc.revision(), qint64(1)); // a save replaces it
        QVERIFY(saved(doc, policy(QStringLiteral("fixed"))).ok);
    }
};

QTEST_GUILESS_MAIN(tst_PolicyDocument)
#include "tst_policydocument.moc"
