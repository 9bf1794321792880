#pragma once

#include "core/workspace.h"
#include "sources/credentialprovider.h"
#include "sources/source.h"

#include <QWidget>
#include <functional>
#include <memory>

namespace isc {

class Collector;
class ConnectionsModel;
struct ConnectionTestResult;

/// The Connections page: every connection of the workspace with its source's health (last
/// success, next poll, latency, last error in words), add / edit / remove of every kind,
/// "Test connection" answering in words, and saving the workspace.
class ConnectionsPage : public QWidget
{
    Q_OBJECT
public:
    /// Stores a typed key in the OS keychain under `entry`; `done(ok, words)` reports how.
    using SecretWriter = std::function<void(const QString& entry, const QString& value,
                                            std::function<void(bool ok, QString message)> done)>;
    /// The credential of a connection, for "Test connection".
    using SecretLookup = std::function<Credential(const Connection& connection)>;

    ConnectionsPage(Workspace workspace, QString workspacePath, QWidget* parent = nullptr);
    ~ConnectionsPage() override;

    /// Follows `collector`'s health (replaces the one followed before).
    void setCollector(Collector* collector);
    void setSecretWriter(SecretWriter writer);
    void setSecretLookup(SecretLookup lookup);

    ConnectionsModel* model() const;
    const Workspace& workspace() const;
    /// Takes the workspace as saved elsewhere (prices, budget, policy); keeps unsaved edits of
    /// the connections.
    void setWorkspace(Workspace workspace, QString workspacePath);
    /// Tests the connection in `row`; the answer shows under the table and in testFinished().
    void testConnection(int row);

signals:
    /// The user saved an edited workspace (to `path`): polling should restart with it.
    void workspaceSaved(const isc::Workspace& workspace, const QString& path);
    void testFinished(const QString& connectionId, bool ok, const QString& summary);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
