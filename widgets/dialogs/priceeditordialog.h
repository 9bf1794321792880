#pragma once

#include "cost/pricecatalog.h"

#include <QDialog>
#include <QJsonArray>
#include <QJsonObject>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace isc {

class CostPriceModel;

/// Edits the workspace's price overrides (enterprise discounts, negotiated prices), its monthly
/// budget and how its PTUs are priced (hourly, monthly or yearly reservation: one setting for
/// the Cost and Capacity pages). Every catalog entry is a row with its source, "as of" date and
/// whether it was confirmed; typing a price or a discount % overrides that row, shown bold
/// italic and marked.
class PriceEditorDialog : public QDialog
{
    Q_OBJECT
public:
    PriceEditorDialog(PriceCatalog base, const QJsonArray& overrides, const QJsonObject& budget,
                      QWidget* parent = nullptr);
    ~PriceEditorDialog() override;

    /// The overrides to store in the workspace (Workspace::priceOverrides).
    QJsonArray overrides() const;
    /// The budget object to store ({"monthlyUsd": "25000", "ptuBilling": "monthly"}, or {} for
    /// none); keys it does not edit are kept.
    QJsonObject budget() const;

    CostPriceModel* model() const { return m_model; }
    QLineEdit* budgetEdit() const { return m_budget; }
    /// The PTU pricing basis; item data is the stored key ("hourly", "monthly", "yearly").
    QComboBox* ptuBillingBox() const { return m_ptuBilling; }
    /// The message under the table (the last refused edit, in words).
    QString message() const;

private:
    void validateBudget();

    CostPriceModel* m_model = nullptr;
    QTableView* m_table = nullptr;
    QLineEdit* m_budget = nullptr;
    QComboBox* m_ptuBilling = nullptr;
    QLabel* m_message = nullptr;
    QJsonObject m_budgetObject;
};

} // namespace isc
