#include "dialogs/databasepassworddialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace isc {

DatabasePasswordDialog::DatabasePasswordDialog(const QString& address, const QString& why,
                                               bool canRemember, QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Password for the history database"));
    auto* layout = new QVBoxLayout(this);
    m_why = new QLabel(why, this);
    m_why->setWordWrap(true);
    m_why->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_why);

    auto* form = new QFormLayout;
    auto* shown = new QLabel(address, this);
    shown->setTextInteractionFlags(Qt::TextSelectableByMouse);
    form->addRow(tr("Database:"), shown);
    m_password = new QLineEdit(this);
    m_password->setEchoMode(QLineEdit::Password);
    m_password->setInputMethodHints(Qt::ImhHiddenText | Qt::ImhSensitiveData |
                                    Qt::ImhNoPredictiveText);
    form->addRow(tr("&Password:"), m_password);
    layout->addLayout(form);

    m_remember = new QCheckBox(tr("&Remember in keychain"), this);
    m_remember->setEnabled(canRemember);
    m_remember->setToolTip(canRemember
                               ? tr("Stored once the server accepts it, never in a file.")
                               : tr("No keychain is available here: the password is used for "
                                    "this session only."));
    layout->addWidget(m_remember);

    m_buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    m_buttons->button(QDialogButtonBox::Ok)->setText(tr("Connect"));
    connect(m_buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(m_buttons);
    m_password->setFocus();
}

DatabasePasswordDialog::~DatabasePasswordDialog()
{
    // The typed password goes with the dialog: do not leave it in the undo history.
    m_password->clear();
}

QString DatabasePasswordDialog::password() const
{
    return m_password->text();
}

bool DatabasePasswordDialog::remember() const
{
    return m_remember->isEnabled() && m_remember->isChecked();
}

QString DatabasePasswordDialog::message() const
{
    return m_why->text();
}

} // namespace isc
