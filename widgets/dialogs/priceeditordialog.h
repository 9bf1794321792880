#pragma once

#include "cost/pricecatalog.h"

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>

class QLabel;
class QLineEdit;
class QTableView;

namespace isc {

class CostPriceModel;

/// Edits the workspace's price overrides (enterprise discounts, negotiated prices) and its
/// monthly budget. Every catalog entry is a row with its source, "as of" date and whether it was
/// confirmed; typing a price or a discount % overrides that row, shown bold italic and marked.
class PriceEditorDialog : public QDialog
{
    Q_OBJECT
public:
    PriceEditorDialog(PriceCatalog base, const QJsonArray& overrides, const QJsonObject& budget,
                      QWidget* parent = nullptr);
    ~PriceEditorDialog() override;

    /// The overrides to store in the workspace (Workspace::priceOverrides).
    QJsonArray overrides() const;
    /// The budget object to store ({"monthlyUsd": "25000"}, or {} for none).
    QJsonObject budget() const;

    CostPriceModel* model() const { return m_model; }
    QLineEdit* budgetEdit() const { return m_budget; }
    /// The message under the table (the last refused edit, in words).
    QString message() const;

private:
    void validateBudget();

    CostPriceModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_budget = nullptr;
    QLabel* m_message = nullptr;
    QJsonObject m_budgetObject;
};

} // namespace isc
