#pragma once

#include <QByteArray>
#include <QString>

namespace isc::emu {

/// True when `key` is one the emulator accepts: Emulator::demoToken() or an extra key.
bool isAcceptedKey(const QByteArray& key);

/// True when an Authorization header value is "Bearer <accepted key>".
bool isAcceptedBearer(const QByteArray& authorization);

/// Accepts `keys` (one key, or several separated by commas) as well as the demo token,
/// process-wide, e.g. canary keys planted by a test through INFERSCOPE_EMULATOR_EXTRA_KEY;
/// empty removes them. The keys are never printed or logged.
void setExtraAcceptedKey(const QString& keys);

/// True when an extra key is set.
bool hasExtraAcceptedKey();

} // namespace isc::emu
