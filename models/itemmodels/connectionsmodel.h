#pragma once

#include "core/sourcehealth.h"
#include "core/workspace.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QVector>

namespace isc {

/// The workspace's connections, one row each, with the health of its source beside it: what
/// the Connections page lists. Edits go through setConnection()/removeConnection().
class ConnectionsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Name, Kind, Endpoint, Status, LastSuccess, NextPoll, Latency, Interval, Error };
    Q_ENUM(Column)
    enum Role {
        IdRole = Qt::UserRole + 1, ///< connection id
        HealthyRole,               ///< bool: not failing (true when never polled)
        StateRole,                 ///< SourceHealth::State as int, -1 when not polled yet
    };

    explicit ConnectionsModel(QObject* parent = nullptr);

    void setConnections(const QVector<Connection>& connections);
    const QVector<Connection>& connections() const { return m_connections; }
    /// The row of connection `id`, -1 when absent.
    int rowOf(const QString& id) const;
    /// Replaces the connection with the same id, or appends it.
    void setConnection(const Connection& connection);
    void removeConnection(const QString& id);

    /// Updates the health columns of `health.source`.
    void updateHealth(const isc::SourceHealth& health);
    /// Forgets every health (the collector was replaced).
    void clearHealth();

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    /// What the user calls a kind ("Azure OpenAI", "Prometheus (vLLM, llama.cpp, TGI)", ...).
    static QString kindTitle(const QString& kind);

private:
    QVector<Connection> m_connections;
    QHash<QString, SourceHealth> m_health;
};

} // namespace isc
