#pragma once

#include "routing/policyvalidator.h"
#include "routing/routingpolicy.h"

#include <QAbstractTableModel>
#include <QStringList>
#include <QVector>

namespace isc {

/// The policy editor's list: one row per rule in order, then the fallback, with the conditions
/// in words, the target and the validator's issues inline (re-validated on every change).
class RoutingRulesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Order, Name, When, Target, Issues, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        IssueRole = Qt::UserRole + 1, ///< QString: the row's issues in sentences, empty when none
        HasIssueRole,                 ///< bool
        FallbackRole,                 ///< bool: the fallback row (not a rule)
    };

    explicit RoutingRulesModel(QObject* parent = nullptr);

    /// The targets the validator accepts (TrafficWindow::targetNames()).
    void setKnownTargets(const QStringList& targets);
    QStringList knownTargets() const { return m_known; }

    void setPolicy(const RoutingPolicy& policy);
    const RoutingPolicy& policy() const { return m_policy; }

    /// Edits (each re-validates and emits policyChanged()).
    void setRule(int row, const RoutingRule& rule);
    int addRule(const RoutingRule& rule); ///< appends; returns its row
    void removeRule(int row);
    void moveRule(int from, int to);
    void setFallbackTarget(const QString& target);
    void setPolicyName(const QString& name);

    /// The issues of the whole policy, in rule order.
    const QVector<PolicyIssue>& issues() const { return m_issues; }
    /// True when an issue would stop a replay (unknown target, no fallback).
    bool hasBlockingIssue() const;
    /// The row of the fallback (== rule count).
    int fallbackRow() const { return static_cast<int>(m_policy.rules.size()); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

signals:
    void policyChanged();
    /// The issues were checked again (the policy or the known targets changed):
    /// hasBlockingIssue() may have changed with them.
    void issuesChanged();

private:
    void revalidate();
    QStringList issuesOf(int ruleIndex) const;

    RoutingPolicy m_policy;
    QStringList m_known;
    QVector<PolicyIssue> m_issues;
};

} // namespace isc
