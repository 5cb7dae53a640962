// Packing and unpacking zero runs; a literal run ends where three zeros start (a shorter gap
// inside a digit's stroke is cheaper kept as literals than as a new segment).
#include "core/data/zero_runs.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

namespace trainctl {
namespace {

constexpr std::size_t kMaxRun = 255;
constexpr std::size_t kMinZeroGap = 3;  // zeros that end a literal run

// Whether the zeros at `i` run for kMinZeroGap pixels or to the end.
bool zero_gap_at(const std::uint8_t* pixels, std::size_t i, std::size_t n) {
    const std::size_t end = std::min(n, i + kMinZeroGap);
    for (std::size_t j = i; j < end; ++j)
        if (pixels[j] != 0) return false;
    return true;
}

}  // namespace

void pack_zero_runs(const std::uint8_t* pixels, std::size_t n, std::vector<std::uint8_t>& out) {
    std::size_t i = 0;
    do {
        std::size_t zeros = 0;
        while (i < n && pixels[i] == 0 && zeros < kMaxRun) ++i, ++zeros;
        const std::size_t start = i;
        while (i < n && i - start < kMaxRun && !(pixels[i] == 0 && zero_gap_at(pixels, i, n))) ++i;
        out.push_back(static_cast<std::uint8_t>(zeros));
        out.push_back(static_cast<std::uint8_t>(i - start));
        out.insert(out.end(), pixels + start, pixels + i);
    } while (i < n);
}

void unpack_zero_runs(const std::uint8_t* packed, std::size_t n, std::uint8_t* out) {
    std::size_t i = 0;
    do {
        const std::size_t zeros = packed[0], literals = packed[1];
        assert(i + zeros + literals <= n);
        std::memset(out + i, 0, zeros);
        i += zeros;
        std::memcpy(out + i, packed + 2, literals);
        i += literals;
        packed += 2 + literals;
    } while (i < n);
}

}  // namespace trainctl
