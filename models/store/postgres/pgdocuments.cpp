#include "store/postgres/postgresstore_p.h"

#include <QDateTime>

// Documents on PostgreSQL: a User document's owner is session_user, a Shared one's is ''.
// Row-level security (see the schema) lets each role read its own and the shared rows and write
// only its own; the schema's owner (the collector's role) is exempt and writes the shared ones.

namespace isc {

namespace {

QByteArray sharedParam(DocumentScope scope)
{
    return scope == DocumentScope::Shared ? QByteArray("true") : QByteArray("false");
}

// The owner column of `scope` for this connection.
const char* const kOwner = "CASE WHEN $1::boolean THEN '' ELSE session_user::text END";

} // namespace

namespace pgimpl {

StoredDocument documentAt(const pg::Result& r, int i)
{
    StoredDocument doc;
    doc.owner = r.text(i, 0);
    doc.scope = doc.owner.isEmpty() ? DocumentScope::Shared : DocumentScope::User;
    doc.kind = r.text(i, 1);
    doc.key = r.text(i, 2);
    doc.json = r.text(i, 3);
    doc.revision = r.int64(i, 4);
    doc.updatedAtMs = r.int64(i, 5);
    return doc;
}

} // namespace pgimpl

QString PostgresStore::Private::documentRefusal(const pg::Result& r, const QString& what)
{
    const QString why = r.message().isEmpty() ? conn.lastError() : r.message();
    if (r.sqlState() != "42501")
        return QStringLiteral("Could not %1 in %2: %3.").arg(what, shown, why);
    const pg::Result owner = conn.exec(
        "SELECT tableowner FROM pg_tables WHERE schemaname = 'inferscope' AND tablename = "
        "'documents'");
    const QString admin = owner.ok() && owner.rows() == 1 ? owner.text(0, 0) : QString();
    return QStringLiteral("The database user %1 may not %2 in %3 (%4). Shared documents are "
                          "written by %5 only; each user writes their own once granted SELECT, "
                          "INSERT, UPDATE, DELETE on inferscope.documents.")
        .arg(conn.user(), what, shown, why,
             admin.isEmpty() ? QStringLiteral("the schema's owner") : admin);
}

DocumentWriteReport PostgresStore::putDocument(const StoredDocument& doc, qint64 expectedRevision)
{
    DocumentWriteReport report;
    report.error = d->unwritable();
    if (!report.error.isEmpty())
        return report;
    const qint64 at = doc.updatedAtMs > 0 ? doc.updatedAtMs : QDateTime::currentMSecsSinceEpoch();
    QVector<QByteArray> params{sharedParam(doc.scope), pg::param(doc.kind), pg::param(doc.key),
                               pg::param(doc.json), pg::param(at)};
    // One statement each, so the revision check and the write are one step for the server.
    QByteArray sql;
    if (expectedRevision == kAnyRevision || expectedRevision == 0) {
        sql = QByteArray("INSERT INTO documents(owner, kind, key, body, revision, updated_at) "
                         "VALUES(") +
              kOwner + ", $2, $3, $4, 1, $5) ON CONFLICT(owner, kind, key) DO " +
              (expectedRevision == 0 ? "NOTHING"
                                     : "UPDATE SET body = excluded.body, revision = "
                                       "documents.revision + 1, updated_at = excluded.updated_at") +
              " RETURNING revision";
    } else {
        sql = QByteArray("UPDATE documents SET body = $4, revision = revision + 1, updated_at = "
                         "$5 WHERE owner = ") +
              kOwner + " AND kind = $2 AND key = $3 AND revision = $6 RETURNING revision";
        params.append(pg::param(expectedRevision));
    }
    const pg::Result r = d->conn.exec(sql.constData(), params);
    if (!r.ok()) {
        report.error =
            d->documentRefusal(r, QStringLiteral("save the %1 \"%2\"").arg(doc.kind, doc.key));
        return report;
    }
    if (r.rows() == 1) {
        report.ok = true;
        report.revision = r.int64(0, 0);
        return report;
    }
    const DocumentRead now = document(doc.scope, doc.kind, doc.key);
    report.stale = true;
    report.revision = now.found ? now.document.revision : 0;
    report.error = staleDocumentMessage(doc.kind, doc.key, expectedRevision, report.revision);
    return report;
}

DocumentRead PostgresStore::document(DocumentScope scope, const QString& kind, const QString& key)
{
    DocumentRead out;
    out.error = d->unwritable();
    if (!out.error.isEmpty())
        return out;
    const pg::Result r =
        d->conn.exec((QByteArray("SELECT owner, kind, key, body, revision, updated_at FROM "
                                 "documents WHERE owner = ") +
                      kOwner + " AND kind = $2 AND key = $3")
                         .constData(),
                     {sharedParam(scope), pg::param(kind), pg::param(key)});
    if (!r.ok()) {
        out.error = d->documentRefusal(r, QStringLiteral("read the %1 \"%2\"").arg(kind, key));
        return out;
    }
    out.found = r.rows() == 1;
    if (out.found)
        out.document = pgimpl::documentAt(r, 0);
    return out;
}

DocumentList PostgresStore::listDocuments(const QString& kind)
{
    DocumentList out;
    out.error = d->unwritable();
    if (!out.error.isEmpty())
        return out;
    // The schema's owner bypasses row-level security: the condition keeps it to its own too.
    const pg::Result r = d->conn.exec(
        "SELECT owner, kind, key, body, revision, updated_at FROM documents WHERE kind = $1 AND "
        "(owner = session_user OR owner = '') ORDER BY owner = '', key COLLATE \"C\"",
        {pg::param(kind)});
    if (!r.ok()) {
        out.error = d->documentRefusal(r, QStringLiteral("read the %1 documents").arg(kind));
        return out;
    }
    for (int i = 0; i < r.rows(); ++i)
        out.documents.append(pgimpl::documentAt(r, i));
    return out;
}

DocumentWriteReport PostgresStore::removeDocument(DocumentScope scope, const QString& kind,
                                                  const QString& key)
{
    DocumentWriteReport report;
    report.error = d->unwritable();
    if (!report.error.isEmpty())
        return report;
    const QString what = QStringLiteral("delete the %1 \"%2\"").arg(kind, key);
    const pg::Result r = d->conn.exec((QByteArray("DELETE FROM documents WHERE owner = ") + kOwner +
                                       " AND kind = $2 AND key = $3")
                                          .constData(),
                                      {sharedParam(scope), pg::param(kind), pg::param(key)});
    if (!r.ok()) {
        report.error = d->documentRefusal(r, what);
        return report;
    }
    if (r.affected() > 0) {
        report.ok = true;
        return report;
    }
    // Row-level security hides a shared row from another user's DELETE: say so, not "none".
    if (scope == DocumentScope::Shared && document(scope, kind, key).found) {
        report.error = QStringLiteral("The database user %1 may not %2 in %3: shared documents "
                                      "are changed by the schema's owner only.")
                           .arg(d->conn.user(), what, d->shown);
        return report;
    }
    report.error = QStringLiteral("There is no %1 \"%2\" to delete.").arg(kind, key);
    return report;
}

QString PostgresStore::documentOwner() const
{
    return d->conn.user();
}

} // namespace isc
