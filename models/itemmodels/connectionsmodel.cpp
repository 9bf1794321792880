#include "itemmodels/connectionsmodel.h"

#include <QDateTime>

namespace isc {
namespace {

/// The last error, else the standing warning, in words.
QString problemText(const SourceHealth& h)
{
    if (!h.lastError.isEmpty())
        return h.lastError;
    return h.warning.isEmpty() ? QString() : ConnectionsModel::tr("Warning: %1").arg(h.warning);
}

QString timeText(qint64 utc)
{
    if (utc <= 0)
        return QStringLiteral("—");
    return QDateTime::fromSecsSinceEpoch(utc, Qt::UTC)
        .toLocalTime()
        .toString(QStringLiteral("HH:mm:ss"));
}

} // namespace

ConnectionsModel::ConnectionsModel(QObject* parent) : QAbstractTableModel(parent) {}

QString ConnectionsModel::kindTitle(const QString& kind)
{
    if (kind == QLatin1String("azure-openai"))
        return tr("Azure OpenAI");
    if (kind == QLatin1String("azure-monitor"))
        return tr("Azure Monitor resource");
    if (kind == QLatin1String("openai"))
        return tr("OpenAI (admin API)");
    if (kind == QLatin1String("anthropic"))
        return tr("Anthropic (admin API)");
    if (kind == QLatin1String("prometheus"))
        return tr("Prometheus (vLLM, llama.cpp, TGI)");
    if (kind == QLatin1String("ollama"))
        return tr("Ollama");
    if (kind == QLatin1String("openai-compatible"))
        return tr("OpenAI-compatible server");
    return kind;
}

void ConnectionsModel::setConnections(const QVector<Connection>& connections)
{
    beginResetModel();
    m_connections = connections;
    endResetModel();
}

int ConnectionsModel::rowOf(const QString& id) const
{
    for (int i = 0; i < m_connections.size(); ++i) {
        if (m_connections[i].id == id)
            return i;
    }
    return -1;
}

void ConnectionsModel::setConnection(const Connection& connection)
{
    const int row = rowOf(connection.id);
    if (row >= 0) {
        m_connections[row] = connection;
        emit dataChanged(index(row, 0), index(row, columnCount() - 1));
        return;
    }
    const int at = static_cast<int>(m_connections.size());
    beginInsertRows({}, at, at);
    m_connections.append(connection);
    endInsertRows();
}

void ConnectionsModel::removeConnection(const QString& id)
{
    const int row = rowOf(id);
    if (row < 0)
        return;
    beginRemoveRows({}, row, row);
    m_connections.remove(row);
    endRemoveRows();
    m_health.remove(id);
}

void ConnectionsModel::updateHealth(const SourceHealth& health)
{
    m_health.insert(health.source, health);
    const int row = rowOf(health.source);
    if (row >= 0)
        emit dataChanged(index(row, Status), index(row, Error));
}

void ConnectionsModel::clearHealth()
{
    m_health.clear();
    if (!m_connections.isEmpty())
        emit dataChanged(index(0, Status), index(rowCount() - 1, Error));
}

int ConnectionsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_connections.size());
}

int ConnectionsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : Error + 1;
}

QVariant ConnectionsModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const Connection& c = m_connections[index.row()];
    const auto h = m_health.constFind(c.id);
    const bool known = h != m_health.cend();
    if (role == IdRole)
        return c.id;
    if (role == HealthyRole)
        return !known || h->state != SourceHealth::State::Failing;
    if (role == StateRole)
        return known ? static_cast<int>(h->state) : -1;
    if (role == Qt::ToolTipRole && index.column() == Error && known)
        return problemText(*h);
    if (role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(index.column())) {
    case Name:
        return c.displayName.isEmpty() ? c.id : c.displayName;
    case Kind:
        return kindTitle(c.kind);
    case Endpoint:
        if (c.isAzure())
            return c.resourceId.section(QLatin1Char('/'), -1);
        return c.endpoint.toDisplayString();
    case Status:
        return known ? stateName(h->state) : tr("not polled");
    case LastSuccess:
        return known ? timeText(h->lastSuccess) : QStringLiteral("—");
    case NextPoll:
        return known ? timeText(h->nextPoll) : QStringLiteral("—");
    case Latency:
        return known && h->latencyMs >= 0 ? tr("%1 ms").arg(h->latencyMs) : QStringLiteral("—");
    case Interval:
        return tr("%1 s").arg(c.pollIntervalSeconds);
    case Error:
        return known ? problemText(*h) : QString();
    }
    return {};
}

QVariant ConnectionsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (static_cast<Column>(section)) {
    case Name:
        return tr("Connection");
    case Kind:
        return tr("Kind");
    case Endpoint:
        return tr("Resource / endpoint");
    case Status:
        return tr("Status");
    case LastSuccess:
        return tr("Last success");
    case NextPoll:
        return tr("Next poll");
    case Latency:
        return tr("Latency");
    case Interval:
        return tr("Poll every");
    case Error:
        return tr("Last error or warning");
    }
    return {};
}

} // namespace isc
