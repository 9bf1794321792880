#pragma once

#include "core/workspace.h"
#include "sources/source.h"

#include <QStringList>
#include <QUrl>

namespace isc {

class SecretStore;

/// The bearer token the built-in emulator accepts (isc::emu::Emulator::demoToken()). Spelled
/// out here because sources must not link the emulator; it is not a secret (loopback demo).
QString demoCredential();

/// How long a request waits for its credential (a keychain read, a sign-in), ms.
constexpr int kCredentialWaitMs = 30000;

/// Calls `ready` once a credential can answer without waiting, at the latest after `timeoutMs`
/// (the credential then answers with words saying what it still waits for). `ready` runs in
/// `context`'s thread, never inside the call and never after `context` died.
using CredentialWait =
    std::function<void(QObject* context, int timeoutMs, std::function<void()> ready)>;

/// A credential as a request needs it: the secret, asked for at once, and a way to wait until
/// it is there (keys in the keychain and sign-ins arrive in the background).
struct Credential
{
    SecretProvider secret;
    CredentialWait whenReady;
};

/// Where `connection`'s monitoring credential comes from: an environment variable, the OS
/// keychain (read ahead), the demo constant, an Entra ID client-credentials sign-in or the az
/// CLI login (auth.method). Tokens are for `resource` (default: the connection's management
/// endpoint; pass the Log Analytics or metrics endpoint for their tokens). Errors are words
/// that do not repeat the connection's name (the caller names it). Keychain entries come from
/// `store` (default SecretStore::shared()).
Credential connectionCredential(const Connection& connection, SecretStore* store = nullptr,
                                const QUrl& resource = {});

/// connectionCredential(connection, store).secret.
SecretProvider credentialProvider(const Connection& connection, SecretStore* store = nullptr);

/// The playground's inference key (`inferenceCredential`), with its wait.
Credential inferenceCredential(const Connection& connection, SecretStore* store = nullptr);

/// inferenceCredential(connection, store).secret.
SecretProvider inferenceCredentialProvider(const Connection& connection,
                                           SecretStore* store = nullptr);

/// One secret reference (no sign-in): env, keychain or demo, with its wait.
Credential secretRefCredential(const SecretRef& ref, SecretStore* store = nullptr);

/// secretRefCredential(ref, store).secret (`who` is no longer part of the words).
SecretProvider secretRefProvider(const SecretRef& ref, const QString& who,
                                 SecretStore* store = nullptr);

/// The hosts `connection`'s keys may be sent to: those of its management endpoint and its
/// endpoint (lower-case). Put them in HttpRequest::credentialHosts.
QStringList credentialHosts(const Connection& connection);

/// A secret asked for on behalf of a request to `target`.
using ScopedSecretProvider = std::function<QString(const QUrl& target, QString* error)>;

/// Wraps `secret` so it is only handed out for URLs on credentialHosts(connection): a key is
/// sent only to the hosts of its own connection.
ScopedSecretProvider scopedToConnection(const Connection& connection, SecretProvider secret);

} // namespace isc
