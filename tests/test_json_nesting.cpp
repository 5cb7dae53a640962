// JSON nesting pre-scan: only brackets outside strings count, escapes included; the limit is exact.
#include <catch2/catch.hpp>
#include <string>

#include "core/json_nesting.hpp"

using namespace trainctl;

TEST_CASE("json nesting: the deepest bracket sets the depth", "[core][json]") {
    const std::string four_deep = R"({"a":[1,{"b":[]}],"c":{}})";
    REQUIRE_FALSE(json_nests_deeper_than(four_deep, 4));
    REQUIRE(json_nests_deeper_than(four_deep, 3));
    REQUIRE_FALSE(json_nests_deeper_than("[][][][]", 1));
    REQUIRE_FALSE(json_nests_deeper_than("", 0));
    REQUIRE(json_nests_deeper_than(std::string(1 << 20, '[')));  // a megabyte of '[' stops at the limit
    REQUIRE_FALSE(json_nests_deeper_than(std::string(kJsonMaxNesting, '[')));
}

TEST_CASE("json nesting: brackets inside strings do not count", "[core][json]") {
    REQUIRE_FALSE(json_nests_deeper_than(R"(["[[[[{{{{"])", 1));
    REQUIRE_FALSE(json_nests_deeper_than(R"(["a \"[[[[ quoted"])", 1));
    REQUIRE(json_nests_deeper_than(R"(["a\\",[[]]])", 2));  // an escaped backslash ends the string
}
