// Zero-run packing: every kind of image round trips exactly, and MNIST-like ones shrink.
#include <catch2/catch.hpp>
#include <algorithm>

#include "core/data/zero_runs.hpp"
#include "core/rng.hpp"

using namespace trainctl;

namespace {

std::vector<std::uint8_t> round_trip(const std::vector<std::uint8_t>& pixels, std::size_t* packed_size = nullptr) {
    std::vector<std::uint8_t> packed = {7};  // appended after what is there
    pack_zero_runs(pixels.data(), pixels.size(), packed);
    if (packed_size) *packed_size = packed.size() - 1;
    std::vector<std::uint8_t> out(pixels.size(), 0xab);
    unpack_zero_runs(packed.data() + 1, pixels.size(), out.data());
    return out;
}

// The packer as first written, byte by byte: the scanning one must pack exactly as it did.
void zero_runs_reference_pack(const std::uint8_t* pixels, std::size_t n, std::vector<std::uint8_t>& out) {
    auto gap_at = [&](std::size_t i) {
        for (std::size_t j = i; j < std::min(n, i + 3); ++j)
            if (pixels[j] != 0) return false;
        return true;
    };
    std::size_t i = 0;
    do {
        std::size_t zeros = 0;
        while (i < n && pixels[i] == 0 && zeros < 255) ++i, ++zeros;
        const std::size_t start = i;
        while (i < n && i - start < 255 && !(pixels[i] == 0 && gap_at(i))) ++i;
        out.push_back(static_cast<std::uint8_t>(zeros));
        out.push_back(static_cast<std::uint8_t>(i - start));
        out.insert(out.end(), pixels + start, pixels + i);
    } while (i < n);
}

}  // namespace

TEST_CASE("zero runs: edge cases round trip", "[core][zero_runs]") {
    for (std::size_t n : {1u, 2u, 3u, 254u, 255u, 256u, 511u, 784u, 1000u}) {
        INFO(n);
        const std::vector<std::uint8_t> zeros(n, 0), full(n, 200);
        std::size_t size = 0;
        CHECK(round_trip(zeros, &size) == zeros);
        CHECK(size <= 2 * (n / 255 + 1));  // all zeros
        CHECK(round_trip(full, &size) == full);
        CHECK(size <= packed_size_bound(n));
        std::vector<std::uint8_t> alternating(n), gaps(n);
        for (std::size_t i = 0; i < n; ++i) {
            alternating[i] = static_cast<std::uint8_t>(i % 2 ? 9 : 0);
            gaps[i] = static_cast<std::uint8_t>(i % 5 < 2 ? 1 + i % 250 : 0);
        }
        CHECK(round_trip(alternating) == alternating);
        CHECK(round_trip(gaps) == gaps);
    }
}

TEST_CASE("zero runs: random sparse images round trip and shrink", "[core][zero_runs]") {
    Rng rng(5, 0);
    std::size_t total = 0, packed_total = 0;
    for (int k = 0; k < 200; ++k) {
        std::vector<std::uint8_t> img(28 * 28, 0);
        // A blob of strokes in the middle, like a digit: ~20% of the pixels lit.
        for (std::size_t r = 6; r < 22; ++r)
            for (std::size_t c = 8 + rng.below(4); c < 20 - rng.below(4); ++c)
                if (rng.below(10) < 7) img[r * 28 + c] = static_cast<std::uint8_t>(1 + rng.below(255));
        std::size_t size = 0;
        REQUIRE(round_trip(img, &size) == img);
        total += img.size();
        packed_total += size;
    }
    CHECK(packed_total * 2 < total);
}

TEST_CASE("zero runs: the 32-byte scan packs byte for byte as the reference packer", "[core][zero_runs]") {
    Rng rng(11, 0);
    // Densities from all zeros to all lit, runs long and short, sizes around the 32-byte loads
    // and the 255-byte segment limit.
    for (int k = 0; k < 3000; ++k) {
        const std::size_t n = 1 + rng.below(k % 3 == 0 ? 1100 : 100);
        const std::uint32_t lit_per_64 = rng.below(65);
        const std::uint32_t run = 1 + rng.below(k % 2 ? 3 : 300);
        std::vector<std::uint8_t> img(n, 0);
        for (std::size_t i = 0; i < n;) {
            const bool lit = rng.below(64) < lit_per_64;
            for (std::size_t j = 0; j < run && i < n; ++j, ++i) img[i] = lit ? static_cast<std::uint8_t>(1 + rng.below(255)) : 0;
        }
        std::vector<std::uint8_t> fast = {3}, reference = {3};
        pack_zero_runs(img.data(), n, fast);
        zero_runs_reference_pack(img.data(), n, reference);
        INFO("n " << n << ", lit/64 " << lit_per_64 << ", run " << run);
        REQUIRE(fast == reference);
        // The bound pack_zero_runs() sizes its output by (the one documented before was 1 short
        // of this input's: a 14-literal run, then a last lone zero: 18 bytes for 15 pixels).
        REQUIRE(fast.size() - 1 <= packed_size_bound(n));
    }
}
