#pragma once

#include "core/workspace.h"
#include "sources/source.h"

namespace isc {

/// The bearer token the built-in emulator accepts (isc::emu::Emulator::demoToken()). Spelled
/// out here because sources must not link the emulator; it is not a secret (loopback demo).
QString demoCredential();

/// Where `connection`'s monitoring credential comes from, as a provider: an environment
/// variable, the demo constant, ... Errors are words naming the connection.
SecretProvider credentialProvider(const Connection& connection);

} // namespace isc
