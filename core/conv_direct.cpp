// The direct convolution kernels (see the header).
#include "core/conv_direct.hpp"

#include <algorithm>
#include <cstring>

#ifdef __AVX512F__
#include "core/intrinsics.hpp"
#endif

namespace trainctl {

namespace {

constexpr std::size_t kLanes = kDirectLanes;
// One vector of kLanes floats (GCC/Clang vector extension): the compiler left plain fixed-size
// float loops here unvectorised, 3x slower than im2col + gemm.
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));
inline Vec load(const float* p) {
    Vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
}
inline void store(float* p, Vec v) { std::memcpy(p, &v, sizeof v); }
// v, forced into a register. A vector that several FMAs use is otherwise loaded again by each
// (GCC folds the load into every FMA as its memory operand): for these unaligned loads, most
// straddling two cache lines, that made the kernels load-bound at half the FMA rate.
inline Vec in_register(Vec v) {
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
    asm("" : "+v"(v));
#endif
    return v;
}

// The sum of a vector's lanes.
inline float lane_sum(Vec v) {
#ifdef __AVX512F__
    __m512 m;
    std::memcpy(&m, &v, sizeof m);
    return _mm512_reduce_add_ps(m);
#else
    float sum = 0.0f;
    for (std::size_t t = 0; t < kLanes; ++t) sum += v[t];
    return sum;
#endif
}

// Register blocks. The forward block is kRows output rows x kVectors vectors of a row x kOuts
// out channels: the out channels share each input vector, the rows and vectors each weight
// broadcast. The weight grad block is kGradOuts out channels x K taps of one kernel row.
// With AVX-512 (32 registers) the forward block takes all 6 of conv1's out channels over one
// row's two vectors, 12 sums: its input loads straddle two cache lines at most taps, so the
// fewer per FMA the better. Measured on conv1 (forward, one image, 1 thread, 3 rounds): 1.8-1.9
// us, against 3.6-3.8 for 2 channels x 4 rows x 2 vectors, 3.6 for 3 x 2 x 2 and 2.0 for
// 6 x 2 x 2. The weight grad block holds 3 x 5 = 15 sums. AVX2's 16 registers hold 4 and 10
// (the blocks before AVX-512, measured then).
#ifdef __AVX512F__
constexpr std::size_t kRows = 1;
constexpr std::size_t kVectors = 2;
constexpr std::size_t kOuts = 6;
constexpr std::size_t kGradOuts = 3;
#else
constexpr std::size_t kRows = 4;
constexpr std::size_t kVectors = 1;
constexpr std::size_t kOuts = 1;
constexpr std::size_t kGradOuts = 2;
#endif

// Out channels [o0, o0 + O), rows [r0, r0 + kRows), the vectors starting at columns c0[v].
template <std::size_t K, std::size_t O>
void forward_block(const ConvGeometry& g, std::size_t o0, const float* xp, const float* w, const float* bias,
                   bool relu, std::size_t r0, const std::size_t (&c0)[kVectors], float* y) {
    const std::size_t oh_n = g.out_height, ow_n = g.out_width, c_n = g.channels;
    const std::size_t ph = g.padded_height(), pw = g.padded_width();
    Vec acc[O][kRows][kVectors];
    for (std::size_t o = 0; o < O; ++o)
        for (std::size_t r = 0; r < kRows; ++r)
            for (std::size_t v = 0; v < kVectors; ++v) acc[o][r][v] = Vec{} + (bias ? bias[o0 + o] : 0.0f);
    for (std::size_t c = 0; c < c_n; ++c)
        for (std::size_t i = 0; i < K; ++i) {
            const float* src = xp + (c * ph + r0 + i) * pw;
            const float* wk = w + ((o0 * c_n + c) * K + i) * K;
            for (std::size_t j = 0; j < K; ++j) {
                // Scalars: `scalar * vector` broadcasts, where Vec{} + w would add 0 first.
                float wv[O];
                for (std::size_t o = 0; o < O; ++o) wv[o] = wk[o * c_n * K * K + j];
                for (std::size_t r = 0; r < kRows; ++r)
                    for (std::size_t v = 0; v < kVectors; ++v) {
                        const Vec xv = in_register(load(src + r * pw + c0[v] + j));
                        for (std::size_t o = 0; o < O; ++o) acc[o][r][v] += wv[o] * xv;
                    }
            }
        }
    for (std::size_t o = 0; o < O; ++o)
        for (std::size_t r = 0; r < kRows; ++r)
            for (std::size_t v = 0; v < kVectors; ++v) {
                Vec out = acc[o][r][v];
                if (relu) out = out < 0.0f ? Vec{} : out;  // per lane: NaN passes, as in core/relu.cpp
                store(y + ((o0 + o) * oh_n + r0 + r) * ow_n + c0[v], out);
            }
}

template <std::size_t K, std::size_t O>
void forward_outs(const ConvGeometry& g, std::size_t o0, const float* xp, const float* w, const float* bias,
                  bool relu, float* y) {
    const std::size_t oh_n = g.out_height, ow_n = g.out_width;
    // The last block of rows and the last vector of a row overlap the ones before: identical
    // sums, written twice.
    for (std::size_t row = 0; row < oh_n; row += kRows)
        for (std::size_t col = 0; col < ow_n; col += kVectors * kLanes) {
            std::size_t c0[kVectors];
            for (std::size_t v = 0; v < kVectors; ++v) c0[v] = std::min(col + v * kLanes, ow_n - kLanes);
            forward_block<K, O>(g, o0, xp, w, bias, relu, std::min(row, oh_n - kRows), c0, y);
        }
}

template <std::size_t K>
void forward_image(const ConvGeometry& g, std::size_t oc, const float* xp, const float* w, const float* bias,
                   bool relu, float* y) {
    std::size_t o = 0;
    for (; o + kOuts <= oc; o += kOuts) forward_outs<K, kOuts>(g, o, xp, w, bias, relu, y);
    for (; o < oc; ++o) forward_outs<K, 1>(g, o, xp, w, bias, relu, y);
}

// Out channels [o0, o0 + O), kernel row i of input channel c: O*K sums over every output, the O
// dy vectors of an output shared by the K taps, each input vector by the O channels.
template <std::size_t K, std::size_t O>
void weight_grad_block(const ConvGeometry& g, std::size_t o0, const float* xp, const float* dyp, std::size_t c,
                       std::size_t i, float* gw) {
    const std::size_t oh_n = g.out_height, c_n = g.channels, pw = g.padded_width();
    const std::size_t owp = direct_dy_row(g.out_width), plane = oh_n * owp;
    Vec acc[O][K] = {};
    // One loop over all the vectors of dy, stepping rows by hand: nested, the short loop along a
    // row (2 vectors for conv1) spent as long on its own bookkeeping as on the sums.
    const float* d = dyp + o0 * plane;
    const float* src = xp + (c * g.padded_height() + i) * pw;
    std::size_t ow = 0, rows_left = oh_n;
    do {
        Vec dv[O];
        for (std::size_t o = 0; o < O; ++o) dv[o] = load(d + o * plane + ow);
        for (std::size_t j = 0; j < K; ++j) {
            const Vec xv = in_register(load(src + ow + j));
            for (std::size_t o = 0; o < O; ++o) acc[o][j] += dv[o] * xv;
        }
        ow += kLanes;
        if (ow == owp) {
            ow = 0;
            d += owp;
            src += pw;
            --rows_left;
        }
    } while (rows_left != 0);
    for (std::size_t o = 0; o < O; ++o)
        for (std::size_t j = 0; j < K; ++j) gw[(((o0 + o) * c_n + c) * K + i) * K + j] += lane_sum(acc[o][j]);
}

template <std::size_t K>
void weight_grad_image(const ConvGeometry& g, std::size_t oc, const float* xp, const float* dyp, float* gw) {
    for (std::size_t c = 0; c < g.channels; ++c)
        for (std::size_t i = 0; i < K; ++i) {
            std::size_t o = 0;
            for (; o + kGradOuts <= oc; o += kGradOuts) weight_grad_block<K, kGradOuts>(g, o, xp, dyp, c, i, gw);
            for (; o < oc; ++o) weight_grad_block<K, 1>(g, o, xp, dyp, c, i, gw);
        }
}

}  // namespace

bool direct_fits(const ConvGeometry& g) {
    // The same layers on any build: AVX2's 4-row blocks need 4 rows.
    return (g.kernel == 3 || g.kernel == 5) && g.stride == 1 && g.out_height >= 4 && g.out_width >= 16;
}

void direct_forward(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* w,
                    const float* bias, bool relu, float* y) {
    if (g.kernel == 5) forward_image<5>(g, out_channels, xp, w, bias, relu, y);
    else forward_image<3>(g, out_channels, xp, w, bias, relu, y);
}

void direct_weight_grad(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* dyp,
                        float* gw) {
    if (g.kernel == 5) weight_grad_image<5>(g, out_channels, xp, dyp, gw);
    else weight_grad_image<3>(g, out_channels, xp, dyp, gw);
}

}  // namespace trainctl
