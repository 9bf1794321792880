#pragma once

#include <QTableView>
#include <QVector>

namespace isc {

class CostTableModel;

/// A report table as tall as its rows (up to `maxRows`, then it scrolls itself): the page
/// scrolls, not each table. Columns fit their contents up to a cap (longer text is elided and
/// its cell shows the whole text as a tooltip); the horizontal scroll bar appears only when the
/// columns do not fit, and the height makes room for it then.
class FitTableView : public QTableView
{
    Q_OBJECT
public:
    static constexpr int kMaxColumnWidth = 240; ///< px; longer cells are elided
    static constexpr int kRowHeight = 22;       ///< px

    FitTableView(CostTableModel* model, int maxRows, QWidget* parent = nullptr);

    /// Sizes the columns to the new contents and the height to the new rows.
    void fit();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void resizeEvent(QResizeEvent* event) override;
    bool viewportEvent(QEvent* event) override;

private:
    bool overflows() const { return m_contentWidth > viewport()->width(); }
    /// Columns at their content widths, the room left over shared out evenly.
    void spread();
    int fittedHeight() const;

    int m_maxRows;
    QVector<int> m_widths;  ///< px each column needs, capped at kMaxColumnWidth
    int m_contentWidth = 0; ///< their sum
    bool m_overflow = false;
};

} // namespace isc
