#pragma once

#include "store/runrecord.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QLineEdit;
class QPushButton;
class QTreeWidget;

namespace isc {

/// The Playground's run history: search, target filter, starred only, the list of runs and
/// the buttons for the selected ones. The page reads the store and acts on the signals.
class RunHistoryPanel : public QWidget
{
    Q_OBJECT
public:
    explicit RunHistoryPanel(QWidget* parent = nullptr);

    /// Which runs the controls ask for.
    RunFilter filter() const;
    /// The target names the filter offers (the selection is kept when it is still offered).
    void setTargetNames(const QStringList& names);
    /// Shows `runs`, keeping the selected ones selected.
    void setRuns(const QVector<StoredRun>& runs);
    const QVector<StoredRun>& runs() const { return m_runs; }
    QVector<StoredRun> selectedRuns() const;
    QTreeWidget* view() const { return m_history; }

signals:
    /// The filter changed: read the runs again.
    void filterChanged();
    void starRequested(bool on);
    void removeRequested();
    void rerunRequested();
    void copyCurlRequested();
    /// Words for the page's status line (`problem`: shown as an error).
    void statusChanged(const QString& words, bool problem);

private:
    void updateButtons();
    /// Shows the answers of the two selected runs side by side, older first.
    void diffSelected();
    /// Writes the selected run as JSON to a file the user picks.
    void exportSelected();

    QLineEdit* m_search = nullptr;
    QComboBox* m_targetFilter = nullptr;
    QCheckBox* m_starredOnly = nullptr;
    QTreeWidget* m_history = nullptr;
    QVector<StoredRun> m_runs;
    QPushButton* m_star = nullptr;
    QPushButton* m_rerun = nullptr;
    QPushButton* m_diff = nullptr;
    QPushButton* m_curl = nullptr;
    QPushButton* m_exportJson = nullptr;
    QPushButton* m_remove = nullptr;
};

} // namespace isc
