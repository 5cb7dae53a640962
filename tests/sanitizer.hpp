// Whether this test binary runs under AddressSanitizer (TRAINCTL_TEST_ASAN): ASan maps shadow
// memory as it goes and brings its own operator new, so the address-space limit tests and the
// allocation counting skip there.
#pragma once

// GCC says "built with ASan" with a macro, clang with a feature test.

#if defined(__SANITIZE_ADDRESS__)
#define TRAINCTL_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TRAINCTL_TEST_ASAN 1
#endif
#endif
