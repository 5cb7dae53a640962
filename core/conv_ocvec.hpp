// Direct convolution vectorised over OUTPUT CHANNELS, for layers with few input channels and
// out-channels a multiple of 8 (LeNet's conv2: 6->16, 5x5, 14x14 -> 10x10). As a gemm it is
// M=16 (out channels) by K=150 by N=100 per image: sgemm spends as long packing and im2col
// unfolding as multiplying. Here each input value is broadcast against 8 or 16 out-channel
// weights (one or two AVX vectors) for a block of output positions along a row, all sums in
// registers across every tap, as ncnn's and XNNPACK's small-channel kernels do. The sums come out
// position-major ([position][out channel], a "tile"); transpose() turns them into NCHW.
// Stride 1 only; the caller pads the image. AVX2+FMA builds only (ocvec_available()).
#pragma once
#include <cstddef>

#include "core/im2col.hpp"

namespace trainctl {

// Out channels are taken 16 at a time (2 vectors), a last 8 alone.
constexpr std::size_t kOcvecLanes = 8;
// Output positions per register block: 5 positions x 2 vectors = 10 independent FMA chains,
// enough to hide the FMA latency (4 cycles, 2 per cycle) with room for the 2 weight vectors and
// a broadcast in the 16 registers. Rows narrower than this go elsewhere.
constexpr std::size_t kOcvecPositions = 5;

// Compiled with AVX2 and FMA (a -march=native build on such a machine).
bool ocvec_available();
// The kernel covers this layer: stride 1, kernel 3 or 5, out channels a multiple of 8, rows at
// least kOcvecPositions wide and at least 8 outputs per image (transpose()'s blocks).
bool ocvec_fits(const ConvGeometry& g, std::size_t out_channels);

// wt[(c,i,j)][o] = w[o][(c,i,j)]: the weights with the out channel innermost, once per step.
void ocvec_pack_weights(const ConvGeometry& g, std::size_t out_channels, const float* w, float* wt);
// tile[p][o] = bias[o] (0 without) + sum_{c,i,j} wt[(c,i,j)][o] * xp[c, oh+i, ow+j] for every
// output p = oh*OW + ow of one padded image xp.
void ocvec_forward(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* wt,
                   const float* bias, float* tile);
// gwt[(c,i,j)][o] += sum_p dyt[p][o] * xp[c, oh+i, ow+j]: the weight grad of one padded image,
// dy given position-major (dyt[p][o]).
void ocvec_weight_grad(const ConvGeometry& g, std::size_t out_channels, const float* xp, const float* dyt,
                       float* gwt);
// dst[c * ld_dst + r] = src[r * ld_src + c] for r < rows, c < cols (both at least 8), in 8x8
// blocks; with `relu`, max(v, 0) on the way, keeping NaN as core/relu.cpp does.
void transpose(const float* src, std::size_t rows, std::size_t cols, std::size_t ld_src, float* dst,
               std::size_t ld_dst, bool relu);

}  // namespace trainctl
