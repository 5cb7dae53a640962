// AVX-512 register kernels for Linear's products (see the header). The kernels are compiled for
// AVX-512 by function attribute and called only after a run-time check, so one binary runs on any
// x86-64 and the sanitizer builds (no -march=native) test them too.
#include "core/linear_kernels.hpp"

#include <algorithm>
#include <array>

#include "core/gemm.hpp"

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define TRAINCTL_LINEAR_AVX512 1
#include "core/intrinsics.hpp"
#endif

namespace trainctl {

#ifdef TRAINCTL_LINEAR_AVX512
namespace {

#define AVX512_FN __attribute__((target("avx512f,fma")))

// Block sizes. nt: 4 rows of A against 6 rows of B, 24 sums of 16 lanes, plus 4 A vectors and a
// B vector: 29 of the 32 registers. nn: 6 rows of C by 4 vectors of 16 columns, 24 sums, 4 B
// vectors and a broadcast.
constexpr std::size_t kNtRows = 4, kNtCols = 6;
constexpr std::size_t kNnRows = 6, kNnVectors = 4, kLanes = 16;

AVX512_FN inline __mmask16 lanes_mask(std::size_t lanes) {
    return static_cast<__mmask16>(lanes >= kLanes ? 0xFFFFu : (1u << lanes) - 1u);
}

// The 16 lanes' sum by one fixed tree (halves, quarters, pairs, neighbours), all AVX512F.
// v, forced into a register: a vector several FMAs use is otherwise loaded again by each (GCC
// folds the load into every FMA as its memory operand; core/conv_direct does the same).
AVX512_FN inline __m512 in_register(__m512 v) {
    asm("" : "+v"(v));
    return v;
}

AVX512_FN inline float sum_lanes(__m512 v) {
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm512_add_ps(v, _mm512_shuffle_f32x4(v, v, _MM_SHUFFLE(2, 3, 0, 1)));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, _MM_SHUFFLE(1, 0, 3, 2)));
    v = _mm512_add_ps(v, _mm512_permute_ps(v, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm512_cvtss_f32(v);
}

// c[i][j] = beta*c + sum_p a[i][p] b[j][p] for an MR x NR block: lane l sums p = l, l+16, ...
// in order (the last vector masked), then one fixed reduction tree.
template <int MR, int NR>
AVX512_FN void nt_block(std::size_t k, const float* a, std::size_t lda, const float* b, std::size_t ldb, float beta,
                        float* c, std::size_t ldc) {
    __m512 acc[MR][NR];
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NR; ++j) acc[i][j] = _mm512_setzero_ps();
    std::size_t p = 0;
    for (; p + kLanes <= k; p += kLanes) {
        __m512 av[MR];
        for (int i = 0; i < MR; ++i) av[i] = _mm512_loadu_ps(a + i * lda + p);
        for (int j = 0; j < NR; ++j) {
            // Loaded once for MR FMAs, not MR times: 10 loads per 24 FMAs in the 4x6 block, not 28.
            const __m512 bv = in_register(_mm512_loadu_ps(b + j * ldb + p));
            for (int i = 0; i < MR; ++i) acc[i][j] = _mm512_fmadd_ps(av[i], bv, acc[i][j]);
        }
    }
    if (p < k) {
        const __mmask16 mask = lanes_mask(k - p);
        __m512 av[MR];
        for (int i = 0; i < MR; ++i) av[i] = _mm512_maskz_loadu_ps(mask, a + i * lda + p);
        for (int j = 0; j < NR; ++j) {
            const __m512 bv = _mm512_maskz_loadu_ps(mask, b + j * ldb + p);
            for (int i = 0; i < MR; ++i) acc[i][j] = _mm512_fmadd_ps(av[i], bv, acc[i][j]);
        }
    }
    for (int i = 0; i < MR; ++i)
        for (int j = 0; j < NR; ++j) {
            const float sum = sum_lanes(acc[i][j]);
            float& out = c[i * ldc + j];
            out = beta == 0.0f ? sum : out + sum;
        }
}

// Adds a block's sums into c (beta 1) or stores them (beta 0), the last vector masked.
AVX512_FN inline void store_sums(float* c, __m512 sum, __mmask16 mask, float beta) {
    if (beta != 0.0f) sum = _mm512_add_ps(_mm512_maskz_loadu_ps(mask, c), sum);
    _mm512_mask_storeu_ps(c, mask, sum);
}

// c[i][j] = beta*c + sum_p a(i,p) b[p][j] for MR rows by NV vectors of columns (the last one
// `last`-masked), p in sequence; a(i,p) = a[i*a_row + p*a_col]. Edge blocks: GCC keeps these
// sums in memory; the full block below keeps them in registers with the same arithmetic.
template <int MR, int NV>
AVX512_FN void nn_block(std::size_t k, const float* a, std::size_t a_row, std::size_t a_col, const float* b,
                        std::size_t ldb, __mmask16 last, float beta, float* c, std::size_t ldc) {
    __m512 acc[MR][NV];
    for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_setzero_ps();
    for (std::size_t p = 0; p < k; ++p) {
        __m512 bv[NV];
        for (int v = 0; v < NV - 1; ++v) bv[v] = _mm512_loadu_ps(b + p * ldb + v * kLanes);
        bv[NV - 1] = _mm512_maskz_loadu_ps(last, b + p * ldb + (NV - 1) * kLanes);
        for (int i = 0; i < MR; ++i) {
            const __m512 ai = _mm512_set1_ps(a[i * a_row + p * a_col]);
            for (int v = 0; v < NV; ++v) acc[i][v] = _mm512_fmadd_ps(ai, bv[v], acc[i][v]);
        }
    }
    for (int i = 0; i < MR; ++i)
        for (int v = 0; v < NV; ++v) store_sums(c + i * ldc + v * kLanes, acc[i][v], v == NV - 1 ? last : 0xFFFF, beta);
}

// The full 6 x 64 block, its 24 sums named so that they stay in registers.
AVX512_FN void nn_full_block(std::size_t k, const float* a, std::size_t a_row, std::size_t a_col, const float* b,
                             std::size_t ldb, float beta, float* c, std::size_t ldc) {
#define TRAINCTL_NN_ROW_SUMS(i) __m512 s##i##0 = zero, s##i##1 = zero, s##i##2 = zero, s##i##3 = zero
#define TRAINCTL_NN_ROW_FMAS(i)                                   \
    {                                                             \
        const __m512 ai = _mm512_set1_ps(a[(i) * a_row + p * a_col]); \
        s##i##0 = _mm512_fmadd_ps(ai, b0, s##i##0);               \
        s##i##1 = _mm512_fmadd_ps(ai, b1, s##i##1);               \
        s##i##2 = _mm512_fmadd_ps(ai, b2, s##i##2);               \
        s##i##3 = _mm512_fmadd_ps(ai, b3, s##i##3);               \
    }
#define TRAINCTL_NN_ROW_STORE(i)                                      \
    store_sums(c + (i) * ldc, s##i##0, 0xFFFF, beta);                  \
    store_sums(c + (i) * ldc + kLanes, s##i##1, 0xFFFF, beta);         \
    store_sums(c + (i) * ldc + 2 * kLanes, s##i##2, 0xFFFF, beta);     \
    store_sums(c + (i) * ldc + 3 * kLanes, s##i##3, 0xFFFF, beta)
    const __m512 zero = _mm512_setzero_ps();
    TRAINCTL_NN_ROW_SUMS(0); TRAINCTL_NN_ROW_SUMS(1); TRAINCTL_NN_ROW_SUMS(2);
    TRAINCTL_NN_ROW_SUMS(3); TRAINCTL_NN_ROW_SUMS(4); TRAINCTL_NN_ROW_SUMS(5);
    for (std::size_t p = 0; p < k; ++p) {
        const float* bp = b + p * ldb;
        const __m512 b0 = _mm512_loadu_ps(bp), b1 = _mm512_loadu_ps(bp + kLanes);
        const __m512 b2 = _mm512_loadu_ps(bp + 2 * kLanes), b3 = _mm512_loadu_ps(bp + 3 * kLanes);
        TRAINCTL_NN_ROW_FMAS(0) TRAINCTL_NN_ROW_FMAS(1) TRAINCTL_NN_ROW_FMAS(2)
        TRAINCTL_NN_ROW_FMAS(3) TRAINCTL_NN_ROW_FMAS(4) TRAINCTL_NN_ROW_FMAS(5)
    }
    TRAINCTL_NN_ROW_STORE(0); TRAINCTL_NN_ROW_STORE(1); TRAINCTL_NN_ROW_STORE(2);
    TRAINCTL_NN_ROW_STORE(3); TRAINCTL_NN_ROW_STORE(4); TRAINCTL_NN_ROW_STORE(5);
#undef TRAINCTL_NN_ROW_SUMS
#undef TRAINCTL_NN_ROW_FMAS
#undef TRAINCTL_NN_ROW_STORE
}

using NtBlock = void (*)(std::size_t, const float*, std::size_t, const float*, std::size_t, float, float*,
                         std::size_t);
using NnBlock = void (*)(std::size_t, const float*, std::size_t, std::size_t, const float*, std::size_t, __mmask16,
                         float, float*, std::size_t);

// Every block shape, so edge blocks run the same arithmetic as full ones: table[rows-1][cols-1].
template <int MR, int... NR>
constexpr std::array<NtBlock, sizeof...(NR)> nt_row() { return {&nt_block<MR, NR>...}; }
template <int MR, int... NV>
constexpr std::array<NnBlock, sizeof...(NV)> nn_row() { return {&nn_block<MR, NV>...}; }

const std::array<std::array<NtBlock, kNtCols>, kNtRows> kNtBlocks = {
    nt_row<1, 1, 2, 3, 4, 5, 6>(), nt_row<2, 1, 2, 3, 4, 5, 6>(), nt_row<3, 1, 2, 3, 4, 5, 6>(),
    nt_row<4, 1, 2, 3, 4, 5, 6>()};
const std::array<std::array<NnBlock, kNnVectors>, kNnRows> kNnBlocks = {
    nn_row<1, 1, 2, 3, 4>(), nn_row<2, 1, 2, 3, 4>(), nn_row<3, 1, 2, 3, 4>(),
    nn_row<4, 1, 2, 3, 4>(), nn_row<5, 1, 2, 3, 4>(), nn_row<6, 1, 2, 3, 4>()};

bool cpu_has_avx512() {
    static const bool has = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("fma");
    return has;
}

}  // namespace

bool linear_kernels_available() { return cpu_has_avx512(); }

void product_nt(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
                std::size_t ldb, float beta, float* c, std::size_t ldc) {
    if (!cpu_has_avx512()) return gemm(false, true, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
    // B's block of rows outermost: its kNtCols rows stay in L1 while A's rows stream past.
    for (std::size_t j = 0; j < n; j += kNtCols) {
        const std::size_t cols = std::min(kNtCols, n - j);
        for (std::size_t i = 0; i < m; i += kNtRows) {
            const std::size_t rows = std::min(kNtRows, m - i);
            kNtBlocks[rows - 1][cols - 1](k, a + i * lda, lda, b + j * ldb, ldb, beta, c + i * ldc + j, ldc);
        }
    }
}

void product_nn(bool trans_a, std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    if (!cpu_has_avx512()) return gemm(trans_a, false, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
    const std::size_t a_row = trans_a ? 1 : lda, a_col = trans_a ? lda : 1;
    constexpr std::size_t kBlockColumns = kNnVectors * kLanes;
    // B's k x 64 column slice outermost: it stays in cache while the row blocks of A pass.
    for (std::size_t j = 0; j < n; j += kBlockColumns) {
        const std::size_t cols = std::min(kBlockColumns, n - j);
        const std::size_t vectors = (cols + kLanes - 1) / kLanes;
        const __mmask16 last = lanes_mask(cols - (vectors - 1) * kLanes);
        for (std::size_t i = 0; i < m; i += kNnRows) {
            const std::size_t rows = std::min(kNnRows, m - i);
            if (rows == kNnRows && cols == kBlockColumns)
                nn_full_block(k, a + i * a_row, a_row, a_col, b + j, ldb, beta, c + i * ldc + j, ldc);
            else
                kNnBlocks[rows - 1][vectors - 1](k, a + i * a_row, a_row, a_col, b + j, ldb, last, beta,
                                                 c + i * ldc + j, ldc);
        }
    }
}

#else  // not x86-64 with GCC or clang: OpenBLAS does every product

bool linear_kernels_available() { return false; }

void product_nt(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
                std::size_t ldb, float beta, float* c, std::size_t ldc) {
    gemm(false, true, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

void product_nn(bool trans_a, std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc) {
    gemm(trans_a, false, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
}

#endif

}  // namespace trainctl
