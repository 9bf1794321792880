#pragma once

#include <QString>
#include <functional>
#include <memory>

namespace isc {

/// The OS keychain as SecretStore uses it: three asynchronous calls, replaceable for tests.
/// Every `done` runs later, in the caller's thread, never inside the call.
class KeychainBackend
{
public:
    enum class Status {
        Ok,
        NotFound,   ///< the keychain works and has no such entry
        Locked,     ///< the keyring is locked and could not be unlocked (no prompt could show)
        NoKeychain, ///< no keychain service here (headless, no Secret Service on D-Bus)
        Failed      ///< anything else; `detail` says what
    };
    struct Result
    {
        Status status = Status::Ok;
        QString value;  ///< read(): the secret
        QString detail; ///< the keychain's own words for a failure
    };
    using Done = std::function<void(const Result&)>;

    virtual ~KeychainBackend();
    virtual void read(const QString& name, Done done) = 0;
    /// Stores `value` under `name`; `label` is what keychain browsers show (never the secret).
    virtual void write(const QString& name, const QString& label, const QString& value,
                       Done done) = 0;
    virtual void remove(const QString& name, Done done) = 0;

    /// The real one: QtKeychain under `service`, with the locked-keyring check on D-Bus.
    static std::unique_ptr<KeychainBackend> system(const QString& service);
};

} // namespace isc
