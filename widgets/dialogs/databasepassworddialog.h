#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;

namespace isc {

/// Asks for the password of a history database the server refused (or wanted and found
/// nowhere), echo off, offering to remember it in the keychain. The password stays in memory.
class DatabasePasswordDialog : public QDialog
{
    Q_OBJECT
public:
    /// `address` without any password; `why` the failure in words; `canRemember` false when
    /// there is no keychain here (the box is then off and says so).
    DatabasePasswordDialog(const QString& address, const QString& why, bool canRemember,
                           QWidget* parent = nullptr);
    ~DatabasePasswordDialog() override;

    QString password() const;
    /// True when the password is to be stored in the keychain once the server took it.
    bool remember() const;

    QLineEdit* passwordEdit() const { return m_password; }
    QCheckBox* rememberBox() const { return m_remember; }
    QDialogButtonBox* buttons() const { return m_buttons; }
    /// The words shown above the field (the failure).
    QString message() const;

private:
    QLabel* m_why = nullptr;
    QLineEdit* m_password = nullptr;
    QCheckBox* m_remember = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace isc
