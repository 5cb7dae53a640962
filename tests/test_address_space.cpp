// require_address_space: under ulimit -v (RLIMIT_AS) or RLIMIT_DATA, what cannot be mapped is
// refused in one line, the BLAS buffers of the gemm threads included.
#include <catch2/catch.hpp>
#include <sys/resource.h>

#include <fstream>
#include <sstream>
#include <string>

#include "core/address_space.hpp"
#include "core/error.hpp"
#include "sanitizer.hpp"

using namespace trainctl;

// AddressSanitizer maps its shadow memory as it goes: a lowered limit would break it, not us
// (TRAINCTL_TEST_ASAN, sanitizer.hpp).

namespace {

constexpr std::uint64_t kMiB = 1 << 20;

// Lowers one soft limit to what is in use now plus `extra` for the scope, then restores it.
class ScopedLimit {
public:
    ScopedLimit(int resource, const std::string& status_key, std::uint64_t extra) : resource_(resource) {
        getrlimit(resource_, &saved_);
        rlimit lowered = saved_;
        // OpenBLAS's server threads map their buffers as they start, maybe not yet on a busy machine:
        // under a roomy limit blas_startup_shortfall waits for them, so "in use now" includes them.
        lowered.rlim_cur = proc_status_bytes(status_key) + 4096 * kMiB;
        REQUIRE(setrlimit(resource_, &lowered) == 0);
        REQUIRE(blas_startup_shortfall().empty());
        lowered.rlim_cur = proc_status_bytes(status_key) + extra;
        REQUIRE(setrlimit(resource_, &lowered) == 0);
    }
    ~ScopedLimit() { setrlimit(resource_, &saved_); }

private:
    int resource_;
    rlimit saved_{};
};

}  // namespace

#ifndef TRAINCTL_TEST_ASAN
TEST_CASE("under ulimit -v a request past the headroom is refused, the BLAS buffers counted", "[memory]") {
    ScopedLimit limit(RLIMIT_AS, "VmSize:", 64 * kMiB);
    REQUIRE(address_space_headroom() <= 64 * kMiB);
    REQUIRE_NOTHROW(require_address_space(kMiB, 0, "one MiB"));
    REQUIRE_THROWS_WITH(require_address_space(100 * kMiB, 0, "the test's arena"),
                        Catch::StartsWith("the test's arena need 100.0 MiB of address space, more than the ") &&
                            Catch::Contains("left under the address-space limit of") &&
                            Catch::EndsWith("(ulimit -v)"));
    // One MiB alone fits; with one gemm thread's OpenBLAS buffer (128 MiB) it does not.
    REQUIRE_THROWS_WITH(require_address_space(kMiB, 1, "one MiB"),
                        Catch::StartsWith("one MiB and the BLAS buffers of 1 thread(s) (--threads) need 129.0 MiB"));
    REQUIRE_THAT(out_of_memory_text(), Catch::StartsWith("out of memory: an allocation failed with ") &&
                                           Catch::EndsWith("(ulimit -v)"));
}

TEST_CASE("RLIMIT_DATA is checked against the data segment like RLIMIT_AS against VmSize", "[memory]") {
    ScopedLimit limit(RLIMIT_DATA, "VmData:", 32 * kMiB);
    REQUIRE_NOTHROW(require_address_space(kMiB, 0, "one MiB"));
    REQUIRE_THROWS_WITH(require_address_space(64 * kMiB, 0, "the test's arena"), Catch::EndsWith("(RLIMIT_DATA)"));
}
#endif
