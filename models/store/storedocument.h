#pragma once

#include <QMetaType>
#include <QString>
#include <QVector>

// Small JSON documents a feature keeps in the history database (a routing policy, alert rule
// state), keyed by (kind, key) within a scope. The store keeps their text as given: it knows no
// feature and does not read the JSON.
namespace isc {

/// Whose a document is.
enum class DocumentScope {
    User,   ///< the database user's own (PostgreSQL: owner = session_user; SQLite: the one user)
    Shared, ///< every user of the database reads it (PostgreSQL: only the schema's owner writes)
};

/// put() with this expected revision overwrites whatever is stored.
constexpr qint64 kAnyRevision = -1;

/// One stored document.
struct StoredDocument
{
    DocumentScope scope = DocumentScope::User;
    QString kind;           ///< what it is, e.g. "routing-policy"; a feature's own name
    QString key;            ///< which one of its kind, e.g. "default"
    QString json;           ///< the body, as given (compact JSON text)
    qint64 revision = 0;    ///< 1 on the first put, one more on each later put
    qint64 updatedAtMs = 0; ///< when the last put happened, ms since the epoch (UTC)
    QString owner;          ///< read only: the user a User document belongs to; empty when Shared

    bool operator==(const StoredDocument& o) const
    {
        return scope == o.scope && kind == o.kind && key == o.key && json == o.json &&
               revision == o.revision && updatedAtMs == o.updatedAtMs && owner == o.owner;
    }
};

/// What put() and remove() did.
struct DocumentWriteReport
{
    bool ok = false;
    /// Refused because the stored revision was not the expected one (another window or user
    /// wrote it since it was read); nothing was changed.
    bool stale = false;
    qint64 revision = 0; ///< after a put: the revision stored now
    QString error;       ///< in words when !ok
};

/// The outcome of reading one document.
struct DocumentRead
{
    bool found = false;
    StoredDocument document; ///< when found
    QString error;           ///< in words when the read failed (not when it is merely absent)
};

/// The documents of one kind a user sees: their own and the shared ones.
struct DocumentList
{
    QVector<StoredDocument> documents; ///< User ones first, then Shared, each by key
    QString error;                     ///< in words when the read failed
};

/// "user" or "shared", as both schemas store a scope.
QString documentScopeName(DocumentScope scope);

/// The refusal of a stale write, in words: what was expected and what is stored.
QString staleDocumentMessage(const QString& kind, const QString& key, qint64 expected,
                             qint64 stored);

} // namespace isc

Q_DECLARE_METATYPE(isc::StoredDocument)
Q_DECLARE_METATYPE(isc::DocumentWriteReport)
