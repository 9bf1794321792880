#pragma once

#include "alerts/alertreport.h"
#include "core/timerange.h"

#include <QJsonObject>
#include <QPointer>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;
class QTabWidget;
class QTableWidget;
class QTimer;

namespace isc {

class AlertBacktestChart;
class AlertRuleEditor;
class AlertService;
struct Workspace;

/// The Alerts page: what fires and is pending now (acknowledge, silence 1 h), the history with
/// durations, the silences, and the rules with their editor and backtest: while a rule is
/// edited, how often it would have fired over the last 7 or 30 days of stored history. A view
/// over AlertService and AlertReport; saving a rule hands the new `alerts` section to whoever
/// saves the workspace (alertsChanged()).
class AlertsPage : public QWidget
{
    Q_OBJECT
public:
    explicit AlertsPage(AlertService* alerts, const Workspace& workspace,
                        QWidget* parent = nullptr);
    ~AlertsPage() override;

    void setWorkspace(const Workspace& workspace);
    /// Shows rule `ruleId` with its backtest around `at` (s UTC), as a notification's "Open".
    void showAlert(const QString& ruleId, qint64 at);
    /// Opens tab `index` (0 Now, 1 History, 2 Silences, 3 Rules) and, on Rules, selects the
    /// rule `ruleId` when given.
    void showTab(int index, const QString& ruleId = {});

    const AlertReport& report() const { return m_report; }
    AlertBacktestChart* backtestChart() const { return m_chart; }
    AlertRuleEditor* editor() const { return m_editor; }
    /// The backtest's sentence, as shown.
    QString backtestSummary() const;
    /// The editor's problem, as shown (empty when the rule parses).
    QString editorProblem() const;
    /// Saves the edited rule into the `alerts` section (alertsChanged()); false with the
    /// editor's problem shown when it does not parse.
    bool saveRule();

public slots:
    /// Evaluates what is stored now (when this window evaluates), then shows it and backtests
    /// the selected rule; loaded() follows.
    void refresh();

signals:
    /// refresh() landed: the tables and the backtest show the stored history.
    void loaded();
    /// The workspace's new `alerts` section, after a rule was saved or deleted.
    void alertsChanged(const QJsonObject& alerts);
    /// A backtest landed (its sentence in backtestSummary()).
    void backtested();

private:
    void rebuild();
    void fillTables();
    /// Shows rule `ruleId` in the editor; `remember` keeps it for the next start (a choice of
    /// the user, not a default).
    void selectRule(const QString& ruleId, bool remember = true);
    void backtestSoon();
    void runBacktest();
    void deleteRule();
    void acknowledgeSelected();
    void silenceSelected();
    void endSelectedSilence();
    QStringList metricSuggestions() const;
    QString currentUser() const;

    QPointer<AlertService> m_alerts;
    QJsonObject m_alertsJson;
    AlertReport m_report;
    QLabel* m_summary;
    QTabWidget* m_tabs;
    QTableWidget* m_now;
    QTableWidget* m_history;
    QTableWidget* m_silences;
    QTableWidget* m_rules;
    QLabel* m_configErrors;
    AlertRuleEditor* m_editor;
    QComboBox* m_range;
    QPushButton* m_save;
    QPushButton* m_delete;
    QLabel* m_problem;
    AlertBacktestChart* m_chart;
    QLabel* m_backtestSummary;
    QTimer* m_backtestTimer;
    QString m_selectedRule;
    std::optional<TimeRange> m_aroundAlert; ///< the "Around the alert" range, when opened so
    int m_generation = 0;
    bool m_autoPicked = false; ///< the selection is a default, not the user's choice
    bool m_refreshing = false; ///< loaded() is owed once the backtest lands
};

} // namespace isc
