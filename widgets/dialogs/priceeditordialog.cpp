#include "priceeditordialog.h"

#include "cost/ptucost.h"
#include "itemmodels/costpricemodel.h"
#include "kit/costtabledelegate.h"
#include "pages/costpage.h"
#include "theme/theme.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTableView>
#include <QVBoxLayout>

namespace isc {

PriceEditorDialog::PriceEditorDialog(PriceCatalog base, const QJsonArray& overrides,
                                     const QJsonObject& budget, QWidget* parent)
    : QDialog(parent), m_budgetObject(budget)
{
    setWindowTitle(tr("Prices and budget"));
    resize(1280, 620);
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel(
        tr("Prices in US dollars per 1M tokens (PTU: per PTU-hour, -month, -year; hosting: per "
           "deployment-hour), from the built-in catalog as of %1. Type a price or a discount % to "
           "override a row for this workspace (enterprise agreements); overridden values are "
           "<b><i>bold italic</i></b>. Clear a cell to go back to the catalog's figure. Rows "
           "marked \"no\" under Confirmed could not be checked at the source: see their tooltip.")
            .arg(base.asOf()),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    m_model = new CostPriceModel(std::move(base), overrides, this);
    m_table = new QTableView(this);
    m_table->setModel(m_model);
    m_table->setItemDelegate(new CostTableDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed |
                             QAbstractItemView::AnyKeyPressed);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(22);
    m_table->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->horizontalHeader()->setSectionResizeMode(CostPriceModel::Source,
                                                      QHeaderView::Interactive);
    m_table->setColumnWidth(CostPriceModel::Source, 220);
    m_table->setAlternatingRowColors(true);
    m_table->setAccessibleName(tr("Price catalog"));
    layout->addWidget(m_table, 1);

    m_message = new QLabel(this);
    m_message->setWordWrap(true);
    watchTheme(m_message, [message = m_message] {
        message->setStyleSheet(QStringLiteral("color: %1;").arg(themeCss(ThemeColor::ErrorText)));
    });
    layout->addWidget(m_message);

    auto* row = new QHBoxLayout;
    auto* clear = new QPushButton(tr("&Remove override of selected row"), this);
    row->addWidget(clear);
    row->addStretch(1);
    auto* form = new QFormLayout;
    m_budget = new QLineEdit(this);
    m_budget->setPlaceholderText(tr("none"));
    m_budget->setText(budget.value(QLatin1String("monthlyUsd")).toVariant().toString());
    m_budget->setAccessibleName(tr("Monthly budget in US dollars"));
    form->addRow(tr("Monthly &budget (USD, per UTC calendar month):"), m_budget);
    // One basis for provisioned deployments, used by the Cost and the Capacity page alike.
    m_ptuBilling = new QComboBox(this);
    for (const PtuBilling b :
         {PtuBilling::Hourly, PtuBilling::MonthlyReservation, PtuBilling::YearlyReservation})
        m_ptuBilling->addItem(ptuBillingName(b), ptuBillingKey(b));
    const PtuBilling billing =
        ptuBillingFromKey(budget.value(QLatin1String("ptuBilling")).toString())
            .value_or(kDefaultPtuBilling);
    m_ptuBilling->setCurrentIndex(m_ptuBilling->findData(ptuBillingKey(billing)));
    m_ptuBilling->setAccessibleName(tr("PTU pricing basis"));
    m_ptuBilling->setToolTip(tr("How provisioned (PTU) deployments are priced on the Cost and "
                                "Capacity pages: what your agreement pays."));
    form->addRow(tr("&PTU pricing basis:"), m_ptuBilling);
    row->addLayout(form);
    layout->addLayout(row);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    layout->addWidget(buttons);

    connect(clear, &QPushButton::clicked, this, [this] {
        const QModelIndex current = m_table->currentIndex();
        if (current.isValid())
            m_model->clearOverride(current.row());
    });
    // A refused edit leaves the cell unchanged: say why.
    connect(m_model, &CostPriceModel::dataChanged, this,
            [this] { m_message->setText(m_model->lastError()); });
    connect(m_table->itemDelegate(), &QAbstractItemDelegate::closeEditor, this,
            [this] { m_message->setText(m_model->lastError()); });
    connect(m_budget, &QLineEdit::textChanged, this, &PriceEditorDialog::validateBudget);
    connect(m_ptuBilling, &QComboBox::currentIndexChanged, this, [this] {
        m_budgetObject.insert(QStringLiteral("ptuBilling"), m_ptuBilling->currentData().toString());
    });
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    validateBudget();
}

PriceEditorDialog::~PriceEditorDialog() = default;

void PriceEditorDialog::validateBudget()
{
    const QString text =
        m_budget->text().trimmed().remove(QLatin1Char('$')).remove(QLatin1Char(','));
    Money m;
    if (text.isEmpty()) {
        m_budgetObject.remove(QLatin1String("monthlyUsd"));
        m_message->setText(m_model->lastError());
    } else if (Money::parse(text, &m) && m.micros > 0) {
        m_budgetObject.insert(QStringLiteral("monthlyUsd"), text);
        m_message->setText(m_model->lastError());
    } else {
        m_message->setText(tr("The budget must be a positive amount of US dollars, e.g. 25000."));
    }
}

QJsonArray PriceEditorDialog::overrides() const
{
    return m_model->overrides();
}

QJsonObject PriceEditorDialog::budget() const
{
    return m_budgetObject;
}

QString PriceEditorDialog::message() const
{
    return m_message->text();
}

} // namespace isc
