#pragma once

#include "core/deployment.h"
#include "store/storejobs.h"

#include <QAbstractListModel>
#include <QHash>
#include <QPointer>

namespace isc {

class SampleStore;

/// The deployments to filter by, with an "All deployments" first row (empty name).
class DeploymentFilterModel : public QAbstractListModel
{
    Q_OBJECT
public:
    enum Role {
        NameRole = Qt::UserRole + 1, ///< deployment name, empty for "All deployments"
        ModelRole,                   ///< "gpt-4o 2024-11-20"
        SkuRole,                     ///< "ProvisionedManaged"
        ProvisionedRole,             ///< bool
        SourceRole,                  ///< connection id
    };
    Q_ENUM(Role)

    explicit DeploymentFilterModel(SampleStore* store = nullptr, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    /// Re-reads the inventory from the store (asynchronously).
    void reload();
    /// Replaces the list (sorted by name; duplicates across sources shown once).
    void setDeployments(const Deployments& deployments);
    const Deployments& deployments() const { return m_deployments; }

    /// The selected deployment name, empty for all.
    QString selected() const { return m_selected; }
    /// Selects by name; an unknown name is kept (the inventory may not have loaded yet).
    void setSelected(const QString& name);
    /// The row of the selected deployment (0 = all, or when unknown).
    int selectedRow() const;
    /// Selects the deployment of a row.
    void setSelectedRow(int row);

    /// The label filter for the selection: {ModelDeploymentName: name}, empty for all.
    QHash<QString, QString> labelFilter() const;

signals:
    void selectedChanged(const QString& name);
    /// The inventory was (re)loaded.
    void reloaded();

private:
    QPointer<SampleStore> m_store;
    Deployments m_deployments;
    QString m_selected;
    StoreJobs m_jobs; ///< last: cancelled first when the model goes
};

} // namespace isc
