#pragma once

#include "routing/routingpolicy.h"

#include <QStringList>
#include <QWidget>
#include <memory>

class QTableView;

namespace isc {

class RoutingRulesModel;

/// Edits a routing policy: ordered rules (add, remove, move), each rule's conditions (prompt
/// tokens, models, tags, time of day, PTU utilization above = spill over, error rate above =
/// fall back) and target, and the fallback. Problems (unknown targets, unreachable rules, empty
/// ranges) are flagged inline on the rule and listed below, as the user types.
class PolicyEditor : public QWidget
{
    Q_OBJECT
public:
    explicit PolicyEditor(QWidget* parent = nullptr);
    ~PolicyEditor() override;

    void setPolicy(const RoutingPolicy& policy);
    RoutingPolicy policy() const;
    /// Deployment names the targets may use (TrafficWindow::targetNames()); "$origin" is added.
    void setKnownTargets(const QStringList& targets);

    RoutingRulesModel* model() const;
    QTableView* table() const;
    /// Selects a rule (row) and loads it into the form.
    void selectRule(int row);
    int selectedRule() const;
    /// The problems shown under the table, one sentence each.
    QStringList issueTexts() const;

signals:
    void policyChanged();

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
