#pragma once

#include <QByteArray>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace isc::fuzz {

/// libFuzzer's bytes as a QByteArray without a copy: the buffer ends exactly at `size`, so a
/// read past the end (or a reliance on a terminating NUL) is an AddressSanitizer report.
inline QByteArray bytes(const uint8_t* data, size_t size)
{
    return QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
}

/// Aborts (a libFuzzer crash) when a parser's own contract does not hold.
inline void check(bool condition, const char* what)
{
    if (!condition) {
        std::fprintf(stderr, "fuzz contract broken: %s\n", what);
        std::abort();
    }
}

} // namespace isc::fuzz
