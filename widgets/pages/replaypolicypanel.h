#pragma once

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPushButton;

namespace isc {

class PolicyDocument;
class PolicyEditor;
class SampleStore;

/// The What-if page's policy pane: the editor, starting from the user's saved policy
/// (PolicyDocument: the database's, else the workspace file's), a line saying where it is saved
/// ("Saved for alice in …"), and Revert / Export to workspace file… / Save. Edits are kept when
/// the saved policy is read again; Revert drops them.
class ReplayPolicyPanel : public QWidget
{
    Q_OBJECT
public:
    explicit ReplayPolicyPanel(SampleStore* store, QWidget* parent = nullptr);

    /// The workspace file's policy (the fallback); shown when nothing is saved and not edited.
    void setWorkspacePolicy(const QJsonObject& policy);
    /// Reads the saved policy (loaded by the document; the editor follows unless edited).
    void load();
    /// Saves the editor's policy for the user in the database; false (statusChanged() says
    /// why) without a database or with a blocking problem.
    bool saveForUser();

    PolicyEditor* editor() const { return m_editor; }
    PolicyDocument* document() const { return m_document; }
    QString locationText() const;
    QPushButton* saveButton() const { return m_save; }
    QPushButton* exportButton() const { return m_export; }
    QPushButton* revertButton() const { return m_revert; }

signals:
    /// A line for the page's status: saved, refused, or why the saved policy was not used.
    void statusChanged(const QString& text);
    /// Export to workspace file… was pressed (the page owns the workspace and its path).
    void exportRequested();

private:
    /// Shows the saved policy in the editor, dropping unsaved edits.
    void applySaved();

    PolicyEditor* m_editor = nullptr;
    PolicyDocument* m_document = nullptr;
    QLabel* m_location = nullptr;
    QPushButton* m_revert = nullptr;
    QPushButton* m_export = nullptr;
    QPushButton* m_save = nullptr;
    bool m_edited = false;    ///< the editor differs from the saved policy
    bool m_reverting = false; ///< Revert asked: the next load is shown, edited or not
    bool m_applying = false;  ///< the editor is being set from the saved policy
};

} // namespace isc
