// require_memory: refuses what cannot fit, before anything is allocated.
#include <catch2/catch.hpp>
#include <limits>

#include "core/error.hpp"
#include "core/memory.hpp"
#include "core/params.hpp"

using namespace trainctl;

TEST_CASE("sizes print in binary units with one decimal", "[memory]") {
    REQUIRE(format_size(0) == "0 B");
    REQUIRE(format_size(1023) == "1023 B");
    REQUIRE(format_size(250982) == "245.1 KiB");
    REQUIRE(format_size(34896609280ull) == "32.5 GiB");
}

TEST_CASE("a request larger than the available memory is refused, naming it", "[memory]") {
    const std::uint64_t available = available_memory_bytes();
    REQUIRE(available > 0);  // Linux always has /proc/meminfo
    REQUIRE_NOTHROW(require_memory(1 << 20, "one MiB"));
    REQUIRE_THROWS_WITH(require_memory(available + (1ull << 30), "the test's arena"),
                        Catch::StartsWith("the test's arena need ") &&
                            Catch::Contains("GiB of memory available"));
}

TEST_CASE("a parameter set too large for memory throws instead of allocating", "[memory]") {
    ParamSet params;
    params.declare("w", Shape{std::numeric_limits<std::uint32_t>::max(), 1024});  // 16 TiB of floats
    REQUIRE_THROWS_AS(params.allocate(), Error);
    REQUIRE_FALSE(params.allocated());
}
