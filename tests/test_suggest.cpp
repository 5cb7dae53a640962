// "Did you mean": typos find their word, unrelated words find nothing.
#include <catch2/catch.hpp>

#include "core/suggest.hpp"

using trainctl::closest_name;

TEST_CASE("closest_name finds one-letter typos and swapped neighbours", "[suggest]") {
    const std::vector<std::string> subcommands{"train", "resume", "ckpt", "eval", "infer", "export"};
    CHECK(closest_name("trian", subcommands) == "train");
    CHECK(closest_name("evl", subcommands) == "eval");
    CHECK(closest_name("exprot", subcommands) == "export");
    const std::vector<std::string> flags{"--epochs", "--batch-size", "--lr", "--out", "--split"};
    CHECK(closest_name("--epoch", flags) == "--epochs");
    CHECK(closest_name("--batchsize", flags) == "--batch-size");
    CHECK(closest_name("--splt", flags) == "--split");
}

TEST_CASE("closest_name allows a third of the letters to differ, dashes not counted", "[suggest]") {
    const std::vector<std::string> flags{"--epochs", "--out", "--lr"};
    CHECK(closest_name("--bogus", flags).empty());          // 3 edits from --out, 5 letters
    CHECK(closest_name("--learning-rate", flags).empty());
    CHECK(closest_name("x", {"y"}) == "y");                 // one letter may always be wrong
    CHECK(closest_name("anything", {}).empty());
}

TEST_CASE("closest_name prefers the nearest candidate", "[suggest]") {
    CHECK(closest_name("keep_mx", {"keep_max", "keep_best"}) == "keep_max");
    CHECK(closest_name("input.szie", {"input.size", "input.std"}) == "input.size");
}
