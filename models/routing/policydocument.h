#pragma once

#include "store/storedocument.h"
#include "store/storejobs.h"

#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <optional>

namespace isc {

class SampleStore;

/// The routing policy one user works with: their own, saved in the open history database (a
/// User document of kind "routing-policy", key "default"), else the workspace file's (the seed,
/// and all there is without a database). The pages read and save it through this object; reads
/// are store jobs, saves carry the revision read, so a policy changed elsewhere meanwhile is
/// refused instead of overwritten.
class PolicyDocument : public QObject
{
    Q_OBJECT
public:
    static inline const QString kKind = QStringLiteral("routing-policy");
    static inline const QString kKey = QStringLiteral("default");

    /// Where policy() came from.
    enum class Origin { Workspace, Database };

    explicit PolicyDocument(SampleStore* store, QObject* parent = nullptr);
    ~PolicyDocument() override;

    /// The workspace file's policy: the fallback while the database holds none.
    void setWorkspacePolicy(const QJsonObject& policy);
    /// Reads the user's policy from the store; loaded() follows (at once without a store).
    void load();
    bool isLoaded() const { return m_loaded; }

    /// The policy in effect: the database's when it holds one, else the workspace's.
    QJsonObject policy() const;
    Origin origin() const { return m_origin; }
    /// The stored revision policy() is based on; 0 when the database holds none.
    qint64 revision() const { return m_revision; }
    /// Whose the saved policy is (the database user) and where (the address without secrets);
    /// empty before load() or without a store.
    QString owner() const { return m_owner; }
    QString address() const;
    /// True when saves go to a database (a store is open); else only the workspace file remains.
    bool canSave() const;
    /// Where the policy is and where save() puts it, in words ("Saved for alice in
    /// postgresql://db.example/inferscope.").
    QString locationText() const;
    /// Why the last load() or save() failed, in words; empty when it did not.
    QString error() const { return m_error; }

    /// Saves `policy` as the user's in the database, expecting the revision last read; saved()
    /// follows. Refused (stale) when it was changed elsewhere since: load() again first.
    void save(const QJsonObject& policy);

    /// The policy stored in `doc`'s body, or nothing (with `error`) when it is not a JSON object.
    static std::optional<QJsonObject> parse(const StoredDocument& doc, QString* error);

signals:
    void loaded();
    void saved(const isc::DocumentWriteReport& report);

private:
    QPointer<SampleStore> m_store;
    QJsonObject m_workspacePolicy;
    QJsonObject m_stored;
    Origin m_origin = Origin::Workspace;
    qint64 m_revision = 0;
    QString m_owner;
    QString m_error;
    bool m_loaded = false;
    StoreJobs m_jobs; ///< last: cancelled first when this goes
};

} // namespace isc
