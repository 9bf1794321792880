#include "fittableview.h"

#include "costtabledelegate.h"
#include "itemmodels/costtablemodel.h"

#include <QHeaderView>
#include <QHelpEvent>
#include <QScrollBar>
#include <QToolTip>
#include <algorithm>

namespace isc {

FitTableView::FitTableView(CostTableModel* model, int maxRows, QWidget* parent)
    : QTableView(parent), m_maxRows(maxRows)
{
    setModel(model);
    setItemDelegate(new CostTableDelegate(this));
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setTextElideMode(Qt::ElideRight);
    setWordWrap(false);
    verticalHeader()->hide();
    verticalHeader()->setDefaultSectionSize(kRowHeight);
    verticalHeader()->setMinimumSectionSize(kRowHeight);
    horizontalHeader()->setStretchLastSection(false);
    setAlternatingRowColors(true);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

void FitTableView::fit()
{
    m_widths.clear();
    m_contentWidth = 0;
    for (int c = 0; c < horizontalHeader()->count(); ++c) {
        const int w =
            std::min(std::max(sizeHintForColumn(c), horizontalHeader()->sectionSizeHint(c)),
                     kMaxColumnWidth);
        m_widths << w;
        m_contentWidth += w;
    }
    spread();
    m_overflow = overflows();
    updateGeometry();
}

QSize FitTableView::sizeHint() const
{
    return {QTableView::sizeHint().width(), fittedHeight()};
}

QSize FitTableView::minimumSizeHint() const
{
    return {QTableView::minimumSizeHint().width(), fittedHeight()};
}

void FitTableView::resizeEvent(QResizeEvent* event)
{
    QTableView::resizeEvent(event);
    spread();
    if (overflows() != m_overflow) {
        m_overflow = !m_overflow;
        updateGeometry();
    }
}

bool FitTableView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto* help = static_cast<QHelpEvent*>(event);
        const QModelIndex index = indexAt(help->pos());
        const QString text = index.data().toString();
        if (index.isValid() && index.data(Qt::ToolTipRole).toString().isEmpty() &&
            fontMetrics().horizontalAdvance(text) + 8 > visualRect(index).width()) {
            QToolTip::showText(help->globalPos(), text, viewport(), visualRect(index));
            return true;
        }
    }
    return QTableView::viewportEvent(event);
}

void FitTableView::spread()
{
    const int n = int(m_widths.size());
    const int extra = n > 0 ? std::max(0, viewport()->width() - m_contentWidth) : 0;
    for (int c = 0; c < n; ++c)
        setColumnWidth(c, m_widths[c] + extra / n + (c == n - 1 ? extra % n : 0));
}

int FitTableView::fittedHeight() const
{
    const int rows = std::clamp(model() ? model()->rowCount() : 0, 1, m_maxRows);
    int h = 2 * frameWidth() + horizontalHeader()->sizeHint().height() + rows * kRowHeight;
    if (m_overflow)
        h += horizontalScrollBar()->sizeHint().height();
    return h;
}

} // namespace isc
