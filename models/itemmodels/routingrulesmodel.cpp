#include "itemmodels/routingrulesmodel.h"

#include "routing/policyevaluator.h"

namespace isc {

RoutingRulesModel::RoutingRulesModel(QObject* parent) : QAbstractTableModel(parent) {}

void RoutingRulesModel::setKnownTargets(const QStringList& targets)
{
    m_known = targets;
    revalidate();
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
}

void RoutingRulesModel::setPolicy(const RoutingPolicy& policy)
{
    beginResetModel();
    m_policy = policy;
    revalidate();
    endResetModel();
    emit policyChanged();
}

void RoutingRulesModel::setRule(int row, const RoutingRule& rule)
{
    if (row < 0 || row >= m_policy.rules.size())
        return;
    m_policy.rules[row] = rule;
    revalidate();
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit policyChanged();
}

int RoutingRulesModel::addRule(const RoutingRule& rule)
{
    const int row = static_cast<int>(m_policy.rules.size());
    beginInsertRows({}, row, row);
    m_policy.rules.append(rule);
    revalidate();
    endInsertRows();
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit policyChanged();
    return row;
}

void RoutingRulesModel::removeRule(int row)
{
    if (row < 0 || row >= m_policy.rules.size())
        return;
    beginRemoveRows({}, row, row);
    m_policy.rules.removeAt(row);
    revalidate();
    endRemoveRows();
    if (rowCount() > 0)
        emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit policyChanged();
}

void RoutingRulesModel::moveRule(int from, int to)
{
    const int n = static_cast<int>(m_policy.rules.size());
    if (from < 0 || from >= n || to < 0 || to >= n || from == to)
        return;
    // beginMoveRows wants the row before which to insert.
    beginMoveRows({}, from, from, {}, to > from ? to + 1 : to);
    m_policy.rules.move(from, to);
    revalidate();
    endMoveRows();
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit policyChanged();
}

void RoutingRulesModel::setFallbackTarget(const QString& target)
{
    m_policy.fallbackTarget = target;
    revalidate();
    emit dataChanged(index(0, 0), index(rowCount() - 1, ColumnCount - 1));
    emit policyChanged();
}

void RoutingRulesModel::setPolicyName(const QString& name)
{
    m_policy.name = name;
    emit policyChanged();
}

bool RoutingRulesModel::hasBlockingIssue() const
{
    for (const PolicyIssue& i : m_issues) {
        if (i.kind == PolicyIssue::Kind::UnknownTarget || i.kind == PolicyIssue::Kind::NoFallback)
            return true;
    }
    return false;
}

void RoutingRulesModel::revalidate()
{
    m_issues = PolicyValidator(m_known).validate(m_policy);
    emit issuesChanged();
}

QStringList RoutingRulesModel::issuesOf(int ruleIndex) const
{
    QStringList out;
    for (const PolicyIssue& i : m_issues) {
        if (i.ruleIndex == ruleIndex)
            out << i.message;
    }
    return out;
}

int RoutingRulesModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_policy.rules.size()) + 1;
}

int RoutingRulesModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RoutingRulesModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid))
        return {};
    const bool fallback = index.row() == fallbackRow();
    const QStringList issues = issuesOf(fallback ? -1 : index.row());
    switch (role) {
    case IssueRole:
        return issues.join(QLatin1Char(' '));
    case HasIssueRole:
        return !issues.isEmpty();
    case FallbackRole:
        return fallback;
    case Qt::ToolTipRole:
        return issues.isEmpty() ? QVariant() : issues.join(QLatin1Char('\n'));
    case Qt::DisplayRole:
        break;
    default:
        return {};
    }
    if (fallback) {
        switch (index.column()) {
        case Order:
            return tr("else");
        case Name:
            return tr("Fallback");
        case When:
            return tr("no rule matched");
        case Target:
            return m_policy.fallbackTarget == RoutingPolicy::kOrigin
                       ? tr("where it was sent ($origin)")
                       : m_policy.fallbackTarget;
        case Issues:
            return issues.isEmpty() ? QString() : issues.join(QLatin1Char(' '));
        }
        return {};
    }
    const RoutingRule& r = m_policy.rules[index.row()];
    switch (index.column()) {
    case Order:
        return index.row() + 1;
    case Name:
        return r.name.isEmpty() ? tr("Rule %1").arg(index.row() + 1) : r.name;
    case When:
        return r.when.isUnconditional() ? tr("always") : PolicyEvaluator::describe(r.when);
    case Target:
        return r.target == RoutingPolicy::kOrigin ? tr("where it was sent ($origin)") : r.target;
    case Issues:
        return issues.join(QLatin1Char(' '));
    }
    return {};
}

QVariant RoutingRulesModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Order:
        return tr("#");
    case Name:
        return tr("Rule");
    case When:
        return tr("When");
    case Target:
        return tr("Send to");
    case Issues:
        return tr("Problems");
    }
    return {};
}

} // namespace isc
