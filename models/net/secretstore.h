#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

namespace isc {

class KeychainBackend;

/// API keys, admin keys and client secrets in the OS keychain (QtKeychain, service
/// "inferscope"). When no keychain is available (no Secret Service on D-Bus, headless) a key
/// written here lives in memory for this session only, and status() says so: never a
/// plaintext file.
class SecretStore : public QObject
{
    Q_OBJECT
public:
    enum class Backend {
        Keychain,   ///< the OS keychain, falling back to memory when there is none
        SessionOnly ///< memory only (tests, or a user who wants nothing stored)
    };

    /// The keychain service name entries are stored under.
    static QString serviceName();
    /// The words shown when keys cannot be stored.
    static QString sessionOnlyMessage();

    explicit SecretStore(Backend backend = Backend::Keychain, QObject* parent = nullptr);
    /// A store on `keychain` (tests: a fake one).
    explicit SecretStore(std::unique_ptr<KeychainBackend> keychain, QObject* parent = nullptr);
    ~SecretStore() override;

    /// The store the credential providers of this process share (created on first use, owned
    /// by the application object).
    static SecretStore* shared();
    /// Makes `store` the shared one (tests); nullptr goes back to the default. Not owned.
    static void setShared(SecretStore* store);

    /// What keychain browsers show for `name`: "Inferscope: <name>" (never the secret).
    static QString defaultLabel(const QString& name);

    using Done = std::function<void(bool ok, const QString& error)>;

    /// Stores `value` under `name` (keychain, else memory for the session); `done` (optional)
    /// runs when written, with ok = true in both cases and `error` the session-only words.
    /// `label` names the connection in keychain browsers (empty: defaultLabel(name)).
    void write(const QString& name, const QString& value, Done done = nullptr,
               const QString& label = {});
    /// Removes `name` from the keychain and from memory.
    void remove(const QString& name, Done done = nullptr);

    /// Starts reading `names` from the keychain in the background so value() can answer at
    /// once; emits loaded() for each. Names already cached or being read are skipped.
    void preload(const QStringList& names);
    /// The value of `name` if known now (written this session or preloaded); nullopt when not
    /// loaded yet or absent, with `error` set to words saying which.
    std::optional<QString> value(const QString& name, QString* error = nullptr) const;
    /// True while a preload of `name` is running.
    bool isLoading(const QString& name) const;
    /// True when the keychain was read and holds no entry `name`.
    bool isAbsent(const QString& name) const;
    /// Calls `done` once `name` is not being read any more (found or not), at the latest after
    /// `timeoutMs`: in this object's thread, never inside the call, never after `context` died.
    void whenLoaded(const QString& name, QObject* context, int timeoutMs,
                    std::function<void()> done);

    /// True once the keychain was found unavailable (keys are then kept for the session).
    bool isSessionOnly() const;
    /// Empty, or words about where keys are kept (sessionOnlyMessage()).
    QString status() const;

signals:
    /// A preload of `name` finished (found or not).
    void loaded(const QString& name);
    void statusChanged(const QString& status);

private:
    struct Private;
    std::unique_ptr<Private> d;
};

} // namespace isc
