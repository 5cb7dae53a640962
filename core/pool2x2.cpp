// 2x2/2 max pooling kernels: AVX2 over 8 outputs (the last step of a row overlapping the one
// before, recomputing identical values), one masked step for rows narrower than that (LeNet's
// second pool: 5 outputs a row); scalar without AVX2.
#include "core/pool2x2.hpp"

#include <algorithm>

#ifdef __AVX2__
#include <immintrin.h>
#endif

namespace trainctl {

namespace {

constexpr std::size_t kLanes = 8;

// One output by the rule in the header; the index only when kArg (inference skips it).
template <bool kArg>
inline void pool_one(const float* r0, const float* r1, std::uint32_t at, std::uint32_t w, float* y,
                     std::uint32_t* arg) {
    float best = r0[0];
    std::uint32_t best_at = at;
    const float b = r0[1], c = r1[0], d = r1[1];
    if (kArg) best_at = b > best ? at + 1 : best_at;
    best = b > best ? b : best;
    if (kArg) best_at = c > best ? at + w : best_at;
    best = c > best ? c : best;
    if (kArg) best_at = d > best ? at + w + 1 : best_at;
    best = d > best ? d : best;
    *y = best;
    if (kArg) *arg = best_at;
}

#ifdef __AVX2__
// The even and odd floats of 16 consecutive ones (lo, then hi), each in order.
inline void deinterleave(__m256 lo, __m256 hi, __m256& even, __m256& odd) {
    // shuffle_ps works within 128-bit halves: [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6]; the 64-bit
    // permute puts the pairs in order.
    even = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0x88)), 0xD8));
    odd = _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(_mm256_shuffle_ps(lo, hi, 0xDD)), 0xD8));
}

// Keeps `v` (and its index `at`) where v > best, as pool_one's selects.
inline void take_greater(__m256 v, __m256i at, __m256& best, __m256i& best_at) {
    const __m256 gt = _mm256_cmp_ps(v, best, _CMP_GT_OQ);
    best = _mm256_blendv_ps(best, v, gt);
    best_at = _mm256_castps_si256(_mm256_blendv_ps(_mm256_castsi256_ps(best_at), _mm256_castsi256_ps(at), gt));
}

// Lanes [0, n) of a vector mask (n <= 8; all lanes from 8 up).
inline __m256i first_lanes(std::size_t n) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(static_cast<int>(n)), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Loads lanes [0, n) (the rest 0), stores lanes [0, n) of v: plain loads and stores for a whole
// vector, else AVX-512's masked ones where the build has them. AMD's AVX2 vmaskmov is slow both
// ways (its store microcoded; as loads, half of pool2x2_backward's time in a LeNet5 profile).
inline __m256 load_first(const float* p, std::size_t n) {
    if (n >= kLanes) return _mm256_loadu_ps(p);
#ifdef __AVX512VL__
    return _mm256_maskz_loadu_ps(static_cast<__mmask8>((1u << n) - 1), p);
#else
    return _mm256_maskload_ps(p, first_lanes(n));
#endif
}
inline __m256i load_first(const std::uint32_t* p, std::size_t n) {
    if (n >= kLanes) return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
#ifdef __AVX512VL__
    return _mm256_maskz_loadu_epi32(static_cast<__mmask8>((1u << n) - 1), p);
#else
    return _mm256_maskload_epi32(reinterpret_cast<const int*>(p), first_lanes(n));
#endif
}
inline void store_first(float* p, __m256 v, std::size_t n) {
    if (n >= kLanes) {
        _mm256_storeu_ps(p, v);
        return;
    }
#ifdef __AVX512VL__
    _mm256_mask_storeu_ps(p, static_cast<__mmask8>((1u << std::min(n, kLanes)) - 1), v);
#else
    _mm256_maskstore_ps(p, first_lanes(n), v);
#endif
}
inline void store_first(std::uint32_t* p, __m256i v, std::size_t n) {
    if (n >= kLanes) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(p), v);
        return;
    }
#ifdef __AVX512VL__
    _mm256_mask_storeu_epi32(p, static_cast<__mmask8>((1u << std::min(n, kLanes)) - 1), v);
#else
    _mm256_maskstore_epi32(reinterpret_cast<int*>(p), first_lanes(n), v);
#endif
}

// The outputs ow..ow+7 of one row pair; with `n` < 8 (a row narrower than a vector), only the
// first n, the rest of the vectors' loads and stores masked off.
inline void pool_eight(const float* r0, const float* r1, std::uint32_t at, std::uint32_t w, float* y,
                       std::uint32_t* arg, std::size_t n = kLanes) {
    __m256 a, b, c, d;
    const std::size_t hi = 2 * n - std::min(2 * n, kLanes);  // floats in the second vector
    deinterleave(load_first(r0, 2 * n), load_first(r0 + kLanes, hi), a, b);
    deinterleave(load_first(r1, 2 * n), load_first(r1 + kLanes, hi), c, d);
    __m256 best = a;
    __m256i best_at = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(at)), _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
    const __m256i at_a = best_at;
    take_greater(b, _mm256_add_epi32(at_a, _mm256_set1_epi32(1)), best, best_at);
    take_greater(c, _mm256_add_epi32(at_a, _mm256_set1_epi32(static_cast<int>(w))), best, best_at);
    take_greater(d, _mm256_add_epi32(at_a, _mm256_set1_epi32(static_cast<int>(w + 1))), best, best_at);
    store_first(y, best, n);
    if (arg) store_first(arg, best_at, n);
}

// dx's 16 floats of one window row for 8 outputs: dy where arg picks that float, else 0 + 0;
// with `n` < 8 outputs, only their 2n floats are stored.
inline void unpool_eight_row(__m256 g, __m256i arg, __m256i left, float* dst, std::size_t n) {
    const __m256 zero = _mm256_setzero_ps();
    // 0 + g, as the cleared-then-added scalar form gives (-0 becomes +0).
    const __m256 l = _mm256_add_ps(zero, _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(arg, left)), g));
    const __m256i right = _mm256_add_epi32(left, _mm256_set1_epi32(1));
    const __m256 r = _mm256_add_ps(zero, _mm256_and_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(arg, right)), g));
    const __m256 lo = _mm256_unpacklo_ps(l, r), hi = _mm256_unpackhi_ps(l, r);  // pairs, by 128-bit half
    const __m256 first = _mm256_permute2f128_ps(lo, hi, 0x20), second = _mm256_permute2f128_ps(lo, hi, 0x31);
    store_first(dst, first, 2 * n);
    store_first(dst + kLanes, second, 2 * n - std::min(2 * n, kLanes));
}
#endif

}  // namespace

void pool2x2_forward(const Pool2x2& p, const float* src, float* y, std::uint32_t* arg) {
    const auto w = static_cast<std::uint32_t>(p.width);
    for (std::size_t oh = 0; oh < p.out_height; ++oh) {
        const float* r0 = src + 2 * oh * w;
        const float* r1 = r0 + w;
        const auto base = static_cast<std::uint32_t>(2 * oh * w);
        float* yr = y + oh * p.out_width;
        std::uint32_t* ar = arg ? arg + oh * p.out_width : nullptr;
#ifdef __AVX2__
        if (p.out_width >= kLanes) {
            for (std::size_t col = 0; col < p.out_width; col += kLanes) {
                const std::size_t c0 = col + kLanes <= p.out_width ? col : p.out_width - kLanes;
                pool_eight(r0 + 2 * c0, r1 + 2 * c0, base + static_cast<std::uint32_t>(2 * c0), w, yr + c0,
                           ar ? ar + c0 : nullptr);
            }
        } else {
            pool_eight(r0, r1, base, w, yr, ar, p.out_width);
        }
        continue;
#endif
        if (ar)
            for (std::size_t ow = 0; ow < p.out_width; ++ow)
                pool_one<true>(r0 + 2 * ow, r1 + 2 * ow, base + static_cast<std::uint32_t>(2 * ow), w, yr + ow, ar + ow);
        else
            for (std::size_t ow = 0; ow < p.out_width; ++ow)
                pool_one<false>(r0 + 2 * ow, r1 + 2 * ow, 0, w, yr + ow, nullptr);
    }
}

void pool2x2_backward(const Pool2x2& p, const float* dy, const std::uint32_t* arg, float* dx) {
    const std::size_t w = p.width;
    for (std::size_t oh = 0; oh < p.out_height; ++oh) {
        float* r0 = dx + 2 * oh * w;
        float* r1 = r0 + w;
        const auto base = static_cast<std::uint32_t>(2 * oh * w);
        const float* g = dy + oh * p.out_width;
        const std::uint32_t* a = arg + oh * p.out_width;
#ifdef __AVX2__
        for (std::size_t col = 0; col < p.out_width; col += kLanes) {
            // Rows of 8 outputs or more in whole steps (the last overlapping the one before),
            // narrower ones in one masked step.
            const std::size_t n = std::min(p.out_width, kLanes);
            const std::size_t c0 = col + n <= p.out_width ? col : p.out_width - n;
            const __m256 gv = load_first(g + c0, n);
            const __m256i av = load_first(a + c0, n);
            const __m256i left = _mm256_add_epi32(_mm256_set1_epi32(static_cast<int>(base + 2 * c0)),
                                                  _mm256_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14));
            unpool_eight_row(gv, av, left, r0 + 2 * c0, n);
            unpool_eight_row(gv, av, _mm256_add_epi32(left, _mm256_set1_epi32(static_cast<int>(w))), r1 + 2 * c0, n);
        }
        continue;
#endif
        for (std::size_t ow = 0; ow < p.out_width; ++ow) {
            const std::size_t at = 2 * ow;
            r0[at] = r0[at + 1] = r1[at] = r1[at + 1] = 0.0f;
            dx[a[ow]] += g[ow];
        }
    }
}

}  // namespace trainctl
