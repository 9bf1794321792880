#include "sourcehealthmodel.h"

#include "sources/collector.h"

#include <QDateTime>

namespace isc {

namespace {

QVariant utcTime(qint64 ts)
{
    return ts > 0 ? QDateTime::fromSecsSinceEpoch(ts, Qt::UTC) : QDateTime();
}

} // namespace

SourceHealthModel::SourceHealthModel(QObject* parent) : QAbstractListModel(parent) {}

void SourceHealthModel::setCollector(Collector* collector)
{
    if (m_collector)
        disconnect(m_collector, nullptr, this, nullptr);
    m_collector = collector;
    if (!collector) {
        setHealth({});
        return;
    }
    connect(collector, &Collector::healthChanged, this, &SourceHealthModel::update);
    setHealth(collector->health());
}

int SourceHealthModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QVariant SourceHealthModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SourceHealth& h = m_rows[index.row()];
    switch (role) {
    case Qt::DisplayRole:
    case DisplayNameRole:
        return h.displayName.isEmpty() ? h.source : h.displayName;
    case Qt::ToolTipRole:
        return h.lastError.isEmpty() ? stateName(h.state) : h.lastError;
    case SourceRole:
        return h.source;
    case StateRole:
        return int(h.state);
    case StateTextRole:
        return stateName(h.state);
    case LastSuccessRole:
        return utcTime(h.lastSuccess);
    case LastAttemptRole:
        return utcTime(h.lastAttempt);
    case NextPollRole:
        return utcTime(h.nextPoll);
    case LastErrorRole:
        return h.lastError;
    case BackfillProgressRole:
        return h.backfillTotal > 0 ? double(h.backfillDone) / h.backfillTotal : -1.0;
    case HealthyRole:
        return h.state != SourceHealth::State::Failing;
    case LatencyMsRole:
        return h.latencyMs;
    default:
        return {};
    }
}

QHash<int, QByteArray> SourceHealthModel::roleNames() const
{
    auto names = QAbstractListModel::roleNames();
    names.insert(SourceRole, "source");
    names.insert(DisplayNameRole, "displayName");
    names.insert(StateRole, "state");
    names.insert(StateTextRole, "stateText");
    names.insert(LastSuccessRole, "lastSuccess");
    names.insert(LastAttemptRole, "lastAttempt");
    names.insert(NextPollRole, "nextPoll");
    names.insert(LastErrorRole, "lastError");
    names.insert(BackfillProgressRole, "backfillProgress");
    names.insert(HealthyRole, "healthy");
    names.insert(LatencyMsRole, "latencyMs");
    return names;
}

void SourceHealthModel::update(const SourceHealth& health)
{
    for (int i = 0; i < m_rows.size(); ++i) {
        if (m_rows[i].source == health.source) {
            m_rows[i] = health;
            emit dataChanged(index(i), index(i));
            return;
        }
    }
    const int row = int(m_rows.size());
    beginInsertRows({}, row, row);
    m_rows.push_back(health);
    endInsertRows();
}

void SourceHealthModel::setHealth(const QVector<SourceHealth>& all)
{
    beginResetModel();
    m_rows = all;
    endResetModel();
}

} // namespace isc
