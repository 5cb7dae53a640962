// Whether this test binary runs under AddressSanitizer, and how much slower CPU-time limits must be
// there (its checks cost 2-5x on header parsing): the limits still catch a quadratic pass.
#pragma once

// GCC says "built with ASan" with a macro, clang with a feature test.

#if defined(__SANITIZE_ADDRESS__)
#define TRAINCTL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRAINCTL_TEST_ASAN 1
#endif
#endif

namespace trainctl::testing {
#ifdef TRAINCTL_TEST_ASAN
constexpr double kCpuScale = 10;
#else
constexpr double kCpuScale = 1;
#endif
}  // namespace trainctl::testing
