#include "routing/policydocument.h"

#include "core/whenready.h"
#include "store/samplestore.h"
#include "store/storebackend.h"

#include <QJsonDocument>
#include <QJsonParseError>

namespace isc {

namespace {

const QString kLoadJob = QStringLiteral("load");

struct Loaded
{
    DocumentRead read;
    QString owner;
};

} // namespace

PolicyDocument::PolicyDocument(SampleStore* store, QObject* parent)
    : QObject(parent), m_store(store)
{
    if (store) {
        // Another page (or this one) saved it: read it again.
        connect(store, &SampleStore::documentChanged, this,
                [this](const QString& kind, const QString& key) {
                    if (kind == kKind && key == kKey)
                        load();
                });
    }
}

PolicyDocument::~PolicyDocument() = default;

void PolicyDocument::setWorkspacePolicy(const QJsonObject& policy)
{
    m_workspacePolicy = policy;
}

QJsonObject PolicyDocument::policy() const
{
    return m_origin == Origin::Database ? m_stored : m_workspacePolicy;
}

QString PolicyDocument::address() const
{
    return m_store ? displayAddress(m_store->path()) : QString();
}

bool PolicyDocument::canSave() const
{
    return m_store && !m_store->path().isEmpty();
}

QString PolicyDocument::locationText() const
{
    if (!canSave())
        return tr("From the workspace file (no history database is open).");
    const QString who = m_owner.isEmpty() ? tr("you") : m_owner;
    if (m_origin == Origin::Database)
        return tr("Saved for %1 in %2.").arg(who, address());
    return tr("From the workspace file; saving keeps it for %1 in %2.").arg(who, address());
}

std::optional<QJsonObject> PolicyDocument::parse(const StoredDocument& doc, QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument json = QJsonDocument::fromJson(doc.json.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !json.isObject()) {
        *error = tr("The routing policy saved for %1 is not a JSON object (%2); the workspace's "
                    "policy is shown instead.")
                     .arg(doc.owner.isEmpty() ? tr("this database") : doc.owner,
                          parseError.error != QJsonParseError::NoError
                              ? parseError.errorString()
                              : tr("it is a %1").arg(json.isArray() ? tr("list") : tr("value")));
        return std::nullopt;
    }
    return json.object();
}

void PolicyDocument::load()
{
    m_error.clear();
    if (!m_store) {
        m_loaded = true;
        m_origin = Origin::Workspace;
        emit loaded();
        return;
    }
    m_jobs.run(
        m_store, kLoadJob,
        [](StoreBackend& db, const JobToken&) {
            return Loaded{db.document(DocumentScope::User, kKind, kKey), db.documentOwner()};
        },
        [this](const Loaded& r) {
            m_loaded = true;
            m_owner = r.owner;
            m_error = r.read.error;
            m_origin = Origin::Workspace;
            m_revision = r.read.found ? r.read.document.revision : 0;
            if (r.read.found) {
                if (const auto stored = parse(r.read.document, &m_error)) {
                    m_stored = *stored;
                    m_origin = Origin::Database;
                }
            }
            emit loaded();
        });
}

void PolicyDocument::save(const QJsonObject& policy)
{
    if (!canSave()) {
        DocumentWriteReport r;
        r.error = tr("No history database is open: export the policy to the workspace file.");
        m_error = r.error;
        emit saved(r);
        return;
    }
    StoredDocument doc;
    doc.scope = DocumentScope::User;
    doc.kind = kKind;
    doc.key = kKey;
    doc.json = QString::fromUtf8(QJsonDocument(policy).toJson(QJsonDocument::Compact));
    // The revision read, or 0 when none was stored: a save elsewhere in between is refused.
    m_jobs.cancel(kLoadJob); // its (older) result would undo this one's
    whenReady(this, m_store->putDocument(doc, m_revision),
              [this, policy](const DocumentWriteReport& r) {
                  m_error = r.error;
                  if (r.ok) {
                      m_stored = policy;
                      m_origin = Origin::Database;
                      m_revision = r.revision;
                  }
                  emit saved(r);
              });
}

} // namespace isc
