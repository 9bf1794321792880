#pragma once

#include <QDialog>

class QTextBrowser;
class QComboBox;

namespace isc {

/// Two runs' answers side by side as one word (or line) diff: removed words struck through in
/// red, added words in green.
class RunDiffDialog : public QDialog
{
    Q_OBJECT
public:
    RunDiffDialog(QString beforeTitle, QString before, QString afterTitle, QString after,
                  QWidget* parent = nullptr);

    /// The diff as HTML (what the view shows), for tests.
    QString html() const;

private:
    void render();

    QString m_beforeTitle, m_before, m_afterTitle, m_after;
    QComboBox* m_mode;
    QTextBrowser* m_view;
};

} // namespace isc
