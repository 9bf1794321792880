#pragma once

#include <QObject>
#include <QString>
#include <QStringList>
#include <functional>
#include <memory>
#include <optional>

namespace isc {

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
    ~SecretStore() override;

    /// The store the credential providers of this process share (created on first use, owned
    /// by the application object).
    static SecretStore* shared();

    using Done = std::function<void(bool ok, const QString& error)>;

    /// Stores `value` under `name` (keychain, else memory for the session); `done` (optional)
    /// runs when written, with ok = true in both cases and `error` the session-only words.
    void write(const QString& name, const QString& value, Done done = nullptr);
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
