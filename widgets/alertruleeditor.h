#pragma once

#include "alerts/alertrule.h"

#include <QJsonObject>
#include <QWidget>
#include <optional>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace isc {

/// The fields of one alert rule (name, metric, aggregation, deployments, reduce over a window,
/// comparison, threshold, clear margin, `for`, severity, enabled) as a form. The form writes
/// the workspace's rule JSON; AlertRule::parse() checks it, so a bad value is named by field
/// exactly as in the workspace file. Fields the form does not show (labels, share, `by`, rate
/// limit, input) are kept from the rule it was given.
class AlertRuleEditor : public QWidget
{
    Q_OBJECT
public:
    explicit AlertRuleEditor(QWidget* parent = nullptr);

    /// Shows `rule`; `metrics` fill the metric list (any name can be typed).
    void setRule(const AlertRule& rule, const QStringList& metrics);
    /// A new custom rule, id from its name once typed.
    void newRule(const QStringList& metrics);
    bool isNew() const { return m_new; }

    /// The rule as the workspace file would hold it.
    QJsonObject ruleJson() const;
    /// The parsed rule, or nullopt with `errors` (when given) naming each bad field.
    std::optional<AlertRule> rule(QStringList* errors) const;

signals:
    /// A field changed (the page backtests again after a pause).
    void edited();

private:
    void load(const AlertRule& rule);
    void updateUnit();

    AlertRule m_base;
    bool m_new = false;
    QLineEdit* m_name;
    QLineEdit* m_id;
    QComboBox* m_metric;
    QComboBox* m_aggregation;
    QLineEdit* m_deployments;
    QComboBox* m_reduce;
    QSpinBox* m_window;
    QComboBox* m_op;
    QDoubleSpinBox* m_threshold;
    QDoubleSpinBox* m_clearMargin;
    QSpinBox* m_for;
    QLineEdit* m_unit;
    QComboBox* m_severity;
    QCheckBox* m_enabled;
    QLabel* m_inputNote;
};

} // namespace isc
