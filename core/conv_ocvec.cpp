// The out-channel-vectorised direct convolution kernels (see the header), AVX2+FMA intrinsics.
#include "core/conv_ocvec.hpp"

#include <algorithm>
#include <cassert>

#if defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>
#define TRAINCTL_OCVEC 1
#endif

namespace trainctl {

bool ocvec_available() {
#ifdef TRAINCTL_OCVEC
    return true;
#else
    return false;
#endif
}

bool ocvec_fits(const ConvGeometry& g, std::size_t out_channels) {
    return ocvec_available() && g.stride == 1 && (g.kernel == 3 || g.kernel == 5) && out_channels % kOcvecLanes == 0 &&
           g.out_width >= kOcvecPositions && g.col_cols() >= kOcvecLanes;
}

void ocvec_pack_weights(const ConvGeometry& g, std::size_t out_channels, const float* w, float* wt) {
    const std::size_t taps = g.col_rows();
    for (std::size_t o = 0; o < out_channels; ++o)
        for (std::size_t t = 0; t < taps; ++t) wt[t * out_channels + o] = w[o * taps + t];
}

#ifdef TRAINCTL_OCVEC
namespace {

constexpr std::size_t kP = kOcvecPositions;

// V vectors of out channels [o0, o0 + 8V) for the kP outputs (oh, ow0..ow0+kP) of one image.
// The taps run c, i, j with the sums in registers throughout; j innermost reuses the row's
// broadcasts' cache line.
template <std::size_t K, std::size_t V>
void forward_block(const ConvGeometry& g, std::size_t oc, std::size_t o0, const float* xp, const float* wt,
                   const float* bias, std::size_t oh, std::size_t ow0, float* tile) {
    const std::size_t ph = g.padded_height(), pw = g.padded_width();
    __m256 acc[kP][V];
    for (std::size_t v = 0; v < V; ++v) {
        const __m256 b = bias ? _mm256_loadu_ps(bias + o0 + 8 * v) : _mm256_setzero_ps();
        for (std::size_t p = 0; p < kP; ++p) acc[p][v] = b;
    }
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t i = 0; i < K; ++i) {
            const float* src = xp + (c * ph + oh + i) * pw + ow0;
            const float* wr = wt + ((c * K + i) * K) * oc + o0;
            for (std::size_t j = 0; j < K; ++j) {
                __m256 wv[V];
                for (std::size_t v = 0; v < V; ++v) wv[v] = _mm256_loadu_ps(wr + j * oc + 8 * v);
                for (std::size_t p = 0; p < kP; ++p) {
                    const __m256 xv = _mm256_broadcast_ss(src + p + j);
                    for (std::size_t v = 0; v < V; ++v) acc[p][v] = _mm256_fmadd_ps(xv, wv[v], acc[p][v]);
                }
            }
        }
    for (std::size_t p = 0; p < kP; ++p)
        for (std::size_t v = 0; v < V; ++v)
            _mm256_storeu_ps(tile + (oh * g.out_width + ow0 + p) * oc + o0 + 8 * v, acc[p][v]);
}

#ifdef __AVX512F__
// With AVX-512 a group of 16 out channels is one vector: each block covers two output rows
// (oh0, oh0+1) of kP outputs, 10 independent sums again, one weight load per tap. Every output
// sums the same taps in the same order as forward_block, so the results are the same bits.
template <std::size_t K>
void forward_block16(const ConvGeometry& g, std::size_t oc, std::size_t o0, const float* xp, const float* wt,
                     const float* bias, std::size_t oh0, std::size_t ow0, float* tile) {
    const std::size_t ph = g.padded_height(), pw = g.padded_width();
    const __m512 b = bias ? _mm512_loadu_ps(bias + o0) : _mm512_setzero_ps();
    __m512 acc[2][kP];
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t p = 0; p < kP; ++p) acc[r][p] = b;
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t i = 0; i < K; ++i) {
            const float* src = xp + (c * ph + oh0 + i) * pw + ow0;
            const float* wr = wt + ((c * K + i) * K) * oc + o0;
            for (std::size_t j = 0; j < K; ++j) {
                const __m512 wv = _mm512_loadu_ps(wr + j * oc);
                for (std::size_t r = 0; r < 2; ++r)
                    for (std::size_t p = 0; p < kP; ++p)
                        acc[r][p] = _mm512_fmadd_ps(_mm512_set1_ps(src[r * pw + p + j]), wv, acc[r][p]);
            }
        }
    for (std::size_t r = 0; r < 2; ++r)
        for (std::size_t p = 0; p < kP; ++p)
            _mm512_storeu_ps(tile + ((oh0 + r) * g.out_width + ow0 + p) * oc + o0, acc[r][p]);
}
#endif

template <std::size_t K>
void forward_image(const ConvGeometry& g, std::size_t oc, const float* xp, const float* wt, const float* bias,
                   float* tile) {
#ifdef __AVX512F__
    if (oc % 16 == 0 && g.out_height >= 2) {
        // The last pair of rows and the last block of a row overlap the ones before: identical
        // sums, written twice.
        for (std::size_t row = 0; row < g.out_height; row += 2)
            for (std::size_t col = 0; col < g.out_width; col += kP)
                for (std::size_t o = 0; o < oc; o += 16)
                    forward_block16<K>(g, oc, o, xp, wt, bias, std::min(row, g.out_height - 2),
                                       std::min(col, g.out_width - kP), tile);
        return;
    }
#endif
    for (std::size_t oh = 0; oh < g.out_height; ++oh)
        for (std::size_t col = 0; col < g.out_width; col += kP) {
            // The last block of a row overlaps the one before: identical sums, written twice.
            const std::size_t ow0 = std::min(col, g.out_width - kP);
            std::size_t o = 0;
            for (; o + 16 <= oc; o += 16) forward_block<K, 2>(g, oc, o, xp, wt, bias, oh, ow0, tile);
            if (o < oc) forward_block<K, 1>(g, oc, o, xp, wt, bias, oh, ow0, tile);
        }
}

// The weight grad rows (c, i, j=0..K) for out channels [o0, o0 + 8V): K*V sums in registers
// over all the image's outputs, the dy vectors shared by the K taps of the row.
template <std::size_t K, std::size_t V>
void weight_grad_row(const ConvGeometry& g, std::size_t oc, std::size_t o0, const float* xp, const float* dyt,
                     std::size_t c, std::size_t i, float* gwt) {
    const std::size_t ph = g.padded_height(), pw = g.padded_width();
    __m256 acc[K][V];
    for (std::size_t j = 0; j < K; ++j)
        for (std::size_t v = 0; v < V; ++v) acc[j][v] = _mm256_setzero_ps();
    // One do-while over the outputs (there are some: ocvec_fits), stepping to the next input row
    // by hand: with a loop that might run zero times GCC 12 kept the sums on the stack as well,
    // a store after every FMA (2x slower).
    const float* src = xp + (c * ph + i) * pw;
    const std::size_t ow_n = g.out_width, p_n = g.col_cols();
    std::size_t p = 0, ow = 0;
    do {
        __m256 dv[V];
        for (std::size_t v = 0; v < V; ++v) dv[v] = _mm256_loadu_ps(dyt + p * oc + o0 + 8 * v);
        for (std::size_t j = 0; j < K; ++j) {
            const __m256 xv = _mm256_broadcast_ss(src + ow + j);
            for (std::size_t v = 0; v < V; ++v) acc[j][v] = _mm256_fmadd_ps(xv, dv[v], acc[j][v]);
        }
        if (++ow == ow_n) {
            ow = 0;
            src += pw;
        }
    } while (++p < p_n);
    for (std::size_t j = 0; j < K; ++j)
        for (std::size_t v = 0; v < V; ++v) {
            float* out = gwt + ((c * K + i) * K + j) * oc + o0 + 8 * v;
            _mm256_storeu_ps(out, _mm256_add_ps(_mm256_loadu_ps(out), acc[j][v]));
        }
}

#ifdef __AVX512F__
// With AVX-512: the weight grads of all K x K taps of channel c for a group of 16 out channels,
// K*K sums in registers over the image's outputs (25 for 5x5), one dy vector per output shared
// by all of them. Each sum runs over the outputs in the same order as weight_grad_row's.
template <std::size_t K>
void weight_grad_channel16(const ConvGeometry& g, std::size_t oc, std::size_t o0, const float* xp, const float* dyt,
                           std::size_t c, float* gwt) {
    const std::size_t ph = g.padded_height(), pw = g.padded_width();
    __m512 acc[K][K];
    for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) acc[i][j] = _mm512_setzero_ps();
    // A do-while that steps rows by hand, as in weight_grad_row: GCC keeps the sums in registers.
    const float* src = xp + c * ph * pw;
    const std::size_t ow_n = g.out_width, p_n = g.col_cols();
    std::size_t p = 0, ow = 0;
    do {
        const __m512 dv = _mm512_loadu_ps(dyt + p * oc + o0);
        for (std::size_t i = 0; i < K; ++i)
            for (std::size_t j = 0; j < K; ++j)
                acc[i][j] = _mm512_fmadd_ps(_mm512_set1_ps(src[i * pw + ow + j]), dv, acc[i][j]);
        if (++ow == ow_n) {
            ow = 0;
            src += pw;
        }
    } while (++p < p_n);
    for (std::size_t i = 0; i < K; ++i)
        for (std::size_t j = 0; j < K; ++j) {
            float* out = gwt + ((c * K + i) * K + j) * oc + o0;
            _mm512_storeu_ps(out, _mm512_add_ps(_mm512_loadu_ps(out), acc[i][j]));
        }
}
#endif

template <std::size_t K>
void weight_grad_image(const ConvGeometry& g, std::size_t oc, const float* xp, const float* dyt, float* gwt) {
#ifdef __AVX512F__
    if (oc % 16 == 0) {
        for (std::size_t c = 0; c < g.channels; ++c)
            for (std::size_t o = 0; o < oc; o += 16) weight_grad_channel16<K>(g, oc, o, xp, dyt, c, gwt);
        return;
    }
#endif
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t i = 0; i < K; ++i) {
            std::size_t o = 0;
            for (; o + 16 <= oc; o += 16) weight_grad_row<K, 2>(g, oc, o, xp, dyt, c, i, gwt);
            if (o < oc) weight_grad_row<K, 1>(g, oc, o, xp, dyt, c, i, gwt);
        }
}

// The 8x8 block at src (rows ld_src apart) transposed into dst (rows ld_dst apart).
inline void transpose8(const float* src, std::size_t ld_src, float* dst, std::size_t ld_dst, bool relu) {
    __m256 r[8];
    for (std::size_t k = 0; k < 8; ++k) r[k] = _mm256_loadu_ps(src + k * ld_src);
    if (relu)  // max(0, v) returns v when v is NaN (the second operand): NaN passes, as in relu.cpp
        for (auto& v : r) v = _mm256_max_ps(_mm256_setzero_ps(), v);
    const __m256 t0 = _mm256_unpacklo_ps(r[0], r[1]), t1 = _mm256_unpackhi_ps(r[0], r[1]);
    const __m256 t2 = _mm256_unpacklo_ps(r[2], r[3]), t3 = _mm256_unpackhi_ps(r[2], r[3]);
    const __m256 t4 = _mm256_unpacklo_ps(r[4], r[5]), t5 = _mm256_unpackhi_ps(r[4], r[5]);
    const __m256 t6 = _mm256_unpacklo_ps(r[6], r[7]), t7 = _mm256_unpackhi_ps(r[6], r[7]);
    const __m256 u0 = _mm256_shuffle_ps(t0, t2, 0x44), u1 = _mm256_shuffle_ps(t0, t2, 0xEE);
    const __m256 u2 = _mm256_shuffle_ps(t1, t3, 0x44), u3 = _mm256_shuffle_ps(t1, t3, 0xEE);
    const __m256 u4 = _mm256_shuffle_ps(t4, t6, 0x44), u5 = _mm256_shuffle_ps(t4, t6, 0xEE);
    const __m256 u6 = _mm256_shuffle_ps(t5, t7, 0x44), u7 = _mm256_shuffle_ps(t5, t7, 0xEE);
    _mm256_storeu_ps(dst + 0 * ld_dst, _mm256_permute2f128_ps(u0, u4, 0x20));
    _mm256_storeu_ps(dst + 1 * ld_dst, _mm256_permute2f128_ps(u1, u5, 0x20));
    _mm256_storeu_ps(dst + 2 * ld_dst, _mm256_permute2f128_ps(u2, u6, 0x20));
    _mm256_storeu_ps(dst + 3 * ld_dst, _mm256_permute2f128_ps(u3, u7, 0x20));
    _mm256_storeu_ps(dst + 4 * ld_dst, _mm256_permute2f128_ps(u0, u4, 0x31));
    _mm256_storeu_ps(dst + 5 * ld_dst, _mm256_permute2f128_ps(u1, u5, 0x31));
    _mm256_storeu_ps(dst + 6 * ld_dst, _mm256_permute2f128_ps(u2, u6, 0x31));
    _mm256_storeu_ps(dst + 7 * ld_dst, _mm256_permute2f128_ps(u3, u7, 0x31));
}

}  // namespace

void ocvec_forward(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* wt,
                   const float* bias, float* tile) {
    assert(ocvec_fits(g, out_channels));
    if (g.kernel == 5) forward_image<5>(g, out_channels, xp, wt, bias, tile);
    else forward_image<3>(g, out_channels, xp, wt, bias, tile);
}

void ocvec_weight_grad(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* dyt,
                       float* gwt) {
    assert(ocvec_fits(g, out_channels));
    if (g.kernel == 5) weight_grad_image<5>(g, out_channels, xp, dyt, gwt);
    else weight_grad_image<3>(g, out_channels, xp, dyt, gwt);
}

void transpose(const float* src, std::size_t rows, std::size_t cols, std::size_t ld_src, float* dst,
               std::size_t ld_dst, bool relu) {
    assert(rows >= 8 && cols >= 8);
    // The last block of each dimension overlaps the one before: the same values, written twice.
    for (std::size_t r = 0; r < rows; r += 8) {
        const std::size_t r0 = std::min(r, rows - 8);
        for (std::size_t c = 0; c < cols; c += 8) {
            const std::size_t c0 = std::min(c, cols - 8);
            transpose8(src + r0 * ld_src + c0, ld_src, dst + c0 * ld_dst + r0, ld_dst, relu);
        }
    }
}
#else
// Without AVX2+FMA ocvec_fits() is false and the layers take another kernel; these plain loops
// keep the functions whole (same results up to rounding) for any other caller.
void ocvec_forward(const ConvGeometry& g, std::size_t oc, const float* xp, const float* wt, const float* bias,
                   float* tile) {
    const std::size_t k = g.kernel, ph = g.padded_height(), pw = g.padded_width();
    for (std::size_t p = 0; p < g.col_cols(); ++p)
        for (std::size_t o = 0; o < oc; ++o) {
            const std::size_t oh = p / g.out_width, ow = p % g.out_width;
            float sum = bias ? bias[o] : 0.0f;
            for (std::size_t t = 0; t < g.col_rows(); ++t) {
                const std::size_t c = t / (k * k), i = t / k % k, j = t % k;
                sum += wt[t * oc + o] * xp[(c * ph + oh + i) * pw + ow + j];
            }
            tile[p * oc + o] = sum;
        }
}
void ocvec_weight_grad(const ConvGeometry& g, std::size_t oc, const float* xp, const float* dyt, float* gwt) {
    const std::size_t k = g.kernel, ph = g.padded_height(), pw = g.padded_width();
    for (std::size_t t = 0; t < g.col_rows(); ++t)
        for (std::size_t o = 0; o < oc; ++o) {
            const std::size_t c = t / (k * k), i = t / k % k, j = t % k;
            float sum = 0.0f;
            for (std::size_t p = 0; p < g.col_cols(); ++p)
                sum += dyt[p * oc + o] * xp[(c * ph + p / g.out_width + i) * pw + p % g.out_width + j];
            gwt[t * oc + o] += sum;
        }
}
void transpose(const float* src, std::size_t rows, std::size_t cols, std::size_t ld_src, float* dst,
               std::size_t ld_dst, bool relu) {
    for (std::size_t r = 0; r < rows; ++r)
        for (std::size_t c = 0; c < cols; ++c) {
            const float v = src[r * ld_src + c];
            dst[c * ld_dst + r] = relu && v < 0.0f ? 0.0f : v;
        }
}
#endif

}  // namespace trainctl
