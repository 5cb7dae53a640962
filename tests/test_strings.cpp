// core/strings.hpp: the prefix and suffix tests shared by checkpoint names, IDX, run locks and flags.
#include <catch2/catch.hpp>

#include "core/strings.hpp"

using namespace trainctl;

TEST_CASE("strings: starts_with and ends_with", "[core]") {
    CHECK(starts_with("--data", "--"));
    CHECK(starts_with("abc", ""));
    CHECK_FALSE(starts_with("-", "--"));
    CHECK(ends_with("a-1_6.ckpt", ".ckpt"));
    CHECK(ends_with(".ckpt", ".ckpt"));
    CHECK(ends_with("x", ""));
    CHECK_FALSE(ends_with("ckpt", ".ckpt"));
    CHECK_FALSE(ends_with("a.ckpt.tmp", ".ckpt"));
}
