#include "deploymentfiltermodel.h"

#include "store/samplestore.h"
#include "store/storebackend.h"

#include <algorithm>

namespace isc {

DeploymentFilterModel::DeploymentFilterModel(SampleStore* store, QObject* parent)
    : QAbstractListModel(parent), m_store(store)
{}

int DeploymentFilterModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_deployments.size()) + 1;
}

QVariant DeploymentFilterModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    if (index.row() == 0) {
        switch (role) {
        case Qt::DisplayRole:
            return tr("All deployments");
        case Qt::ToolTipRole:
            return tr("Show every deployment of every connection");
        case NameRole:
            return QString();
        case ProvisionedRole:
            return false;
        default:
            return {};
        }
    }
    const Deployment& dep = m_deployments[index.row() - 1];
    switch (role) {
    case Qt::DisplayRole:
    case NameRole:
        return dep.name;
    case Qt::ToolTipRole:
        return tr("%1 (%2 %3, %4)").arg(dep.name, dep.model, dep.version, dep.sku);
    case ModelRole:
        return (dep.model + QLatin1Char(' ') + dep.version).trimmed();
    case SkuRole:
        return dep.sku;
    case ProvisionedRole:
        return dep.isProvisioned();
    case SourceRole:
        return dep.source;
    default:
        return {};
    }
}

QHash<int, QByteArray> DeploymentFilterModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(NameRole, "name");
    names.insert(ModelRole, "model");
    names.insert(SkuRole, "sku");
    names.insert(ProvisionedRole, "provisioned");
    names.insert(SourceRole, "source");
    return names;
}

void DeploymentFilterModel::reload()
{
    m_jobs.run(
        m_store, QStringLiteral("inventory"),
        [](StoreBackend& db, const JobToken&) { return db.deployments(QString()); },
        [this](const Deployments& deps) {
            setDeployments(deps);
            emit reloaded();
        });
}

void DeploymentFilterModel::setDeployments(const Deployments& deployments)
{
    Deployments sorted;
    for (const auto& dep : deployments) {
        const bool seen = std::any_of(sorted.cbegin(), sorted.cend(),
                                      [&](const Deployment& s) { return s.name == dep.name; });
        if (!seen)
            sorted.push_back(dep);
    }
    std::sort(sorted.begin(), sorted.end(), [](const Deployment& a, const Deployment& b) {
        return a.name.compare(b.name, Qt::CaseInsensitive) < 0;
    });
    if (sorted == m_deployments)
        return;
    beginResetModel();
    m_deployments = sorted;
    endResetModel();
}

void DeploymentFilterModel::setSelected(const QString& name)
{
    if (name == m_selected)
        return;
    m_selected = name;
    emit selectedChanged(name);
}

int DeploymentFilterModel::selectedRow() const
{
    for (int i = 0; i < m_deployments.size(); ++i) {
        if (m_deployments[i].name == m_selected)
            return i + 1;
    }
    return 0;
}

void DeploymentFilterModel::setSelectedRow(int row)
{
    if (row <= 0 || row > m_deployments.size())
        setSelected(QString());
    else
        setSelected(m_deployments[row - 1].name);
}

QHash<QString, QString> DeploymentFilterModel::labelFilter() const
{
    if (m_selected.isEmpty())
        return {};
    return {{QStringLiteral("ModelDeploymentName"), m_selected}};
}

} // namespace isc
