// Packing and unpacking zero runs; a literal run ends where three zeros start (a shorter gap
// inside a digit's stroke is cheaper kept as literals than as a new segment). Packing scans 32
// bytes at a time where AVX2 is built in: it runs as each image is inflated, and byte by byte it
// took a fifth of loading MNIST.
#include "core/data/zero_runs.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#ifdef __AVX2__
#include <immintrin.h>
#endif

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

#ifdef __AVX2__
// One bit per zero byte among the 32 at `p`.
std::uint32_t zero_bytes(const std::uint8_t* p) {
    const __m256i v = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    return static_cast<std::uint32_t>(_mm256_movemask_epi8(_mm256_cmpeq_epi8(v, _mm256_setzero_si256())));
}
#endif

// Where the zeros from `i` end: at the first nonzero pixel, kMaxRun of them, or n.
std::size_t zeros_end(const std::uint8_t* pixels, std::size_t i, std::size_t n) {
    const std::size_t limit = std::min(n, i + kMaxRun);
#ifdef __AVX2__
    for (; i + 32 <= limit; i += 32)
        if (const std::uint32_t lit = ~zero_bytes(pixels + i)) return i + static_cast<std::size_t>(__builtin_ctz(lit));
#endif
    while (i < limit && pixels[i] == 0) ++i;
    return i;
}

// Where the literals from `start` end: where a zero gap starts (zero_gap_at), kMaxRun of them, or n.
std::size_t literals_end(const std::uint8_t* pixels, std::size_t start, std::size_t n) {
    const std::size_t limit = std::min(n, start + kMaxRun);
    std::size_t i = start;
#ifdef __AVX2__
    // Windows starting at the first 30 of each 32 bytes (the shifts leave bits 30 and 31 clear):
    // their three bytes lie inside the load.
    for (; i < limit && i + 32 <= n; i += 30) {
        const std::uint32_t z = zero_bytes(pixels + i);
        if (const std::uint32_t gap = z & (z >> 1) & (z >> 2))
            return std::min(limit, i + static_cast<std::size_t>(__builtin_ctz(gap)));
    }
    if (i >= limit) return limit;
#endif
    while (i < limit && !(pixels[i] == 0 && zero_gap_at(pixels, i, n))) ++i;
    return i;
}

}  // namespace

void pack_zero_runs(const std::uint8_t* pixels, std::size_t n, std::vector<std::uint8_t>& out) {
    // Room for the worst case at once, cut back to what was written: two resizes per image, not
    // one per segment (MNIST's images have 30-40 segments).
    const std::size_t base = out.size();
    out.resize(base + packed_size_bound(n));
    std::uint8_t* dst = out.data() + base;
    std::size_t i = 0;
    do {
        const std::size_t start = zeros_end(pixels, i, n);
        const std::size_t end = literals_end(pixels, start, n);
        dst[0] = static_cast<std::uint8_t>(start - i);
        dst[1] = static_cast<std::uint8_t>(end - start);
        std::memcpy(dst + 2, pixels + start, end - start);
        dst += 2 + (end - start);
        i = end;
    } while (i < n);
    out.resize(static_cast<std::size_t>(dst - out.data()));
}

void unpack_zero_runs(const std::uint8_t* packed, std::size_t n, std::uint8_t* out) {
    std::size_t i = 0;
#if defined(__AVX512BW__) && defined(__AVX512VL__)
    // Every pixel zeroed at once, then each literal run copied 32 bytes at a time by masked loads
    // and stores, which touch no byte outside the run: MNIST's images have 30-40 runs of a few
    // bytes each, and a memset and a memcpy call per run took longer than resizing the image.
    std::memset(out, 0, n);
    do {
        i += packed[0];
        const std::size_t literals = packed[1];
        assert(i + literals <= n);
        for (std::size_t k = 0; k < literals; k += 32) {
            const auto mask = static_cast<__mmask32>(literals - k >= 32 ? ~0u : (1u << (literals - k)) - 1);
            _mm256_mask_storeu_epi8(out + i + k, mask, _mm256_maskz_loadu_epi8(mask, packed + 2 + k));
        }
        i += literals;
        packed += 2 + literals;
    } while (i < n);
#else
    do {
        const std::size_t zeros = packed[0], literals = packed[1];
        assert(i + zeros + literals <= n);
        std::memset(out + i, 0, zeros);
        i += zeros;
        std::memcpy(out + i, packed + 2, literals);
        i += literals;
        packed += 2 + literals;
    } while (i < n);
#endif
}

}  // namespace trainctl
