#pragma once

#include "store/storetypes.h"

#include <QString>
#include <functional>
#include <optional>

namespace isc {
class SecretStore;
}

namespace isc::app {

/// The password of a PostgreSQL history, from the keychain: read before the store opens, asked
/// for when the server refuses it, stored when the user wants it remembered. Precedence: the
/// keychain entry databaseSecretName(address), then PGPASSWORD, then ~/.pgpass (libpq reads
/// those two itself when no password is handed in). Never the workspace file.
class DatabasePassword
{
public:
    /// What keychain browsers show for the entry of `address` (never the password).
    static QString label(const QString& address);

    /// `base` with the keychain's password for `address` (read through `secrets`, waiting at
    /// most `timeoutMs` in a local event loop) and words saying where it was looked for;
    /// `base` unchanged for a file or without `secrets`.
    static StoreSettings settingsFor(const QString& address, SecretStore* secrets,
                                     StoreSettings base = {}, int timeoutMs = 30000);

    /// What the user typed when asked.
    struct Answer
    {
        QString password;
        bool remember = false; ///< store it in the keychain once the server took it
    };
    /// Asks for the password, showing `why` (the last failure in words); nullopt: cancelled.
    using Ask = std::function<std::optional<Answer>(const QString& why)>;
    /// Opens a store with the given settings and says how it went.
    using Open = std::function<OpenReport(const StoreSettings& settings)>;

    /// After `failed` (an open whose password was refused): asks until `open` succeeds, fails
    /// for another reason or the user cancels, and returns the last report. A password the
    /// server took is written to `secrets` under the address's entry when asked to; a refused
    /// one never is.
    static OpenReport prompt(const QString& address, const StoreSettings& base,
                             const OpenReport& failed, const Ask& ask, const Open& open,
                             SecretStore* secrets);
};

} // namespace isc::app
