#include "costtabledelegate.h"

#include "itemmodels/costtablemodel.h"
#include "theme/theme.h"

namespace isc {

void CostTableDelegate::initStyleOption(QStyleOptionViewItem* option,
                                        const QModelIndex& index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(CostTableModel::WarningRole).toBool()) {
        option->palette.setColor(QPalette::Text, themeColor(ThemeColor::Bad, option->palette));
        option->font.setBold(true);
    }
    // The price editor's model uses the same role number for its overrides.
    if (index.data(CostTableModel::OverrideRole).toBool()) {
        option->font.setBold(true);
        option->font.setItalic(true);
    }
}

} // namespace isc
