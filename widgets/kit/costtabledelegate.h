#pragma once

#include <QStyledItemDelegate>

namespace isc {

/// Draws report tables (CostTableModel): warnings in the "bad" colour and bold, overridden
/// prices bold italic.
class CostTableDelegate : public QStyledItemDelegate
{
    Q_OBJECT
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;
};

} // namespace isc
