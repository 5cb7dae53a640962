// The one matrix-product entry point: row-major cblas_sgemm on contiguous buffers.
#pragma once
#include <cblas.h>
#include <cstddef>
#include <cstring>

namespace trainctl {

// C[m,n] = alpha * op(A)[m,k] * op(B)[k,n] + beta * C, all row-major.
// lda/ldb/ldc are the row strides of A, B, C as stored (before op()).
inline void gemm(bool trans_a, bool trans_b, std::size_t m, std::size_t n, std::size_t k,
                 float alpha, const float* a, std::size_t lda, const float* b, std::size_t ldb,
                 float beta, float* c, std::size_t ldc) {
    // beta 0: C cleared here (row by row when strided) and accumulated with beta 1, which OpenBLAS does
    // without a clearing pass of its own. The same sums (its beta 0 also clears C, then adds),
    // but its clearing (sgemm_beta) ran at about a float per cycle: 6% of LeNet5's training step.
    if (beta == 0.0f) {
        if (ldc == n)
            std::memset(c, 0, m * n * sizeof(float));
        else
            for (std::size_t i = 0; i < m; ++i) std::memset(c + i * ldc, 0, n * sizeof(float));
        beta = 1.0f;
    }
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                static_cast<int>(m), static_cast<int>(n), static_cast<int>(k), alpha, a,
                static_cast<int>(lda), b, static_cast<int>(ldb), beta, c, static_cast<int>(ldc));
}

// Sets the thread count used by BLAS and by trainctl's own parallel loops.
void set_num_threads(int threads);
int num_threads();

}  // namespace trainctl
