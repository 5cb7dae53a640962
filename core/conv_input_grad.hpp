// The input grad of a stride-1 convolution whose input rows fit one 16-lane vector (LeNet's
// conv2: 6 channels of 14x14 from 16 of 10x10), computed directly instead of by gemm + col2im.
// As a gemm, dcol = W^T dy is 150x16 times 16x100 per image: K = 16 is too short for sgemm, and
// col2im then re-reads the 60 KB dcol to add it up. Here dx is the "full" correlation of dy with
// the kernel: every input row is one vector, summed over the out channels and taps in registers
// (2 rows x up to 6 channels, 12 independent sums) from rows of a zero-bordered copy of dy, so no
// branch tests a border and each dx float is written once. AVX-512 builds only (fits()).
#pragma once
#include <cstddef>

#include "core/im2col.hpp"

namespace trainctl {

// The kernel covers this layer: AVX-512 build, stride 1, kernel 3 or 5, padding < kernel, input
// rows of at most 16 floats and at least 2 of them.
bool rowvec_input_grad_fits(const ConvGeometry& g);
// Floats of the zero-bordered dy copy for `out_channels` channels (what rowvec_pad_dy() writes).
std::size_t rowvec_padded_dy_size(const ConvGeometry& g, std::size_t out_channels);
// Copies one image's dy (channel o's OH*OW outputs at dy + o * ld) into the interior of dyp, whose
// border must already be zero (it is never written).
void rowvec_pad_dy(const ConvGeometry& g, std::size_t out_channels, const float* dy, std::size_t ld, float* dyp);
// dx[c, y, x] = sum over o, i, j of w[o, c, i, j] * dy[o, y + padding - i, x + padding - j] (terms
// outside dy are 0), for one image: dyp from rowvec_pad_dy(), w [out, C, K, K], dx [C, H, W].
void rowvec_input_grad(const ConvGeometry& g, std::size_t out_channels, const float* dyp, const float* w, float* dx);

}  // namespace trainctl
