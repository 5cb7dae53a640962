// Rng and epoch_permutation: the draws are unbiased enough, and every sequence is reproducible.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "core/rng.hpp"

using namespace trainctl;

namespace {

std::vector<std::uint32_t> permutation(std::uint64_t seed, std::uint64_t epoch, std::size_t n) {
    std::vector<std::uint32_t> order(n);
    epoch_permutation(seed, epoch, order);
    return order;
}

}  // namespace

TEST_CASE("rng: epoch_permutation is a permutation", "[core][rng]") {
    const std::size_t n = GENERATE(0, 1, 2, 1000, 60000);
    std::vector<std::uint32_t> order = permutation(1, 3, n);
    std::vector<std::uint32_t> sorted = order;
    std::sort(sorted.begin(), sorted.end());
    std::vector<std::uint32_t> identity(n);
    std::iota(identity.begin(), identity.end(), 0u);
    CHECK(sorted == identity);
    if (n >= 1000) CHECK(order != identity);
}

TEST_CASE("rng: epoch_permutation depends on (seed, epoch) alone", "[core][rng]") {
    CHECK(permutation(42, 5, 1000) == permutation(42, 5, 1000));
    CHECK(permutation(42, 5, 1000) != permutation(42, 6, 1000));
    CHECK(permutation(42, 5, 1000) != permutation(43, 5, 1000));
    // Refilling a used vector gives the same order as a fresh one.
    std::vector<std::uint32_t> reused = permutation(9, 9, 1000);
    epoch_permutation(42, 5, reused);
    CHECK(reused == permutation(42, 5, 1000));
}

TEST_CASE("rng: below() is uniform over small bounds", "[core][rng]") {
    Rng rng(123, kStreamShuffle);
    constexpr int kBins = 10, kDraws = 100000;
    int counts[kBins] = {};
    for (int i = 0; i < kDraws; ++i) {
        std::uint32_t v = rng.below(kBins);
        REQUIRE(v < kBins);
        ++counts[v];
    }
    double chi2 = 0;
    for (int c : counts) chi2 += (c - kDraws / kBins) * (c - kDraws / kBins) / double(kDraws / kBins);
    CHECK(chi2 < 27.88);  // chi-square, 9 degrees of freedom, p = 0.001
}

TEST_CASE("rng: below() has no modulo bias for a huge bound", "[core][rng]") {
    // With bound 3*2^30, `next_u32() % bound` would land below 2^30 half the time, not a third.
    Rng rng(7, kStreamInit);
    constexpr std::uint32_t kBound = 0xC0000000u;
    int low = 0;
    constexpr int kDraws = 60000;
    for (int i = 0; i < kDraws; ++i) {
        std::uint32_t v = rng.below(kBound);
        REQUIRE(v < kBound);
        low += v < 0x40000000u;
    }
    CHECK(double(low) / kDraws == Approx(1.0 / 3).margin(0.01));
}

TEST_CASE("rng: uniform() lies in 0 <= u < 1 with mean 1/2 and variance 1/12", "[core][rng]") {
    Rng rng(5, kStreamInit);
    double sum = 0, sum2 = 0;
    constexpr int kDraws = 100000;
    for (int i = 0; i < kDraws; ++i) {
        float u = rng.uniform();
        REQUIRE(u >= 0.0f);
        REQUIRE(u < 1.0f);
        sum += u;
        sum2 += double(u) * u;
    }
    double mean = sum / kDraws;
    CHECK(mean == Approx(0.5).margin(0.005));
    CHECK(sum2 / kDraws - mean * mean == Approx(1.0 / 12).margin(0.002));
    const float v = rng.uniform(-2.0f, 3.0f);
    CHECK((v >= -2.0f && v < 3.0f));
}

TEST_CASE("rng: normal() has the requested mean and std", "[core][rng]") {
    Rng rng(11, kStreamInit);
    double sum = 0, sum2 = 0;
    constexpr int kDraws = 100000;
    for (int i = 0; i < kDraws; ++i) {
        double z = rng.normal(2.0f, 3.0f);
        REQUIRE(std::isfinite(z));
        sum += z;
        sum2 += z * z;
    }
    double mean = sum / kDraws;
    CHECK(mean == Approx(2.0).margin(0.05));
    CHECK(std::sqrt(sum2 / kDraws - mean * mean) == Approx(3.0).margin(0.05));
}

TEST_CASE("rng: seeds and streams give different sequences", "[core][rng]") {
    Rng a(1, kStreamInit), b(2, kStreamInit), c(1, kStreamShuffle), a2(1, kStreamInit);
    std::uint32_t va = a.next_u32();
    CHECK(va == a2.next_u32());
    CHECK(va != b.next_u32());
    CHECK(va != c.next_u32());
}

TEST_CASE("rng: state() and set_state() resume the exact sequence", "[core][rng]") {
    Rng rng(99, kStreamPick);
    for (int i = 0; i < 17; ++i) rng.next_u32();
    const RngState saved = rng.state();
    std::vector<float> first;
    for (int i = 0; i < 50; ++i) first.push_back(i % 2 ? rng.uniform() : rng.normal(0.0f, 1.0f));

    Rng other(1, kStreamInit);
    other.set_state(saved);
    for (int i = 0; i < 50; ++i) REQUIRE(first[i] == (i % 2 ? other.uniform() : other.normal(0.0f, 1.0f)));
}
