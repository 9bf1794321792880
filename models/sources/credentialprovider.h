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

/// Where `connection`'s monitoring credential comes from, as a provider: an environment
/// variable, the OS keychain (read ahead, so the call never blocks), the demo constant, an
/// Entra ID client-credentials sign-in or the az CLI login (auth.method). Errors are words
/// naming the connection. Keychain entries come from `store` (default SecretStore::shared()).
SecretProvider credentialProvider(const Connection& connection, SecretStore* store = nullptr);

/// The same for the playground's inference key (`inferenceCredential`).
SecretProvider inferenceCredentialProvider(const Connection& connection,
                                           SecretStore* store = nullptr);

/// The provider for one secret reference (no sign-in): env, keychain or demo.
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
