// The row-vectorised input-grad kernel (see the header), AVX-512 intrinsics.
#include "core/conv_input_grad.hpp"

#include <algorithm>
#include <cassert>
#include <cstring>

#ifdef __AVX512F__
#include <immintrin.h>
#endif

namespace trainctl {

namespace {

constexpr std::size_t kLanes = 16;
// Output rows per register block, and input channels per block at most: 2 x 6 sums plus 6
// broadcast weights and 2 dy vectors fit the 32 registers, and 12 chains hide the FMA latency.
// (3 or 4 rows of 6 channels, fewer loads per FMA, spill: conv2's backward 10-12 us an image
// against 8.8-10, 1 thread, 3 rounds.)
constexpr std::size_t kRows = 2;
constexpr std::size_t kMaxChannels = 6;

// dy's copy, per out channel: K-1 zero rows above and below its OH rows, and each row K-1 zeros
// left of its OW floats and enough right of them that a 16-lane load at any tap stays inside.
std::size_t border(const ConvGeometry& g) { return g.kernel - 1; }
std::size_t padded_rows(const ConvGeometry& g) { return g.out_height + 2 * border(g); }
std::size_t padded_width(const ConvGeometry& g) { return kLanes + 2 * border(g); }

}  // namespace

bool rowvec_input_grad_fits(const ConvGeometry& g) {
#ifdef __AVX512F__
    return g.stride == 1 && (g.kernel == 3 || g.kernel == 5) && g.padding < g.kernel && g.width <= kLanes &&
           g.height >= kRows;
#else
    (void)g;
    return false;
#endif
}

std::size_t rowvec_padded_dy_size(const ConvGeometry& g, std::size_t out_channels) {
    return out_channels * padded_rows(g) * padded_width(g);
}

void rowvec_pad_dy(const ConvGeometry& g, std::size_t out_channels, const float* dy, std::size_t ld, float* dyp) {
    const std::size_t b = border(g), pr = padded_rows(g), pw = padded_width(g);
    for (std::size_t o = 0; o < out_channels; ++o)
        for (std::size_t oh = 0; oh < g.out_height; ++oh)
            std::memcpy(dyp + (o * pr + oh + b) * pw + b, dy + o * ld + oh * g.out_width, g.out_width * sizeof(float));
}

#ifdef __AVX512F__
namespace {

// Input rows y0, y0+1 of channels [c0, c0+CB): the sums over the out channels o, the taps i whose
// dy row exists for either of the two rows, and j, in that order. Lane x of the dy row's load at
// tap j is dy[o, oh, x + padding - j]; lanes past W sum zeros and are not stored.
template <std::size_t K, std::size_t CB>
void input_grad_block(const ConvGeometry& g, std::size_t oc, const float* dyp, const float* w, std::size_t c0,
                      std::size_t y0, float* dx) {
    const std::size_t pr = padded_rows(g), pw = padded_width(g), p = g.padding, oh_n = g.out_height;
    // Row y reads dy row y + p - i: the taps i in [y0 + 1 + p - OH, y0 + kRows - 1 + p] reach one.
    const std::size_t i_lo = y0 + p + 1 >= oh_n ? y0 + p + 1 - oh_n : 0;
    const std::size_t i_hi = std::min(K - 1, y0 + kRows - 1 + p);
    __m512 acc[kRows][CB];
    for (auto& row : acc)
        for (auto& v : row) v = _mm512_setzero_ps();
    for (std::size_t o = 0; o < oc; ++o) {
        const float* plane = dyp + o * pr * pw;
        const float* wo = w + (o * g.channels + c0) * K * K;
        for (std::size_t i = i_lo; i <= i_hi; ++i) {
            // dy row y0 + p - i sits at padded row y0 + p - i + K - 1, its column 0 at K - 1.
            const float* row0 = plane + (y0 + p - i + K - 1) * pw + p + K - 1;
            for (std::size_t j = 0; j < K; ++j) {
                __m512 d[kRows];
                for (std::size_t r = 0; r < kRows; ++r) d[r] = _mm512_loadu_ps(row0 + r * pw - j);
                for (std::size_t c = 0; c < CB; ++c) {
                    const __m512 wv = _mm512_set1_ps(wo[c * K * K + i * K + j]);
                    for (std::size_t r = 0; r < kRows; ++r) acc[r][c] = _mm512_fmadd_ps(d[r], wv, acc[r][c]);
                }
            }
        }
    }
    const __mmask16 row_mask = static_cast<__mmask16>((1u << g.width) - 1);
    for (std::size_t r = 0; r < kRows; ++r)
        for (std::size_t c = 0; c < CB; ++c)
            _mm512_mask_storeu_ps(dx + ((c0 + c) * g.height + y0 + r) * g.width, row_mask, acc[r][c]);
}

template <std::size_t K, std::size_t CB>
void input_grad_rows(const ConvGeometry& g, std::size_t oc, const float* dyp, const float* w, std::size_t c0,
                     float* dx) {
    // An odd last row: the last pair overlaps the one before, the same sums written twice.
    for (std::size_t y = 0; y < g.height; y += kRows)
        input_grad_block<K, CB>(g, oc, dyp, w, c0, std::min(y, g.height - kRows), dx);
}

template <std::size_t K>
void input_grad_image(const ConvGeometry& g, std::size_t oc, const float* dyp, const float* w, float* dx) {
    std::size_t c0 = 0;
    for (; c0 + kMaxChannels <= g.channels; c0 += kMaxChannels)
        input_grad_rows<K, kMaxChannels>(g, oc, dyp, w, c0, dx);
    switch (g.channels - c0) {
        case 0: break;
        case 1: input_grad_rows<K, 1>(g, oc, dyp, w, c0, dx); break;
        case 2: input_grad_rows<K, 2>(g, oc, dyp, w, c0, dx); break;
        case 3: input_grad_rows<K, 3>(g, oc, dyp, w, c0, dx); break;
        case 4: input_grad_rows<K, 4>(g, oc, dyp, w, c0, dx); break;
        default: input_grad_rows<K, 5>(g, oc, dyp, w, c0, dx); break;
    }
}

}  // namespace

void rowvec_input_grad(const ConvGeometry& g, std::size_t out_channels, const float* dyp, const float* w, float* dx) {
    assert(rowvec_input_grad_fits(g));
    if (g.kernel == 5) input_grad_image<5>(g, out_channels, dyp, w, dx);
    else input_grad_image<3>(g, out_channels, dyp, w, dx);
}
#else
void rowvec_input_grad(const ConvGeometry&, std::size_t, const float*, const float*, float*) {
    assert(false && "rowvec_input_grad_fits() is false without AVX-512");
}
#endif

}  // namespace trainctl
