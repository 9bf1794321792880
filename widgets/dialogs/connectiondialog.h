#pragma once

#include "core/workspace.h"

#include <QDialog>
#include <memory>

namespace isc {

/// Adds or edits one connection of any kind. Fields follow the kind; what is entered is
/// checked with the workspace's own rules before the dialog accepts. A key typed here is
/// handed back (keyForCredential()) for the OS keychain and never written anywhere else.
class ConnectionDialog : public QDialog
{
    Q_OBJECT
public:
    /// `existingIds`: ids already taken (an edited connection's own id excluded).
    ConnectionDialog(const Connection& connection, const QStringList& existingIds,
                     QWidget* parent = nullptr);
    ~ConnectionDialog() override;

    /// The connection as entered (valid once accepted).
    Connection connection() const;
    /// The monitoring key typed for the keychain, empty when none was typed.
    QString keyForCredential() const;
    /// The inference key typed for the keychain, empty when none was typed.
    QString keyForInference() const;
    /// Checks what is entered; empty when valid, else one line of words.
    QString validationError() const;

    void accept() override;

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
