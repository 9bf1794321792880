#pragma once

#include <QString>

namespace isc::storeimpl {

/// Reads the write-ahead log `walPath` (SQLite's format: a 32-byte header, then frames of a
/// 24-byte header and a page) the way SQLite replays it, and says in words why SQLite would drop
/// frames that a finished write left there: a header that is not valid (magic, version, page size,
/// checksum) with frames behind it, a first frame that does not belong to the header (salt) or
/// fails its checksum, or a bad frame followed by more. Empty when the log is absent, empty, sound,
/// or ends in what a crash leaves (a torn last frame, frames of an older generation).
QString walDamage(const QString& walPath);

} // namespace isc::storeimpl
