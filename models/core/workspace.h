#pragma once

#include <QString>
#include <QUrl>
#include <QVector>
#include <optional>

namespace isc {

/// Where a connection's secret lives. Never the secret itself.
struct SecretRef
{
    enum class Kind { None, Env, Demo };
    Kind kind = Kind::None;
    QString name; ///< environment variable name for Kind::Env

    bool operator==(const SecretRef& o) const { return kind == o.kind && name == o.name; }
};

/// One configured source, as written in the workspace file.
struct Connection
{
    QString id;              ///< stable id, stored with every series
    QString kind;            ///< "azure-openai"
    QString displayName;     ///< shown in the UI
    QUrl managementEndpoint; ///< ARM endpoint: public, China or US Gov cloud, or the emulator
    QString resourceId;      ///< "/subscriptions/…/accounts/…"
    QUrl endpoint;           ///< inference endpoint (playground), optional
    SecretRef credential;    ///< where the bearer token comes from
    int pollIntervalSeconds = 60;
    int backfillDays = 30;

    bool operator==(const Connection& o) const;
};

/// A workspace: the connections to poll and how long to keep what they give.
struct Workspace
{
    QString name;
    bool demo = false;    ///< true for the built-in demo fleet (labelled as demo data)
    QString databasePath; ///< empty = the default in the user's data directory
    int rawRetentionDays = 35;
    int fiveMinuteRetentionDays = 400;
    QVector<Connection> connections;

    /// Reads a workspace file; on failure returns nullopt and sets `error` to one line of words.
    static std::optional<Workspace> load(const QString& path, QString* error);
    /// Parses workspace JSON (see README); refuses any field that would hold a secret.
    static std::optional<Workspace> fromJson(const QByteArray& json, QString* error);
    /// Serialises to JSON (never containing a secret, only references).
    QByteArray toJson() const;
    /// Writes atomically; returns false and sets `error` on failure.
    bool save(const QString& path, QString* error) const;

    /// The demo workspace: one Azure OpenAI account served by the emulator at `emulatorBase`.
    static Workspace demoWorkspace(const QUrl& emulatorBase, const QString& resourceId);
};

/// The default database path for a workspace: <AppDataLocation>/<demo|workspace>.sqlite.
QString defaultDatabasePath(bool demo);

} // namespace isc
