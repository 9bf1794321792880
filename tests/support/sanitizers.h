#pragma once

// Whether this test binary was built with AddressSanitizer (the asan and ci presets), for the
// few tests that check the C library's own allocator and must QSKIP with a reason under ASan.
namespace isc::test {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
inline constexpr bool kAddressSanitizer = true;
#else
inline constexpr bool kAddressSanitizer = false;
#endif
#else
inline constexpr bool kAddressSanitizer = false;
#endif

} // namespace isc::test
