// shortest_float_text: the shortest decimal that reads back as the same float; plain words for
// the non-finite values a diverged loss prints.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdlib>
#include <limits>

#include "core/float_text.hpp"

using trainctl::shortest_float_text;

TEST_CASE("floats print as the shortest text that reads back exactly", "[float_text]") {
    REQUIRE(shortest_float_text(0.01f) == "0.01");
    REQUIRE(shortest_float_text(0.1f) == "0.1");
    REQUIRE(shortest_float_text(0.001f) == "0.001");
    for (float v : {1e-30f, 3.14159274f, 0.9999999f, 123456.789f, -7.25e10f})
        REQUIRE(std::strtof(shortest_float_text(v).c_str(), nullptr) == v);
}

TEST_CASE("non-finite floats print as nan, inf and -inf, never -nan", "[float_text]") {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    REQUIRE(shortest_float_text(nan) == "nan");
    REQUIRE(shortest_float_text(-nan) == "nan");
    REQUIRE(shortest_float_text(std::numeric_limits<float>::infinity()) == "inf");
    REQUIRE(shortest_float_text(-std::numeric_limits<float>::infinity()) == "-inf");
}
