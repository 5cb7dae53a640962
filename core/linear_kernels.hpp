// The matrix products of Linear layers with AVX-512 register kernels, no packing.
//
// At the MLP's shapes (batch 32-64 per thread, 512-784 features) OpenBLAS repacks a whole weight
// matrix for every call and runs its AVX2 kernel (this machine's environment pins
// OPENBLAS_CORETYPE=Haswell): about 150-190 GFLOP/s on 2 cores, against 614 that the cores'
// 512-bit FMAs allow. A Linear layer's operands are already laid out for a register kernel:
// weight rows and input rows are contiguous along the features, so these read them in place.
//  - product_nt: C = A B^T as dot products (forward: x W^T), 4x6 sums of 16 lanes each.
//  - product_nn: C = op(A) B with B's rows as vectors (dx = dy W; with a transposed A the
//    weight grad dy^T x), 6 rows x 64 columns of sums.
// Each output is one sum in a fixed order (k in lane-strided order then a fixed reduction tree,
// or k in sequence), whatever block or thread computes it, so results depend on neither.
// On a CPU without AVX-512 (checked at run time) they call gemm().
#pragma once
#include <cstddef>

namespace trainctl {

// The AVX-512 kernels run here (AVX512F on this CPU; TRAINCTL_LINEAR_KERNELS=blas turns them off
// for comparison, read once).
bool linear_kernels_available();

// C[m,n] = beta*C + A[m,k] B[n,k]^T, beta 0 or 1; row strides lda, ldb, ldc.
void product_nt(std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda, const float* b,
                std::size_t ldb, float beta, float* c, std::size_t ldc);

// C[m,n] = beta*C + op(A)[m,k] B[k,n], beta 0 or 1, where op(A) is A [m,k] or, with trans_a,
// A^T for A stored [k,m]; row strides lda, ldb, ldc.
void product_nn(bool trans_a, std::size_t m, std::size_t n, std::size_t k, const float* a, std::size_t lda,
                const float* b, std::size_t ldb, float beta, float* c, std::size_t ldc);

}  // namespace trainctl
