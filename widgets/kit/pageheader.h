#pragma once

#include <QWidget>

class QComboBox;
class QHBoxLayout;
class QLabel;
class QVBoxLayout;

namespace isc {

class TimeRangePicker;

/// The top of a page: its title with lines under it (the range shown, a basis), then the
/// page's controls on the right, the range picker last.
class PageHeader : public QWidget
{
    Q_OBJECT
public:
    explicit PageHeader(const QString& title, QWidget* parent = nullptr);

    /// Adds a line under the title in the muted colour.
    QLabel* addSubtitle();
    /// Adds a control on the right, after those added before.
    void addControl(QWidget* control);
    /// Adds a labelled combo box (`label` is its buddy, with its mnemonic).
    QComboBox* addCombo(const QString& label, const QStringList& items,
                        const QString& accessibleName);
    void addSpacing(int px);
    /// Adds the range picker, last on the right.
    TimeRangePicker* addRangePicker();

    QLabel* titleLabel() const { return m_title; }

private:
    QHBoxLayout* m_row = nullptr;
    QVBoxLayout* m_titleBox = nullptr;
    QLabel* m_title = nullptr;
};

/// A page's body under its header: a frameless scroll area added to `outer` (stretching) that
/// holds one column of cards, 10 px apart, on the page's background. Returns the column.
QVBoxLayout* addScrollingColumn(QWidget* page, QVBoxLayout* outer);

} // namespace isc
